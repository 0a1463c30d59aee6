package server_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestBrowserNewFromAndDeleteDraft starts an evaluation from the demo's
// closed one as a manager would (the select of the new-evaluation page, in
// French, then the form it fills in), checks the copy's page, and deletes
// the copy through its confirmation page. Each state passes axe-core and
// the Nu HTML Checker (screenshot).
func TestBrowserNewFromAndDeleteDraft(t *testing.T) {
	a := newApp(t)
	_, _, closed := a.loadDemo()
	src, err := a.evaluations.FindEvaluationDetail(a.adminCtx(), closed, bpo.WithAssignments)
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	browserSignInAs(t, ctx, a.srv.URL, "manager@demo.test")
	err = chromedp.Do(ctx,
		chromedp.Click(css(".lang-switch button[value=fr]")),
		chromedp.WaitVisible(css(".lang-switch button.current[value=fr]")),
		chromedp.Navigate(a.srv.URL+"/evaluations/new"),
		chromedp.WaitVisible(css("[data-testid=start-from] select")),
	)
	if err != nil {
		t.Fatalf("open the new-evaluation page: %v", err)
	}
	screenshot(t, ctx, "new-evaluation-fr")
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("[data-testid=start-from] select"), strconv.FormatInt(closed, 10)),
		chromedp.Click(css("[data-testid=start-from-submit]")),
		chromedp.WaitVisible(css("[data-testid=copy-note]")),
	)
	if err != nil {
		t.Fatalf("start from the closed evaluation: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=copy-note]"); !strings.Contains(got, src.Evaluation.Title) {
		t.Errorf("copy note = %q", got)
	}
	screenshot(t, ctx, "new-from-fr")

	title := "Renouvellement 2027"
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("input#title").value = ""`),
		chromedp.SendKeys(css("input#title"), title),
		chromedp.Click(css("[data-testid=save]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("create the copy: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=evaluation-title]"); !strings.Contains(got, title) {
		t.Errorf("copy's page is titled %q", got)
	}
	screenshot(t, ctx, "copy-fr")
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=criterion]").length`))
	if err != nil {
		t.Fatal(err)
	}
	if copied != len(src.Criteria) {
		t.Errorf("the copy's page lists %d criteria, want the source's %d", copied, len(src.Criteria))
	}

	page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	askToDelete := func() {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(a.srv.URL+page),
			chromedp.Click(css("[data-testid=more-actions] summary")),
			chromedp.Click(css("[data-testid=delete-draft]")),
			chromedp.WaitVisible(css("[data-testid=confirmation]")),
		)
		if err != nil {
			t.Fatalf("ask to delete the copy: %v", err)
		}
	}

	// A confirmation gone stale: the draft is renamed meanwhile. The 409
	// is the evaluation's page, at its own address again, so that a
	// refresh reloads it instead of sending the deletion once more.
	askToDelete()
	copyID, err := strconv.ParseInt(strings.TrimPrefix(page, "/evaluations/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := a.evaluations.FindEvaluationByID(a.adminCtx(), copyID)
	if err != nil {
		t.Fatal(err)
	}
	in := bpo.NewEvaluationInput()
	in.Title = title + " bis"
	if _, err := a.evaluations.UpdateEvaluation(a.adminCtx(), cp.ID, cp.Version, in); err != nil {
		t.Fatal(err)
	}
	title = in.Title
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=alert]")),
	)
	if err != nil {
		t.Fatalf("send the stale deletion: %v", err)
	}
	screenshot(t, ctx, "delete-stale-fr")
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.location.pathname`)); err != nil || got != page {
		t.Errorf("after the refusal the address is %q (%v), want the evaluation's %q", got, err, page)
	}
	err = chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(css("[data-testid=evaluation-title]")))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=alert]").length`)); err != nil || n != 0 {
		t.Errorf("the refresh sent the deletion again: %d alerts (%v)", n, err)
	}

	askToDelete()
	screenshot(t, ctx, "delete-confirm-fr")
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=evaluation-table]")),
	)
	if err != nil {
		t.Fatalf("delete the copy: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=flash]"); !strings.Contains(got, "Brouillon supprimé") {
		t.Errorf("flash = %q", got)
	}
	if got := textOf(t, ctx, "[data-testid=evaluation-table]"); strings.Contains(got, title) {
		t.Errorf("the list still shows the deleted draft: %q", got)
	}
	screenshot(t, ctx, "deleted-fr")
}
