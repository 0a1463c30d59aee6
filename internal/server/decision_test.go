package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// decidable is a closed evaluation of three shortlisted vendors rated 3, 4
// and 5 on everything by one evaluator, vendor A knocked out by a minimum
// of 4 on policies. The figures are missing, so the result is incomplete.
func (a *app) decidable(t *testing.T, title string) *evalFixture {
	t.Helper()
	e1 := a.newEvaluator(strings.ToLower(strings.ReplaceAll(title, " ", "-")) + "@example.test")
	f := a.openEvaluation(title, 3, e1)
	f.declareNone(e1)
	ctx := a.adminCtx()
	p := f.byKey["policies"]
	four := 4.0
	if _, err := a.criteria.UpdateCriterion(ctx, p.ID, p.Version, bpo.CriterionInput{ParentID: p.ParentID, Key: p.Key,
		Kind: p.Kind, NameEN: p.NameEN, NameFR: p.NameFR, Weight: p.Weight, MinRating: &four}); err != nil {
		t.Fatal(err)
	}
	for i := range f.vendors {
		for _, c := range f.rated {
			value := 3 + i
			if _, err := a.scorecards.SaveRating(as(e1.User), f.ev.ID, f.vendors[i].ID,
				bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: "Seen on site"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.scorecards.SubmitScorecard(as(e1.User), f.ev.ID, f.vendors[i].ID, f.scorecard(t, e1, i).Version); err != nil {
			t.Fatal(err)
		}
		if _, err := a.participants.SetStage(ctx, f.ev.ID, f.vendors[i].ID, 1, bpo.StageShortlisted, ""); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := a.evaluations.FindEvaluationByID(ctx, f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.ev, err = a.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusClosed); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *evalFixture) version(t *testing.T) string {
	t.Helper()
	ev, err := f.a.evaluations.FindEvaluationByID(f.a.adminCtx(), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return itoa(int64(ev.Version))
}

// TestDecisionConfirmation walks the decision form as a manager would: a
// departure without its reason is refused with the input kept; awarding a
// knocked-out vendor shows the minimums it failed before anything is
// recorded; a second plain recording is refused; a change keeps the
// decision replaced in the history.
func TestDecisionConfirmation(t *testing.T) {
	a := newApp(t)
	f := a.decidable(t, "Decide")
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	page := mgr.get(f.path("")).doc(t)
	if page.Find("[data-testid=decision-form] input[name=vendor]").Length() != 4 {
		t.Errorf("the form offers %d choices, want the three shortlisted vendors and in-house",
			page.Find("[data-testid=decision-form] input[name=vendor]").Length())
	}

	form := url.Values{"version": {f.version(t)}, "vendor": {itoa(f.vendors[0].ID)}, "rationale": {"Local presence."}}
	res := mgr.post(f.path("/decision/confirm"), form)
	d := res.doc(t)
	if res.StatusCode != http.StatusUnprocessableEntity || text(d, "[data-testid=error-departure_reason]") == "" {
		t.Fatalf("a departure without a reason: status %d, error %q", res.StatusCode, text(d, "[data-testid=error-departure_reason]"))
	}
	if got := d.Find("textarea[name=rationale]").Text(); got != "Local presence." {
		t.Errorf("the rationale typed is lost: %q", got)
	}
	if _, ok := d.Find("input[name=vendor][value='" + itoa(f.vendors[0].ID) + "']").Attr("checked"); !ok {
		t.Error("the vendor chosen is lost")
	}

	form.Set("departure_reason", "Only A has a site in Casablanca.")
	res = mgr.post(f.path("/decision/confirm"), form)
	d = res.doc(t)
	if res.StatusCode != http.StatusOK || d.Find("[data-testid=decision-confirm]").Length() != 1 {
		t.Fatalf("confirmation: status %d", res.StatusCode)
	}
	if failed := text(d, "[data-testid=failed-minimums]"); !strings.Contains(failed, "Policies") || !strings.Contains(failed, "minimum 4") {
		t.Errorf("the confirmation does not show the failed minimum: %q", failed)
	}
	if st, _ := a.decisions.FindDecision(a.adminCtx(), f.ev.ID); st.Current != nil {
		t.Fatal("the confirmation step recorded the decision")
	}
	confirm := confirmForm(d)
	if res := mgr.post(f.path("/decision"), confirm); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: status %d", res.StatusCode)
	}
	d = mgr.get(f.path("")).doc(t)
	if got := text(d, "[data-testid=decision-text]"); got != "Selected: "+f.vendors[0].Name {
		t.Errorf("headline %q", got)
	}
	if got := text(d, "[data-testid=decision-departure]"); !strings.Contains(got, "Only A has a site in Casablanca.") {
		t.Errorf("departure %q", got)
	}
	if !strings.Contains(text(d, "[data-testid=decision-recommendation]"), "Incomplete") {
		t.Errorf("the engine's recommendation is not shown as such: %q", text(d, "[data-testid=decision-recommendation]"))
	}
	if len(text(d, "[data-testid=model-hash]")) != 64 {
		t.Errorf("model hash %q", text(d, "[data-testid=model-hash]"))
	}
	if _, ok := d.Find("[data-testid=decision-form] input[name=vendor]:checked").Attr("value"); ok {
		t.Error("the change form preselects the recorded decision")
	}

	again := url.Values{"version": {f.version(t)}, "vendor": {"in_house"}, "rationale": {"Budget."}, "departure_reason": {"Cut."}}
	res = mgr.post(f.path("/decision"), again)
	if res.StatusCode != http.StatusConflict || !strings.Contains(text(res.doc(t), "[data-testid=alert]"), "already recorded") {
		t.Errorf("a plain second recording: status %d", res.StatusCode)
	}
	again.Set("change", "1")
	res = mgr.post(f.path("/decision"), again)
	if res.StatusCode != http.StatusUnprocessableEntity || text(res.doc(t), "[data-testid=error-change_reason]") == "" {
		t.Errorf("a change without its reason: status %d", res.StatusCode)
	}
	again.Set("change_reason", "The board froze the budget.")
	if res := mgr.post(f.path("/decision"), again); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: status %d", res.StatusCode)
	}
	d = mgr.get(f.path("")).doc(t)
	if got := text(d, "[data-testid=decision-text]"); got != "Kept in-house: no vendor selected" {
		t.Errorf("after the change: %q", got)
	}
	entry := text(d, "[data-testid=decision-history-entry]")
	if !strings.Contains(entry, f.vendors[0].Name) || !strings.Contains(entry, "The board froze the budget.") {
		t.Errorf("history = %q", entry)
	}
	audit := mgr.get(f.path("/history")).body
	for _, want := range []string{"Decision recorded", "Decision changed", "Reason for the change", "The board froze the budget.", "Scorecards still pending"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the evaluation's history lacks %q", want)
		}
	}
}

// Two managers record at once: one wins, the other gets 409 and sees the
// winner's decision.
func TestConcurrentDecisions(t *testing.T) {
	a := newApp(t)
	f := a.decidable(t, "Race")
	managers := []*client{a.signIn("m1@example.test", bpo.RoleManager), a.signIn("m2@example.test", bpo.RoleManager)}
	version := f.version(t)
	var (
		wg  sync.WaitGroup
		res = make([]*response, len(managers))
	)
	for i, m := range managers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = m.post(f.path("/decision"), url.Values{"version": {version}, "vendor": {itoa(f.vendors[1+i].ID)},
				"rationale": {"Mine."}, "departure_reason": {"Figures missing."}})
		}()
	}
	wg.Wait()
	won, lost := -1, -1
	for i, r := range res {
		switch r.StatusCode {
		case http.StatusSeeOther:
			won = i
		case http.StatusConflict:
			lost = i
		}
	}
	if won < 0 || lost < 0 {
		t.Fatalf("statuses %d and %d, want one 303 and one 409", res[0].StatusCode, res[1].StatusCode)
	}
	if got := text(res[lost].doc(t), "[data-testid=decision-text]"); got != "Selected: "+f.vendors[1+won].Name {
		t.Errorf("the loser sees %q, want the winner's decision", got)
	}
}

