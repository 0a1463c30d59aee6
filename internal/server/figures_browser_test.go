package server_test

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestBrowserFiguresGridKeepsEveryCell: the manager types a figure in every
// cell of the grid, one of them with a comma for thousands in the English
// UI ("3,100"). One Save: nothing is stored, every cell still shows what
// was typed, the refused one is marked in place with the focus on it, and
// the address is the grid's. Corrected, the whole grid saves.
func TestBrowserFiguresGridKeepsEveryCell(t *testing.T) {
	a := newApp(t)
	_, open, _ := a.loadDemo()
	a.user("mgr@example.test", bpo.RoleManager)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "mgr@example.test")
	stored := func() map[string]float64 {
		d, err := a.evaluations.FindEvaluationDetail(a.adminCtx(), open, bpo.WithMeasurements)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, m := range d.Measurements {
			out["m_"+strconv.FormatInt(m.VendorID, 10)+"_"+strconv.FormatInt(m.CriterionID, 10)] = m.Value
		}
		return out
	}
	before := stored()

	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+evaluationPath(open, "/figures")),
		chromedp.WaitVisible(css("[data-testid=figures-grid]")),
	)
	names, err2 := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-testid=figures-grid] input[name^=m_]")).map(e => e.name)`))
	if err = cmp.Or(err, err2); err != nil || len(names) < 4 {
		t.Fatalf("open the grid: %d cells, %v", len(names), err)
	}
	checkPage(t, ctx, "figures-grid")
	typed := map[string]string{}
	for i, name := range names {
		typed[name] = strconv.Itoa(1000+i) + "." + strconv.Itoa(i%10)
	}
	bad := names[len(names)/2]
	typed[bad] = "3,100"
	for _, name := range names {
		if err := chromedp.Do(ctx, chromedp.SetValue(css("#"+name), typed[name])); err != nil {
			t.Fatalf("type in %s: %v", name, err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=save-figures]")),
		chromedp.WaitVisible(css("[data-testid=error-"+bad+"]")),
	)
	if err != nil {
		t.Fatalf("save the grid: %v", err)
	}
	for _, name := range names {
		if got, err := chromedp.Run(ctx, chromedp.Value(css("#"+name))); err != nil || got != typed[name] {
			t.Errorf("cell %s shows %q after the refusal, want %q as typed (%v)", name, got, typed[name], err)
		}
	}
	invalid, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[aria-invalid=true]")).map(e => e.name)`))
	focused, err2 := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.name`))
	path, err3 := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err = cmp.Or(err, err2, err3); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(invalid, []string{bad}) || focused != bad {
		t.Errorf("marked %v with the focus on %q, want only %s, focused", invalid, focused, bad)
	}
	if msg := textOf(t, ctx, "[data-testid=error-"+bad+"]"); !strings.Contains(msg, "2.1") {
		t.Errorf("the refusal says %q, want the accepted forms", msg)
	}
	if path != evaluationPath(open, "/figures") {
		t.Errorf("after the refusal the address is %s", path)
	}
	if got := stored(); !maps.Equal(got, before) {
		t.Errorf("a refused grid stored figures: %v, was %v", got, before)
	}
	screenshot(t, ctx, "figures-refused")

	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#"+bad), "3\u2009100"),
		chromedp.Click(css("[data-testid=save-figures]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("save the corrected grid: %v", err)
	}
	got := stored()
	for _, name := range names {
		want, _ := strconv.ParseFloat(typed[name], 64)
		if name == bad {
			want = 3100
		}
		if got[name] != want {
			t.Errorf("%s stored %v, want %v", name, got[name], want)
		}
	}
}
