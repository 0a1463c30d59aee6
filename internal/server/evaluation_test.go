package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

func validEvaluationForm() url.Values {
	return url.Values{
		"title": {"Customer support 2027"}, "scope": {"Inbound calls and e-mail"},
		"services": {"customer_support"}, "due_date": {"2027-03-31"},
		"scale_min": {"1"}, "scale_max": {"5"}, "aggregation": {"mean"},
		"award_threshold": {"60"}, "close_call_margin": {"3"}, "justification": {"extremes"},
	}
}

func TestCreateEvaluationFromTheTemplate(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)

	res := c.post("/evaluations", validEvaluationForm())
	if got, want := res.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	d := c.get(res.Header.Get("Location")).doc(t)
	if got := text(d, "[data-testid=status]"); got != "Draft" {
		t.Errorf("status badge = %q", got)
	}
	effective := map[string]string{}
	d.Find("[data-testid=criterion]").Each(func(_ int, s *goquery.Selection) {
		effective[strings.TrimSpace(s.Find("td").First().Text())] = strings.TrimSpace(s.Find("[data-testid=effective]").Text())
	})
	for name, want := range map[string]string{
		"Service quality":         "60.0%",
		"Policies & procedures":   "12.0%",
		"Cost":                    "20.0%",
		"Price per FTE per month": "20.0%",
	} {
		if got := effective[name]; got != want {
			t.Errorf("%s: effective weight %q, want %q (all: %v)", name, got, want, effective)
		}
	}
}

func TestCreateEvaluationRefusesBadInput(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	form := validEvaluationForm()
	form.Set("title", "")
	form.Set("award_threshold", "NaN")
	form.Set("due_date", "31/03/2027")
	form.Set("scale_max", "1")
	res := c.post("/evaluations", form)
	if got, want := res.StatusCode, http.StatusUnprocessableEntity; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	d := res.doc(t)
	for _, field := range []string{"title", "award_threshold", "due_date", "scale_max"} {
		if text(d, "[data-testid=error-"+field+"]") == "" {
			t.Errorf("no message for %s", field)
		}
	}
	if v, _ := d.Find("#due_date").Attr("value"); v != "31/03/2027" {
		t.Errorf("typed date not kept: %q", v)
	}
	if list, _, _ := a.evaluations.FindEvaluations(a.adminCtx(), bpo.EvaluationFilter{}); len(list) != 0 {
		t.Errorf("%d evaluations stored after a refused form", len(list))
	}
}

