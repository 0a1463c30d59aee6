package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
)

// newBrowser starts a headless Chromium for one test. Without a browser the
// test fails in CI (which installs one) and is skipped only on a developer
// machine that lacks it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium on PATH: .ci/run installs Debian's chromium")
		}
		t.Skip("no Chromium on PATH (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshot checks the page (checkPage) and saves it as a PNG test
// artifact (kept with go test -artifacts).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	checkPage(t, ctx, name)
	// A screenshot taken while a page is still being laid out has no size.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete" && document.documentElement.scrollWidth > 0`)); err != nil {
		t.Fatalf("wait for the page before a screenshot: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// browserSignIn signs in through the login form.
func browserSignIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	browserSignInWith(t, ctx, base, email, testPassword)
}

// browserSignInAs signs in as one of the demo's users.
func browserSignInAs(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	browserSignInWith(t, ctx, base, email, demo.Password)
}

func browserSignInWith(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("[data-testid=whoami]")),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// textOf reads the text of the first element matching sel.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func TestBrowserCreateFindAndTranslateVendor(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "mgr@example.test")

	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/vendors/new"),
		chromedp.WaitVisible(css("#name")),
		chromedp.SendKeys(css("#name"), "Île Rouge Data Services"),
		chromedp.SetValue(css("#country"), "MG"),
		chromedp.Click(css("input[name=services][value=back_office]")),
		chromedp.SendKeys(css("#headcount"), "650"),
		// The languages: filtered, then one click each, no Ctrl.
		chromedp.SendKeys(css("input.choice-filter"), "malag"),
		chromedp.Click(css("#languages option[value=mg]")),
		chromedp.Evaluate[chromedp.Void](`(f => { f.value = ""; f.dispatchEvent(new Event("input")) })(document.querySelector("input.choice-filter"))`),
		chromedp.ScrollIntoView(css("#languages option[value=fr]")),
		chromedp.Click(css("#languages option[value=fr]")),
		chromedp.SendKeys(css("#notes"), "Antananarivo — saisie de documents."),
		chromedp.Click(css("[data-testid=save]")),
		chromedp.WaitVisible(css("[data-testid=vendor-name]")),
	)
	if err != nil {
		t.Fatalf("create vendor: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=vendor-name]"); got != "Île Rouge Data Services" {
		t.Errorf("vendor page shows %q", got)
	}
	if got := textOf(t, ctx, "main"); !strings.Contains(got, "Malagasy") || !strings.Contains(got, "French") {
		t.Errorf("the languages chosen with the filter and single clicks were not saved: %q", got)
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/vendors"),
		chromedp.WaitVisible(css("input[name=q]")),
		chromedp.SendKeys(css("input[name=q]"), "madagascar"),
		chromedp.Submit(css("input[name=q]")),
		// The list before the search has a table too: wait for the new page.
		chromedp.WaitVisible(css("input[name=q][value=madagascar]")),
		chromedp.WaitVisible(css("[data-testid=vendor-table]")),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if rows := textOf(t, ctx, "[data-testid=vendor-table] tbody"); !strings.Contains(rows, "Île Rouge Data Services") {
		t.Errorf("search by country did not find the vendor: %q", rows)
	}
	screenshot(t, ctx, "vendor-search-en")

	err = chromedp.Do(ctx,
		chromedp.Click(css(".lang-switch button[value=fr]")),
		chromedp.WaitVisible(css("html[lang=fr] [data-testid=vendor-total]")),
	)
	if err != nil {
		t.Fatalf("switch to French: %v", err)
	}
	placeholder, err := chromedp.Run(ctx, chromedp.AttributeValue(css("input[name=q]"), "placeholder"))
	if err != nil {
		t.Fatal(err)
	}
	if got := textOf(t, ctx, "[data-testid=vendor-total]"); got != "1 prestataire" {
		t.Errorf("French count = %q", got)
	}
	if got := textOf(t, ctx, "h1"); got != "Prestataires" {
		t.Errorf("French heading = %q", got)
	}
	if placeholder.Value != "Nom, pays ou service" {
		t.Errorf("French placeholder = %q", placeholder.Value)
	}
	if got := textOf(t, ctx, "[data-testid=vendor-row] td:nth-child(2)"); got != "Madagascar" {
		t.Errorf("country column = %q", got)
	}
	screenshot(t, ctx, "vendor-search-fr")
}
