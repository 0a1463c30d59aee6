package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// The moderation record lists each consensus with the individual ratings
// behind it; without any, it says that every score is an aggregate. The
// methodology says how each group's weights were set.
func TestModerationRecord(t *testing.T) {
	d := generate(i18n.EN, 3)
	empty := pdftest.Squeeze(pdftest.Text(t, write(t, d), 1, 0))
	if !strings.Contains(empty, pdftest.Squeeze("No consensus rating was recorded")) {
		t.Error("an evaluation without consensus does not say so")
	}
	if !strings.Contains(empty, pdftest.Squeeze("Top-level criteria: typed in.")) {
		t.Error("the methodology does not say the weights were typed in")
	}

	rt := d.Ratings[0]
	at := time.Date(2026, 11, 30, 15, 4, 0, 0, time.UTC)
	d.Consensus = []*bpo.Consensus{{VendorID: rt.VendorID, CriterionID: rt.CriterionID, Value: 3,
		Reason: "Agreed after the reference calls.", RecordedByName: "Chair Person", RecordedAt: at}}
	var quality *bpo.Criterion
	for _, c := range d.Criteria {
		if c.Key == "quality" {
			quality = c
		}
	}
	d.WeightOrigins = []report.WeightOrigin{{ParentID: &quality.ID, Participants: 2, CR: 0.042, AppliedAt: at}}
	text := pdftest.Squeeze(pdftest.Text(t, write(t, d), 1, 0))
	for _, want := range []string{"Moderation record", "Agreed after the reference calls.", "Chair Person, 30 Nov 2026",
		largeEvaluators[0] + ": ", "Service quality: by pairwise comparison, 2 participants, group consistency ratio 0.042"} {
		if !strings.Contains(text, pdftest.Squeeze(want)) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
