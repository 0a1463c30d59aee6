package scoring_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// TestEqualBidsDoNotFlipAtZero is DESIGN.md's rule 10 example: three bids of
// equal quality, price weighing 30% with the relative formula. Quality 3 on
// 1–5 is 50 points for all; prices 2100, 2300 and 2700 score 100, 2100/2300
// = 91.30… and 2100/2700 = 77.77…. At a price weight of 0 the three tie at
// 50, and at a quality weight of 1 too: a tie at an endpoint is no flip, so
// no weight change puts anybody ahead of a, although rounding puts both
// crossings a few ulps inside 0…1.
func TestEqualBidsDoNotFlipAtZero(t *testing.T) {
	res := evaluate(t, `{"criteria": [{"key": "quality", "weight": 7}, {"key": "price", "weight": 3, "metric": {"better": "lower"}}],
	 "options": {"award_threshold": 0},
	 "vendors": [{"key": "a", "ratings": {"e": {"quality": 3}}, "metrics": {"price": 2100}},
	             {"key": "b", "ratings": {"e": {"quality": 3}}, "metrics": {"price": 2300}},
	             {"key": "c", "ratings": {"e": {"quality": 3}}, "metrics": {"price": 2700}}]}`)
	for _, k := range []string{"quality", "price"} {
		if got := sensitivity(res, k); got != "none" {
			t.Errorf("%s: flip %s, want none", k, got)
		}
	}
	if got, want := codes(res), "close_call stable robustness"; got != want {
		t.Errorf("reasons = %s, want %s", got, want)
	}
}

// TestRankReversalWorkedExample: removing the last-ranked vendor changes the
// leader. Quality (0–100 scale) and price (relative, lower is better) weigh
// half each.
//
//	with c:    price reference 60 (c's)
//	  a: 0.5·90 + 0.5·(60/200·100 = 30)  = 60
//	  b: 0.5·68 + 0.5·(60/120·100 = 50)  = 59
//	  c: 0.5·10 + 0.5·100                = 55   (last)
//	without c: price reference 120 (b's)
//	  a: 0.5·90 + 0.5·(120/200·100 = 60) = 75
//	  b: 0.5·68 + 0.5·100                = 84   b now leads
//
// Removing a or b changes nobody's score: neither holds the reference.
func TestRankReversalWorkedExample(t *testing.T) {
	const model = `{"scale": {"min": 0, "max": 100}, "options": {"award_threshold": 50},
	 "criteria": [{"key": "quality", "weight": 1}, {"key": "price", "name": "Price", "weight": 1, "metric": {"better": "lower"}}],
	 "vendors": [{"key": "a", "ratings": {"e": {"quality": 90}}, "metrics": {"price": 200}},
	             {"key": "b", "ratings": {"e": {"quality": 68}}, "metrics": {"price": 120}},
	             {"key": "c", "ratings": {"e": {"quality": 10}}, "metrics": {"price": 60}}]}`
	res := evaluate(t, model)
	if got, want := ranking(res), "a:1 b:2 c:3"; got != want {
		t.Fatalf("ranking = %s, want %s", got, want)
	}
	for key, want := range map[string]float64{"a": 60, "b": 59, "c": 55} {
		if got := res.Vendor(key).Score; got != want {
			t.Errorf("%s: score %v, want %v", key, got, want)
		}
	}
	want := []scoring.RankReversal{{Removed: "c", Pairs: [][2]string{{"b", "a"}}, Leader: "b"}}
	if !reflect.DeepEqual(res.RankReversals, want) {
		t.Errorf("rank reversals = %+v, want %+v", res.RankReversals, want)
	}
	var reason *scoring.Reason
	for i, r := range res.Recommendation.Reasons {
		if r.Code == scoring.ReasonRankReversal {
			reason = &res.Recommendation.Reasons[i]
		}
	}
	if reason == nil || reason.Removed.Key != "c" || reason.Vendor.Key != "a" || reason.RunnerUp.Key != "b" ||
		!reflect.DeepEqual(reason.Criteria, []scoring.Ref{{Key: "price", Name: "Price"}}) {
		t.Errorf("rank-reversal reason = %+v, want c removed, a leading, b instead, through price", reason)
	}

	// The same bids with price anchored: nobody's score depends on the field.
	anchored := decode(t, model)
	best, worst := 50.0, 250.0
	anchored.Criteria[1].Metric.Best, anchored.Criteria[1].Metric.Worst = &best, &worst
	got, err := scoring.Evaluate(anchored)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.RankReversals) != 0 || strings.Contains(codes(got), "rank_reversal") {
		t.Errorf("anchored: rank reversals %+v, reasons %s; want none and no rank-reversal reason", got.RankReversals, codes(got))
	}
}

