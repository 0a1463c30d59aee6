package server_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestBrowserFigureImport walks the import from the figures grid: the
// link, the upload form, a file with a refused row, its preview (shown at
// 1,400 px in English and French, every problem in its cell, the changes
// as stored → new, nothing stored), then the confirmation back to the
// grid, which shows the imported figures and only those.
func TestBrowserFigureImport(t *testing.T) {
	a := newApp(t)
	f := a.figureEvaluation("Browser import", 3)
	f.setFigure(0, "price", 2000)
	a.user("figures-mgr@example.test", bpo.RoleManager)
	file := filepath.Join(t.TempDir(), "figures.csv")
	csv := "Vendor,Price per FTE per month (EUR),Average speed of answer (ASA) (s),Abandonment rate (ABN) (%),Comments\n" +
		"browser import vendor a,\"2,100\",25,4.5,from the proposal\n" + // the comma is ambiguous in English
		"BROWSER IMPORT VENDOR B,1950.5,31,5,pilot\n" +
		"Browser import vendor Z,1800,20,3,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "figures-mgr@example.test")
	before := f.figures()

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1400, 900),
		chromedp.Navigate(a.srv.URL+f.path("/figures")),
		chromedp.Click(css("[data-testid=figures-import]")),
		chromedp.WaitVisible(css("[data-testid=figures-upload]")),
	)
	if err != nil {
		t.Fatalf("open the import from the grid: %v", err)
	}
	screenshot(t, ctx, "figures-import-en-1400")
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(css("#file"), []string{file}),
		chromedp.Click(css("[data-testid=figures-upload]")),
		chromedp.WaitVisible(css("[data-testid=import-preview]")),
	)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	screenshot(t, ctx, "figures-preview-en-1400")
	problems := textOf(t, ctx, "[data-testid=import-preview] tbody")
	for _, want := range []string{"A comma is ambiguous", "Not a vendor of this evaluation", "1950.5"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the preview lacks %q:\n%s", want, problems)
		}
	}
	if got := f.figures(); !equalFigures(got, before) {
		t.Fatalf("the upload stored figures: %v", got)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(css(".lang-switch button[value=fr]")),
		chromedp.WaitVisible(css(".lang-switch button.current[value=fr]")),
		chromedp.WaitVisible(css("[data-testid=import-preview]")),
	)
	if err != nil {
		t.Fatalf("the preview in French: %v", err)
	}
	screenshot(t, ctx, "figures-preview-fr-1400")
	if fr := textOf(t, ctx, "[data-testid=import-preview] tbody"); !strings.Contains(fr, "pas un prestataire de cette évaluation") || !strings.Contains(fr, "1950,5") {
		t.Errorf("the French preview:\n%s", fr)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=import-confirm]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
		chromedp.WaitVisible(css("[data-testid=figures-grid]")),
	)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	screenshot(t, ctx, "figures-imported-fr-1400")
	want := map[[2]string]float64{{"A", "price"}: 2000, {"B", "price"}: 1950.5, {"B", "asa"}: 31, {"B", "abandonment"}: 5}
	if got := f.figures(); !equalFigures(got, want) {
		t.Errorf("stored %v, want %v: row A refused whole, Z unknown", got, want)
	}
	price := "#m_" + strconv.FormatInt(f.vendors[1].ID, 10) + "_" + strconv.FormatInt(f.byKey["price"].ID, 10)
	if got, err := chromedp.Run(ctx, chromedp.Value(css(price))); err != nil || got != "1950,5" {
		t.Errorf("the grid shows B's price as %q (%v)", got, err)
	}
}
