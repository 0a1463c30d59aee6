package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestBrowserCompareWhatIf: the manager opens the comparison, moves the
// cost weight slider, and sees the ranking and the recommendation change
// without a reload; nothing is saved.
func TestBrowserCompareWhatIf(t *testing.T) {
	a := newApp(t)
	_, open, _ := a.loadDemo()
	a.user("mgr@example.test", bpo.RoleManager)
	cost := a.weightIDs(open)["cost"]
	slider := "#w_" + strconv.FormatInt(cost.ID, 10)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "mgr@example.test")

	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/compare")),
		chromedp.WaitVisible(css("[data-testid=compare-table]")),
		chromedp.WaitVisible(css(slider)),
	)
	if err != nil {
		t.Fatalf("open the comparison: %v", err)
	}
	screenshot(t, ctx, "compare")

	// Opening a cell shows each evaluator's rating and justification.
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=drill] summary")),
		chromedp.WaitVisible(css("[data-testid=drill] [data-testid=rating-lines] li")),
	)
	if err != nil {
		t.Fatalf("drill down into a cell: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=drill] [data-testid=rating-lines]"); !strings.Contains(got, "—") {
		t.Errorf("the drill-down shows %q, want ratings with justifications", got)
	}

	ranks := `Array.from(document.querySelectorAll("[data-testid=ranks] [data-testid=rank]")).map(e => e.textContent).join(",")`
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](ranks))
	if err != nil {
		t.Fatal(err)
	}
	decision := textOf(t, ctx, "[data-testid=recommendation-decision]")
	reasons := textOf(t, ctx, "[data-testid=reasons]")

	// Drag the slider to the far right, as a mouse would: the browser sets
	// the value and fires input events.
	move := `(() => { window.notReloaded = true; const s = document.querySelector("` + slider + `");
		s.value = s.max; s.dispatchEvent(new Event("input", {bubbles: true})); return s.value })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](move)); err != nil {
		t.Fatal(err)
	}
	changed := `document.querySelector("[data-testid=whatif]") !== null && (` + ranks + `) !== ` + strconv.Quote(before)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](changed, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the ranking did not change when cost weighed more (ranks %s): %v", before, err)
	}
	if got := textOf(t, ctx, "[data-testid=reasons]"); got == reasons && textOf(t, ctx, "[data-testid=recommendation-decision]") == decision {
		t.Error("the recommendation did not follow the new weights")
	}
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !still {
		t.Errorf("the page reloaded (%v)", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`)); err != nil || !strings.Contains(loc, "w_"+strconv.FormatInt(cost.ID, 10)+"=") {
		t.Errorf("the address %q does not carry the what-if weights (%v)", loc, err)
	}
	if got := a.weightIDs(open)["cost"].Weight; got != cost.Weight {
		t.Errorf("moving the slider saved the weight %v", got)
	}
	screenshot(t, ctx, "compare-whatif")
}
