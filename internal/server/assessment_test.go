package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// TestAssessmentPages: an assessment made through its form, refused input
// kept, the verdicts with their reasons, the API, a stale edit.
func TestAssessmentPages(t *testing.T) {
	a := newApp(t)
	c := a.signIn("assess@example.test", bpo.RoleManager)
	form := url.Values{"title": {"Support scope"}, "version": {"0"},
		"name_0": {"Inbound support"}, "cx_0": {"5"}, "differentiation_0": {"3"}, "risk_0": {"2"}, "codifiability_0": {"4"},
		"name_1": {"Collections"}, "cx_1": {"2"}, "differentiation_1": {"1"}, "risk_1": {"2"}, "codifiability_1": {"9"},
		"name_2": {""}, "cx_2": {"3"}, "differentiation_2": {"3"}, "risk_2": {"3"}, "codifiability_2": {"3"}}
	res := c.post("/assessments", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("codifiability 9: %d", res.StatusCode)
	}
	d := res.doc(t)
	if got, _ := d.Find("#name_1").Attr("value"); got != "Collections" {
		t.Errorf("typed name not kept: %q", got)
	}
	if text(d, "[data-testid=error-codifiability_1]") == "" {
		t.Error("no message beside the rating out of range")
	}
	form.Set("codifiability_1", "5")
	res = c.post("/assessments", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.body)
	}
	path := res.Header.Get("Location")
	d = c.get(path).doc(t)
	verdicts := d.Find("[data-testid=activity-row]").Map(func(_ int, s *goquery.Selection) string { v, _ := s.Attr("data-verdict"); return v })
	if strings.Join(verdicts, ",") != "oversight,outsource" {
		t.Errorf("verdicts %v, want oversight (high CX influence) then outsource", verdicts)
	}
	if !strings.Contains(text(d, "[data-testid=suitability-rule]"), "never") {
		t.Error("the page does not state the rule")
	}
	var api struct {
		Activities []struct {
			Name    string   `json:"name"`
			Verdict string   `json:"verdict"`
			Reasons []string `json:"reasons"`
		} `json:"activities"`
	}
	id := strings.TrimPrefix(path, "/assessments/")
	if err := json.Unmarshal([]byte(c.get("/api/v1/assessments/"+id).body), &api); err != nil || len(api.Activities) != 2 ||
		api.Activities[0].Verdict != "oversight" || !strings.Contains(api.Activities[0].Reasons[0], "customers experience") {
		t.Errorf("API: %+v, %v", api, err)
	}
	form.Set("title", "Renamed")
	if res := c.post(path, form); res.StatusCode != http.StatusConflict {
		t.Errorf("stale edit: %d", res.StatusCode)
	}
}

// TestReportCoverStatesTheScope: the demo's payroll evaluation is linked
// to its suitability assessment, and its report's cover says which
// activities are in scope and why.
func TestReportCoverStatesTheScope(t *testing.T) {
	a := newApp(t)
	svc := a.demoServices()
	if _, err := demo.Load(context.Background(), svc, demo.Small); err != nil {
		t.Fatal(err)
	}
	mgr := a.anonymous()
	mgr.post("/login", url.Values{"email": {"manager@demo.test"}, "password": {demo.Password}})
	list, _, err := a.evaluations.FindEvaluations(a.adminCtx(), bpo.EvaluationFilter{Status: bpo.StatusClosed, Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatalf("closed evaluation: %v", err)
	}
	pdf := mgr.get("/evaluations/" + strconv.FormatInt(list[0].ID, 10) + "/report.pdf")
	cover := pdftest.Text(t, []byte(pdf.body), 1, 1)
	for _, want := range []string{"Activities in scope", "Monthly payroll run: Outsource with close oversight.",
		"Pay policy and executive compensation: Keep in-house."} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover lacks %q:\n%s", want, cover)
		}
	}
	page := mgr.get("/evaluations/" + strconv.FormatInt(list[0].ID, 10)).doc(t)
	if page.Find("[data-testid=assessment-link]").Length() != 1 || page.Find("[data-testid=contract-link]").Length() != 1 {
		t.Error("the evaluation's page does not link its assessment and its contract")
	}
}
