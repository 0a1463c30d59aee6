package report_test

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

func write(t *testing.T, d *report.Data) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLargeReport writes the report of 12 vendors × 30 criteria × 8
// evaluators and reads it back as a reader's tools would.
func TestLargeReport(t *testing.T) {
	for _, tc := range []struct {
		lang      i18n.Lang
		labels    []string
		pageOf    string
		submitted string // a column title of the table of scorecards
	}{
		{i18n.EN, []string{"Executive summary", "Methodology", "Evaluators' justifications", "Sign-off"}, "Page %d of %d", "Submitted on"},
		{i18n.FR, []string{"Synthèse", "Méthode", "Justifications des évaluateurs", "Approbation", "Critère par critère"}, "Page %d sur %d", "Soumise le"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			d := largeData(tc.lang)
			pdf := write(t, d)
			info := pdftest.Info(t, pdf)
			if info["Title"] != d.Evaluation.Title {
				t.Errorf("title %q, want %q", info["Title"], d.Evaluation.Title)
			}
			n := pdftest.Pages(t, pdf)
			if n < 100 {
				t.Errorf("%d pages: the justifications alone should take a hundred", n)
			}
			fonts := pdftest.Fonts(t, pdf)
			if len(fonts) != 2 {
				t.Errorf("fonts %+v, want the regular and the bold face", fonts)
			}
			for _, f := range fonts {
				if !f.Embedded {
					t.Errorf("font %s is not embedded", f.Name)
				}
			}
			// Every stream is compressed: uncompressed, the pages alone
			// take 2.4 MB.
			if regexp.MustCompile(`<</Length \d+>>\nstream`).Match(pdf) || len(pdf) > 1<<20 {
				t.Errorf("%d bytes, or a stream left uncompressed", len(pdf))
			}

			pages := pdftest.PageTexts(t, pdf)
			if len(pages) != n {
				t.Fatalf("pdftotext found %d pages, pdfinfo %d", len(pages), n)
			}
			for i, p := range pages {
				if !strings.HasPrefix(p, d.Evaluation.Title) || !strings.HasSuffix(p, fmt.Sprintf(tc.pageOf, i+1, n)) {
					t.Errorf("page %d lacks its header or footer: %.80q … %.80q", i+1, p, p[max(0, len(p)-80):])
				}
			}
			// The 96 scorecards take more than a page: the table's header
			// comes again on each.
			if n := len(slices.DeleteFunc(slices.Clone(pages), func(p string) bool { return !strings.Contains(p, tc.submitted) })); n < 2 {
				t.Errorf("the table of scorecards has its header on %d pages", n)
			}
			all := strings.Join(pages, " ")
			// The decision in one sentence, on the cover, as the engine words it.
			decision := pdftest.Squeeze(explain.Reason(tc.lang, d.Result.Recommendation.Reasons[0]))
			if !strings.Contains(pages[0], decision) {
				t.Errorf("the cover does not give the decision %q:\n%s", decision, pages[0])
			}
			for _, want := range append(tc.labels, largeVendors...) {
				if !strings.Contains(all, pdftest.Squeeze(want)) {
					t.Errorf("the report does not mention %q", want)
				}
			}
			// Typography that must survive: apostrophes, guillemets, euros.
			for _, want := range []string{"D’après les réponses", "« à jour »", "2 450 € par ETP", longCriterion} {
				if !strings.Contains(all, pdftest.Squeeze(want)) {
					t.Errorf("%q did not come through", want)
				}
			}
			// The ranking gives the engine's scores, to two decimals.
			summary := pages[1] + pages[2]
			for _, v := range d.Result.Vendors {
				if score := i18n.Number(tc.lang, v.Score, 2); !strings.Contains(summary, score) {
					t.Errorf("the summary lacks %s's score %s", v.Name, score)
				}
			}

			first := -1
			leader := fmt.Sprintf("1. %s", d.Result.Vendors[0].Name)
			for i, p := range pages {
				if strings.Contains(p, leader) {
					first = i + 1
					break
				}
			}
			if first < 0 {
				t.Fatalf("no section for the leader %q", leader)
			}
			t.Logf("%d pages; the leader's section starts on page %d; %d bytes", n, first, len(pdf))
			pdftest.PNG(t, pdf, 1, t.ArtifactDir(), "cover-"+string(tc.lang))
			pdftest.PNG(t, pdf, first, t.ArtifactDir(), "vendor-"+string(tc.lang))
		})
	}
}