// TestRankReversalOfTheLeaderHasNoReason: the leader's own withdrawal
// obviously changes the leader; it is listed when it reorders the others,
// but it is no reason.
func TestRankReversalOfTheLeaderHasNoReason(t *testing.T) {
	// With a (price 50, the reference): b = 0.5·70 + 0.5·50 = 60,
	// c = 0.5·62 + 0.5·(50/90·100) = 58.77…; without a, reference 90:
	// b = 35 + 0.5·(90/100·100) = 80, c = 31 + 50 = 81: c passes b.
	res := evaluate(t, `{"scale": {"min": 0, "max": 100},
	 "criteria": [{"key": "quality", "weight": 1}, {"key": "price", "weight": 1, "metric": {"better": "lower"}}],
	 "vendors": [{"key": "a", "ratings": {"e": {"quality": 100}}, "metrics": {"price": 50}},
	             {"key": "b", "ratings": {"e": {"quality": 70}}, "metrics": {"price": 100}},
	             {"key": "c", "ratings": {"e": {"quality": 62}}, "metrics": {"price": 90}}]}`)
	want := []scoring.RankReversal{{Removed: "a", Pairs: [][2]string{{"c", "b"}}, Leader: "c"}}
	if !reflect.DeepEqual(res.RankReversals, want) {
		t.Errorf("rank reversals = %+v, want %+v", res.RankReversals, want)
	}
	for _, r := range res.Recommendation.Reasons {
		if r.Code == scoring.ReasonRankReversal {
			t.Errorf("a rank-reversal reason for the leader's own withdrawal: %+v", r)
		}
	}
}

// TestValueForMoneyWorkedExample: quality weighs 3, price 1 with anchors,
// so a vendor's benefit (its score without price) is its quality rating on
// the 0–100 scale.
//
//	vendor  cost  benefit  frontier
//	a       2000  80       yes (tied with c: exact ties both stay)
//	b       2500  70       no  (a costs less and gives more)
//	c       2000  80       yes
//	d       2800  90       yes (nobody gives more)
//	e       1500  60       yes (nobody costs less)
//	f       2200  80       no  (a gives as much for less)
//	g       3500  95       absent: knocked out by the limit of 3000
//	h       —     99       absent: no price figure
func TestValueForMoneyWorkedExample(t *testing.T) {
	res := evaluate(t, `{"scale": {"min": 0, "max": 100}, "options": {"cost_criterion": "price"},
	 "criteria": [{"key": "quality", "weight": 3}, {"key": "price", "weight": 1, "metric": {"better": "lower", "best": 1000, "worst": 4000, "limit": 3000}}],
	 "vendors": [{"key": "a", "ratings": {"e": {"quality": 80}}, "metrics": {"price": 2000}},
	             {"key": "b", "ratings": {"e": {"quality": 70}}, "metrics": {"price": 2500}},
	             {"key": "c", "ratings": {"e": {"quality": 80}}, "metrics": {"price": 2000}},
	             {"key": "d", "ratings": {"e": {"quality": 90}}, "metrics": {"price": 2800}},
	             {"key": "e", "ratings": {"e": {"quality": 60}}, "metrics": {"price": 1500}},
	             {"key": "f", "ratings": {"e": {"quality": 80}}, "metrics": {"price": 2200}},
	             {"key": "g", "ratings": {"e": {"quality": 95}}, "metrics": {"price": 3500}},
	             {"key": "h", "ratings": {"e": {"quality": 99}}}]}`)
	vfm := res.ValueForMoney
	if vfm == nil || vfm.CostCriterion != "price" {
		t.Fatalf("value for money = %+v, want one on price", vfm)
	}
	got := map[string]scoring.ValuePoint{}
	for _, p := range vfm.Points {
		got[p.Vendor] = p
	}
	want := map[string]scoring.ValuePoint{
		"a": {"a", 2000, 80, true}, "b": {"b", 2500, 70, false}, "c": {"c", 2000, 80, true},
		"d": {"d", 2800, 90, true}, "e": {"e", 1500, 60, true}, "f": {"f", 2200, 80, false},
	}
	if len(got) != len(want) {
		t.Errorf("points for %d vendors, want %d: %+v", len(got), len(want), vfm.Points)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g.Cost != w.Cost || !near(g.Benefit, w.Benefit, 1e-9) || g.Frontier != w.Frontier {
			t.Errorf("%s: %+v, want %+v", k, g, w)
		}
	}
}

