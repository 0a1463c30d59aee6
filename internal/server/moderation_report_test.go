package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// reportModerationRecord: the demo's report records the consensus on
// Carthage's cultural fit with the individual ratings, the reason, who
// recorded it and when, and says the Service quality weights were set by a
// comparison round.
func reportModerationRecord(t *testing.T, mgr *client, open int64) {
	pdf := []byte(mgr.get(fmt.Sprintf("/evaluations/%d/report.pdf?lang=en", open)).body)
	page := 0
	for i, text := range pdftest.PageTexts(t, pdf) {
		if strings.Contains(text, "Moderation record") && strings.Contains(text, "Individual ratings") {
			page = i + 1
		}
	}
	if page == 0 {
		t.Fatal("no moderation record in the report")
	}
	text := pdftest.Squeeze(pdftest.Text(t, pdf, page, page))
	for _, want := range []string{"Carthage Nearshore Services", "Cultural fit", "Élodie Martin: 4", "Karim Benali: 2",
		"tone briefing", "Marc Lefèvre"} {
		if !strings.Contains(text, pdftest.Squeeze(want)) {
			t.Errorf("the moderation record lacks %q:\n%s", want, text)
		}
	}
	all := pdftest.Squeeze(pdftest.Text(t, pdf, 1, 0))
	for _, want := range []string{"Service quality: by pairwise comparison, 2 participants", "Service levels: typed in."} {
		if !strings.Contains(all, pdftest.Squeeze(want)) {
			t.Errorf("the methodology lacks %q", want)
		}
	}
	pdftest.PNG(t, pdf, page, t.ArtifactDir(), "moderation-record")
}