// The comparison leads with the recorded decision, badges the leader of an
// incomplete result as provisional, not recommended, and gives each
// vendor's scorecards submitted beside its completeness.
func TestCompareShowsDecisionBadgeAndCoverage(t *testing.T) {
	a := newApp(t)
	f := a.decidable(t, "Compare decided")
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	d := mgr.get(f.path("/compare")).doc(t)
	if got := text(d, "[data-testid=leader]"); got != "provisional leader" {
		t.Errorf("leader badge %q, want provisional leader", got)
	}
	if got := text(d, "[data-testid=coverage]"); !strings.Contains(got, "1 of 1") {
		t.Errorf("coverage %q", got)
	}
	if d.Find("[data-testid=decision]").Length() != 0 {
		t.Error("a decision is shown before any was recorded")
	}
	if res := mgr.post(f.path("/decision"), url.Values{"version": {f.version(t)}, "vendor": {"in_house"},
		"rationale": {"No."}, "departure_reason": {"Figures missing."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d", res.StatusCode)
	}
	d = mgr.get(f.path("/compare")).doc(t)
	if got := text(d, "[data-testid=decision-text]"); got != "Kept in-house: no vendor selected" {
		t.Errorf("comparison headline %q", got)
	}
}

// A vendor added after an evaluator's declaration: the dashboard and the
// scorecard send them to declare for it; a conflict found later withdraws
// their ratings, which managers see as withdrawn.
func TestLateVendorDeclaration(t *testing.T) {
	a := newApp(t)
	e1 := a.newEvaluator("late@example.test")
	f := a.openEvaluation("Late", 1, e1)
	f.declareNone(e1)
	late := a.vendor(bpo.VendorInput{Name: "Newcomer", Country: "MA"})
	if _, err := a.participants.AddParticipant(a.adminCtx(), f.ev.ID, late.ID); err != nil {
		t.Fatal(err)
	}
	if got := text(e1.c.get("/").doc(t), "[data-testid=declaration-needed]"); got == "" {
		t.Error("the dashboard does not say a declaration is needed")
	}
	res := e1.c.get(f.path("/scorecards/" + itoa(late.ID)))
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, f.path("/conflicts")) {
		t.Fatalf("the late vendor's scorecard: status %d to %q", res.StatusCode, loc)
	}
	if e1.c.get(f.path("/conflicts")).doc(t).Find("[data-testid=declaration-needed]").Length() != 1 {
		t.Error("the declaration page does not say which vendor needs a declaration")
	}
	if res := e1.c.post(f.path("/conflicts/"+itoa(late.ID)), url.Values{"conflict": {"0"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare for the late vendor: status %d", res.StatusCode)
	}
	if res := e1.c.get(f.path("/scorecards/" + itoa(late.ID))); res.StatusCode != http.StatusOK {
		t.Errorf("after the declaration the scorecard answers %d", res.StatusCode)
	}

	for _, c := range f.rated {
		if r := f.rate(e1, 0, c.Key, "4", "Seen", 0); r.StatusCode != http.StatusOK {
			t.Fatalf("rate: %d", r.StatusCode)
		}
	}
	if res := e1.c.post(f.path("/conflicts/"+itoa(f.vendors[0].ID)), url.Values{"conflict": {"1"}, "note": {"Cousin"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare a conflict found since: status %d", res.StatusCode)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	cell := mgr.get(f.path("")).doc(t).Find("[data-testid=progress-matrix] td[data-state=withdrawn]")
	if cell.Length() != 1 || !strings.Contains(cell.Text(), "Withdrawn") {
		t.Errorf("the manager does not see the withdrawn ratings: %q", cell.Text())
	}
}

// Closing asks first and names the scorecards still pending; submitting a
// scorecard asks first too. Neither page changes anything.
func TestConfirmationPages(t *testing.T) {
	a := newApp(t)
	e1 := a.newEvaluator("pending@example.test")
	f := a.openEvaluation("Pending", 2, e1)
	f.declareNone(e1)
	if r := f.rate(e1, 1, "policies", "3", "Seen", 0); r.StatusCode != http.StatusOK {
		t.Fatalf("rate: %d", r.StatusCode)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	page := mgr.get(f.path("")).doc(t)
	if got := page.Find("[data-testid=lifecycle]").AttrOr("action", ""); got != f.path("/status/confirm") {
		t.Errorf("the close button goes to %q, not to a confirmation", got)
	}
	d := mgr.get(f.path("/status/confirm?status=closed&version=" + f.version(t))).doc(t)
	items := d.Find("[data-testid=pending-list] li").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	want := []string{"pending — " + f.vendors[0].Name + ": not started", "pending — " + f.vendors[1].Name + ": in progress, 1 of 8 rated"}
	if strings.Join(items, "|") != strings.Join(want, "|") {
		t.Errorf("pending = %q, want %q", items, want)
	}
	if ev, _ := a.evaluations.FindEvaluationByID(a.adminCtx(), f.ev.ID); ev.Status != bpo.StatusOpen {
		t.Fatal("the confirmation page closed the evaluation")
	}
	confirm := confirmForm(d)
	if res := mgr.post(f.path("/status"), confirm); res.StatusCode != http.StatusSeeOther {
		t.Errorf("close from the confirmation: status %d", res.StatusCode)
	}

	e2 := a.newEvaluator("submitter@example.test")
	g := a.openEvaluation("Submit", 1, e2)
	g.declareNone(e2)
	card := e2.c.get(g.scorecardPath(0, "")).doc(t)
	if got := card.Find("[data-testid=submit-form]").AttrOr("action", ""); got != g.scorecardPath(0, "/submit/confirm") {
		t.Errorf("the submit button goes to %q", got)
	}
	res := e2.c.get(g.scorecardPath(0, "/submit/confirm?version=0"))
	if res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=confirmation] form[action='"+g.scorecardPath(0, "/submit")+"']").Length() != 1 {
		t.Errorf("submit confirmation: status %d", res.StatusCode)
	}
}

// confirmForm is what the confirm button of a confirmation page sends.
func confirmForm(d *goquery.Document) url.Values {
	form := url.Values{}
	d.Find("[data-testid=confirm]").Closest("form").Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return form
}
