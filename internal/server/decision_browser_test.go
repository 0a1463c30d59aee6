package server_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// TestBrowserRecordOverwriteAndChangeDecision records a decision through
// its confirmation, loses a race to another manager (409, their decision
// shown), changes the decision with a reason, and finds the decision
// replaced in the history, on the page and in the PDF.
func TestBrowserRecordOverwriteAndChangeDecision(t *testing.T) {
	a := newApp(t)
	f := a.decidable(t, "Browser decision")
	a.user("mgr@example.test", bpo.RoleManager)
	other := a.signIn("other@example.test", bpo.RoleManager)
	ctx := newBrowser(t)
	base := a.srv.URL
	browserSignIn(t, ctx, base, "mgr@example.test")
	b, c := itoa(f.vendors[1].ID), itoa(f.vendors[2].ID)

	// Record: B, departing from an incomplete result, with the reason.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+f.path("")),
		chromedp.WaitVisible(css("[data-testid=decision-form]")),
		chromedp.Click(css("[data-testid=decision-form] input[value='"+b+"']")),
		chromedp.SendKeys(css("#rationale"), "B has the bilingual team."),
		chromedp.SendKeys(css("#departure_reason"), "The missing figures cannot change the order."),
		chromedp.Click(css("[data-testid=decision-review]")),
		chromedp.WaitVisible(css("[data-testid=decision-confirm]")),
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("record: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=decision-text]"); got != "Selected: "+f.vendors[1].Name {
		t.Errorf("headline %q", got)
	}

	// Overwrite: this manager confirms a change while another one's change
	// lands first; nothing is overwritten and the winner's decision shows.
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=decision-change] summary")),
		chromedp.Click(css("[data-testid=decision-form] input[value='"+c+"']")),
		chromedp.SendKeys(css("#rationale"), "C after all."),
		chromedp.SendKeys(css("#departure_reason"), "References."),
		chromedp.SendKeys(css("#change_reason"), "Second thoughts."),
		chromedp.Click(css("[data-testid=decision-review]")),
		chromedp.WaitVisible(css("[data-testid=decision-confirm]")),
	)
	if err != nil {
		t.Fatalf("change form: %v", err)
	}
	if res := other.post(f.path("/decision"), url.Values{"version": {f.version(t)}, "vendor": {"in_house"},
		"rationale": {"Budget frozen."}, "departure_reason": {"The board cut the budget."}, "change": {"1"},
		"change_reason": {"The board froze the budget."}}); res.StatusCode != 303 {
		t.Fatalf("the other manager's change: status %d", res.StatusCode)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=alert]")),
	)
	if err != nil {
		t.Fatalf("stale confirm: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=decision-text]"); got != "Kept in-house: no vendor selected" {
		t.Errorf("after the lost race the page shows %q, want the winner's decision", got)
	}

	// Change, with the reason, from the form as it was typed.
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(css("#change_reason")),
		chromedp.Click(css("[data-testid=decision-review]")),
		chromedp.WaitVisible(css("[data-testid=decision-confirm]")),
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("change: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=decision-text]"); got != "Selected: "+f.vendors[2].Name {
		t.Errorf("after the change: %q", got)
	}
	history := textOf(t, ctx, "[data-testid=decision-history]")
	for _, want := range []string{"Kept in-house", "The board froze the budget.", "Selected: " + f.vendors[1].Name, "Second thoughts."} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q: %q", want, history)
		}
	}
	screenshot(t, ctx, "decision-en")
	panelShot(t, ctx, "decision-panel-en")
	err = chromedp.Do(ctx,
		chromedp.Click(css(".lang-switch button[value=fr]")),
		chromedp.WaitVisible(css("html[lang=fr] [data-testid=decision]")),
	)
	if err != nil {
		t.Fatalf("French: %v", err)
	}
	screenshot(t, ctx, "decision-fr")
	panelShot(t, ctx, "decision-panel-fr")

	mgr := a.login("mgr@example.test")
	for _, lang := range []string{"en", "fr"} {
		pdf := []byte(mgr.get(f.path("/report.pdf?lang=" + lang)).body)
		text := pdftest.Squeeze(pdftest.Text(t, pdf, 2, 3))
		for _, want := range []string{"The board froze the budget.", "Second thoughts.", "bpoeval score model.json"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: page 2 of the PDF lacks %q", lang, want)
			}
		}
		pdftest.PNG(t, pdf, 2, t.ArtifactDir(), "decision-report-"+lang+"-page2")
	}
}

// panelShot saves the decision panel alone, legible at full size.
func panelShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(css("[data-testid=decision]"), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("screenshot of the decision: %v", err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
