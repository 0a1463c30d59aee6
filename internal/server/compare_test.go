package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// loadDemo loads the demo data set and returns its manager, signed in, and
// the ids of the open and the closed evaluation.
func (a *app) loadDemo() (mgr *client, open, closed int64) {
	a.t.Helper()
	ctx := context.Background()
	svc := a.demoServices()
	if _, err := demo.Load(ctx, svc, demo.Small); err != nil {
		a.t.Fatal(err)
	}
	list, _, err := a.evaluations.FindEvaluations(a.adminCtx(), bpo.EvaluationFilter{})
	if err != nil {
		a.t.Fatal(err)
	}
	for _, e := range list {
		if e.Status == bpo.StatusOpen {
			open = e.ID
		} else if e.Status == bpo.StatusClosed {
			closed = e.ID
		}
	}
	mgr = a.anonymous()
	if res := mgr.post("/login", url.Values{"email": {"manager@demo.test"}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("demo manager sign-in: status %d", res.StatusCode)
	}
	return mgr, open, closed
}

func evaluationPath(id int64, suffix string) string {
	return "/evaluations/" + strconv.FormatInt(id, 10) + suffix
}

// apiResult is the part of the result JSON the comparison must agree with.
type apiResult struct {
	Vendors []struct {
		Key      string  `json:"key"`
		Rank     int     `json:"rank"`
		Score    float64 `json:"score"`
		Eligible bool    `json:"eligible"`
	} `json:"vendors"`
	Recommendation struct {
		Decision string  `json:"decision"`
		Vendor   *string `json:"vendor"`
	} `json:"recommendation"`
}

func (c *client) result(t *testing.T, id int64) apiResult {
	t.Helper()
	res := c.get("/api/v1" + evaluationPath(id, "/result"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("result: status %d", res.StatusCode)
	}
	var r apiResult
	if err := json.Unmarshal([]byte(res.body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// columns are the vendor keys of the comparison table, left to right.
func columns(d *goquery.Document) []string {
	var keys []string
	d.Find("[data-testid=compare-table] thead th[data-vendor]").Each(func(_ int, s *goquery.Selection) {
		keys = append(keys, s.AttrOr("data-vendor", ""))
	})
	return keys
}

func TestComparePage(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	res := mgr.get(evaluationPath(open, "/compare"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	d := res.doc(t)
	want := mgr.result(t, open)

	t.Run("ShortlistInRankOrder", func(t *testing.T) {
		var shortlist []string
		for _, v := range want.Vendors {
			if strings.Contains("atlas carthage luzon teranga", strings.SplitN(v.Key, "-", 2)[0]) {
				shortlist = append(shortlist, v.Key)
			}
		}
		if got := columns(d); strings.Join(got, " ") != strings.Join(shortlist, " ") {
			t.Errorf("columns %v, want the shortlist in rank order %v", got, shortlist)
		}
		if n := d.Find("[data-testid=vendor-choice] input[type=checkbox]").Length(); n != len(want.Vendors) {
			t.Errorf("%d vendors to choose from, want the %d not rejected", n, len(want.Vendors))
		}
	})
	t.Run("TotalsAreTheEngine's", func(t *testing.T) {
		for _, v := range want.Vendors {
			cell := d.Find(fmt.Sprintf("[data-testid=totals] td[data-vendor=%q] [data-testid=score]", v.Key))
			if cell.Length() == 0 {
				continue
			}
			if got, want := cell.Text(), strconv.FormatFloat(v.Score, 'f', 2, 64); got != want {
				t.Errorf("%s: total %s, want %s", v.Key, got, want)
			}
			rank := d.Find(fmt.Sprintf("[data-testid=ranks] td[data-vendor=%q] [data-testid=rank]", v.Key)).Text()
			if rank != explain.Rank(i18n.EN, v.Rank) {
				t.Errorf("%s: rank %s, want %d", v.Key, rank, v.Rank)
			}
			knocked := d.Find(fmt.Sprintf("[data-testid=eligibility] td[data-vendor=%q] [data-testid=knocked-out]", v.Key)).Length() > 0
			if knocked == v.Eligible {
				t.Errorf("%s: knocked-out badge %v, eligible %v", v.Key, knocked, v.Eligible)
			}
		}
		if d.Find("[data-testid=knocked-out]").Length() != 1 {
			t.Error("the demo's knocked-out vendor has no badge")
		}
	})
	t.Run("BestOfEachRow", func(t *testing.T) {
		rows := 0
		d.Find("[data-testid=compare-table] tbody tr[data-criterion]").Each(func(_ int, tr *goquery.Selection) {
			rows++
			best, values := -1.0, map[int]float64{}
			tr.Find("td[data-vendor]").Each(func(i int, td *goquery.Selection) {
				n := td.Find("[data-testid=normalized]")
				if n.Length() == 0 {
					return
				}
				v, err := strconv.ParseFloat(strings.Fields(n.Text())[0], 64)
				if err != nil {
					t.Fatal(err)
				}
				values[i] = v
				best = max(best, v)
			})
			tr.Find("td[data-vendor]").Each(func(i int, td *goquery.Selection) {
				v, ok := values[i]
				if got, want := td.HasClass("best"), ok && v == best && len(values) > 1; got != want {
					t.Errorf("%s, column %d (%v): best %v, want %v", tr.AttrOr("data-criterion", ""), i, v, got, want)
				}
			})
		})
		if rows != 13 {
			t.Errorf("%d criteria rows, want 13", rows)
		}
		if d.Find("td.best").Length() == 0 {
			t.Error("no best value highlighted")
		}
	})
	t.Run("CategorySubtotals", func(t *testing.T) {
		if n := d.Find("tr.category").Length(); n != 3 {
			t.Errorf("%d categories, want 3", n)
		}
		if n := d.Find("[data-testid=subtotal]").Length(); n != 3*4 {
			t.Errorf("%d subtotals, want 12", n)
		}
	})
	t.Run("ConsensusAndDrillDown", func(t *testing.T) {
		// The demo's one disputed rating was settled at moderation: the cell
		// is marked as a consensus, and nothing is left disputed.
		if d.Find("[data-testid=consensus-cell]").Length() != 1 || d.Find("[data-testid=disputed]").Length() != 0 {
			t.Errorf("%d consensus cells and %d disputed, want 1 and 0",
				d.Find("[data-testid=consensus-cell]").Length(), d.Find("[data-testid=disputed]").Length())
		}
		if got := text(d, "[data-testid=unmoderated-count]"); !strings.Contains(got, "0") {
			t.Errorf("unmoderated count %q, want 0", got)
		}
		cell := d.Find("[data-testid=consensus-cell]").Closest("td").Find("[data-testid=drill]").AttrOr("data-hx-get", "")
		consensus := mgr.get(cell).doc(t)
		if !strings.Contains(text(consensus, "[data-testid=drilldown-consensus]"), "4") ||
			!strings.Contains(text(consensus, "[data-testid=drilldown-consensus-reason]"), "tone briefing") ||
			consensus.Find("[data-testid=rating-lines] li").Length() != 4 {
			t.Errorf("consensus drill-down: %q", consensus.Text())
		}
		drill := d.Find("[data-testid=drill]").First().AttrOr("data-hx-get", "")
		if drill == "" {
			t.Fatal("no drill-down")
		}
		lines := mgr.get(drill).doc(t).Find("[data-testid=rating-lines] li")
		if lines.Length() == 0 || !strings.Contains(lines.Text(), "—") {
			t.Errorf("drill-down: %d ratings: %q", lines.Length(), lines.Text())
		}
	})
	t.Run("Recommendation", func(t *testing.T) {
		panel := d.Find("[data-testid=recommendation]")
		if !panel.HasClass("decision-" + want.Recommendation.Decision) {
			t.Errorf("panel classes %q, want decision %s", panel.AttrOr("class", ""), want.Recommendation.Decision)
		}
		if text(d, "[data-testid=margin]") == "" || d.Find("[data-testid=reasons] li").Length() == 0 {
			t.Error("no margin or no reasons")
		}
		if s := text(d, "[data-testid=sensitivity] li"); !strings.Contains(s, " would lead if ") {
			t.Errorf("sensitivity = %q", s)
		}
	})
	t.Run("Charts", func(t *testing.T) {
		for _, id := range []string{"radar", "bars"} {
			svg := d.Find("[data-testid=" + id + "] svg")
			if svg.Length() != 1 || svg.Find("title").Length() == 0 || svg.Find("desc").Length() == 0 {
				t.Errorf("%s: %d svg, accessible name missing", id, svg.Length())
			}
		}
		// The demo has three categories: grouped bars stand in for a radar.
		if n := d.Find("[data-testid=radar] svg text.legend").Length(); n != 4 {
			t.Errorf("the category chart names %d vendors, want one per vendor compared (4)", n)
		}
	})
	t.Run("French", func(t *testing.T) {
		mgr.post("/preferences/lang", url.Values{"lang": {"fr"}})
		fr := mgr.get(evaluationPath(open, "/compare")).doc(t)
		if got := text(fr, "h1"); got != "Comparaison" {
			t.Errorf("h1 = %q", got)
		}
		if s := text(fr, "[data-testid=sensitivity] li"); !strings.Contains(s, " passerait en tête si ") {
			t.Errorf("sensibilité = %q", s)
		}
		mgr.post("/preferences/lang", url.Values{"lang": {"en"}})
	})
}

func TestCompareChoice(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	all := mgr.result(t, open).Vendors
	last, first := all[len(all)-1].Key, all[0].Key

	t.Run("TheVendorsInTheURL", func(t *testing.T) {
		d := mgr.get(evaluationPath(open, "/compare?vendor="+last+"&vendor="+first)).doc(t)
		if got := columns(d); strings.Join(got, " ") != first+" "+last {
			t.Errorf("columns %v, want %s then %s (rank order)", got, first, last)
		}
		if d.Find("[data-testid=compare-notice]").Length() != 0 {
			t.Error("a notice for a good choice")
		}
	})
	t.Run("FewerThanTwo", func(t *testing.T) {
		d := mgr.get(evaluationPath(open, "/compare?vendor="+first+"&vendor=no-such-vendor")).doc(t)
		if text(d, "[data-testid=compare-notice]") == "" || len(columns(d)) != 4 {
			t.Errorf("notice %q, columns %v: want the notice and the shortlist", text(d, "[data-testid=compare-notice]"), columns(d))
		}
	})
}

func TestCompareAccess(t *testing.T) {
	a := newApp(t)
	_, open, closed := a.loadDemo()
	evaluator := a.anonymous()
	evaluator.post("/login", url.Values{"email": {"evaluator@demo.test"}, "password": {demo.Password}})
	mgr := a.signIn("other-manager@example.test", bpo.RoleManager)
	policies := strconv.FormatInt(a.weightIDs(open)["policies"].ID, 10)

	for _, tc := range []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"EvaluatorRefused", evaluator, evaluationPath(open, "/compare"), http.StatusForbidden},
		{"EvaluatorRefusedDrillDown", evaluator, evaluationPath(open, "/compare/ratings?vendor=x&criterion=policies"), http.StatusForbidden},
		{"AnonymousSignsIn", a.anonymous(), evaluationPath(open, "/compare"), http.StatusSeeOther},
		{"MissingEvaluation", mgr, evaluationPath(1<<40, "/compare"), http.StatusNotFound},
		{"ClosedEvaluation", mgr, evaluationPath(closed, "/compare"), http.StatusOK},
		{"UnknownCriterion", mgr, evaluationPath(open, "/compare/ratings?vendor=atlas-relation-client&criterion=nope"), http.StatusNotFound},
		{"MeasuredHasNoRatings", mgr, evaluationPath(open, "/compare/ratings?vendor=atlas-relation-client&criterion=price"), http.StatusNotFound},
		{"WeightNotANumber", mgr, evaluationPath(open, "/compare?w_"+policies+"=abc"), http.StatusUnprocessableEntity},
		{"NegativeWeight", mgr, evaluationPath(open, "/compare?w_"+policies+"=-1"), http.StatusUnprocessableEntity},
		{"WeightOfAnotherEvaluation", mgr, evaluationPath(open, "/compare?w_999999=5"), http.StatusConflict},
		{"MalformedWeightField", mgr, evaluationPath(open, "/compare?w_x=5"), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := tc.c.get(tc.path); res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
		})
	}
}

// weightIDs maps criterion keys to ids for an evaluation.
func (a *app) weightIDs(id int64) map[string]*bpo.Criterion {
	a.t.Helper()
	list, err := a.criteria.FindCriteria(a.adminCtx(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	m := map[string]*bpo.Criterion{}
	for _, c := range list {
		m[c.Key] = c
	}
	return m
}

func TestCompareWhatIf(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	crit := a.weightIDs(open)
	price := "w_" + strconv.FormatInt(crit["cost"].ID, 10)
	page := mgr.get(evaluationPath(open, "/compare")).doc(t)
	stored := map[string]float64{}
	for k, c := range crit {
		stored[k] = c.Weight
	}

	before := a.roundTrips(t, "GET", "/evaluations/{evaluationID}/compare")
	res := mgr.get(evaluationPath(open, "/compare?"+price+"=90"), "HX-Request", "true")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, res.body)
	}
	if trips := a.roundTrips(t, "GET", "/evaluations/{evaluationID}/compare") - before; trips > 3 {
		t.Errorf("a what-if re-rank made %v round trips, want at most 3", trips)
	}
	if strings.Contains(res.body, "<html") || !strings.Contains(res.body, `id="compare-results"`) {
		t.Fatal("htmx should get the results alone")
	}
	d := res.doc(t)
	if d.Find("[data-testid=whatif]").Length() != 1 {
		t.Error("no what-if notice")
	}
	if got := d.Find(`output[data-hx-swap-oob]`).Length(); got != len(crit) {
		t.Errorf("%d shares updated, want %d", got, len(crit))
	}
	if got := text(d, "#share-"+strconv.FormatInt(crit["cost"].ID, 10)); !strings.Contains(got, "52.9%") {
		t.Errorf("cost share = %q, want 52.9%% of the total (90 of 170)", got)
	}
	// The ranks shown are the engine's for the model with that weight.
	model, err := scoring.Decode(strings.NewReader(mgr.get("/api/v1" + evaluationPath(open, "/model")).body))
	if err != nil {
		t.Fatal(err)
	}
	model.Find("cost").Weight = 90
	after, err := scoring.Evaluate(model)
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, key := range columns(d) {
		got := d.Find(fmt.Sprintf("[data-testid=ranks] td[data-vendor=%q] [data-testid=rank]", key)).Text()
		if want := explain.Rank(i18n.EN, after.Vendor(key).Rank); got != want {
			t.Errorf("%s: rank %s under the what-if, want %s", key, got, want)
		}
		changed = changed || got != page.Find(fmt.Sprintf("[data-testid=ranks] td[data-vendor=%q] [data-testid=rank]", key)).Text()
	}
	if !changed {
		t.Error("making cost weigh 60% changed no rank: the test proves nothing")
	}
	if got := d.Find("[data-testid=recommendation]").HasClass("decision-" + string(after.Recommendation.Decision)); !got {
		t.Errorf("recommendation is not %s", after.Recommendation.Decision)
	}
	for k, c := range a.weightIDs(open) {
		if c.Weight != stored[k] {
			t.Errorf("%s: the what-if saved weight %v (stored %v)", k, c.Weight, stored[k])
		}
	}

	t.Run("UseTheseWeights", func(t *testing.T) {
		form := url.Values{}
		d.Find("[data-testid=use-weights] input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
			form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
		})
		res := mgr.post(evaluationPath(open, "/weights"), form)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), evaluationPath(open, "/compare")) {
			t.Fatalf("status %d to %q: %s", res.StatusCode, res.Header.Get("Location"), res.body)
		}
		if got := a.weightIDs(open)["cost"].Weight; got != 90 {
			t.Errorf("stored cost weight %v, want 90", got)
		}
		history := mgr.get(evaluationPath(open, "/history")).doc(t)
		if !strings.Contains(history.Text(), "Weight changed") {
			t.Error("the change made while open is not in the history")
		}
	})
}

// roundTrips reads the SQL round trips counted so far for a route.
func (a *app) roundTrips(t *testing.T, method, route string) float64 {
	t.Helper()
	res := a.anonymous().get("/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics: status %d", res.StatusCode)
	}
	prefix := fmt.Sprintf(`bpoeval_http_sql_round_trips_total{method=%q,route=%q} `, method, route)
	sc := bufio.NewScanner(strings.NewReader(res.body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	return 0
}

// TestCompareRoundTrips holds the comparison of 12 vendors × 30 criteria ×
// 8 evaluators, what-if or not, and the API result (by session or token)
// to two SQL round trips after a change (the session or token with the
// revision, and the evaluation), and to one on the process's warm cache.
func TestCompareRoundTrips(t *testing.T) {
	a := newApp(t)
	f := a.largeEvaluation(12, 30, 8)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	var keys []string
	for i := range f.vendors {
		keys = append(keys, "vendor="+f.participants[i])
	}
	path := f.path("/compare?" + strings.Join(keys, "&"))
	mgr.get(path) // each connection prepares its statements once
	_, secret := newToken(t, mgr, "round trips")
	mgr.get("/api/v1/evaluations", "Authorization", "Bearer "+secret)
	price := f.byKey["price"].ID
	for i, tc := range []struct {
		name, path, route string
		header            []string
	}{
		{"Page", path, "/evaluations/{evaluationID}/compare", nil},
		{"WhatIf", path + "&w_" + strconv.FormatInt(f.byKey["cost"].ID, 10) + "=70", "/evaluations/{evaluationID}/compare", []string{"HX-Request", "true"}},
		{"Result", "/api/v1" + f.path("/result"), "/api/v1/evaluations/{evaluationID}/result", nil},
		{"ResultByToken", "/api/v1" + f.path("/result"), "/api/v1/evaluations/{evaluationID}/result", []string{"Authorization", "Bearer " + secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			figure := float64(500 + i) // a change: the cache holds nothing of the new revision
			if err := a.participants.SetMeasurement(a.adminCtx(), f.ev.ID, f.vendors[0].ID, price, &figure); err != nil {
				t.Fatal(err)
			}
			for _, want := range []float64{2, 1} {
				before := a.roundTrips(t, "GET", tc.route)
				res := mgr.get(tc.path, tc.header...)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				if n := res.doc(t).Find("[data-testid=compare-table] td[data-vendor]").Length(); tc.route != "/api/v1/evaluations/{evaluationID}/result" && n < 12*30 {
					t.Errorf("%d cells, want at least %d", n, 12*30)
				}
				trips := a.roundTrips(t, "GET", tc.route) - before
				if trips > want {
					t.Errorf("%v round trips, want at most %v", trips, want)
				}
				t.Logf("%v SQL round trips (at most %v)", trips, want)
			}
		})
	}
}

// largeFixture is an evaluation scored in full.
type largeFixture struct {
	*evalFixture
	participants []string // vendor keys
}

// largeEvaluation sets up an open evaluation of vendors × leaves criteria,
// every scorecard of every evaluator submitted, every figure measured.
func (a *app) largeEvaluation(vendors, leaves, evaluators int) *largeFixture {
	a.t.Helper()
	ctx := a.adminCtx()
	in := bpo.NewEvaluationInput()
	in.Title = "Large"
	ev, err := a.evaluations.CreateEvaluation(ctx, in)
	if err != nil {
		a.t.Fatal(err)
	}
	f := &largeFixture{evalFixture: &evalFixture{a: a, byKey: map[string]*bpo.Criterion{}}}
	crit := a.weightIDs(ev.ID)
	existing := 0
	for _, c := range crit {
		if c.Kind != bpo.KindGroup {
			existing++
		}
	}
	quality := crit["quality"].ID
	for i := range leaves - existing {
		if _, err := a.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{ParentID: &quality,
			Key: fmt.Sprintf("extra_%02d", i), Kind: bpo.KindRated, NameEN: fmt.Sprintf("Extra %d", i),
			NameFR: fmt.Sprintf("Critère %d", i), Weight: 5}); err != nil {
			a.t.Fatal(err)
		}
	}
	for i := range vendors {
		v := a.vendor(bpo.VendorInput{Name: fmt.Sprintf("Large vendor %02d", i), Country: "MA"})
		p, err := a.participants.AddParticipant(ctx, ev.ID, v.ID)
		if err != nil {
			a.t.Fatal(err)
		}
		f.vendors = append(f.vendors, v)
		f.participants = append(f.participants, p.Key)
	}
	var users []*bpo.User
	for i := range evaluators {
		u := a.user(fmt.Sprintf("large-%d@example.test", i), bpo.RoleEvaluator)
		if err := a.participants.AssignEvaluator(ctx, ev.ID, u.ID); err != nil {
			a.t.Fatal(err)
		}
		users = append(users, u)
	}
	if f.ev, err = a.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen); err != nil {
		a.t.Fatal(err)
	}
	for _, c := range a.weightIDs(ev.ID) {
		f.byKey[c.Key] = c
		switch c.Kind {
		case bpo.KindRated:
			f.rated = append(f.rated, c)
		case bpo.KindMeasured:
			for i, v := range f.vendors {
				value := float64(100 + 10*i)
				if err := a.participants.SetMeasurement(ctx, ev.ID, v.ID, c.ID, &value); err != nil {
					a.t.Fatal(err)
				}
			}
		}
	}
	scoreAll(a, f.evalFixture, users)
	return f
}

