package report_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// performanceContract is a contract of eight ended months: ASA missed in
// the last two, the sixth without figures.
func performanceContract() *bpo.Contract {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	promised := 28.0
	c := &bpo.Contract{ID: 1, VendorName: "Port-Louis BPO Centre", EvaluationTitle: "Paie et assistance paie 2026",
		Start: start, Length: bpo.Monthly, Status: bpo.ContractActive, OwnerName: "Marc Lefèvre",
		KPIs: []*bpo.KPI{
			{ID: 1, Key: "asa", NameEN: "Average speed of answer", NameFR: "Délai moyen de réponse", Unit: "s", Better: "lower", Target: 28, Weight: 70, Promised: &promised},
			{ID: 2, Key: "csat", NameEN: "Customer satisfaction", NameFR: "Satisfaction client", Unit: "%", Better: "higher", Target: 85, Weight: 30},
		}}
	asa := []float64{25, 24, 27, 22, 26, 0, 60, 75}
	for i, v := range asa {
		if i == 5 {
			continue
		}
		comment := ""
		if v > 28 {
			comment = "Équipe réduite pendant la clôture annuelle ; rappels le lendemain."
		}
		c.Periods = append(c.Periods, &bpo.Period{Index: i, Start: bpo.PeriodStart(start, bpo.Monthly, i), End: bpo.PeriodStart(start, bpo.Monthly, i+1),
			Version: 1, Actuals: []bpo.Actual{{KPIID: 1, Value: v, Comment: comment}, {KPIID: 2, Value: 86}}})
	}
	return c
}

func TestPerformanceReview(t *testing.T) {
	c := performanceContract()
	score, rank := 78.26, 1
	c.SelectionScore, c.SelectionRank = &score, &rank
	for _, tc := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.EN, []string{"PERFORMANCE REVIEW", "Port-Louis BPO Centre", "Selected with score 78.3, standing", "Missing",
			"Average speed of answer", "Promises against actuals", "For the vendor", "Jan 2026 – Sep 2026"}},
		{i18n.FR, []string{"REVUE DE PERFORMANCE", "Retenu avec la note 78,3, bilan", "Manquants", "Délai moyen de réponse",
			"Promesses et réalisations", "Équipe réduite pendant la clôture annuelle", "Pour le prestataire"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			var b bytes.Buffer
			err := report.WritePerformance(&b, &report.Performance{Lang: tc.lang, GeneratedAt: time.Date(2026, 9, 15, 9, 0, 0, 0, time.UTC),
				PreparedBy: report.Person{Name: "Marc Lefèvre", Role: bpo.RoleManager}, Contract: c, From: 0, To: 8})
			if err != nil {
				t.Fatal(err)
			}
			pdf := b.Bytes()
			text := pdftest.Text(t, pdf, 1, 0)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the review lacks %q", w)
				}
			}
			for _, f := range pdftest.Fonts(t, pdf) {
				if !f.Embedded {
					t.Errorf("font %s is not embedded", f.Name)
				}
			}
			checkPlacement(t, pdf, 1, 0)
			if dir := os.Getenv("BPOEVAL_REVIEW_PNG"); dir != "" {
				for p := 1; p <= pdftest.Pages(t, pdf); p++ {
					pdftest.PNG(t, pdf, p, dir, string(tc.lang)+"-"+string(rune('0'+p)))
				}
			}
		})
	}
	if err := report.WritePerformance(&bytes.Buffer{}, &report.Performance{Contract: c, From: 3, To: 1}); err == nil {
		t.Error("a range that ends before it starts was written")
	}
}
