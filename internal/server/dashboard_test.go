package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestDashboardWork: evaluators see the work still to do before finished
// work; managers see what waits for them (a closed evaluation without a
// decision, overdue scorecards, a disputed criterion); the empty-state
// text shows only when there is nothing.
func TestDashboardWork(t *testing.T) {
	a := newApp(t)
	eva, evb := a.newEvaluator("eva@example.test"), a.newEvaluator("evb@example.test")
	f := a.openEvaluation("Support 2027", 2, eva, evb)
	f.declareNone(eva)
	f.declareNone(evb)
	submit := func(e *evaluator, i int) {
		t.Helper()
		page := e.c.get(f.scorecardPath(i, "")).doc(t)
		if res := e.c.post(f.scorecardPath(i, "/submit"), url.Values{"version": {scorecardVersion(page)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: status %d\n%s", res.StatusCode, res.body)
		}
	}
	// Vendor B first, so that to-do-first is not the list's own order.
	rateAll(t, f, eva, 1)
	submit(eva, 1)
	rateAll(t, f, evb, 1)
	if res := f.rate(evb, 1, "cultural_fit", "5", "Same values, visited the site", 1); res.StatusCode != http.StatusOK {
		t.Fatalf("rate: status %d", res.StatusCode)
	}
	if res := f.rate(eva, 0, "cultural_fit", "1", "No shared values", 0); res.StatusCode != http.StatusOK {
		t.Fatalf("rate: status %d", res.StatusCode)
	}
	submit(evb, 1)

	states := eva.c.get("/").doc(t).Find("[data-testid=my-scorecard]").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-state", "") })
	if len(states) != 2 || states[0] == "submitted" || states[1] != "submitted" {
		t.Errorf("evaluator's scorecards in the order %v, want the one to do first", states)
	}

	old := a.openEvaluation("Collections 2025", 1, evb)
	if _, err := a.evaluations.SetEvaluationStatus(a.adminCtx(), old.ev.ID, old.ev.Version, bpo.StatusClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Pool.Exec(t.Context(), `UPDATE evaluations SET due_date = '2020-01-31' WHERE id = $1`, f.ev.ID); err != nil {
		t.Fatal(err)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	d := mgr.get("/").doc(t)
	for section, want := range map[string]string{
		"awaiting-decision": "Collections 2025",
		"overdue":           "Support 2027 2 scorecards still to submit",
		"disputed":          "Support 2027 1 criterion on which evaluators disagree",
	} {
		if got := squash(text(d, "[data-testid="+section+"]")); !strings.Contains(got, want) {
			t.Errorf("manager dashboard %s: %q, want %q", section, got, want)
		}
	}
	if d.Find("[data-testid=dashboard-empty]").Length() != 0 {
		t.Error("the manager's dashboard says it is empty")
	}
	if eva.c.get("/").doc(t).Find("[data-testid=dashboard-empty]").Length() != 0 {
		t.Error("the evaluator's dashboard says it is empty")
	}
	idle := a.newEvaluator("idle@example.test")
	if idle.c.get("/").doc(t).Find("[data-testid=dashboard-empty]").Length() != 1 {
		t.Error("an empty dashboard does not say so")
	}
}

// squash joins the words of s with single spaces.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