// scoreAll has every evaluator rate every vendor on every rated criterion
// and submit, one goroutine per evaluator.
func scoreAll(a *app, f *evalFixture, users []*bpo.User) {
	a.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	for ui, u := range users {
		wg.Go(func() {
			ctx := as(u)
			if err := a.scorecards.DeclareConflicts(ctx, f.ev.ID, nil); err != nil {
				errs <- err
				return
			}
			for vi, v := range f.vendors {
				for ci, c := range f.rated {
					value := 1 + (ui+vi+ci)%5
					if _, err := a.scorecards.SaveRating(ctx, f.ev.ID, v.ID, bpo.RatingInput{CriterionID: c.ID, Value: &value,
						Justification: "Vu lors de la visite du site : équipe stable, processus documentés, reporting hebdomadaire."}); err != nil {
						errs <- err
						return
					}
				}
				sc, err := a.scorecards.FindScorecard(ctx, f.ev.ID, v.ID, u.ID)
				if err == nil {
					_, err = a.scorecards.SubmitScorecard(ctx, f.ev.ID, v.ID, sc.Version)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		a.t.Fatal(err)
	}
}

// TestAutosaveRoundTrips holds an autosave, the hot path of the scorecard,
// to two SQL round trips: the session with its user, and the save.
func TestAutosaveRoundTrips(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("e@example.test")
	f := a.openEvaluation("Autosave", 1, e)
	f.declareNone(e)
	route := "/evaluations/{evaluationID}/scorecards/{vendorID}/ratings"
	if res := f.rate(e, 0, "policies", "3", "", 0); res.StatusCode != http.StatusOK { // prepares the statements
		t.Fatalf("first save: status %d", res.StatusCode)
	}
	before := a.roundTrips(t, "POST", route)
	if res := f.rate(e, 0, "process_expertise", "4", "Solid references", 0); res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, res.body)
	}
	trips := a.roundTrips(t, "POST", route) - before
	if trips > 2 {
		t.Errorf("an autosave made %v round trips, want at most 2", trips)
	}
	t.Logf("%v SQL round trips", trips)
}
