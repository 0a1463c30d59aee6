package report_test

import (
	"io"
	"testing"

	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
)

// BenchmarkReportLarge writes the report of 12 vendors × 30 criteria × 8
// evaluators, every rating justified at length: the target is 50 ms.
func BenchmarkReportLarge(b *testing.B) {
	d := largeData(i18n.FR)
	for b.Loop() {
		if err := report.Write(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
