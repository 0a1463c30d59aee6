package server_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/demo"
)

// TestBrowserMainPagesAtEveryWidth walks the main pages of the demo as a
// manager and as an evaluator, in English and French, at 1,400 px and at
// a phone's 390 px: each state passes axe-core and the Nu HTML Checker
// (checkPage), nothing overflows the viewport sideways (wide tables scroll
// inside their box), and each is kept as a screenshot.
func TestBrowserMainPagesAtEveryWidth(t *testing.T) {
	a := newApp(t)
	_, open, closed := a.loadDemo()
	ctx := newBrowser(t)
	manager := []struct{ name, path string }{
		{"dashboard", "/"},
		{"vendors", "/vendors?q=ile"},
		{"evaluation", evaluationPath(open, "")},
		{"evaluation-closed", evaluationPath(closed, "")},
		{"figures", evaluationPath(open, "/figures")},
		{"compare", evaluationPath(open, "/compare")},
		{"history", evaluationPath(open, "/history")},
		{"criteria", evaluationPath(open, "/criteria")},
	}
	signIn := func(email string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(a.srv.URL+"/login"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), email),
			chromedp.SendKeys(css("#password"), demo.Password),
			chromedp.Submit(css("#password")),
			chromedp.WaitVisible(css("[data-testid=whoami]")),
		)
		if err != nil {
			t.Fatalf("sign in as %s: %v", email, err)
		}
	}
	visit := func(lang, name, path string) {
		t.Helper()
		for _, width := range []int64{1400, 390} {
			state := fmt.Sprintf("%s-%s-%d", name, lang, width)
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(a.srv.URL+path),
				chromedp.WaitVisible(css("main h1")),
			)
			if err != nil {
				t.Fatalf("%s: open %s: %v", state, path, err)
			}
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if overflow > 0 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](wideElements))
				t.Errorf("%s: the page is %d px wider than the viewport (%v)", state, overflow, wide)
			}
			screenshot(t, ctx, state)
		}
	}
	setLang := func(lang string) {
		t.Helper()
		// The switch posts and comes back to the page: the new one marks
		// lang as the current language, which the old one did not.
		err := chromedp.Do(ctx,
			chromedp.Click(css(".lang-switch button[value="+lang+"]")),
			chromedp.WaitVisible(css(".lang-switch button.current[value="+lang+"]")),
		)
		if err != nil {
			t.Fatalf("switch to %s: %v", lang, err)
		}
	}

	signIn("manager@demo.test")
	for _, lang := range []string{"fr", "en"} {
		setLang(lang)
		for _, p := range manager {
			visit(lang, p.name, p.path)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("form[action='/logout'] button")), chromedp.WaitVisible(css("#email"))); err != nil {
		t.Fatal(err)
	}
	signIn("evaluator@demo.test")
	for _, lang := range []string{"fr", "en"} {
		setLang(lang)
		visit(lang, "evaluator-dashboard", "/")
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("[data-testid=my-scorecard]:not([data-state=declare]) a") || {}).pathname || ""`))
		if err != nil || href == "" {
			t.Fatalf("no scorecard on the evaluator's dashboard (%v)", err)
		}
		visit(lang, "scorecard", href)
	}
}

// wideElements lists the outermost elements that stick out of the
// viewport, leaving out what scrolls inside a box of its own.
const wideElements = `[...document.querySelectorAll("body *")].filter(e => {
	if (e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false;
	for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
		const o = getComputedStyle(p).overflowX;
		if (o === "auto" || o === "scroll" || o === "hidden") return getComputedStyle(e).position === "absolute";
	}
	return true;
}).slice(0, 5).map(e => e.outerHTML.slice(0, 120))`