func TestValueForMoneyDoesNotApply(t *testing.T) {
	tests := map[string]string{
		"NoCostCriterion": `{"criteria": [{"key": "q", "weight": 1}, {"key": "price", "weight": 1, "metric": {"better": "lower"}}],
		  "vendors": [{"key": "a", "ratings": {"e": {"q": 3}}, "metrics": {"price": 10}}]}`,
		"NoVendorWithTheFigure": `{"options": {"cost_criterion": "price"}, "criteria": [{"key": "q", "weight": 1}, {"key": "price", "weight": 1, "metric": {"better": "lower"}}],
		  "vendors": [{"key": "a", "ratings": {"e": {"q": 3}}}]}`,
		"OnlyKnockedOutVendorsHaveIt": `{"options": {"cost_criterion": "price"}, "criteria": [{"key": "q", "weight": 1}, {"key": "price", "weight": 1, "metric": {"better": "lower", "limit": 5}}],
		  "vendors": [{"key": "a", "ratings": {"e": {"q": 3}}, "metrics": {"price": 10}}, {"key": "b", "ratings": {"e": {"q": 3}}}]}`,
		"PriceCarriesAllTheWeight": `{"options": {"cost_criterion": "price"}, "criteria": [{"key": "q", "weight": 0}, {"key": "price", "weight": 1, "metric": {"better": "lower"}}],
		  "vendors": [{"key": "a", "ratings": {"e": {"q": 3}}, "metrics": {"price": 10}}]}`,
	}
	for name, model := range tests {
		t.Run(name, func(t *testing.T) {
			if res := evaluate(t, model); res.ValueForMoney != nil {
				t.Errorf("value for money = %+v, want nil", res.ValueForMoney)
			}
		})
	}
}

// TestRobustnessAnalytic checks the sampled share against a probability
// computed by hand. Two top-level leaves x and y weigh 1 and 1.2; vendor a
// has 100 on x and 0 on y, vendor b the reverse. With factors f, g drawn
// uniformly from [0.75, 1.25] (spread 0.25), a leads exactly when
// 1·f > 1.2·g. In the (g, f) square of side 0.5 that is the triangle with
// corners (0.75, 0.9), (0.75, 1.25) and (1.25/1.2, 1.25): legs 0.35 = 7/20
// and 1.25/1.2 − 0.75 = 7/24, area ½·7/20·7/24 = 49/960. Divided by the
// square's area 1/4: P(a leads) = 49/240 = 0.2041…, and b leads otherwise
// (a tie has probability 0).
func TestRobustnessAnalytic(t *testing.T) {
	res := evaluate(t, `{"scale": {"min": 0, "max": 100},
	 "criteria": [{"key": "x", "weight": 1}, {"key": "y", "weight": 1.2}],
	 "vendors": [{"key": "a", "ratings": {"e": {"x": 100, "y": 0}}}, {"key": "b", "ratings": {"e": {"x": 0, "y": 100}}}]}`)
	rob := res.Robustness
	if rob == nil || rob.Samples != 2000 || rob.Spread != 0.25 || len(rob.Acceptability) != 2 {
		t.Fatalf("robustness = %+v, want the defaults, for two vendors", rob)
	}
	shares := map[string]float64{}
	for _, a := range rob.Acceptability {
		shares[a.Vendor] = a.Share
	}
	if got, want := shares["a"], 49.0/240; !near(got, want, 0.03) {
		t.Errorf("a leads in %v of the samples, want %v ± 0.03", got, want)
	}
	if got, want := shares["b"], 1-49.0/240; !near(got, want, 0.03) {
		t.Errorf("b leads in %v of the samples, want %v ± 0.03", got, want)
	}
	if got := rob.Acceptability[0].Vendor; got != "b" {
		t.Errorf("acceptability starts with %s, want b, the leader (rank order)", got)
	}
}

// TestRobustnessCategoriesMove: the factors apply to every weight of the
// tree, categories included. Two categories of one leaf each are the same
// case as TestRobustnessAnalytic; within a category, a leaf alone takes the
// category's whole weight whatever its own factor.
func TestRobustnessCategoriesMove(t *testing.T) {
	res := evaluate(t, `{"scale": {"min": 0, "max": 100}, "options": {"robustness": {"samples": 4000}},
	 "criteria": [{"key": "gx", "weight": 1, "children": [{"key": "x", "weight": 7}]}, {"key": "gy", "weight": 1.2, "children": [{"key": "y", "weight": 0.1}]}],
	 "vendors": [{"key": "a", "ratings": {"e": {"x": 100, "y": 0}}}, {"key": "b", "ratings": {"e": {"x": 0, "y": 100}}}]}`)
	if got, want := res.Robustness.Acceptability[1].Share, 49.0/240; res.Robustness.Acceptability[1].Vendor != "a" || !near(got, want, 0.03) {
		t.Errorf("acceptability = %+v, want a at %v ± 0.03", res.Robustness.Acceptability, want)
	}
}

