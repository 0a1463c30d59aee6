package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// answerPairs picks, for each pair of the round (in page order), the step
// given, by clicking its written-out label.
func answerPairs(t *testing.T, ctx context.Context, steps []int) {
	t.Helper()
	for i, step := range steps {
		sel := `[data-testid=pair]:nth-of-type(` + strconv.Itoa(i+1) + `) input[value="` + strconv.Itoa(step) + `"]`
		if err := chromedp.Do(ctx, chromedp.Click(css(sel))); err != nil {
			t.Fatalf("pair %d, step %d: %v", i, step, err)
		}
	}
}

// TestBrowserComparisonRound: the chair starts a round for the service
// levels from the criteria page and invites two people; Ana answers
// consistently, the first pair with the keyboard, and sees a CR of 0; Ben
// contradicts himself and is shown the three pairs to revise; the chair
// sees both, and the group's weights, and applies them: the criteria's
// weights are those of the round, saved as audited weight changes.
func TestBrowserComparisonRound(t *testing.T) {
	a := newApp(t)
	_, open, _ := a.loadDemo()
	a.user("chair@example.test", bpo.RoleManager)
	a.user("ana@example.test", bpo.RoleEvaluator)
	a.user("ben@example.test", bpo.RoleEvaluator)
	sla := a.weightIDs(open)["service_levels"]
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "chair@example.test")

	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/criteria")),
		chromedp.Click(css(`[data-testid=criterion][data-key=service_levels] [data-testid=weigh-by-comparison]`)),
		chromedp.WaitVisible(css("[data-testid=new-round-form]")),
		chromedp.Click(css(`[data-testid=invite-user][data-email="ana@example.test"]`)),
		chromedp.Click(css(`[data-testid=invite-user][data-email="ben@example.test"]`)),
		chromedp.Click(css("[data-testid=start-round]")),
		chromedp.WaitVisible(css("[data-testid=round-results]")),
	)
	if err != nil {
		t.Fatalf("start the round: %v", err)
	}
	var roundPath string
	if roundPath, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil {
		t.Fatal(err)
	}
	browserSignOut(t, ctx)

	// Ana: aht 4, asa 2, abandonment 2, turnaround 1, consistently.
	browserSignIn(t, ctx, a.srv.URL, "ana@example.test")
	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+roundPath),
		chromedp.WaitVisible(css("[data-testid=answer-form]")),
		// The first pair by keyboard: from "equal", one step up is
		// "AHT is slightly more important than ASA (2×)".
		chromedp.Focus(css(`[data-testid=pair]:nth-of-type(1) input[value="0"]`)),
		chromedp.KeyEvent(" "),
		chromedp.KeyEvent(kb.ArrowUp),
	)
	if err != nil {
		t.Fatalf("answer by keyboard: %v", err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=pair]:nth-of-type(1) input:checked').value`)); err != nil || v != "1" {
		t.Fatalf("the arrow key chose %q (%v), want step 1", v, err)
	}
	label := textOf(t, ctx, `[data-testid=pair]:nth-of-type(1) label:has(input:checked)`)
	if !strings.Contains(label, "slightly more important than") || !strings.Contains(label, "2×") {
		t.Errorf("the step is written %q", label)
	}
	answerPairs(t, ctx, []int{1, 1, 3, 0, 1, 1})
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=save-answers]")),
		chromedp.WaitVisible(css("[data-testid=my-consistency]")),
	)
	if err != nil {
		t.Fatalf("save Ana's answers: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=my-cr]"); !strings.Contains(got, "Consistent") || !strings.Contains(got, "0.000") {
		t.Errorf("Ana's consistency: %q", got)
	}
	screenshot(t, ctx, "pairwise-consistent")
	browserSignOut(t, ctx)

	// Ben: AHT ≫ ASA ≫ abandonment ≫ AHT, a cycle.
	browserSignIn(t, ctx, a.srv.URL, "ben@example.test")
	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+roundPath),
		chromedp.WaitVisible(css("[data-testid=answer-form]")),
	)
	if err != nil {
		t.Fatal(err)
	}
	answerPairs(t, ctx, []int{8, -8, 0, 8, 0, 0})
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=save-answers]")),
		chromedp.WaitVisible(css("[data-testid=revise-pairs]")),
	)
	if err != nil {
		t.Fatalf("save Ben's answers: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=revise-pairs] li').length`)); err != nil || n != 3 {
		t.Errorf("%d pairs to revise (%v), want 3", n, err)
	}
	if got := textOf(t, ctx, "[data-testid=my-cr]"); !strings.Contains(got, "Inconsistent") {
		t.Errorf("Ben's consistency: %q", got)
	}
	screenshot(t, ctx, "pairwise-inconsistent")
	browserSignOut(t, ctx)

	browserSignIn(t, ctx, a.srv.URL, "chair@example.test")
	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+roundPath),
		chromedp.WaitVisible(css("[data-testid=group-cr]")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=participant-result]').length`)); err != nil || n != 2 {
		t.Errorf("%d participants' results (%v), want 2", n, err)
	}
	if got := textOf(t, ctx, "[data-testid=group-cr]"); !strings.Contains(got, "2 participants") {
		t.Errorf("group result: %q", got)
	}
	screenshot(t, ctx, "pairwise-results")
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=apply-weights]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}

	pw := postgres.NewPairwiseService(a.db)
	rounds, err := pw.FindRounds(a.adminCtx(), open)
	if err != nil || len(rounds) == 0 || rounds[0].Status != bpo.RoundApplied || rounds[0].ParentID == nil || *rounds[0].ParentID != sla.ID {
		t.Fatalf("rounds %+v, %v", rounds, err)
	}
	// The geometric mean of Ana's and Ben's judgments, pair by pair.
	crit := a.weightIDs(open)
	aht, asa := crit["aht"].Weight, crit["asa"].Weight
	if aht <= asa || aht+asa+crit["abandonment"].Weight+crit["turnaround"].Weight < 99.9 {
		t.Errorf("weights after applying: aht %v, asa %v, abandonment %v, turnaround %v",
			aht, asa, crit["abandonment"].Weight, crit["turnaround"].Weight)
	}
	events, _, err := postgres.NewAuditService(a.db).FindEvaluationHistory(a.adminCtx(), open, bpo.AuditFilter{Entity: "criterion", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	weighted := 0
	for _, ev := range events {
		if ev.Action == "weight" && ev.EntityID == crit["aht"].ID {
			weighted++
		}
	}
	if weighted == 0 {
		t.Error("applying saved no audited weight change")
	}
}