// TestTextStaysInPlace checks on every page of the large report that no
// word leaves the text column and that no two words overlap, long names
// and comments included.
func TestTextStaysInPlace(t *testing.T) {
	d := largeData(i18n.FR)
	d.Participants[8].Name += strings.Repeat(" et filiales", 12)
	d.Result.Vendors[8].Name = d.Participants[8].Name
	checkPlacement(t, write(t, d), 1, 0)
}

// With more vendors than a chart can show, the charts show the best-ranked
// ones and say so; every vendor still has its section.
func TestManyVendors(t *testing.T) {
	d := generate(i18n.EN, 40)
	for i := range d.Ratings {
		d.Ratings[i].Justification = "Short."
	}
	pdf := write(t, d)
	checkPlacement(t, pdf, 1, 8)
	pages := pdftest.PageTexts(t, pdf)
	charts := slices.IndexFunc(pages, func(p string) bool { return strings.Contains(p, "Comparison charts") })
	if charts < 0 || !strings.Contains(pages[charts], "The charts show the 12 best-ranked vendors.") {
		t.Errorf("the charts do not say they show the best-ranked vendors only")
	}
	last := d.Result.Vendors[39]
	title := fmt.Sprintf("%d. %s", last.Rank, last.Name)
	if last.Rank == 0 {
		title = last.Name + " (knocked out, not ranked)"
	}
	if !strings.Contains(strings.Join(pages, " "), title) {
		t.Errorf("no section for the last vendor, %s", last.Name)
	}
}

// checkPlacement fails when a word of the pages first to last leaves the
// text column or overlaps another.
func checkPlacement(t *testing.T, pdf []byte, first, last int) {
	t.Helper()
	const mm = 72 / 25.4
	left, right := 20*mm-0.5, (210-20)*mm+0.5
	for p, words := range pdftest.Words(t, pdf, first, last) {
		page := first + p
		for i, w := range words {
			if w.XMin < left || w.XMax > right || w.YMin < 0 || w.YMax > 297*mm {
				t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f leaves the text column", page, w.Text, w.XMin, w.XMax, w.YMin, w.YMax)
			}
			for _, o := range words[i+1:] {
				if overlap(w.XMin, w.XMax, o.XMin, o.XMax) > 0.5 && overlap(w.YMin, w.YMax, o.YMin, o.YMax) > 0.5 {
					t.Errorf("page %d: %q and %q overlap", page, w.Text, o.Text)
				}
			}
		}
	}
}

func overlap(a0, a1, b0, b1 float64) float64 { return math.Min(a1, b1) - math.Max(a0, b0) }

// An evaluation with no vendor, no scorecard and no decision still gets a
// report that says so.
func TestEmptyEvaluation(t *testing.T) {
	d := largeData(i18n.EN)
	d.Participants, d.Ratings, d.Scorecards, d.Measurements, d.WeightChanges = nil, nil, nil, nil, nil
	d.Model.Vendors = nil
	d.Evaluation.Decision, d.Decision = nil, nil
	res, err := evaluate(d)
	if err != nil {
		t.Fatal(err)
	}
	d.Result = res
	text := pdftest.Text(t, write(t, d), 1, 0)
	for _, want := range []string{
		explain.Reason(i18n.EN, res.Recommendation.Reasons[0]),
		"No decision has been recorded yet",
		"No change to the weight of a single criterion",
		"Sign-off",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestWriteNeedsTheResult(t *testing.T) {
	d := largeData(i18n.EN)
	d.Result = nil
	if err := report.Write(&bytes.Buffer{}, d); err == nil {
		t.Error("a report without the engine's result was written")
	}
}
