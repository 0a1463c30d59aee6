package scoring_test

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// twoLeaves is a model with two equally weighted rated leaves x and y on a
// 0–100 scale, so that a rating is its own normalized value; %s is the vendors.
const twoLeaves = `{"scale": {"min": 0, "max": 100},
 "criteria": [{"key": "x", "name": "Ex", "weight": 1}, {"key": "y", "name": "Why", "weight": 1}],
 "vendors": [%s]}`

func vendorsXY(vs ...string) string {
	out := ""
	for i := 0; i+2 < len(vs); i += 3 {
		if out != "" {
			out += ","
		}
		out += `{"key": "` + vs[i] + `", "ratings": {"e": {"x": ` + vs[i+1] + `, "y": ` + vs[i+2] + `}}}`
	}
	return out
}

func sprintfModel(format string, args ...string) string {
	anys := make([]any, len(args))
	for i, a := range args {
		anys[i] = a
	}
	return fmt.Sprintf(format, anys...)
}

func TestEvaluateRules(t *testing.T) {
	tests := map[string]struct {
		model string
		check func(t *testing.T, res *scoring.Result)
	}{
		"OneVendor": {
			model: `{"criteria": [{"key": "q", "weight": 1}], "vendors": [{"key": "acme", "ratings": {"alice": {"q": 4}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := res.Vendors[0].Score, 75.0; got != want {
					t.Errorf("score = %v, want %v", got, want)
				}
				if got, want := decision(res), `award vendor="acme" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := codes(res), "sole_eligible"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
				if got, want := sensitivity(res, "q"), "absent"; got != want {
					t.Errorf("sensitivity of a leaf weighing 1 = %s, want %s", got, want)
				}
			},
		},
		"NoVendors": {
			model: `{"criteria": [{"key": "q", "weight": 1}], "vendors": []}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `no_award vendor="" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := codes(res), "no_vendors"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
			},
		},
		"TiesShareARankAndListByKey": {
			model: sprintfModel(twoLeaves, vendorsXY("b", "80", "60", "c", "50", "50", "a", "80", "60")),
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := ranking(res), "a:1 b:1 c:3"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
				if got, want := decision(res), `close_call vendor="a" runner_up="b" margin=0`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"AllTied": {
			model: sprintfModel(twoLeaves, vendorsXY("c", "70", "70", "a", "70", "70", "b", "70", "70")),
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := ranking(res), "a:1 b:1 c:1"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
				if got, want := decision(res), `close_call vendor="a" runner_up="b" margin=0`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := codes(res), "close_call stable robustness"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
			},
		},
		"EqualTotalsFromDifferentSumsTie": {
			// Both total 20 points, but summed in binary a's thirds come to
			// 19.999999999999996: still a tie, and still at the threshold.
			model: `{"scale": {"min": 0, "max": 100}, "options": {"award_threshold": 20},
			 "criteria": [{"key": "x", "weight": 1}, {"key": "y", "weight": 1}, {"key": "z", "weight": 1}],
			 "vendors": [{"key": "b", "ratings": {"e": {"x": 20, "y": 20, "z": 20}}},
			             {"key": "a", "ratings": {"e": {"x": 0, "y": 1, "z": 59}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if res.Vendors[0].Score == res.Vendors[1].Score {
					t.Fatalf("the case needs scores that differ in their last bits, got %v twice", res.Vendors[0].Score)
				}
				if got, want := ranking(res), "a:1 b:1"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
				if got, want := decision(res), `close_call vendor="a" runner_up="b" margin=0`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"AllKnockedOut": {
			model: `{"criteria": [{"key": "q", "name": "Quality", "weight": 1, "min_rating": 3}],
			 "vendors": [{"key": "a", "ratings": {"e": {"q": 2}}}, {"key": "b", "ratings": {"e": {"q": 1}, "f": {"q": 2}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := ranking(res), "a:-(out) b:-(out)"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
				if got, want := decision(res), `no_award vendor="" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := codes(res), "all_knocked_out knocked_out knocked_out"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
				want := []scoring.KnockOut{{Criterion: scoring.Ref{Key: "q", Name: "Quality"}, Rule: scoring.RuleMinRating, Value: 1.5, Threshold: 3}}
				if got := res.Recommendation.Reasons[2].KnockOuts; !reflect.DeepEqual(got, want) {
					t.Errorf("b's knock-outs = %+v, want %+v", got, want)
				}
				if got, want := res.Recommendation.Reasons[0].Count, 2; got != want {
					t.Errorf("count = %d, want %d", got, want)
				}
				if got, want := sensitivity(res, "q"), "absent"; got != want {
					t.Errorf("sensitivity = %s, want %s", got, want)
				}
			},
		},
		"KnockedOutLeaderIsNeverRanked": {
			model: `{"criteria": [{"key": "q", "weight": 1}, {"key": "price", "weight": 1, "metric": {"better": "lower", "unit": "EUR", "limit": 3000}}],
			 "vendors": [{"key": "a", "ratings": {"e": {"q": 5}}, "metrics": {"price": 3000.5}},
			             {"key": "b", "ratings": {"e": {"q": 4}}, "metrics": {"price": 3000}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := ranking(res), "b:1 a:-(out)"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
				if got, want := decision(res), `award vendor="b" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				want := []scoring.KnockOut{{Criterion: scoring.Ref{Key: "price"}, Rule: scoring.RuleLimit, Value: 3000.5, Threshold: 3000, Unit: "EUR", Better: scoring.Lower}}
				if got := res.Vendor("a").KnockOuts; !reflect.DeepEqual(got, want) {
					t.Errorf("knock-outs = %+v, want %+v", got, want)
				}
				if got, want := codes(res), "sole_eligible knocked_out"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
			},
		},
		"LimitOnAHigherMetric": {
			model: `{"criteria": [{"key": "fcr", "weight": 1, "metric": {"better": "higher", "unit": "%", "limit": 90}}],
			 "vendors": [{"key": "a", "metrics": {"fcr": 89}}, {"key": "b", "metrics": {"fcr": 90}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := ranking(res), "b:1 a:-(out)"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
			},
		},
		"MinRatingAppliesToTheAggregatedValue": {
			model: `{"criteria": [{"key": "q", "weight": 1, "min_rating": 3}],
			 "vendors": [{"key": "low", "ratings": {"e": {"q": 2}, "f": {"q": 3}}},
			             {"key": "ok", "ratings": {"e": {"q": 3}, "f": {"q": 3}}},
			             {"key": "one", "ratings": {"e": {"q": 1}, "f": {"q": 5}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := ranking(res), "ok:1 one:1 low:-(out)"; got != want {
					t.Errorf("ranking = %s, want %s", got, want)
				}
			},
		},
		"MissingRating": {
			model: sprintfModel(twoLeaves, `{"key": "a", "ratings": {"e": {"x": 100}}}, {"key": "b", "ratings": {"e": {"x": 40, "y": 40}}}`),
			check: func(t *testing.T, res *scoring.Result) {
				a := res.Vendor("a")
				if got, want := a.Score, 50.0; got != want {
					t.Errorf("score = %v, want %v", got, want)
				}
				if got, want := a.Completeness, 0.5; got != want {
					t.Errorf("completeness = %v, want %v", got, want)
				}
				if y := leaf(t, res, "a", "y"); !y.Missing || y.Contribution != 0 || y.Raters != 0 {
					t.Errorf("y = %+v, want missing, contributing 0, no raters", y)
				}
				if got, want := decision(res), `incomplete vendor="a" runner_up="b" margin=10`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := codes(res), "incomplete missing_data"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
				if got, want := res.Recommendation.Reasons[1].Criteria, []scoring.Ref{{Key: "y", Name: "Why"}}; !reflect.DeepEqual(got, want) {
					t.Errorf("missing = %v, want %v", got, want)
				}
			},
		},
		"MissingMeasurement": {
			model: `{"criteria": [{"key": "q", "weight": 3}, {"key": "asa", "weight": 1, "metric": {"better": "lower", "best": 10, "worst": 60}}],
			 "vendors": [{"key": "a", "ratings": {"e": {"q": 5}}}, {"key": "b", "ratings": {"e": {"q": 5}}, "metrics": {"asa": 60}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := res.Vendor("a").Completeness, 0.75; got != want {
					t.Errorf("completeness = %v, want %v", got, want)
				}
				if got, want := leaf(t, res, "a", "asa").Missing, true; got != want {
					t.Errorf("missing = %v, want %v", got, want)
				}
				if got, want := decision(res), `incomplete vendor="a" runner_up="b" margin=0`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"MissingDataOfAKnockedOutVendorDoesNotHoldTheDecision": {
			model: `{"criteria": [{"key": "q", "weight": 1, "min_rating": 2}, {"key": "r", "weight": 1}],
			 "vendors": [{"key": "a", "ratings": {"e": {"q": 5, "r": 5}}}, {"key": "b", "ratings": {"e": {"q": 1}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `award vendor="a" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"Mean": {
			model: `{"criteria": [{"key": "q", "weight": 1}], "vendors": [{"key": "a", "ratings": {"alice": {"q": 4}, "bob": {"q": 3}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				q := leaf(t, res, "a", "q")
				if q.Value != 3.5 || q.Normalized != 62.5 || q.Raters != 2 || q.Spread != 1 || q.Disputed {
					t.Errorf("q = %+v, want value 3.5, normalized 62.5, 2 raters, spread 1, not disputed", q)
				}
			},
		},
		"MedianOfAnOddCount": {
			model: `{"criteria": [{"key": "q", "weight": 1}], "options": {"aggregation": "median"},
			 "vendors": [{"key": "a", "ratings": {"e1": {"q": 5}, "e2": {"q": 1}, "e3": {"q": 4}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := leaf(t, res, "a", "q").Value, 4.0; got != want {
					t.Errorf("median = %v, want %v", got, want)
				}
			},
		},
		"MedianOfAnEvenCount": {
			model: `{"criteria": [{"key": "q", "weight": 1}], "options": {"aggregation": "median"},
			 "vendors": [{"key": "a", "ratings": {"e1": {"q": 5}, "e2": {"q": 1}, "e3": {"q": 3}, "e4": {"q": 2}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				q := leaf(t, res, "a", "q")
				if got, want := q.Value, 2.5; got != want {
					t.Errorf("median = %v, want %v (the mean of the middle two)", got, want)
				}
				if got, want := q.Normalized, 37.5; got != want {
					t.Errorf("normalized = %v, want %v", got, want)
				}
				if !q.Disputed || q.Spread != 4 {
					t.Errorf("spread = %v, disputed = %v, want 4, true", q.Spread, q.Disputed)
				}
			},
		},
		"ZeroWeightInsideAGroup": {
			model: `{"criteria": [
			   {"key": "g", "weight": 1, "children": [{"key": "z", "weight": 0}, {"key": "k", "weight": 2}]},
			   {"key": "o", "weight": 1}],
			 "vendors": [{"key": "a", "ratings": {"e": {"k": 5, "o": 3}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				z := leaf(t, res, "a", "z")
				if z.Weight != 0 || !z.Missing || z.Contribution != 0 {
					t.Errorf("z = %+v, want weight 0, missing, contributing 0", z)
				}
				if got, want := leaf(t, res, "a", "k").Weight, 0.5; got != want {
					t.Errorf("k's weight = %v, want %v", got, want)
				}
				if got, want := res.Vendors[0].Completeness, 1.0; got != want {
					t.Errorf("completeness = %v, want %v: a leaf of weight 0 costs nothing", got, want)
				}
				if got, want := res.Vendors[0].Score, 75.0; got != want {
					t.Errorf("score = %v, want %v", got, want)
				}
				if got, want := sensitivity(res, "z"), "absent"; got != want {
					t.Errorf("sensitivity of a weight-0 leaf = %s, want %s", got, want)
				}
				if got, want := decision(res), `award vendor="a" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"MeasuredWithBestAndWorstLowerIsBetter": {
			model: `{"criteria": [{"key": "asa", "weight": 1, "metric": {"better": "lower", "best": 10, "worst": 60}}],
			 "vendors": [{"key": "mid", "metrics": {"asa": 25}}, {"key": "beyond_best", "metrics": {"asa": 5}},
			             {"key": "beyond_worst", "metrics": {"asa": 80}}, {"key": "worst", "metrics": {"asa": 60}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				for vendor, want := range map[string]float64{"mid": 70, "beyond_best": 100, "beyond_worst": 0, "worst": 0} {
					if got := leaf(t, res, vendor, "asa").Normalized; got != want {
						t.Errorf("%s: normalized = %v, want %v", vendor, got, want)
					}
				}
			},
		},
		"MeasuredWithBestAndWorstHigherIsBetter": {
			model: `{"criteria": [{"key": "csat", "weight": 1, "metric": {"better": "higher", "best": 100, "worst": 50}}],
			 "vendors": [{"key": "mid", "metrics": {"csat": 75}}, {"key": "beyond_best", "metrics": {"csat": 120}},
			             {"key": "beyond_worst", "metrics": {"csat": 40}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				for vendor, want := range map[string]float64{"mid": 50, "beyond_best": 100, "beyond_worst": 0} {
					if got := leaf(t, res, vendor, "csat").Normalized; got != want {
						t.Errorf("%s: normalized = %v, want %v", vendor, got, want)
					}
				}
			},
		},
		"MeasuredRelativeLowerIsBetter": {
			model: `{"criteria": [{"key": "price", "weight": 1, "metric": {"better": "lower"}}],
			 "vendors": [{"key": "a", "metrics": {"price": 2000}}, {"key": "b", "metrics": {"price": 2500}},
			             {"key": "c", "metrics": {"price": 4000}}, {"key": "none"}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				for vendor, want := range map[string]float64{"a": 100, "b": 80, "c": 50} {
					if got := leaf(t, res, vendor, "price").Normalized; got != want {
						t.Errorf("%s: normalized = %v, want %v", vendor, got, want)
					}
				}
				if p := leaf(t, res, "none", "price"); !p.Missing || p.Contribution != 0 {
					t.Errorf("a vendor without the figure: %+v, want missing and 0", p)
				}
			},
		},
		"MeasuredRelativeHigherIsBetter": {
			model: `{"criteria": [{"key": "fcr", "weight": 1, "metric": {"better": "higher"}}],
			 "vendors": [{"key": "a", "metrics": {"fcr": 50}}, {"key": "b", "metrics": {"fcr": 40}}, {"key": "c", "metrics": {"fcr": 0}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				for vendor, want := range map[string]float64{"a": 100, "b": 80, "c": 0} {
					if got := leaf(t, res, vendor, "fcr").Normalized; got != want {
						t.Errorf("%s: normalized = %v, want %v", vendor, got, want)
					}
				}
			},
		},
		"MarginExactlyAtCloseCallMargin": {
			model: sprintfModel(twoLeaves, vendorsXY("a", "80", "80", "b", "77", "77")),
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `award vendor="a" runner_up="b" margin=3`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := codes(res), "clear_lead stable robustness"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
			},
		},
		"MarginAtCloseCallMarginAfterRounding": {
			model: `{"scale": {"min": 0, "max": 100},
			 "criteria": [{"key": "x", "weight": 1}, {"key": "y", "weight": 1}, {"key": "z", "weight": 1}],
			 "vendors": [{"key": "a", "ratings": {"e": {"x": 70.1, "y": 70.2, "z": 70.3}}},
			             {"key": "b", "ratings": {"e": {"x": 67.1, "y": 67.2, "z": 67.3}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := res.Recommendation.Decision, scoring.Award; got != want {
					t.Errorf("decision = %s (margin %v), want %s", got, *res.Recommendation.Margin, want)
				}
			},
		},
		"MarginJustUnderCloseCallMargin": {
			model: sprintfModel(twoLeaves, vendorsXY("a", "80", "80", "b", "77.5", "77.5")),
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `close_call vendor="a" runner_up="b" margin=2.5`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				if got, want := res.Recommendation.Reasons[0].CloseCallMargin, 3.0; got != want {
					t.Errorf("close-call margin in the reason = %v, want %v", got, want)
				}
			},
		},
		"LeaderExactlyAtAwardThreshold": {
			model: sprintfModel(twoLeaves, vendorsXY("a", "60", "60", "b", "50", "50")),
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `award vendor="a" runner_up="b" margin=10`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"LeaderJustUnderAwardThreshold": {
			model: sprintfModel(twoLeaves, vendorsXY("a", "59", "60", "b", "50", "50")),
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `no_award vendor="" runner_up="" margin=null`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
				r := res.Recommendation.Reasons[0]
				if r.Code != scoring.ReasonBelowThreshold || r.Vendor.Key != "a" || r.Score != 59.5 || r.AwardThreshold != 60 {
					t.Errorf("reason = %+v, want below_threshold naming a at 59.5 against 60", r)
				}
			},
		},
		"OwnAwardThresholdAndCloseCallMargin": {
			model: `{"scale": {"min": 0, "max": 100}, "criteria": [{"key": "x", "weight": 1}],
			 "options": {"award_threshold": 50, "close_call_margin": 10},
			 "vendors": [{"key": "a", "ratings": {"e": {"x": 55}}}, {"key": "b", "ratings": {"e": {"x": 46}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if got, want := decision(res), `close_call vendor="a" runner_up="b" margin=9`; got != want {
					t.Errorf("decision = %s, want %s", got, want)
				}
			},
		},
		"Disagreement": {
			model: `{"criteria": [{"key": "p", "name": "Policies", "weight": 1}, {"key": "c", "weight": 1}],
			 "vendors": [{"key": "a", "ratings": {"e": {"p": 5, "c": 4}, "f": {"p": 3, "c": 5}}},
			             {"key": "b", "ratings": {"e": {"p": 1, "c": 3}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				if p := leaf(t, res, "a", "p"); p.Spread != 2 || !p.Disputed {
					t.Errorf("p = %+v, want spread 2 (half the scale) and disputed", p)
				}
				if c := leaf(t, res, "a", "c"); c.Spread != 1 || c.Disputed {
					t.Errorf("c = %+v, want spread 1, not disputed", c)
				}
				if c := leaf(t, res, "b", "p"); c.Spread != 0 || c.Disputed || c.Raters != 1 {
					t.Errorf("a single rating = %+v, want spread 0, not disputed", c)
				}
				if got, want := codes(res), "clear_lead disputed stable robustness"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
				if got, want := res.Recommendation.Reasons[1].Criteria, []scoring.Ref{{Key: "p", Name: "Policies"}}; !reflect.DeepEqual(got, want) {
					t.Errorf("disputed = %v, want %v", got, want)
				}
			},
		},
		"SensitivityWithNoPossibleFlip": {
			model: sprintfModel(twoLeaves, vendorsXY("a", "80", "80", "b", "50", "60")),
			check: func(t *testing.T, res *scoring.Result) {
				for _, c := range []string{"x", "y"} {
					if got, want := sensitivity(res, c), "none"; got != want {
						t.Errorf("%s: sensitivity = %s, want %s", c, got, want)
					}
				}
			},
		},
		"SensitivityFlipsBelowAndAbove": {
			// a = 70, b = 65. b overtakes when x weighs less than 3/7, or y more
			// than 4/7: S_b(t) − S_a(t) = 30 − 70t on x, 70t − 40 on y.
			model: sprintfModel(twoLeaves, vendorsXY("a", "80", "60", "b", "40", "90")),
			check: func(t *testing.T, res *scoring.Result) {
				for _, s := range res.Sensitivity {
					want := map[string]float64{"x": 3.0 / 7, "y": 4.0 / 7}[s.Criterion]
					if s.FlipWeight == nil || !near(*s.FlipWeight, want, 1e-12) || s.NewLeader != "b" || s.Weight != 0.5 {
						t.Errorf("%s: sensitivity = %s (weight %v), want a flip at %v to b", s.Criterion, sensitivity(res, s.Criterion), s.Weight, want)
					}
				}
				if got, want := codes(res), "clear_lead nearest_flip robustness"; got != want {
					t.Errorf("reasons = %s, want %s", got, want)
				}
				if r := res.Recommendation.Reasons[1]; r.Criterion.Key != "x" || r.Vendor.Key != "b" || !near(r.FlipWeight, 3.0/7, 1e-12) || r.Weight != 0.5 {
					t.Errorf("nearest flip = %+v, want x at 3/7 to b (the first of two equally near)", r)
				}
			},
		},
		"SensitivityOfATieIsTheCurrentWeight": {
			model: sprintfModel(twoLeaves, vendorsXY("a", "80", "60", "b", "60", "80")),
			check: func(t *testing.T, res *scoring.Result) {
				for _, c := range []string{"x", "y"} {
					if got, want := sensitivity(res, c), "0.500000→b"; got != want {
						t.Errorf("%s: sensitivity = %s, want %s", c, got, want)
					}
				}
			},
		},
		"SensitivityNamesTheVendorThatLeadsBeyondTheFlip": {
			// b and c both catch up with a when x weighs 3/7; below that c,
			// whose score rises faster as x loses weight, leads.
			model: sprintfModel(twoLeaves, vendorsXY("a", "80", "60", "b", "40", "90", "c", "32", "96")),
			check: func(t *testing.T, res *scoring.Result) {
				if got := sensitivity(res, "x"); got != "0.428571→b" && got != "0.428571→c" {
					t.Fatalf("x: sensitivity = %s, want a flip at 3/7", got)
				}
				s := res.Sensitivity[0]
				if got, want := s.NewLeader, "c"; got != want {
					t.Errorf("new leader = %s, want %s", got, want)
				}
			},
		},
		"SensitivityNeedsTwoEligibleVendors": {
			model: `{"scale": {"min": 0, "max": 100},
			 "criteria": [{"key": "x", "weight": 1, "min_rating": 50}, {"key": "y", "weight": 1}],
			 "vendors": [{"key": "a", "ratings": {"e": {"x": 60, "y": 60}}}, {"key": "b", "ratings": {"e": {"x": 40, "y": 100}}}]}`,
			check: func(t *testing.T, res *scoring.Result) {
				for _, c := range []string{"x", "y"} {
					if got, want := sensitivity(res, c), "none"; got != want {
						t.Errorf("%s: sensitivity = %s, want %s", c, got, want)
					}
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.check(t, evaluate(t, tc.model))
		})
	}
}

func TestEffectiveWeights(t *testing.T) {
	m := decode(t, `{"criteria": [
	  {"key": "quality", "weight": 60, "children": [
	    {"key": "policies", "name": "Policies & procedures", "weight": 20, "min_rating": 3},
	    {"key": "fit", "weight": 20, "children": [{"key": "culture", "weight": 1}, {"key": "language", "weight": 3}]}]},
	  {"key": "price", "weight": 40, "metric": {"better": "lower"}}],
	 "vendors": []}`)
	got := m.Leaves()
	want := []scoring.Leaf{
		{Key: "policies", Name: "Policies & procedures", Weight: 0.3, Path: []string{"quality"}, MinRating: m.Criteria[0].Children[0].MinRating},
		{Key: "culture", Weight: 0.075, Path: []string{"quality", "fit"}},
		{Key: "language", Weight: 0.225, Path: []string{"quality", "fit"}},
		{Key: "price", Weight: 0.4, Path: []string{}, Metric: m.Criteria[1].Metric},
	}
	if len(got) != len(want) {
		t.Fatalf("Leaves() = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Key != w.Key || g.Name != w.Name || !near(g.Weight, w.Weight, 1e-15) || len(g.Path) != len(w.Path) ||
			(len(w.Path) > 0 && !reflect.DeepEqual(g.Path, w.Path)) || g.MinRating != w.MinRating || g.Metric != w.Metric {
			t.Errorf("leaf %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestHugeWeightsDoNotOverflow(t *testing.T) {
	res := evaluate(t, `{"criteria": [{"key": "x", "weight": 1e308}, {"key": "y", "weight": 1e308}],
	  "vendors": [{"key": "a", "ratings": {"e": {"x": 5, "y": 1}}}]}`)
	if got, want := res.Vendors[0].Score, 50.0; got != want {
		t.Errorf("score = %v, want %v", got, want)
	}
}

func TestWhatIfOnAClone(t *testing.T) {
	m := decode(t, sprintfModel(twoLeaves, vendorsXY("a", "80", "60", "b", "40", "90")))
	before, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	whatIf := m.Clone()
	whatIf.Find("y").Weight = 3
	whatIf.Vendors[0].Ratings["e"]["x"] = 0
	after, err := scoring.Evaluate(whatIf)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := after.Recommendation.Vendor, "b"; got != want {
		t.Errorf("leader with y weighing 75%% = %s, want %s", got, want)
	}
	again, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, again) {
		t.Errorf("changing the clone changed the original model")
	}
	if m.Find("nope") != nil {
		t.Errorf("Find found a criterion that does not exist")
	}
}

func TestScoreIsTheSumOfContributions(t *testing.T) {
	res := evaluate(t, `{"criteria": [
	  {"key": "q", "weight": 60, "children": [{"key": "p", "weight": 20}, {"key": "c", "weight": 15}]},
	  {"key": "price", "weight": 20, "metric": {"better": "lower"}},
	  {"key": "asa", "weight": 20, "metric": {"better": "lower", "best": 10, "worst": 60}}],
	 "vendors": [{"key": "acme", "ratings": {"alice": {"p": 4, "c": 5}, "bob": {"p": 3}}, "metrics": {"price": 2100, "asa": 25}},
	             {"key": "beta", "ratings": {"alice": {"p": 5, "c": 2}}, "metrics": {"price": 1900, "asa": 40}}]}`)
	for _, v := range res.Vendors {
		sum := 0.0
		for _, c := range v.Criteria {
			sum += c.Contribution
			if !c.Missing && !near(c.Contribution, c.Weight*c.Normalized, 0) {
				t.Errorf("%s/%s: contribution %v ≠ weight %v × normalized %v", v.Key, c.Key, c.Contribution, c.Weight, c.Normalized)
			}
		}
		if !near(sum, v.Score, 1e-12) || math.IsNaN(v.Score) {
			t.Errorf("%s: score %v ≠ Σ contributions %v", v.Key, v.Score, sum)
		}
	}
}

// TestMeanDoesNotDependOnTheEvaluators: whatever evaluator gives which
// rating, the mean is the same to the last bit, for ratings in tenths (which
// a float64 sums differently in different orders) as for whole and half
// points (which it sums exactly in any order).
func TestMeanDoesNotDependOnTheEvaluators(t *testing.T) {
	for _, ratings := range [][]float64{{0.1, 0.7, 0.2, 0.9, 0.3, 0.6}, {1, 4.5, 2, 5, 3.5, 3}} {
		var first *scoring.CriterionResult
		for shift := range ratings {
			m := &scoring.Model{Scale: &scoring.Scale{Min: 0, Max: 5}, Criteria: []scoring.Criterion{{Key: "x", Weight: 1}},
				Vendors: []scoring.Vendor{{Key: "v", Ratings: map[string]map[string]float64{}}}}
			for i := range ratings {
				m.Vendors[0].Ratings[fmt.Sprintf("e%d", i)] = map[string]float64{"x": ratings[(i+shift)%len(ratings)]}
			}
			res, err := scoring.Evaluate(m)
			if err != nil {
				t.Fatal(err)
			}
			c := res.Vendors[0].Criteria[0]
			if first == nil {
				first = &c
				continue
			}
			if c.Value != first.Value || c.Spread != first.Spread || c.Raters != len(ratings) {
				t.Errorf("%v shifted by %d: value %v spread %v raters %d, first %v %v", ratings, shift, c.Value, c.Spread, c.Raters, first.Value, first.Spread)
			}
		}
	}
}
