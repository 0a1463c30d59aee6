package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// browserSignOut signs out through the menu's button.
func browserSignOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css("#email")),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// TestBrowserModeration: the chair opens the moderation of Carthage, whose
// cultural fit the evaluators disputed (4, 2, 4, 5) and the demo settled at
// 4; a change without a reason is refused with the field named and the
// choice kept; with a reason it is recorded; cleared, the evaluation page
// counts the criterion as disputed and not moderated again; recorded anew,
// the count is back to zero.
func TestBrowserModeration(t *testing.T) {
	a := newApp(t)
	_, open, _ := a.loadDemo()
	a.user("chair@example.test", bpo.RoleManager)
	crit := a.weightIDs(open)
	var carthage int64
	parts, err := a.participants.FindParticipants(a.adminCtx(), open)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if strings.HasPrefix(p.Key, "carthage") {
			carthage = p.VendorID
		}
	}
	fit := strconv.FormatInt(crit["cultural_fit"].ID, 10)
	row := `[data-testid=moderation-row][data-criterion="` + fit + `"]`
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "chair@example.test")

	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/moderation")),
		chromedp.WaitVisible(css("[data-testid=moderation-vendors]")),
		chromedp.Click(css(`a[href$="/moderation/`+strconv.FormatInt(carthage, 10)+`"]`)),
		chromedp.WaitVisible(css(row)),
	)
	if err != nil {
		t.Fatalf("open the moderation: %v", err)
	}
	first := textOf(t, ctx, "[data-testid=moderation-row] h2")
	if first != "Cultural fit" || !strings.Contains(textOf(t, ctx, row+" [data-testid=disputed]"), "Disputed") {
		t.Errorf("first criterion %q, want the disputed cultural fit first", first)
	}
	if got := textOf(t, ctx, row+" [data-testid=moderation-ratings] tbody"); !strings.Contains(got, "formal and rigid") {
		t.Errorf("the individual ratings and justifications are not shown: %q", got)
	}
	screenshot(t, ctx, "moderation")

	// A change with the reason emptied: refused, the field named, 5 kept.
	setForm := `(v, reason) => { const r = document.querySelector('` + row + `');
		r.querySelector("select[name=value]").value = v; r.querySelector("textarea[name=reason]").value = reason; return true }`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(`+setForm+`)("5", "")`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(row+" [data-testid=record-consensus]")),
		chromedp.WaitVisible(css(row+" .field-error")),
	)
	if err != nil {
		t.Fatalf("change without a reason: %v", err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('`+row+` select[name=value]').value`)); err != nil || v != "5" {
		t.Errorf("the typed value was not kept: %q %v", v, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css(row+" textarea[name=reason]"), "References called: the fit is excellent."),
		chromedp.Click(css(row+" [data-testid=record-consensus]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("change with a reason: %v", err)
	}
	if got := textOf(t, ctx, row+" [data-testid=consensus]"); !strings.Contains(got, "Consensus: 5") || !strings.Contains(got, "chair") {
		t.Errorf("consensus shown as %q", got)
	}

	// Cleared: the evaluation page counts it as disputed and not moderated.
	// The flash of the recording is still on the page: the cleared page is
	// the one without the consensus.
	err = chromedp.Do(ctx,
		chromedp.Click(css(row+" [data-testid=clear-consensus]")),
		chromedp.WaitNotPresent(css(row+" [data-testid=consensus]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "")),
		chromedp.WaitVisible(css("[data-testid=moderation-summary]")),
	)
	if err != nil {
		t.Fatalf("clear: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=moderation-summary] [data-testid=unmoderated-count]"); !strings.Contains(got, "1") {
		t.Errorf("count after clearing: %q, want 1", got)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=moderation-summary] [data-testid=unmoderated-count] a")),
		chromedp.WaitVisible(css("[data-testid=moderation-vendors]")),
		chromedp.Click(css(`a[href$="/moderation/`+strconv.FormatInt(carthage, 10)+`"]`)),
		chromedp.WaitVisible(css(row+" select[name=value]")),
	)
	if err != nil {
		t.Fatalf("back to the moderation: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(`+setForm+`)("4", "Agreed again at the second meeting.")`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(row+" [data-testid=record-consensus]")),
		chromedp.WaitVisible(css(row+" [data-testid=consensus]")),
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "")),
		chromedp.WaitVisible(css("[data-testid=moderation-summary]")),
	)
	if err != nil {
		t.Fatalf("record again: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=moderation-summary] [data-testid=unmoderated-count]"); !strings.Contains(got, "0") {
		t.Errorf("count after recording: %q, want 0", got)
	}
	list, err := postgres.NewModerationService(a.db).FindConsensus(a.adminCtx(), open)
	if err != nil || len(list) != 1 || list[0].Value != 4 || list[0].Reason != "Agreed again at the second meeting." {
		t.Fatalf("stored consensus %+v, %v", list, err)
	}
	// Every change is in the history: the demo's record, the change, the
	// clear and the new record.
	events, _, err := postgres.NewAuditService(a.db).FindEvaluationHistory(a.adminCtx(), open, bpo.AuditFilter{Entity: "consensus", Limit: 10})
	if err != nil || len(events) != 4 {
		t.Errorf("%d consensus events (%v), want 4", len(events), err)
	}
}
