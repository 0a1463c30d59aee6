package server_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// awardedEvaluation is a closed evaluation whose first vendor was
// selected, with its ASA promise of 18 s.
func (a *app) awardedEvaluation(title string) *evalFixture {
	a.t.Helper()
	ctx := a.adminCtx()
	e := a.newEvaluator(strings.ToLower(strings.ReplaceAll(title, " ", "-")) + "@eval.test")
	f := a.openEvaluation(title, 2, e)
	v := 18.0
	err := a.participants.SetMeasurement(ctx, f.ev.ID, f.vendors[0].ID, f.byKey["asa"].ID, &v)
	if err == nil {
		_, err = a.participants.SetStage(ctx, f.ev.ID, f.vendors[0].ID, 1, bpo.StageShortlisted, "")
	}
	if err == nil {
		f.ev, err = a.evaluations.FindEvaluationByID(ctx, f.ev.ID)
	}
	if err == nil {
		f.ev, err = a.evaluations.SetEvaluationStatus(ctx, f.ev.ID, f.ev.Version, bpo.StatusClosed)
	}
	if err != nil {
		a.t.Fatal(err)
	}
	a.award(f.ev, f.vendors[0].ID)
	return f
}

// award records the decision to award vendorID the contract, as the
// decision form does, departing from whatever the engine recommends.
func (a *app) award(ev *bpo.Evaluation, vendorID int64) {
	a.t.Helper()
	ctx := a.adminCtx()
	d, err := a.evaluations.FindEvaluationDetail(ctx, ev.ID, evalmodel.Parts)
	if err != nil {
		a.t.Fatal(err)
	}
	snap, _, err := evalmodel.Snapshot(d)
	if err != nil {
		a.t.Fatal(err)
	}
	_, err = a.decisions.RecordDecision(ctx, ev.ID, bpo.DecisionInput{Version: d.Evaluation.Version, Outcome: bpo.OutcomeAward,
		VendorID: vendorID, Rationale: "Best value", DepartureReason: "Chosen on the site visit.", Snapshot: snap})
	if err != nil {
		a.t.Fatalf("award: %v", err)
	}
}

func monthsAgo(n int) time.Time {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
}

