package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// savedAll waits until no autosave is under way or waiting for a change to
// settle, and every criterion shows its answer as saved.
const savedAll = `document.querySelector("form.criterion.htmx-request, form.criterion[data-pending]") === null &&
	[...document.querySelectorAll("form.criterion [data-testid=save-state]")].every(e => e.dataset.state === "saved")`

// ratingsOnPage reads each criterion's chosen rating and justification.
const ratingsOnPage = `Object.fromEntries([...document.querySelectorAll("form.criterion")].map(f =>
	[f.dataset.key, ((f.querySelector("input[name=value]:checked") || {}).value || "") + "|" + f.querySelector("textarea").value]))`

func TestBrowserRateAndSubmitScorecard(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Customer care 2026", 2, e)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, e.Email)

	// The scorecard sends the evaluator to the declaration first, and back.
	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+f.scorecardPath(0, "")),
		chromedp.WaitVisible(css("[data-testid=conflicts-form]")),
		chromedp.Click(css("[data-testid=no-conflict]")),
		chromedp.Click(css("[data-testid=declare]")),
		chromedp.WaitVisible(css("[data-testid=scorecard-title]")),
	)
	if err != nil {
		t.Fatalf("declare no conflict: %v", err)
	}

	// Every rated criterion, alternately with the keyboard (arrow keys move
	// through the scale from "Not rated") and with the mouse.
	want := map[string]string{}
	for i, c := range f.rated {
		form := fmt.Sprintf("#criterion-%d", c.ID)
		steps := 2 + i%3 // ratings 2, 3 and 4: no justification needed
		value := fmt.Sprint(steps)
		justification := ""
		var actions []chromedp.Action[chromedp.Void]
		if i == 0 {
			justification = "Procedures reviewed on site."
			actions = append(actions, chromedp.SendKeys(css(form+" textarea"), justification))
		}
		if i%2 == 0 {
			actions = append(actions, chromedp.Focus(css(form+` input[name=value][value=""]`)),
				chromedp.KeyEvent(strings.Repeat(kb.ArrowRight, steps)))
		} else {
			actions = append(actions, chromedp.Click(css(form+` input[name=value][value="`+value+`"]`)))
		}
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("rate %s: %v", c.Key, err)
		}
		want[c.Key] = value + "|" + justification
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](savedAll, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("autosaves did not all finish: %v", err)
	}
	// Arrow keys pass through every point before the one chosen: the
	// history records only that one, once.
	for i, c := range f.rated {
		if i%2 != 0 || i == 0 {
			continue
		}
		var events, last int
		err := a.db.Pool.QueryRow(t.Context(), `SELECT count(*), coalesce(max((after->>'value')::int), 0) FROM audit_events
			WHERE evaluation_id = $1 AND entity = 'rating' AND (after->>'criterion_id')::bigint = $2`, f.ev.ID, c.ID).Scan(&events, &last)
		if err != nil {
			t.Fatal(err)
		}
		if want := 2 + i%3; events != 1 || last != want {
			t.Errorf("%s rated %d with the arrow keys: %d audit events, last value %d; want 1 event of %d", c.Key, want, events, last, want)
		}
	}
	if got := textOf(t, ctx, "[data-testid=rated-count]"); got != fmt.Sprintf("%d of %d rated", len(f.rated), len(f.rated)) {
		t.Errorf("running count = %q", got)
	}
	if got := textOf(t, ctx, "[data-testid=completeness]"); got != "100% of the rated weight is rated." {
		t.Errorf("completeness = %q", got)
	}

	// A reload shows every rating as saved.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(css("[data-testid=scorecard-title]"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](ratingsOnPage))
	if err != nil {
		t.Fatal(err)
	}
	for key, w := range want {
		if got[key] != w {
			t.Errorf("after reload %s = %q, want %q", key, got[key], w)
		}
	}
	screenshot(t, ctx, "scorecard")

	// Submitting asks first, on a page of its own.
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=submit]")),
		chromedp.WaitVisible(css("[data-testid=confirmation]")),
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	// On to the other vendor, still to do.
	if got := textOf(t, ctx, "[data-testid=scorecard-title]"); !strings.Contains(got, f.vendors[1].Name) {
		t.Errorf("after submitting, the page is %q, want the next vendor's scorecard", got)
	}
	screenshot(t, ctx, "scorecard-next")

	// The manager sees it submitted, in the progress the service reports
	// and on the evaluation's page.
	mgr := a.user("mgr@example.test", bpo.RoleManager)
	progress, err := a.scorecards.FindProgress(as(mgr), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range progress {
		if p.VendorID == f.vendors[0].ID && (p.Status != bpo.ScorecardSubmitted || p.Rated != len(f.rated)) {
			t.Errorf("progress for the scored vendor: %s, %d rated", p.Status, p.Rated)
		}
	}
	c := a.anonymous()
	c.post("/login", url.Values{"email": {mgr.Email}, "password": {testPassword}})
	if n := c.get(f.path("")).doc(t).Find("[data-testid=progress-matrix] td[data-state=submitted]").Length(); n != 1 {
		t.Errorf("the manager's progress matrix shows %d submitted scorecards, want 1", n)
	}
}

func TestBrowserStaleRatingShowsWhatChanged(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Back office", 1, e)
	f.declareNone(e)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, e.Email)
	form := fmt.Sprintf("#criterion-%d", f.byKey["policies"].ID)
	if err := chromedp.Do(ctx, chromedp.Navigate(a.srv.URL+f.scorecardPath(0, "")), chromedp.WaitVisible(css(form))); err != nil {
		t.Fatal(err)
	}

	// Another tab saves policies after this page was loaded.
	if res := f.rate(e, 0, "policies", "4", "From the other tab", 0); res.StatusCode != 200 {
		t.Fatalf("other tab: status %d", res.StatusCode)
	}
	err := chromedp.Do(ctx,
		chromedp.Click(css(form+` input[name=value][value="2"]`)),
		chromedp.WaitVisible(css(form+" [data-testid=rating-conflict]")),
	)
	if err != nil {
		t.Fatalf("stale save: %v", err)
	}
	if got := textOf(t, ctx, form+" [data-testid=stored-value]"); got != "4 · Strong" {
		t.Errorf("the page says the stored value is %q", got)
	}
	screenshot(t, ctx, "scorecard-conflict")
	if r := f.scorecard(t, e, 0).Ratings[f.byKey["policies"].ID]; *r.Value != 4 {
		t.Fatalf("the stale save overwrote the other tab's rating with %d", *r.Value)
	}

	// Keeping mine is a deliberate second save, on the version the 409 brought.
	err = chromedp.Do(ctx,
		chromedp.Click(css(form+" [data-testid=keep-mine]")),
		chromedp.WaitVisible(css(form+` [data-testid=save-state][data-state=saved]`)),
	)
	if err != nil {
		t.Fatalf("keep mine: %v", err)
	}
	if r := f.scorecard(t, e, 0).Ratings[f.byKey["policies"].ID]; *r.Value != 2 {
		t.Errorf("after keeping mine the rating is %d, want 2", *r.Value)
	}

	// Typing alone saves too, once the evaluator pauses.
	if err := chromedp.Do(ctx, chromedp.SendKeys(css(form+" textarea"), "Typed, then paused.")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for f.scorecard(t, e, 0).Ratings[f.byKey["policies"].ID].Justification != "Typed, then paused." {
		if time.Now().After(deadline) {
			t.Fatal("the justification typed was not autosaved")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
