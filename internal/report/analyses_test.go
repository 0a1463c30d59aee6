package report_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// TestAnalysesInTheReport: the executive summary says how often the leader
// leads under uncertain weights, with the chart, and warns when a withdrawal
// would change the leader; a "Value for money" page plots benefit against
// price.
func TestAnalysesInTheReport(t *testing.T) {
	for _, tc := range []struct {
		lang                            i18n.Lang
		robustness, value, frontier, of string
	}{
		{i18n.EN, "How sure the ranking is", "Value for money", "On the frontier", "Benefit against cost"},
		{i18n.FR, "La solidité du classement", "Rapport qualité-prix", "Sur la frontière", "Bénéfice face au coût"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			d := generate(tc.lang, 6)
			// vendor_01, knocked out on its policies, bids 900 €, far below
			// the others; vendor_05 bids 1900 €. Price is scored relative
			// to the lowest bid, so without vendor_01, vendor_05 would lead
			// instead of vendor_03 (rule 12).
			d.Model.Vendors[0].Metrics["price"] = 900
			d.Model.Vendors[4].Metrics["price"] = 1900
			res, err := scoring.Evaluate(d.Model)
			if err != nil {
				t.Fatal(err)
			}
			d.Result = res
			pdf := write(t, d)
			pages := pdftest.PageTexts(t, pdf)
			summary := slices.IndexFunc(pages, func(p string) bool { return strings.Contains(p, pdftest.Squeeze(tc.robustness)) })
			if summary < 0 {
				t.Fatalf("no robustness section")
			}
			top := res.Robustness.Acceptability[0]
			share := pdftest.Squeeze(explain.Share(tc.lang, top.Share))
			if !strings.Contains(pages[summary], share) {
				t.Errorf("the robustness chart does not give the leader's share %s:\n%s", share, pages[summary])
			}
			value := slices.IndexFunc(pages, func(p string) bool {
				return strings.Contains(p, pdftest.Squeeze(tc.value)) && strings.Contains(p, pdftest.Squeeze(tc.of))
			})
			if value < 0 {
				t.Fatalf("no value-for-money page")
			}
			if !strings.Contains(pages[value], pdftest.Squeeze(tc.frontier)) {
				t.Errorf("the value-for-money table has no frontier column:\n%s", pages[value])
			}
			for _, p := range res.ValueForMoney.Points {
				if name := pdftest.Squeeze(res.Vendor(p.Vendor).Name); !strings.Contains(pages[value], name) {
					t.Errorf("%s is not on the value-for-money page", name)
				}
			}
			warned := 0
			for _, r := range res.Recommendation.Reasons {
				if r.Code != scoring.ReasonRankReversal {
					continue
				}
				warned++
				if want := pdftest.Squeeze(explain.Reason(tc.lang, r)); !strings.Contains(pdftest.Squeeze(pages[summary-1]+" "+pages[summary]), want[:80]) {
					t.Errorf("the summary does not warn %q", want)
				}
			}
			if warned != 1 {
				t.Errorf("%d rank-reversal warnings, want the one of vendor_01", warned)
			}
			pdftest.PNG(t, pdf, summary+1, t.ArtifactDir(), "robustness-"+string(tc.lang))
			pdftest.PNG(t, pdf, value+1, t.ArtifactDir(), "value-"+string(tc.lang))
		})
	}
}

// TestValueForMoneyWithoutFigures: a cost criterion without any eligible
// vendor's figure says why there is no chart.
func TestValueForMoneyWithoutFigures(t *testing.T) {
	d := generate(i18n.EN, 3)
	for i := range d.Model.Vendors {
		delete(d.Model.Vendors[i].Metrics, "price")
	}
	res, err := scoring.Evaluate(d.Model)
	if err != nil {
		t.Fatal(err)
	}
	d.Result = res
	all := strings.Join(pdftest.PageTexts(t, write(t, d)), " ")
	if want := pdftest.Squeeze("There is nothing to plot: no eligible vendor has a figure for Price per FTE per month."); !strings.Contains(all, want) {
		t.Errorf("the report does not say %q", want)
	}
}