// TestContractPages goes through a contract as a manager does: started
// from the closed evaluation, KPIs edited, figures entered, refused input,
// and the API's view of it.
func TestContractPages(t *testing.T) {
	a := newApp(t)
	f := a.awardedEvaluation("Contract pages")
	c := a.signIn("manager@contract.test", bpo.RoleManager)

	page := c.get(f.path("")).doc(t)
	offer, _ := page.Find(`[data-testid="start-contract"]`).Attr("href")
	if !strings.Contains(offer, "/contracts/new?vendor="+strconv.FormatInt(f.vendors[0].ID, 10)) {
		t.Fatalf("no offer to start a contract for the selected vendor: %q", offer)
	}
	start := monthsAgo(3)
	res := c.post(f.path("/contracts"), url.Values{"vendor": {strconv.FormatInt(f.vendors[1].ID, 10)}, "start": {start.Format(time.DateOnly)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("contract for a vendor not selected: %d", res.StatusCode)
	}
	res = c.post(f.path("/contracts"), url.Values{"vendor": {strconv.FormatInt(f.vendors[0].ID, 10)}, "start": {"31/01/2026"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("malformed start date: %d", res.StatusCode)
	}
	res = c.post(f.path("/contracts"), url.Values{"vendor": {strconv.FormatInt(f.vendors[0].ID, 10)}, "start": {start.Format(time.DateOnly)}, "length": {"monthly"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.body)
	}
	path := res.Header.Get("Location")
	id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/contracts/"), 10, 64)
	contracts := postgres.NewContractService(a.db)
	ct, err := contracts.FindContractByID(a.adminCtx(), id)
	if err != nil {
		t.Fatal(err)
	}
	asa := ct.KPIs[0]
	kpi := func(name string, k *bpo.KPI) string { return name + "_" + strconv.FormatInt(k.ID, 10) }

	t.Run("WeightSumZero", func(t *testing.T) {
		form := url.Values{"version": {strconv.Itoa(ct.Version)}}
		for _, k := range ct.KPIs {
			form.Set(kpi("target", k), "10")
			form.Set(kpi("weight", k), "0")
			form.Set(kpi("better", k), k.Better)
		}
		res := c.post(path+"/kpis", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "add up to zero") {
			t.Errorf("weight sum 0: %d", res.StatusCode)
		}
		if got, _ := res.doc(t).Find(`input[name="` + kpi("weight", asa) + `"]`).Attr("value"); got != "0" {
			t.Errorf("typed weight not kept: %q", got)
		}
	})
	res = c.post(path+"/kpis", url.Values{"version": {strconv.Itoa(ct.Version)}, kpi("target", asa): {"20"}, kpi("weight", asa): {"60"}, kpi("better", asa): {"lower"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save kpis: %d\n%s", res.StatusCode, res.body)
	}
	t.Run("StaleKPIs", func(t *testing.T) {
		res := c.post(path+"/kpis", url.Values{"version": {strconv.Itoa(ct.Version)}, kpi("target", asa): {"30"}, kpi("weight", asa): {"60"}, kpi("better", asa): {"lower"}})
		if res.StatusCode != http.StatusConflict {
			t.Errorf("stale KPI edit: %d", res.StatusCode)
		}
	})

	period := func(i int) string {
		return path + "/periods/" + bpo.PeriodStart(start, bpo.Monthly, i).Format(time.DateOnly)
	}
	for name, value := range map[string]string{"Negative": "-1", "NaN": "NaN", "Infinite": "1e999", "Ambiguous": "2,100", "Text": "twenty"} {
		t.Run("Refused"+name, func(t *testing.T) {
			res := c.post(period(0), url.Values{"version": {"0"}, kpi("actual", asa): {value}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%q: %d", value, res.StatusCode)
			}
			if got, _ := res.doc(t).Find(`input[name="` + kpi("actual", asa) + `"]`).Attr("value"); got != value {
				t.Errorf("typed value not kept: %q", got)
			}
		})
	}
	csat := ct.KPIs[1]
	// Period 0: ASA 25 against 20 → 80 (weight 60), CSAT 85 → 100 (weight 20): 85.
	res = c.post(period(0), url.Values{"version": {"0"}, kpi("actual", asa): {"25"}, kpi("comment", asa): {"Storm week"}, kpi("actual", csat): {"85"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("figures: %d\n%s", res.StatusCode, res.body)
	}
	// Period 2: ASA 20 → 100, CSAT 68.0 → 80: 95. Period 1 stays missing.
	if res := c.post(period(2), url.Values{"version": {"0"}, kpi("actual", asa): {"20"}, kpi("actual", csat): {"68.0"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("figures: %d\n%s", res.StatusCode, res.body)
	}
	t.Run("StalePeriod", func(t *testing.T) {
		if res := c.post(period(0), url.Values{"version": {"0"}, kpi("actual", asa): {"21"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("stale period: %d", res.StatusCode)
		}
	})
	t.Run("OutsideTheContract", func(t *testing.T) {
		if res := c.post(period(5), url.Values{"version": {"0"}, kpi("actual", asa): {"21"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("future period: %d", res.StatusCode)
		}
		if res := c.post(period(-1), url.Values{"version": {"0"}, kpi("actual", asa): {"21"}}); res.StatusCode/100 != 4 {
			t.Errorf("period before the start: %d", res.StatusCode)
		}
		if res := c.post(path+"/periods/"+start.AddDate(0, 0, 3).Format(time.DateOnly), url.Values{"version": {"0"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("a date that starts no period: %d", res.StatusCode)
		}
	})

	// p = 0 is period 2 (month 3 is running): (95×1 + 85×10/12) / (1 + 10/12).
	want := (95 + 85*10.0/12) / (1 + 10.0/12)
	var got map[string]json.RawMessage
	api := c.get("/api/v1/contracts/" + strconv.FormatInt(id, 10))
	if err := json.Unmarshal([]byte(api.body), &got); err != nil {
		t.Fatalf("%v: %s", err, api.body)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range got {
			if !yield(k) {
				return
			}
		}
	})
	if fmt.Sprint(keys) != "[evaluation id kpis periods standing vendor]" {
		t.Errorf("keys %v", keys)
	}
	var body struct {
		Vendor     string `json:"vendor"`
		Evaluation int64  `json:"evaluation"`
		KPIs       []struct {
			Key, Better    string
			Target, Weight float64
		} `json:"kpis"`
		Periods []struct {
			Start   string             `json:"start"`
			Score   *float64           `json:"score"`
			Actuals map[string]float64 `json:"actuals"`
		} `json:"periods"`
		Standing *struct {
			Score float64 `json:"score"`
			Band  string  `json:"band"`
		} `json:"standing"`
	}
	if err := json.Unmarshal([]byte(api.body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Evaluation != f.ev.ID || body.Vendor == "" || body.KPIs[0].Key != "asa" || body.KPIs[0].Target != 20 || body.KPIs[0].Weight != 60 || body.KPIs[0].Better != "lower" {
		t.Errorf("contract: %s", api.body)
	}
	if len(body.Periods) != 3 || body.Periods[0].Start != start.Format(time.DateOnly) || body.Periods[1].Score != nil ||
		body.Periods[0].Score == nil || math.Abs(*body.Periods[0].Score-85) > 1e-9 || body.Periods[2].Actuals["csat"] != 68 {
		t.Errorf("periods: %s", api.body)
	}
	if body.Standing == nil || math.Abs(body.Standing.Score-want) > 1e-9 || body.Standing.Band != "excellent" {
		t.Errorf("standing: %s, want %v", api.body, want)
	}

	res = c.post(path+"/end", url.Values{"version": {strconv.Itoa(ct.Version + 1)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: %d\n%s", res.StatusCode, res.body)
	}
	if res := c.post(period(1), url.Values{"version": {"0"}, kpi("actual", asa): {"21"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "has ended") {
		t.Errorf("figures for an ended contract: %d", res.StatusCode)
	}
	pdf := c.get(path + "/review.pdf?lang=fr")
	if pdf.StatusCode != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF") {
		t.Errorf("review: %d %s", pdf.StatusCode, pdf.Header.Get("Content-Type"))
	}
	if res := c.get(path + "/review.pdf?from=3&to=1"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a range that ends before it starts: %d", res.StatusCode)
	}
}