func TestEvaluationSetUpFlow(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	eva := a.newEvaluator("eva@example.test")
	v1 := a.vendor(bpo.VendorInput{Name: "Atlas Relation Client", Country: "MA"})
	v2 := a.vendor(bpo.VendorInput{Name: "Cebu Care Connect", Country: "PH"})
	res := c.post("/evaluations", validEvaluationForm())
	page := res.Header.Get("Location")

	for _, v := range []*bpo.Vendor{v1, v2} {
		if res := c.post(page+"/participants", url.Values{"vendor": {itoa(v.ID)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add vendor: status %d", res.StatusCode)
		}
	}
	if res := c.post(page+"/evaluators", url.Values{"user": {itoa(eva.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: status %d", res.StatusCode)
	}
	// Rejecting needs a reason; the page says so and nothing changes.
	res = c.post(page+"/participants/"+itoa(v2.ID)+"/stage", url.Values{"stage": {"rejected"}, "version": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || text(res.doc(t), "[data-testid=alert]") == "" {
		t.Errorf("reject without reason: status %d", res.StatusCode)
	}
	res = c.post(page+"/participants/"+itoa(v2.ID)+"/stage", url.Values{"stage": {"rejected"}, "version": {"1"}, "reason": {"No French-speaking team"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: status %d", res.StatusCode)
	}
	res = c.post(page+"/figures", url.Values{"m_bogus": {"1"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed figure cell: status %d, want 400", res.StatusCode)
	}

	d := c.get(page).doc(t)
	stages := d.Find("[data-testid=participant] [data-testid=stage]").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if strings.Join(stages, ",") != "Candidate,Rejected" {
		t.Errorf("stages = %v", stages)
	}
	version, _ := d.Find("[data-testid=lifecycle] input[name=version]").Attr("value")
	if res := c.post(page+"/status", url.Values{"status": {"open"}, "version": {version}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: status %d", res.StatusCode)
	}
	d = c.get(page).doc(t)
	if got := text(d, "[data-testid=evaluation-title] [data-testid=status]"); got != "Open" {
		t.Errorf("after opening, status = %q", got)
	}
	if n := d.Find("[data-testid=progress-matrix] tbody tr").Length(); n != 1 {
		t.Errorf("progress matrix has %d evaluator rows, want 1", n)
	}
	// One scored vendor (the other was rejected), one evaluator: one pending.
	if got := strings.Join(d.Find("[data-testid=pending] td").Map(func(_ int, s *goquery.Selection) string { return s.Text() }), ","); got != "1" {
		t.Errorf("pending per vendor = %q, want 1", got)
	}
	// A stale lifecycle change is refused.
	if res := c.post(page+"/status", url.Values{"status": {"closed"}, "version": {version}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale close: status %d, want 409", res.StatusCode)
	}
}

func TestEvaluationVisibility(t *testing.T) {
	a := newApp(t)
	assigned := a.newEvaluator("in@example.test")
	other := a.newEvaluator("out@example.test")
	f := a.openEvaluation("Payroll", 2, assigned)

	if res := other.c.get(f.path("")); res.StatusCode != http.StatusNotFound {
		t.Errorf("unassigned evaluator: status %d, want 404", res.StatusCode)
	}
	res := assigned.c.get(f.path(""))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("assigned evaluator: status %d", res.StatusCode)
	}
	d := res.doc(t)
	if d.Find("[data-testid=my-scorecards]").Length() != 1 || d.Find("[data-testid=progress-matrix]").Length() != 0 {
		t.Error("an evaluator should see their own scorecards, not the matrix")
	}
	if res := assigned.c.post(f.path("/status"), url.Values{"status": {"closed"}, "version": {strconv.Itoa(f.ev.Version)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("evaluator closing: status %d, want 403", res.StatusCode)
	}
	list := other.c.get("/evaluations").doc(t)
	if n := list.Find("[data-testid=evaluation-row]").Length(); n != 0 {
		t.Errorf("unassigned evaluator lists %d evaluations", n)
	}
}

func TestEvaluationAPI(t *testing.T) {
	a := newApp(t)
	e1, e2 := a.newEvaluator("e1@example.test"), a.newEvaluator("e2@example.test")
	f := a.openEvaluation("Back office", 3, e1, e2)
	f.declareNone(e1)
	f.declareNone(e2)
	// Both evaluators rate and submit vendor 0; e1 also vendor 1.
	for _, e := range []*evaluator{e1, e2} {
		for i := range 2 {
			if e == e2 && i == 1 {
				continue
			}
			for j, c := range f.rated {
				value := 2 + (j+i+int(e.ID))%3
				if _, err := a.scorecards.SaveRating(as(e.User), f.ev.ID, f.vendors[i].ID, bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: "Vu en démonstration"}); err != nil {
					t.Fatal(err)
				}
			}
			sc := f.scorecard(t, e, i)
			if _, err := a.scorecards.SubmitScorecard(as(e.User), f.ev.ID, f.vendors[i].ID, sc.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	price := f.byKey["price"]
	for i, v := range []float64{2100, 1900, 2500} {
		if err := a.participants.SetMeasurement(a.adminCtx(), f.ev.ID, f.vendors[i].ID, price.ID, &v); err != nil {
			t.Fatal(err)
		}
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)

	t.Run("Anonymous", func(t *testing.T) {
		res := a.anonymous().get("/api/v1/evaluations")
		var body struct{ Error struct{ Code string } }
		if res.StatusCode != http.StatusUnauthorized || json.Unmarshal([]byte(res.body), &body) != nil || body.Error.Code != bpo.EUNAUTHORIZED {
			t.Errorf("status %d, body %s", res.StatusCode, res.body)
		}
	})
	t.Run("Evaluator", func(t *testing.T) {
		for _, p := range []string{"/api/v1/evaluations", "/api/v1" + f.path("/model"), "/api/v1" + f.path("/result")} {
			if res := e1.c.get(p); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", p, res.StatusCode)
			}
		}
	})
	t.Run("List", func(t *testing.T) {
		var list []map[string]any
		res := mgr.get("/api/v1/evaluations")
		if err := json.Unmarshal([]byte(res.body), &list); err != nil || len(list) != 1 {
			t.Fatalf("list: %v %s", err, res.body)
		}
		for _, k := range []string{"id", "title", "status", "vendors", "evaluators", "progress"} {
			if _, ok := list[0][k]; !ok {
				t.Errorf("field %q missing", k)
			}
		}
		if got, want := list[0]["progress"], 3.0/6.0; got != want {
			t.Errorf("progress = %v, want %v", got, want)
		}
	})
	t.Run("ResultIsWhatScorePrintsForTheModel", func(t *testing.T) {
		for _, lang := range []string{"", "fr"} {
			model := mgr.get("/api/v1" + f.path("/model") + "?lang=" + lang)
			result := mgr.get("/api/v1" + f.path("/result") + "?lang=" + lang)
			if model.StatusCode != http.StatusOK || result.StatusCode != http.StatusOK {
				t.Fatalf("model %d, result %d: %s", model.StatusCode, result.StatusCode, result.body)
			}
			m, err := scoring.Decode(strings.NewReader(model.body))
			if err != nil {
				t.Fatalf("model does not decode: %v", err)
			}
			res, err := scoring.Evaluate(m)
			if err != nil {
				t.Fatal(err)
			}
			l, ok := i18n.Parse(lang)
			if !ok {
				l = i18n.EN
			}
			want, _ := explain.MarshalResult(res, l)
			if !bytes.Equal([]byte(result.body), want) {
				t.Errorf("lang %q: /result differs from scoring /model offline", lang)
			}
			if len(m.Vendors) != 3 || len(m.Vendors[0].Ratings) == 0 {
				t.Errorf("model vendors = %+v", m.Vendors)
			}
		}
	})
	t.Run("UnknownEvaluation", func(t *testing.T) {
		if res := mgr.get("/api/v1/evaluations/999999/result"); res.StatusCode != http.StatusNotFound {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

func TestDashboardShowsEvaluationsToManagers(t *testing.T) {
	a := newApp(t)
	eva := a.newEvaluator("eva@example.test")
	f := a.openEvaluation("Collections 2027", 2, eva)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)

	d := mgr.get("/").doc(t)
	cards := d.Find("[data-testid=dashboard-evaluations] article")
	if cards.Length() != 1 || !strings.Contains(cards.Text(), "Collections 2027") || !strings.Contains(cards.Text(), "0 of 2 scorecards submitted") {
		t.Errorf("manager dashboard: %q", cards.Text())
	}
	if d.Find("[data-testid=dashboard-evaluations]").Length() != 1 {
		t.Error("no evaluations section")
	}
	ev := eva.c.get("/").doc(t)
	if ev.Find("[data-testid=dashboard-evaluations]").Length() != 0 {
		t.Error("an evaluator sees the managers' evaluation list")
	}
	if !strings.Contains(ev.Text(), f.ev.Title) {
		t.Error("the evaluator's dashboard does not mention their evaluation")
	}
}

func TestEditEvaluation(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	page := c.post("/evaluations", validEvaluationForm()).Header.Get("Location")

	d := c.get(page + "/edit").doc(t)
	version, _ := d.Find("input[name=version]").Attr("value")
	form := validEvaluationForm()
	form.Set("version", version)
	form.Set("title", "Customer support 2027 — Europe")
	form.Set("award_threshold", "65.5")
	if res := c.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d", res.StatusCode)
	}
	if got := text(c.get(page).doc(t), "[data-testid=evaluation-title]"); !strings.HasPrefix(got, "Customer support 2027 — Europe") {
		t.Errorf("title = %q", got)
	}
	// The same version again is stale: 409, nothing overwritten, input kept.
	form.Set("title", "Stale title")
	res := c.post(page, form)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: status %d, want 409", res.StatusCode)
	}
	if v, _ := res.doc(t).Find("#title").Attr("value"); v != "Stale title" {
		t.Errorf("typed title not kept: %q", v)
	}
	if got := text(c.get(page).doc(t), "[data-testid=evaluation-title]"); strings.Contains(got, "Stale") {
		t.Error("a stale edit overwrote the title")
	}
}

// TestResultMatchesOfflineScoreForRandomEvaluations checks the design's
// invariant on evaluations filled at random: for every evaluation,
// `bpoeval score` of /model prints exactly what /result returns.
func TestResultMatchesOfflineScoreForRandomEvaluations(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("Seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			a := newApp(t)
			e1, e2 := a.newEvaluator("e1@example.test"), a.newEvaluator("e2@example.test")
			f := a.openEvaluation("Random", 2+rng.IntN(3), e1, e2)
			ctx := a.adminCtx()
			criteria, _ := a.criteria.FindCriteria(ctx, f.ev.ID)
			var changes []bpo.WeightChange
			for _, c := range criteria {
				changes = append(changes, bpo.WeightChange{CriterionID: c.ID, Version: c.Version, Weight: float64(1 + rng.IntN(50))})
			}
			if err := a.criteria.SetWeights(ctx, f.ev.ID, changes); err != nil {
				t.Fatal(err)
			}
			for _, e := range []*evaluator{e1, e2} {
				f.declareNone(e)
				for i := range f.vendors {
					for _, c := range f.rated {
						value := 1 + rng.IntN(5)
						if _, err := a.scorecards.SaveRating(as(e.User), f.ev.ID, f.vendors[i].ID,
							bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: "Noté lors de l’atelier"}); err != nil {
							t.Fatal(err)
						}
					}
					if rng.IntN(3) > 0 {
						sc := f.scorecard(t, e, i)
						if _, err := a.scorecards.SubmitScorecard(as(e.User), f.ev.ID, f.vendors[i].ID, sc.Version); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			for i := range f.vendors {
				for _, c := range criteria {
					if c.Kind == bpo.KindMeasured && rng.IntN(4) > 0 {
						v := float64(1 + rng.IntN(3000))
						if err := a.participants.SetMeasurement(ctx, f.ev.ID, f.vendors[i].ID, c.ID, &v); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			mgr := a.signIn("mgr@example.test", bpo.RoleManager)
			model := mgr.get("/api/v1" + f.path("/model"))
			result := mgr.get("/api/v1" + f.path("/result"))
			m, err := scoring.Decode(strings.NewReader(model.body))
			if err != nil {
				t.Fatalf("model does not decode: %v", err)
			}
			res, err := scoring.Evaluate(m)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := explain.MarshalResult(res, i18n.EN)
			if result.body != string(want) {
				t.Errorf("/result differs from scoring /model offline:\n%s\nwant\n%s", result.body, want)
			}
		})
	}
}

func TestEditScaleDescriptors(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	page := c.post("/evaluations", validEvaluationForm()).Header.Get("Location")
	d := c.get(page + "/edit").doc(t)
	if v, _ := d.Find("#level_fr_1").Attr("value"); v != "Inacceptable" {
		t.Fatalf("default French label of 1 = %q", v)
	}
	form := formOf(d, "[data-testid=evaluation-form]")
	form.Set("level_en_3", "Meets the need")
	form.Set("level_fr_3", "Répond au besoin")
	if res := c.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", res.StatusCode, res.body)
	}
	d = c.get(page + "/edit").doc(t)
	if v, _ := d.Find("#level_fr_3").Attr("value"); v != "Répond au besoin" {
		t.Errorf("French label of 3 = %q", v)
	}
	// A label cannot be emptied.
	version, _ := d.Find("input[name=version]").Attr("value")
	form.Set("version", version)
	form.Set("level_en_2", " ")
	res := c.post(page, form)
	if res.StatusCode != http.StatusUnprocessableEntity || text(res.doc(t), "[data-testid=error-level_en_2]") != "Required." {
		t.Errorf("empty label: status %d", res.StatusCode)
	}
}

func TestRecordDecision(t *testing.T) {
	a := newApp(t)
	e1 := a.newEvaluator("e1@example.test")
	f := a.openEvaluation("Payroll 2027", 2, e1)
	f.declareNone(e1)
	for i := range f.vendors {
		for _, c := range f.rated {
			value := 3 + i
			if _, err := a.scorecards.SaveRating(as(e1.User), f.ev.ID, f.vendors[i].ID, bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: "Vu sur site"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.scorecards.SubmitScorecard(as(e1.User), f.ev.ID, f.vendors[i].ID, f.scorecard(t, e1, i).Version); err != nil {
			t.Fatal(err)
		}
	}
	// Only a shortlisted vendor can be awarded.
	if _, err := a.participants.SetStage(a.adminCtx(), f.ev.ID, f.vendors[1].ID, 1, bpo.StageShortlisted, ""); err != nil {
		t.Fatal(err)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	version := func() string {
		// While open the lifecycle form carries it; once closed, the decision form.
		d := mgr.get(f.path("")).doc(t)
		v, _ := d.Find("[data-testid=lifecycle] input[name=version], [data-testid=decision-form] input[name=version]").First().Attr("value")
		return v
	}
	// Not while scoring is open.
	if res := mgr.post(f.path("/decision"), url.Values{"vendor": {itoa(f.vendors[1].ID)}, "rationale": {"Best"}, "version": {version()}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("decision while open: status %d, want 422", res.StatusCode)
	}
	if res := mgr.post(f.path("/status"), url.Values{"status": {"closed"}, "version": {version()}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: status %d", res.StatusCode)
	}
	d := mgr.get(f.path("")).doc(t)
	if d.Find("[data-testid=recommendation]").Length() != 1 || d.Find("[data-testid=decision-form]").Length() != 1 {
		t.Fatal("a closed evaluation shows no recommendation or no decision form")
	}
	if res := mgr.post(f.path("/decision"), url.Values{"rationale": {"x"}, "version": {version()}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no choice: status %d, want 422", res.StatusCode)
	}
	v := version()
	if res := mgr.post(f.path("/decision"), url.Values{"vendor": {itoa(f.vendors[0].ID)}, "rationale": {"x"},
		"departure_reason": {"y"}, "version": {v}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a candidate never shortlisted: status %d, want 422", res.StatusCode)
	}
	// The figures are missing, so the result is incomplete: any award departs from it.
	if res := mgr.post(f.path("/decision"), url.Values{"vendor": {itoa(f.vendors[1].ID)}, "rationale": {"x"},
		"version": {v}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a departure without a reason: status %d, want 422", res.StatusCode)
	}
	res := mgr.post(f.path("/decision"), url.Values{"vendor": {itoa(f.vendors[1].ID)}, "rationale": {"Highest score, French-speaking team."},
		"departure_reason": {"The figures still missing cannot change the order."}, "version": {v}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decide: status %d", res.StatusCode)
	}
	d = mgr.get(f.path("")).doc(t)
	if got := text(d, "[data-testid=decision-text]"); got != "Selected: "+f.vendors[1].Name {
		t.Errorf("decision = %q", got)
	}
	stages := d.Find("[data-testid=participant] [data-testid=stage]").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if strings.Join(stages, ",") != "Candidate,Selected" {
		t.Errorf("stages = %v", stages)
	}
	if res := mgr.post(f.path("/decision"), url.Values{"vendor": {"in_house"}, "rationale": {"Stale"}, "version": {v}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale decision: status %d, want 409", res.StatusCode)
	}
	inHouse := url.Values{"vendor": {"in_house"}, "rationale": {"Budget frozen."}, "departure_reason": {"The budget was cut."}, "version": {version()}}
	if res := mgr.post(f.path("/decision"), inHouse); res.StatusCode != http.StatusConflict {
		t.Errorf("a plain second recording: status %d, want 409", res.StatusCode)
	}
	inHouse.Set("change", "1")
	inHouse.Set("change_reason", "The board froze the budget.")
	if res := mgr.post(f.path("/decision"), inHouse); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("in-house: status %d", res.StatusCode)
	}
	ev := e1.c.get(f.path("")).doc(t)
	if got := text(ev, "[data-testid=decision-text]"); got != "Kept in-house: no vendor selected" {
		t.Errorf("evaluator sees decision %q", got)
	}
	if ev.Find("[data-testid=decision-form]").Length() != 0 {
		t.Error("an evaluator sees the decision form")
	}
	if res := e1.c.post(f.path("/decision"), url.Values{"vendor": {"in_house"}, "rationale": {"x"}, "version": {version()}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("evaluator deciding: status %d, want 403", res.StatusCode)
	}
}

// TestDemoResultsMatchOfflineScore checks the invariant on the demo data set:
// each demo evaluation's /result is what scoring its /model offline prints.
func TestDemoResultsMatchOfflineScore(t *testing.T) {
	a := newApp(t)
	svc := a.demoServices()
	if _, err := demo.Load(context.Background(), svc, demo.Small); err != nil {
		t.Fatal(err)
	}
	mgr := a.anonymous()
	mgr.post("/login", url.Values{"email": {"manager@demo.test"}, "password": {demo.Password}})
	var list []struct{ ID int64 }
	if err := json.Unmarshal([]byte(mgr.get("/api/v1/evaluations").body), &list); err != nil || len(list) < 2 {
		t.Fatalf("demo evaluations: %v %d", err, len(list))
	}
	consensus := 0
	for _, e := range list {
		for _, lang := range []i18n.Lang{i18n.EN, i18n.FR} {
			base := fmt.Sprintf("/api/v1/evaluations/%d/", e.ID)
			model := mgr.get(base + "model?lang=" + string(lang))
			consensus += strings.Count(model.body, `"consensus"`)
			result := mgr.get(base + "result?lang=" + string(lang))
			m, err := scoring.Decode(strings.NewReader(model.body))
			if err != nil {
				t.Fatalf("evaluation %d: model does not decode: %v", e.ID, err)
			}
			res, err := scoring.Evaluate(m)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := explain.MarshalResult(res, lang); result.body != string(want) {
				t.Errorf("evaluation %d, %s: /result differs from scoring /model offline", e.ID, lang)
			}
		}
	}
	// The demo's moderated criterion is in the model, so the invariant
	// covers consensus values too.
	if consensus == 0 {
		t.Error("no consensus value in the demo models")
	}
}
