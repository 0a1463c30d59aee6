package server_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// cellText reads a cell of criterion key's row in the editor.
func cellText(key, testID string) string {
	return fmt.Sprintf(`(document.querySelector('[data-testid=criterion][data-key=%s] [data-testid=%s]') || {}).textContent`, key, testID)
}

func TestBrowserEditWeights(t *testing.T) {
	a := newApp(t)
	f := a.rankedEvaluation()
	a.user("mgr@example.test", bpo.RoleManager)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "mgr@example.test")

	weight := "[data-testid=criterion][data-key=process_expertise] [data-testid=weight]"
	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+f.path("/criteria")),
		chromedp.WaitVisible(css(weight)),
	)
	if err != nil {
		t.Fatalf("open the editor: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=criterion][data-key=process_expertise] [data-testid=share]"); got != "20.0%" {
		t.Fatalf("share before typing = %q", got)
	}

	// Typing a weight updates the shares of its group without a reload,
	// and the preview says how the ranking would change.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Clear(css(weight)), chromedp.SendKeys(css(weight), "100")); err != nil {
		t.Fatalf("type a weight: %v", err)
	}
	shares := fmt.Sprintf(`%s === "55.6%%" && %s === "33.3%%" && %s === "11.1%%" && %s === "6.7%%"`,
		cellText("process_expertise", "share"), cellText("process_expertise", "effective"),
		cellText("policies", "share"), cellText("policies", "effective"))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](shares, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the shares did not follow the weight typed: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(css(`[data-testid=leader-change][data-changed=true]`))); err != nil {
		t.Fatalf("no preview of the new leader: %v", err)
	}
	want := fmt.Sprintf("With these weights %s would lead instead of %s.", f.vendors[1].Name, f.vendors[0].Name)
	if got := textOf(t, ctx, "[data-testid=leader-change]"); got != want {
		t.Errorf("preview says %q, want %q", got, want)
	}
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !still {
		t.Errorf("the page reloaded while typing (%v)", err)
	}
	if got := a.storedCriteria(f.ev.ID)["process_expertise"].Weight; got != 20 {
		t.Errorf("typing saved the weight %v before Save", got)
	}
	screenshot(t, ctx, "criteria")

	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=save-weights]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=flash]"); got != "Weights saved." {
		t.Errorf("flash = %q", got)
	}
	if got := a.storedCriteria(f.ev.ID)["process_expertise"].Weight; got != 100 {
		t.Errorf("stored weight = %v, want 100", got)
	}
	if got := textOf(t, ctx, "[data-testid=criterion][data-key=process_expertise] [data-testid=effective]"); got != "33.3%" {
		t.Errorf("share of total after saving = %q", got)
	}
}
