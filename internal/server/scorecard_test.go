package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// checked is the value of the rating chosen in a criterion's form, "" when
// it is not rated.
func checked(d *goquery.Document, key string) string {
	v, _ := d.Find(`form[data-key="` + key + `"] input[name=value]:checked`).Attr("value")
	return v
}

// version is the rating version a criterion's form would save against.
func version(t *testing.T, d *goquery.Document, key string) int {
	t.Helper()
	v, _ := d.Find(`form[data-key="` + key + `"] input[data-testid=version]`).Attr("value")
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("version of %s = %q", key, v)
	}
	return n
}

func TestScorecardNeedsDeclarationFirst(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Payroll 2026", 2, e)

	res := e.c.get(f.scorecardPath(0, ""))
	if got, want := res.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("scorecard before declaring: status %d, want %d", got, want)
	}
	loc := res.Header.Get("Location")
	if want := f.path("/conflicts?next=" + url.QueryEscape(f.scorecardPath(0, ""))); loc != want {
		t.Fatalf("redirected to %q, want %q", loc, want)
	}
	if got := f.rate(e, 0, "policies", "4", "", 0).StatusCode; got != http.StatusForbidden {
		t.Errorf("rating before declaring: status %d, want 403", got)
	}

	page := e.c.get(loc).doc(t)
	if got := page.Find("[data-testid=conflict-vendor]").Length(); got != 2 {
		t.Errorf("declaration offers %d vendors, want 2", got)
	}
	next := page.Find("input[name=next]").AttrOr("value", "")

	t.Run("NothingTicked", func(t *testing.T) {
		res := e.c.post(f.path("/conflicts"), url.Values{"next": {next}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.StatusCode)
		}
		if got := text(res.doc(t), "[data-testid=form-error]"); !strings.Contains(got, "confirm that you have none") {
			t.Errorf("message = %q", got)
		}
	})
	t.Run("BothTicked", func(t *testing.T) {
		res := e.c.post(f.path("/conflicts"), url.Values{"none": {"1"}, "vendor": {itoa(f.vendors[0].ID)}, "note_" + itoa(f.vendors[0].ID): {"My cousin"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.StatusCode)
		}
		d := res.doc(t)
		if d.Find("[data-testid=conflict-vendor]:checked").Length() != 1 || d.Find("[data-testid=no-conflict]:checked").Length() != 1 {
			t.Error("the form did not keep what was ticked")
		}
		if v := d.Find("#note_"+itoa(f.vendors[0].ID)).AttrOr("value", ""); v != "My cousin" {
			t.Errorf("note kept = %q", v)
		}
	})

	res = e.c.post(f.path("/conflicts"), url.Values{"none": {"1"}, "next": {next}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != f.scorecardPath(0, "") {
		t.Fatalf("declare: status %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	d := e.c.get(f.scorecardPath(0, "")).doc(t)
	if got := text(d, "[data-testid=flash]"); got != "Declaration recorded." {
		t.Errorf("flash = %q", got)
	}
	if got := d.Find("form[data-testid=criterion]").Length(); got != len(f.rated) {
		t.Errorf("scorecard shows %d criteria, want the %d rated ones", got, len(f.rated))
	}
	if got := f.rate(e, 0, "policies", "4", "", 0).StatusCode; got != http.StatusOK {
		t.Errorf("rating after declaring: status %d", got)
	}

	t.Run("DeclarationIsFinal", func(t *testing.T) {
		res := e.c.post(f.path("/conflicts"), url.Values{"vendor": {itoa(f.vendors[1].ID)}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("second declaration: status %d, want 422", res.StatusCode)
		}
		if got := text(res.doc(t), "[data-testid=form-error]"); !strings.Contains(got, "already made") {
			t.Errorf("message = %q", got)
		}
		if got := e.c.get(f.scorecardPath(1, "")).StatusCode; got != http.StatusOK {
			t.Errorf("vendor B after a refused second declaration: status %d", got)
		}
	})
}

func TestConflictedVendorCannotBeScored(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Claims", 2, e)
	conflicted := itoa(f.vendors[0].ID)
	res := e.c.post(f.path("/conflicts"), url.Values{"vendor": {conflicted}, "note_" + conflicted: {"Worked there until 2025"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare: status %d\n%s", res.StatusCode, res.body)
	}

	if got := e.c.get(f.scorecardPath(0, "")).StatusCode; got != http.StatusForbidden {
		t.Errorf("conflicted scorecard: status %d, want 403", got)
	}
	if got := f.rate(e, 0, "policies", "3", "", 0).StatusCode; got != http.StatusForbidden {
		t.Errorf("rating a conflicted vendor: status %d, want 403", got)
	}
	if got := e.c.get(f.scorecardPath(1, "")).StatusCode; got != http.StatusOK {
		t.Errorf("the other vendor: status %d, want 200", got)
	}

	d := e.c.get(f.path("/conflicts")).doc(t)
	rows := d.Find("[data-testid=declared-vendor]")
	if rows.Length() != 2 || !strings.Contains(rows.First().Text(), "Worked there until 2025") {
		t.Errorf("declaration shows %q", rows.Text())
	}
	if got := d.Find("[data-testid=open-scorecard]").Length(); got != 1 {
		t.Errorf("%d scorecard links, want 1 (the vendor without a conflict)", got)
	}

	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	page := mgr.get(f.path("")).doc(t)
	if got := text(page, "[data-testid=conflicts]"); !strings.Contains(got, "Worked there until 2025") {
		t.Errorf("the manager's evaluation page shows conflicts %q", got)
	}
	view := mgr.get(f.scorecardPath(0, "?evaluator="+itoa(e.ID))).doc(t)
	if got := text(view, "[data-testid=notice]"); !strings.Contains(got, "declared a conflict of interest") {
		t.Errorf("manager's view of the conflicted scorecard says %q", got)
	}
}

func TestAutosaveRating(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)

	res := f.rate(e, 0, "policies", "4", "Written procedures,\r\nISO 27001 current.", 0)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, res.body)
	}
	d := res.doc(t)
	if got := text(d, `form[data-key=policies] [data-testid=save-state]`); !strings.Contains(got, "Saved") {
		t.Errorf("save state = %q", got)
	}
	if got := version(t, d, "policies"); got != 1 {
		t.Errorf("version after the first save = %d, want 1", got)
	}
	summary := d.Find("#scorecard-summary[data-hx-swap-oob]")
	if summary.Length() != 1 {
		t.Fatal("no out-of-band summary in the answer")
	}
	if got := text(d, "#scorecard-summary [data-testid=rated-count]"); got != "1 of 8 rated" {
		t.Errorf("rated count = %q", got)
	}
	if got := text(d, "#scorecard-summary [data-testid=scorecard-state]"); got != "In progress" {
		t.Errorf("state after the first save = %q", got)
	}
	// Policies weighs 60% × 20% = 12% of the score; 4 on 1–5 is 75/100.
	if got, want := text(d, "#scorecard-summary [data-testid=subtotal]"), "Weighted subtotal so far: 9.00 points, of the 60.00 points the rated criteria carry."; got != want {
		t.Errorf("subtotal = %q, want %q", got, want)
	}
	if got := text(d, "#scorecard-summary [data-testid=completeness]"); got != "20% of the rated weight is rated." {
		t.Errorf("completeness = %q", got)
	}

	page := e.c.get(f.scorecardPath(0, "")).doc(t)
	if got := checked(page, "policies"); got != "4" {
		t.Errorf("after reload, policies = %q, want 4", got)
	}
	if got := page.Find("form[data-key=policies] textarea").Text(); got != "Written procedures,\nISO 27001 current." {
		t.Errorf("after reload, justification = %q", got)
	}
	if got := text(page, "[data-testid=scorecard-state]"); got != "In progress" {
		t.Errorf("state = %q", got)
	}

	if res := f.rate(e, 0, "policies", "", "", 1); res.StatusCode != http.StatusOK || version(t, res.doc(t), "policies") != 2 {
		t.Errorf("clearing: status %d", res.StatusCode)
	}
	if got := checked(e.c.get(f.scorecardPath(0, "")).doc(t), "policies"); got != "" {
		t.Errorf("after clearing, policies = %q", got)
	}
}

func TestStaleRatingGetsConflict(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)

	// Two tabs opened on the same scorecard: each saves a different criterion.
	if got := f.rate(e, 0, "policies", "4", "Tab one", 0).StatusCode; got != http.StatusOK {
		t.Fatalf("tab one: status %d", got)
	}
	if got := f.rate(e, 0, "cultural_fit", "3", "", 0).StatusCode; got != http.StatusOK {
		t.Fatalf("tab two, another criterion: status %d", got)
	}

	// Tab two then changes policies, based on the version it loaded.
	res := f.rate(e, 0, "policies", "2", "Tab two", 0)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: status %d, want 409", res.StatusCode)
	}
	d := res.doc(t)
	if got := text(d, "[data-testid=stored-value]"); got != "4 · Strong" {
		t.Errorf("the message shows the stored value %q", got)
	}
	if got := text(d, "[data-testid=stored-justification]"); got != "Tab one" {
		t.Errorf("the message shows the stored justification %q", got)
	}
	// The answer replaces the save state only, not the user's choice.
	if n := d.Find("textarea, input[name=value]").Length(); n != 0 {
		t.Errorf("the answer replaces %d of the user's inputs", n)
	}
	fresh := version(t, d, "policies")
	if fresh != 1 {
		t.Errorf("the answer carries version %d, want the stored 1", fresh)
	}

	sc := f.scorecard(t, e, 0)
	if r := sc.Ratings[f.byKey["policies"].ID]; *r.Value != 4 || r.Justification != "Tab one" {
		t.Errorf("the stale save overwrote the rating: %d %q", *r.Value, r.Justification)
	}
	if r := sc.Ratings[f.byKey["cultural_fit"].ID]; r == nil || *r.Value != 3 {
		t.Error("the other tab's rating was lost")
	}

	if got := f.rate(e, 0, "policies", "2", "Tab two", fresh).StatusCode; got != http.StatusOK {
		t.Errorf("saving again on the fresh version: status %d", got)
	}
}

func TestRatingOutsideTheScaleIsRefused(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)

	for name, tc := range map[string]struct {
		value string
		want  string
	}{
		"AboveScale":   {"6", "Enter a number from 1 to 5."},
		"BelowScale":   {"0", "Enter a number from 1 to 5."},
		"NotANumber":   {"four", "Enter a whole number."},
		"HugeNumber":   {"99999999999", "Enter a whole number."},
		"DecimalPoint": {"3.5", "Enter a whole number."},
	} {
		t.Run(name, func(t *testing.T) {
			res := f.rate(e, 0, "policies", tc.value, "Kept as typed", 0)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			d := res.doc(t)
			if got := text(d, "form[data-key=policies] [data-testid=save-state]"); got != tc.want {
				t.Errorf("message = %q, want %q", got, tc.want)
			}
			// Only the save state is replaced: the box keeps what was typed.
			if n := d.Find("textarea, input[name=value]").Length(); n != 0 {
				t.Errorf("the answer replaces %d of the evaluator's inputs", n)
			}
		})
	}
	if r := f.scorecard(t, e, 0).Ratings[f.byKey["policies"].ID]; r != nil {
		t.Errorf("a refused rating was stored: %+v", r)
	}

	t.Run("MeasuredCriterion", func(t *testing.T) {
		if got := f.rate(e, 0, "price", "3", "", 0).StatusCode; got != http.StatusBadRequest {
			t.Errorf("rating a measured criterion: status %d, want 400", got)
		}
	})
	t.Run("UnknownCriterion", func(t *testing.T) {
		res := e.c.post(f.scorecardPath(0, "/ratings"), url.Values{"criterion": {"999999"}, "value": {"3"}, "version": {"0"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", res.StatusCode)
		}
	})
}

// rateAll rates every rated criterion of vendor i 3, which needs no
// justification under the default policy.
func rateAll(t *testing.T, f *evalFixture, e *evaluator, i int) {
	t.Helper()
	page := e.c.get(f.scorecardPath(i, "")).doc(t)
	for _, c := range f.rated {
		if res := f.rate(e, i, c.Key, "3", "", version(t, page, c.Key)); res.StatusCode != http.StatusOK {
			t.Fatalf("rate %s: status %d", c.Key, res.StatusCode)
		}
	}
}

func scorecardVersion(d *goquery.Document) string {
	return d.Find("#scorecard-version").AttrOr("value", "")
}

func TestSubmitScorecard(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)

	f.rate(e, 0, "policies", "5", "", 0)
	f.rate(e, 0, "cultural_fit", "3", "", 0)
	page := e.c.get(f.scorecardPath(0, "")).doc(t)

	res := e.c.post(f.scorecardPath(0, "/submit"), url.Values{"version": {scorecardVersion(page)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete submit: status %d, want 422", res.StatusCode)
	}
	d := res.doc(t)
	problems := text(d, "[data-testid=submit-problems]")
	for _, want := range []string{
		"Policies & procedures — A rating of 5 needs a justification.",
		"Process expertise — Rate this criterion.",
		"Onboarding & business knowledge — Rate this criterion.",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems do not say %q:\n%s", want, problems)
		}
	}
	if strings.Contains(problems, "Cultural fit") {
		t.Errorf("a complete criterion is listed:\n%s", problems)
	}
	if got := text(d, "form[data-key=process_expertise] [data-testid=save-state]"); got != "Rate this criterion." {
		t.Errorf("the criterion itself says %q", got)
	}

	rateAll(t, f, e, 0)
	page = e.c.get(f.scorecardPath(0, "")).doc(t)
	res = e.c.post(f.scorecardPath(0, "/submit"), url.Values{"version": {scorecardVersion(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d\n%s", res.StatusCode, res.body)
	}
	// The only vendor: back to the evaluation, which says so.
	if got, want := res.Header.Get("Location"), evaluationPath(f.ev.ID, ""); got != want {
		t.Errorf("after the last scorecard, went to %s, want %s", got, want)
	}
	if got := text(e.c.get(res.Header.Get("Location")).doc(t), "[data-testid=flash]"); !strings.Contains(got, "every scorecard") {
		t.Errorf("flash = %q", got)
	}
	page = e.c.get(f.scorecardPath(0, "")).doc(t)
	if got := text(page, "[data-testid=scorecard-state]"); got != "Submitted" {
		t.Errorf("state = %q", got)
	}
	if page.Find("[data-testid=submit-form]").Length() != 0 || page.Find("form[data-hx-post]").Length() != 0 {
		t.Error("a submitted scorecard still offers to change it")
	}
	if page.Find("input[name=value]:not([disabled])").Length() != 0 {
		t.Error("a submitted scorecard's ratings can still be chosen")
	}

	if got := f.rate(e, 0, "policies", "2", "", version(t, page, "policies")).StatusCode; got != http.StatusForbidden {
		t.Errorf("saving on a submitted scorecard: status %d, want 403", got)
	}

	sc := f.scorecard(t, e, 0)
	reopen := f.path("/scorecards/" + itoa(sc.ID) + "/reopen")
	if got := e.c.post(reopen, url.Values{"version": {strconv.Itoa(sc.Version)}}).StatusCode; got != http.StatusForbidden {
		t.Errorf("an evaluator reopening: status %d, want 403", got)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	res = mgr.post(reopen, url.Values{"version": {strconv.Itoa(sc.Version)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != f.path("") {
		t.Fatalf("reopen: status %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := f.rate(e, 0, "policies", "2", "", version(t, page, "policies")).StatusCode; got != http.StatusOK {
		t.Errorf("saving on a reopened scorecard: status %d, want 200", got)
	}
	if got := text(e.c.get(f.scorecardPath(0, "")).doc(t), "[data-testid=scorecard-state]"); got != "In progress" {
		t.Errorf("state after reopening = %q", got)
	}
}

func TestStaleSubmitIsRefused(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)
	rateAll(t, f, e, 0)
	page := e.c.get(f.scorecardPath(0, "")).doc(t)
	stale := scorecardVersion(page)
	if res := e.c.post(f.scorecardPath(0, "/submit"), url.Values{"version": {stale}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d", res.StatusCode)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	sc := f.scorecard(t, e, 0)
	mgr.post(f.path("/scorecards/"+itoa(sc.ID)+"/reopen"), url.Values{"version": {strconv.Itoa(sc.Version)}})

	res := e.c.post(f.scorecardPath(0, "/submit"), url.Values{"version": {stale}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("submit from a page loaded before the reopening: status %d, want 409", res.StatusCode)
	}
	if got := scorecardVersion(res.doc(t)); got == stale {
		t.Error("the refusal does not carry the current version")
	}
}

func TestEvaluatorsDoNotSeeEachOthersRatings(t *testing.T) {
	a := newApp(t)
	alice, bob := a.newEvaluator("alice@example.test"), a.newEvaluator("bob@example.test")
	f := a.openEvaluation("Collections", 1, alice, bob)
	f.declareNone(alice)
	f.declareNone(bob)
	const secret = "Alice's private reasoning"
	if got := f.rate(alice, 0, "policies", "5", secret, 0).StatusCode; got != http.StatusOK {
		t.Fatalf("alice rates: status %d", got)
	}

	if got := bob.c.get(f.scorecardPath(0, "?evaluator="+itoa(alice.ID))).StatusCode; got != http.StatusForbidden {
		t.Errorf("bob opening alice's scorecard: status %d, want 403", got)
	}
	for _, path := range []string{f.scorecardPath(0, ""), f.path(""), f.path("/conflicts"), "/"} {
		res := bob.c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, res.StatusCode)
		}
		if strings.Contains(res.body, secret) {
			t.Errorf("%s shows alice's justification to bob", path)
		}
	}
	d := bob.c.get(f.scorecardPath(0, "")).doc(t)
	if got := checked(d, "policies"); got != "" {
		t.Errorf("bob's scorecard shows a rating %q he never gave", got)
	}
	if got := text(d, "[data-testid=rated-count]"); got != "0 of 8 rated" {
		t.Errorf("bob's count = %q", got)
	}
	// A save names no evaluator: it always lands on the caller's own scorecard.
	f.rate(bob, 0, "cultural_fit", "2", "", 0)
	if r := f.scorecard(t, alice, 0).Ratings[f.byKey["cultural_fit"].ID]; r != nil {
		t.Error("bob's save reached alice's scorecard")
	}

	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	if got := mgr.get(f.scorecardPath(0, "")).StatusCode; got != http.StatusNotFound {
		t.Errorf("a manager's own scorecard: status %d, want 404", got)
	}
	view := mgr.get(f.scorecardPath(0, "?evaluator="+itoa(alice.ID))).doc(t)
	if got := view.Find("form[data-key=policies] textarea").Text(); got != secret {
		t.Errorf("the manager sees justification %q", got)
	}
	if got := text(view, "[data-testid=scorecard-evaluator]"); got != "Scored by alice" {
		t.Errorf("evaluator line = %q", got)
	}
	if view.Find("form[data-hx-post]").Length() != 0 || view.Find("[data-testid=submit-form]").Length() != 0 {
		t.Error("the manager's view is not read-only")
	}
	if got := mgr.get(f.scorecardPath(0, "?evaluator="+itoa(a.admin.ID))).StatusCode; got != http.StatusNotFound {
		t.Errorf("a user who is not assigned: status %d, want 404", got)
	}
}

func TestScorecardInFrench(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Paie", 1, e)
	f.declareNone(e)
	e.c.post("/preferences/lang", url.Values{"lang": {"fr"}})
	d := f.rate(e, 0, "policies", "4", "", 0).doc(t)
	if got, want := text(d, "[data-testid=subtotal]"), "Sous-total pondéré à ce stade : 9,00 points, sur les 60,00 points que pèsent les critères notés."; got != want {
		t.Errorf("subtotal = %q, want %q", got, want)
	}
	page := e.c.get(f.scorecardPath(0, "")).doc(t)
	if got := text(page, "form[data-key=policies] legend strong"); got != "Politiques et procédures" {
		t.Errorf("criterion name = %q", got)
	}
	if got := strings.Join(strings.Fields(text(page, "form[data-key=policies] label:has(input[value='4'])")), " "); !strings.HasPrefix(got, "4 · Solide ") {
		t.Errorf("scale point = %q", got)
	}
	// The descriptor is in view beside the point, not in a tooltip.
	if got := text(page, "form[data-key=policies] label:has(input[value='4']) [data-testid=level-help]"); !strings.HasPrefix(got, "Répond à toutes les exigences") {
		t.Errorf("scale descriptor = %q", got)
	}
	if page.Find("form[data-key=policies] [title]").Length() != 0 {
		t.Error("the scale still explains itself in tooltips")
	}
}

// TestSubmitGoesToTheNextVendor: once a scorecard is submitted, the
// evaluator lands on the next vendor still to do.
func TestSubmitGoesToTheNextVendor(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 2, e)
	f.declareNone(e)
	rateAll(t, f, e, 1)
	page := e.c.get(f.scorecardPath(1, "")).doc(t)
	res := e.c.post(f.scorecardPath(1, "/submit"), url.Values{"version": {scorecardVersion(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d", res.StatusCode)
	}
	if got, want := res.Header.Get("Location"), f.scorecardPath(0, ""); got != want {
		t.Errorf("after submitting, went to %s, want the other vendor's scorecard %s", got, want)
	}
	if got := text(e.c.get(res.Header.Get("Location")).doc(t), "[data-testid=flash]"); !strings.Contains(got, "next vendor") {
		t.Errorf("flash = %q", got)
	}
}

// TestAutosaveFlagsAMissingJustification: a rating the policy wants
// justified is saved, and the answer says at once that submitting will
// need the justification; with it, the flag goes.
func TestAutosaveFlagsAMissingJustification(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)
	res := f.rate(e, 0, "policies", "5", "", 0)
	d := res.doc(t)
	if res.StatusCode != http.StatusOK || text(d, "[data-testid=needs-justification]") != "✓ Saved — justification needed before submit" {
		t.Fatalf("status %d, save state %q", res.StatusCode, text(d, "[data-testid=save-state]"))
	}
	res = f.rate(e, 0, "policies", "5", "Audited procedures, ISO 9001", 1)
	if d := res.doc(t); d.Find("[data-testid=needs-justification]").Length() != 0 || !strings.Contains(text(d, "[data-testid=save-state]"), "Saved") {
		t.Errorf("justified: save state %q", text(d, "[data-testid=save-state]"))
	}
	if d := e.c.get(f.scorecardPath(0, "")).doc(t); d.Find("[data-testid=needs-justification]").Length() != 0 {
		t.Error("the page flags a justified rating")
	}
}

// TestSavingTheSameRatingIsNotAudited: a save that changes nothing (the
// same point chosen again) answers as saved, keeps the version and adds
// nothing to the history.
func TestSavingTheSameRatingIsNotAudited(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)
	f.rate(e, 0, "cultural_fit", "3", "Fine", 0)
	before := a.ratingEvents(t, f.ev.ID)
	res := f.rate(e, 0, "cultural_fit", "3", "Fine", 1)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := version(t, res.doc(t), "cultural_fit"); got != 1 {
		t.Errorf("version %d after a save that changed nothing, want 1", got)
	}
	if after := a.ratingEvents(t, f.ev.ID); after != before {
		t.Errorf("%d rating events after a no-op save, want %d", after, before)
	}
}

// ratingEvents counts the evaluation's audited rating changes.
func (a *app) ratingEvents(t *testing.T, evaluationID int64) int {
	t.Helper()
	var n int
	if err := a.db.Pool.QueryRow(t.Context(),
		`SELECT count(*) FROM audit_events WHERE evaluation_id = $1 AND entity = 'rating'`, evaluationID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAutosaveAnswerFollowsTheRevision checks the evaluation frame an
// autosave's answer is shown with (see evaluationFrame): kept per revision,
// read once, then renewed by a weight change, and never read for an
// evaluator the save refuses.
func TestAutosaveAnswerFollowsTheRevision(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Support", 1, e)
	f.declareNone(e)
	frames := func() (hits, misses float64) {
		return a.metric(t, "bpoeval_frame_cache_hits_total"), a.metric(t, "bpoeval_frame_cache_misses_total")
	}
	subtotal := func(d *goquery.Document) string {
		t.Helper()
		return text(d, "#scorecard-summary [data-testid=subtotal]")
	}
	save := func(value string, version int) *goquery.Document {
		t.Helper()
		res := f.rate(e, 0, "policies", value, "", version)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("save %s: status %d\n%s", value, res.StatusCode, res.body)
		}
		return res.doc(t)
	}

	// A revision's entries: the frame and the scorecard's base (see
	// cachedScorecardBase), both used by every save.
	const entries = 2
	hits, misses := frames()
	first := save("4", 0)
	if h, m := frames(); h != hits || m != misses+entries {
		t.Errorf("first save: frame hits %v → %v, misses %v → %v; want a miss of each entry", hits, h, misses, m)
	}
	hits, misses = frames()
	second := save("5", version(t, first, "policies"))
	if h, m := frames(); h != hits+entries || m != misses {
		t.Errorf("second save: frame hits %v → %v, misses %v → %v; want a hit of each entry", hits, h, misses, m)
	}
	before := subtotal(second)

	p := a.storedCriteria(f.ev.ID)["policies"]
	if err := a.criteria.SetWeights(a.adminCtx(), f.ev.ID, []bpo.WeightChange{{CriterionID: p.ID, Version: p.Version, Weight: 5}}); err != nil {
		t.Fatal(err)
	}
	hits, misses = frames()
	// The same rating again: only the weight can move the subtotal.
	third := save("5", version(t, second, "policies"))
	if _, m := frames(); m != misses+entries {
		t.Errorf("after the weight change: frame misses %v → %v, want new entries", misses, m)
	}
	after := subtotal(third)
	if after == before {
		t.Errorf("the subtotal did not follow the weight change: %q", after)
	}
	if page := subtotal(e.c.get(f.scorecardPath(0, "")).doc(t)); after != page {
		t.Errorf("the answer's subtotal %q differs from the page's %q", after, page)
	}

	outsider := a.newEvaluator("outsider@example.test")
	hits, misses = frames()
	res := outsider.c.post(f.scorecardPath(0, "/ratings"), url.Values{
		"criterion": {strconv.FormatInt(p.ID, 10)}, "value": {"1"}, "justification": {""}, "version": {"0"},
	}, "HX-Request", "true")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("an evaluator not assigned: status %d, want 404", res.StatusCode)
	}
	if strings.Contains(res.body, "Policies") || strings.Contains(res.body, f.ev.Title) {
		t.Error("the refusal shows the evaluation")
	}
	if h, m := frames(); h != hits || m != misses {
		t.Errorf("a refused save read the frame cache: hits %v → %v, misses %v → %v", hits, h, misses, m)
	}
}