func TestRobustnessOptions(t *testing.T) {
	const two = `{"scale": {"min": 0, "max": 100}, "options": {"award_threshold": 0, "robustness": %s},
	 "criteria": [{"key": "x", "weight": 1}, {"key": "y", "weight": 1}],
	 "vendors": [{"key": "a", "ratings": {"e": {"x": 60, "y": 50}}}, {"key": "b", "ratings": {"e": {"x": 50, "y": 55}}}]}`
	if res := evaluate(t, sprintfModel(two, `{"samples": 0}`)); res.Robustness != nil || codes(res) != "close_call nearest_flip" {
		t.Errorf("samples 0: robustness %+v, reasons %s; want nil and no robustness reason", res.Robustness, codes(res))
	}
	// Spread 0: every sample is the set weighting, which a leads.
	res := evaluate(t, sprintfModel(two, `{"samples": 10, "spread": 0}`))
	if want := []scoring.Acceptability{{Vendor: "a", Share: 1}, {Vendor: "b", Share: 0}}; res.Robustness == nil || !reflect.DeepEqual(res.Robustness.Acceptability, want) {
		t.Errorf("spread 0: robustness %+v, want a always", res.Robustness)
	}
	// A dead heat at every weighting splits each sample evenly.
	res = evaluate(t, `{"criteria": [{"key": "x", "weight": 1}], "vendors": [{"key": "a", "ratings": {"e": {"x": 3}}}, {"key": "b", "ratings": {"e": {"x": 3}}}]}`)
	if want := []scoring.Acceptability{{Vendor: "a", Share: 0.5}, {Vendor: "b", Share: 0.5}}; !reflect.DeepEqual(res.Robustness.Acceptability, want) {
		t.Errorf("dead heat: acceptability %+v, want %+v", res.Robustness.Acceptability, want)
	}
	// Nobody eligible: nothing to share.
	res = evaluate(t, `{"criteria": [{"key": "x", "weight": 1, "min_rating": 4}], "vendors": [{"key": "a", "ratings": {"e": {"x": 3}}}]}`)
	if res.Robustness != nil {
		t.Errorf("all knocked out: robustness %+v, want nil", res.Robustness)
	}
}

// TestConsensus: the panel's value replaces the mean for the score and the
// knock-outs (rule 11), while raters and spread still describe the ratings.
func TestConsensus(t *testing.T) {
	res := evaluate(t, `{"criteria": [{"key": "fit", "weight": 1, "min_rating": 3}, {"key": "tech", "weight": 1}],
	 "vendors": [
	   {"key": "a", "ratings": {"e": {"fit": 2, "tech": 3}, "f": {"fit": 4, "tech": 3}}, "consensus": {"fit": {"value": 5, "reason": "References confirmed"}}},
	   {"key": "b", "ratings": {"e": {"fit": 4, "tech": 5}, "f": {"fit": 4, "tech": 5}}, "consensus": {"fit": {"value": 2, "reason": "Site visit"}}},
	   {"key": "c", "ratings": {"e": {"tech": 4}}, "consensus": {"fit": {"value": 3, "reason": "Agreed without ratings"}}}]}`)
	fit := leaf(t, res, "a", "fit")
	// Mean 3 and disputed (spread 2 is half of 1–5); the consensus 5 is 100 points.
	if !fit.Consensus || fit.Value != 5 || fit.Normalized != 100 || fit.Raters != 2 || fit.Spread != 2 || fit.Disputed {
		t.Errorf("a/fit = %+v, want consensus 5 (100 points), 2 raters, spread 2, not disputed", fit)
	}
	if got := res.Vendor("a").Score; got != 75 {
		t.Errorf("a: score %v, want (100 + 50)/2 = 75", got)
	}
	// b's mean 4 passes the minimum of 3; the consensus 2 does not.
	b := res.Vendor("b")
	if b.Eligible || len(b.KnockOuts) != 1 || b.KnockOuts[0].Value != 2 || b.Rank != 0 {
		t.Errorf("b = eligible %v, rank %d, knock-outs %+v; want knocked out on the consensus 2", b.Eligible, b.Rank, b.KnockOuts)
	}
	// A consensus on a leaf nobody rated makes it present.
	if c := leaf(t, res, "c", "fit"); !c.Consensus || c.Missing || c.Raters != 0 || c.Value != 3 {
		t.Errorf("c/fit = %+v, want the consensus 3, present, no raters", c)
	}
	if got := leaf(t, res, "a", "tech"); got.Consensus {
		t.Errorf("a/tech = %+v, want no consensus", got)
	}
}
