package report_test

import (
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// The summary leads with the recorded decision; the engine's
// recommendation is shown as such, with the departure and its reason, the
// model's hash and how to recompute it, and the decisions replaced.
func TestReportLeadsWithTheRecordedDecision(t *testing.T) {
	for _, tc := range []struct {
		lang                                     i18n.Lang
		headline, engine, departs, hash, history string
	}{
		{i18n.EN, "Decision: keep the work in-house", "The engine's recommendation, which is not the decision:",
			"Reason given: The board froze the budget", "SHA-256 of the model", "Reason for the change: Le budget"},
		{i18n.FR, "Décision : garder l’activité en interne", "La recommandation du moteur, qui n’est pas la décision :",
			"Motif donné : The board froze the budget", "SHA-256 du modèle", "Motif du changement : Le budget"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			d := largeData(tc.lang)
			c := d.Decision.Current
			c.Outcome, c.VendorID, c.VendorKey, c.Departs, c.DepartureReason = bpo.OutcomeInHouse, nil, "", true, "The board froze the budget."
			text := pdftest.Squeeze(pdftest.Text(t, write(t, d), 2, 3))
			for _, want := range []string{tc.headline, tc.engine, tc.departs, tc.hash, c.ModelSHA256,
				"bpoeval score model.json", "/api/v1/evaluations/", tc.history} {
				if !strings.Contains(text, pdftest.Squeeze(want)) {
					t.Errorf("pages 2–3 lack %q:\n%.1500s", want, text)
				}
			}
			p := d.Participants[0]
			cov := bpo.CoverageByVendor([]int64{p.VendorID}, d.Evaluators, d.Scorecards)[p.VendorID]
			if want := i18n.T(tc.lang, "coverage.value", cov.Submitted, cov.Expected); cov.Expected == 0 ||
				!strings.Contains(text, i18n.T(tc.lang, "coverage.title")) || !strings.Contains(text, want) {
				t.Errorf("the ranking does not give the scorecards submitted (%q)", want)
			}
			if i, j := strings.Index(text, pdftest.Squeeze(tc.headline)), strings.Index(text, pdftest.Squeeze(tc.engine)); i < 0 || j < i {
				t.Error("the engine's recommendation comes before the decision")
			}
		})
	}
}
