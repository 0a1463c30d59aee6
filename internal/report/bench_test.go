package report_test

import (
	"bytes"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/explain"
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

// BenchmarkChromiumPrintToPDF is the alternative to BenchmarkReportLarge:
// headless Chromium printing an HTML page of the same content (summary,
// both charts as SVG, every vendor's criteria and justifications) to PDF.
// Run the two side by side to compare.
func BenchmarkChromiumPrintToPDF(b *testing.B) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("CI") != "" {
			b.Fatal("no Chromium on PATH: .ci/run installs Debian's chromium")
		}
		b.Skip("no Chromium on PATH (apt-get install chromium)")
	}
	dir := b.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, largeHTML(b, largeData(i18n.FR)), 0o644); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "report.pdf")
	for b.Loop() {
		cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+out, "file://"+page)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("chromium: %v\n%s", err, msg)
		}
	}
	if info, err := os.Stat(out); err != nil || info.Size() == 0 {
		b.Fatalf("chromium wrote no PDF: %v", err)
	}
}

// largeHTML renders the report's content as one HTML page.
func largeHTML(tb testing.TB, d *report.Data) []byte {
	tb.Helper()
	lang := d.Lang
	radar, bars := chart.FromResult(d.Model, d.Result, nil)
	svg := func(dr *chart.Drawing) template.HTML {
		var b strings.Builder
		if err := dr.WriteSVG(&b); err != nil {
			tb.Fatal(err)
		}
		return template.HTML(b.String())
	}
	type vendor struct {
		Name, Score string
		Rows        [][]string
		Notes       []string
	}
	view := struct {
		Title, Scope string
		Reasons      []string
		Radar, Bars  template.HTML
		Vendors      []vendor
	}{Title: d.Evaluation.Title, Scope: d.Evaluation.Scope,
		Radar: svg(chart.Radar(radar)), Bars: svg(chart.StackedBars(bars))}
	for _, r := range d.Result.Recommendation.Reasons {
		view.Reasons = append(view.Reasons, explain.Reason(lang, r))
	}
	names := map[string]string{}
	byID := map[int64]string{}
	for _, c := range d.Criteria {
		names[c.Key], byID[c.ID] = c.Name(string(lang)), c.Name(string(lang))
	}
	for _, v := range d.Result.Vendors {
		vw := vendor{Name: v.Name, Score: i18n.Number(lang, v.Score, 2)}
		for _, c := range v.Criteria {
			vw.Rows = append(vw.Rows, []string{names[c.Key], i18n.Percent(lang, c.Weight, 1),
				i18n.Number(lang, c.Value, 2), i18n.Number(lang, c.Normalized, 1), i18n.Number(lang, c.Contribution, 2)})
		}
		for _, p := range d.Participants {
			if p.Key != v.Key {
				continue
			}
			for _, r := range d.Ratings {
				if r.VendorID == p.VendorID {
					vw.Notes = append(vw.Notes, byID[r.CriterionID]+" — "+r.Justification)
				}
			}
		}
		view.Vendors = append(view.Vendors, vw)
	}
	var b bytes.Buffer
	if err := htmlReport.Execute(&b, view); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

var htmlReport = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; }
h1 { page-break-before: always; color: #0b5394; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #c8ced6; padding: 2px 4px; text-align: left; }
thead { display: table-header-group; }
svg { max-width: 160mm; }
</style></head><body>
<h2>{{.Title}}</h2><p>{{.Scope}}</p>
<ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>
{{.Radar}}{{.Bars}}
{{range .Vendors}}<h1>{{.Name}} — {{.Score}}</h1>
<table><thead><tr><th>Critère</th><th>Part</th><th>Valeur</th><th>0–100</th><th>Points</th></tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>
{{range .Notes}}<p>{{.}}</p>{{end}}
{{end}}</body></html>`))
