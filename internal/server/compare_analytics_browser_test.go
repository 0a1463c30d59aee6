package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestBrowserCompareAnalytics: at 1,400 px the comparison's charts have no
// label under 12 px; moving the service-quality slider redraws the
// value-for-money scatter and the robustness bars without a reload. The
// charts are saved as images in English and in French.
func TestBrowserCompareAnalytics(t *testing.T) {
	a := newApp(t)
	_, open, _ := a.loadDemo()
	a.user("mgr@example.test", bpo.RoleManager)
	quality := "#w_" + strconv.FormatInt(a.weightIDs(open)["quality"].ID, 10)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "mgr@example.test")
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1400, 1000),
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/compare")),
		chromedp.WaitVisible(css("[data-testid=value-for-money] svg")),
		chromedp.WaitVisible(css("[data-testid=robustness] svg")),
	)
	if err != nil {
		t.Fatalf("open the comparison: %v", err)
	}
	// The rendered size of a label is its font size in drawing units times
	// the drawing's scale on screen.
	smallest := `Math.min(...Array.from(document.querySelectorAll(".charts svg")).flatMap(svg => {
		const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
		return Array.from(svg.querySelectorAll("text")).map(t => parseFloat(t.getAttribute("font-size")) * k);
	}))`
	if px, err := chromedp.Run(ctx, chromedp.Evaluate[float64](smallest)); err != nil || px < 12 {
		t.Errorf("the smallest chart label is %.1f px at 1,400 px (%v), want 12 or more", px, err)
	}
	shot(t, ctx, ".charts.analytics", "analytics-en")
	shot(t, ctx, "[data-testid=radar]", "categories-en")

	scatter := `document.querySelector("[data-testid=value-for-money] svg").innerHTML`
	bars := `Array.from(document.querySelectorAll("[data-testid=robustness] rect.bar")).map(r => r.getAttribute("width")).join(",")`
	scatterBefore, err := chromedp.Run(ctx, chromedp.Evaluate[string](scatter))
	if err != nil {
		t.Fatal(err)
	}
	barsBefore, err := chromedp.Run(ctx, chromedp.Evaluate[string](bars))
	if err != nil {
		t.Fatal(err)
	}
	move := `(() => { window.notReloaded = true; const s = document.querySelector("` + quality + `");
		s.value = s.min; s.dispatchEvent(new Event("input", {bubbles: true})); return s.value })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](move)); err != nil {
		t.Fatal(err)
	}
	changed := `document.querySelector("[data-testid=whatif]") !== null && document.querySelector("[data-testid=robustness] svg") !== null &&
		(` + scatter + `) !== ` + strconv.Quote(scatterBefore) + ` && (` + bars + `) !== ` + strconv.Quote(barsBefore)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](changed, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the scatter and the robustness bars did not both change when service quality weighed nothing: %v", err)
	}
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !still {
		t.Errorf("the page reloaded (%v)", err)
	}
	shot(t, ctx, ".charts.analytics", "analytics-whatif-en")

	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/compare")),
		chromedp.WaitVisible(css("button[name=lang][value=fr]")),
		chromedp.Click(css("button[name=lang][value=fr]")),
		chromedp.WaitVisible(css("html[lang=fr]")),
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/compare")),
		chromedp.WaitVisible(css("[data-testid=value-for-money] svg")),
	)
	if err != nil {
		t.Fatalf("the comparison in French: %v", err)
	}
	shot(t, ctx, ".charts.analytics", "analytics-fr")
	shot(t, ctx, "[data-testid=radar]", "categories-fr")
}

// shot saves the element sel as a PNG test artifact.
func shot(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(css(sel)))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", sel, err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
