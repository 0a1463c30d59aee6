package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

const xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// figures is every stored figure of the fixture's evaluation, by vendor
// index and criterion key.
func (f *evalFixture) figures() map[[2]string]float64 {
	f.a.t.Helper()
	d, err := f.a.evaluations.FindEvaluationDetail(f.a.adminCtx(), f.ev.ID, bpo.WithMeasurements)
	if err != nil {
		f.a.t.Fatal(err)
	}
	keys := map[int64]string{}
	for _, c := range d.Criteria {
		keys[c.ID] = c.Key
	}
	names := map[int64]string{}
	for i, v := range f.vendors {
		names[v.ID] = string(rune('A' + i))
	}
	out := map[[2]string]float64{}
	for _, m := range d.Measurements {
		out[[2]string{names[m.VendorID], keys[m.CriterionID]}] = m.Value
	}
	return out
}

// figureEvaluation is an open evaluation of n vendors with one evaluator.
func (a *app) figureEvaluation(title string, n int) *evalFixture {
	a.t.Helper()
	return a.openEvaluation(title, n, a.newEvaluator(strings.ReplaceAll(strings.ToLower(title), " ", "-")+"-rater@app.test"))
}

// setFigure stores one figure through the service, as the grid would.
func (f *evalFixture) setFigure(vendor int, key string, v float64) {
	f.a.t.Helper()
	err := f.a.participants.SetMeasurements(f.a.adminCtx(), f.ev.ID,
		[]bpo.Figure{{VendorID: f.vendors[vendor].ID, CriterionID: f.byKey[key].ID, Value: &v}})
	if err != nil {
		f.a.t.Fatal(err)
	}
}

func (a *app) measurementAudits(evaluationID int64) int {
	a.t.Helper()
	var n int
	err := a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events
		WHERE evaluation_id = $1 AND entity = $2 AND action = $3`, evaluationID, bpo.EntityMeasurement, bpo.ActionSet).Scan(&n)
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

func equalFigures(a, b map[[2]string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// workbook is an .xlsx of rows; a float64 is written as a number cell.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFigureImport: a CSV in English and a workbook read by a French
// manager, each previewed with the figures it changes (stored → new) and
// nothing stored, then confirmed: the figures are stored and audited as the
// grid stores them. Vendor names match whatever their case and accents,
// and columns by a criterion's name in either language or its key.
func TestFigureImport(t *testing.T) {
	a := newApp(t)
	f := a.figureEvaluation("Imports", 3)
	f.setFigure(0, "price", 2000)
	f.setFigure(1, "asa", 30)
	mgr := a.signIn("figures@app.test", bpo.RoleManager)
	before, audits := f.figures(), a.measurementAudits(f.ev.ID)

	csv := "\ufeffVendor,Price per FTE per month (EUR),asa,Taux d'abandon (%)\r\n" +
		"  ÍMPORTS VENDOR a ,2100.5,25,\r\n" +
		"imports vendor b,1’900,30,4.5\r\n"
	res := mgr.upload(f.path("/figures/import"), "figures.csv", "text/csv", []byte(csv))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), f.path("/figures/import/")) {
		t.Fatalf("upload: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	preview := res.Header.Get("Location")
	if got := f.figures(); !equalFigures(got, before) {
		t.Fatalf("the upload stored figures: %v", got)
	}
	d := mgr.get(preview).doc(t)
	if n := d.Find(`[data-testid="import-row"]`).Length(); n != 2 {
		t.Fatalf("%d rows in the preview", n)
	}
	if n := d.Find(`[data-testid="cell-problem"], [data-testid="column-problem"]`).Length(); n != 0 {
		t.Errorf("%d problems in a clean file: %s", n, d.Find(`.cell-problem`).Text())
	}
	// A: price 2000 → 2100.5, ASA new; B: price new, ASA unchanged, abandonment new.
	changes := d.Find(`[data-testid="cell-change"]`)
	if changes.Length() != 4 || !strings.Contains(changes.First().Text(), "2000") || !strings.Contains(changes.First().Text(), "2100.5") {
		t.Errorf("%d changes, first %q", changes.Length(), changes.First().Text())
	}
	if d.Find(`[data-line="3"] [data-testid="cell-unchanged"]`).Length() != 1 {
		t.Error("B's unchanged ASA is not shown as unchanged")
	}
	res = mgr.post(preview, url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != f.path("/figures") {
		t.Fatalf("confirm: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	want := map[[2]string]float64{{"A", "price"}: 2100.5, {"A", "asa"}: 25, {"B", "price"}: 1900, {"B", "asa"}: 30, {"B", "abandonment"}: 4.5}
	if got := f.figures(); !equalFigures(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	if n := a.measurementAudits(f.ev.ID) - audits; n != 4 {
		t.Errorf("%d audit events for 4 changed figures", n)
	}
	if res := mgr.post(preview, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a confirmed upload confirmed again: %d", res.StatusCode)
	}

	// The workbook: number cells are numbers whatever the reader's
	// language; text cells are read in it (a French decimal comma).
	if res := mgr.post("/preferences/lang", url.Values{"lang": {"fr"}}); res.StatusCode >= 400 {
		t.Fatalf("language: %d", res.StatusCode)
	}
	book := workbook(t,
		[]any{"Prestataire", "Prix par ETP et par mois", "Délai moyen de réponse (s)", "Average handle time (AHT)"},
		[]any{"Imports vendor C", 1750.25, "12,5", 300},
	)
	res = mgr.upload(f.path("/figures/import"), "figures.xlsx", xlsxMIME, book)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload the workbook: %d\n%s", res.StatusCode, res.body)
	}
	preview = res.Header.Get("Location")
	d = mgr.get(preview).doc(t)
	if n := d.Find(`[data-testid="cell-change"]`).Length(); n != 3 || !strings.Contains(d.Find(`[data-testid="cell-change"]`).First().Text(), "1750,25") {
		t.Errorf("%d changes in the workbook: %q", n, d.Find(`[data-testid="import-preview"]`).Text())
	}
	if res := mgr.post(preview, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm the workbook: %d\n%s", res.StatusCode, res.body)
	}
	want[[2]string{"C", "price"}], want[[2]string{"C", "asa"}], want[[2]string{"C", "aht"}] = 1750.25, 12.5, 300
	if got := f.figures(); !equalFigures(got, want) {
		t.Errorf("after the workbook, stored %v, want %v", got, want)
	}

	// A cell typed 4.5 % is stored as 0.045 and shown as 4.5: read as 4.5.
	pct := excelize.NewFile()
	style, _ := pct.NewStyle(&excelize.Style{NumFmt: 10})
	_ = pct.SetSheetRow("Sheet1", "A1", &[]any{"Prestataire", "abandonment"})
	_ = pct.SetSheetRow("Sheet1", "A2", &[]any{"Imports vendor C", 0.045})
	_ = pct.SetCellStyle("Sheet1", "B2", "B2", style)
	var b bytes.Buffer
	if err := pct.Write(&b); err != nil {
		t.Fatal(err)
	}
	res = mgr.upload(f.path("/figures/import"), "percent.xlsx", xlsxMIME, b.Bytes())
	if res.StatusCode != http.StatusSeeOther || mgr.post(res.Header.Get("Location"), url.Values{}).StatusCode != http.StatusSeeOther {
		t.Fatalf("the percentage workbook: %d\n%s", res.StatusCode, res.body)
	}
	if got := f.figures()[[2]string{"C", "abandonment"}]; got != 4.5 {
		t.Errorf("a cell shown as 4.5 %% stored as %v", got)
	}
}

// TestFigureImportTemplate: both templates list the vendors in the running
// and the measured criteria with their units, in the reader's language,
// with the stored figures; sent back unchanged, they change nothing.
func TestFigureImportTemplate(t *testing.T) {
	a := newApp(t)
	f := a.figureEvaluation("Template", 2)
	f.setFigure(0, "price", 2100.5)
	mgr := a.signIn("template@app.test", bpo.RoleManager)
	for _, tc := range []struct{ lang, ext, contentType, header, figure string }{
		{"en", ".xlsx", xlsxMIME, "Price per FTE per month (EUR)", ""},
		{"en", ".csv", "text/csv", "Price per FTE per month (EUR)", "2100.5"},
		{"fr", ".csv", "text/csv", "Prix par ETP et par mois (EUR)", "2100,5"},
		{"fr", ".xlsx", xlsxMIME, "Prix par ETP et par mois (EUR)", ""},
	} {
		mgr.post("/preferences/lang", url.Values{"lang": {tc.lang}})
		res := mgr.get(f.path("/figures/import/template" + tc.ext))
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.contentType) {
			t.Fatalf("%s %s template: %d %s", tc.lang, tc.ext, res.StatusCode, res.Header.Get("Content-Type"))
		}
		body := []byte(res.body)
		if tc.ext == ".xlsx" {
			wb, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := wb.GetRows(wb.GetSheetList()[0])
			typ, _ := wb.GetCellType(wb.GetSheetList()[0], "F2")
			_ = wb.Close()
			if len(rows) != 3 || !strings.Contains(strings.Join(rows[0], "|"), tc.header) || typ == excelize.CellTypeSharedString {
				t.Errorf("%s workbook: %q, the figure's cell is %v", tc.lang, rows, typ)
			}
		} else if !strings.Contains(res.body, tc.header) || !strings.Contains(res.body, tc.figure) {
			t.Errorf("%s CSV:\n%s", tc.lang, res.body)
		}
		res = mgr.upload(f.path("/figures/import"), "template"+tc.ext, tc.contentType, body)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s %s template sent back: %d\n%s", tc.lang, tc.ext, res.StatusCode, res.body)
		}
		d := mgr.get(res.Header.Get("Location")).doc(t)
		if n := d.Find(`[data-testid="cell-change"], [data-testid="cell-problem"], [data-testid="column-problem"]`).Length(); n != 0 || d.Find(`[data-testid="import-row"]`).Length() != 2 {
			t.Errorf("%s %s template sent back shows %d changes or problems:\n%s", tc.lang, tc.ext, n, d.Find(`[data-testid="import-preview"]`).Text())
		}
	}
}

// TestFigureImportRefusedCells: each problem is shown in its cell, nothing
// is stored by the upload, and the confirmation stores the clean rows
// only: not one cell of a refused row.
func TestFigureImportRefusedCells(t *testing.T) {
	a := newApp(t)
	f := a.figureEvaluation("Refusals", 3)
	mgr := a.signIn("refusals@app.test", bpo.RoleManager)
	csv := "Vendor,price,asa,Comments,aht (min)\n" +
		"Refusals vendor A,2100,20,fine,300\n" + // clean but for the ignored columns
		"Refusals vendor B,\"3,100\",25,,\n" + // the other language's mark: refused
		"Refusals vendor C,-5,abc,,\n" + // negative for a lower-is-better figure, not a number
		"Nobody Ltd,1000,10,,\n" + // not a vendor of the evaluation
		"refusals VENDOR a,1,1,,\n" // A twice
	before := f.figures()
	res := mgr.upload(f.path("/figures/import"), "refused.csv", "text/csv", []byte(csv))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.StatusCode, res.body)
	}
	if got := f.figures(); !equalFigures(got, before) {
		t.Fatalf("the upload stored figures: %v", got)
	}
	preview := res.Header.Get("Location")
	d := mgr.get(preview).doc(t)
	for line, want := range map[string][]string{
		"3": {"ambiguous"},
		"4": {"above 0", "Enter a number"},
		"5": {"Not a vendor of this evaluation"},
		"6": {"same vendor as row 2"},
	} {
		cells := d.Find(`[data-line="` + line + `"] [data-testid="cell-problem"]`)
		if cells.Length() != len(want) || d.Find(`[data-line="`+line+`"] [data-testid="row-refused"]`).Length() != 1 {
			t.Errorf("row %s: %d problems, want %d: %q", line, cells.Length(), len(want), cells.Text())
		}
		for _, w := range want {
			if !strings.Contains(cells.Text(), w) {
				t.Errorf("row %s: %q lacks %q", line, cells.Text(), w)
			}
		}
	}
	columns := d.Find(`[data-testid="column-problem"]`)
	if columns.Length() != 2 || !strings.Contains(columns.Text(), "Not a measured criterion") || !strings.Contains(columns.Text(), "The unit min") {
		t.Errorf("column problems: %q", columns.Text())
	}
	if d.Find(`[data-line="2"] [data-testid="row-ready"]`).Length() != 1 || d.Find(`[data-line="2"] [data-testid="cell-ignored"]`).Length() != 2 {
		t.Errorf("row 2 is not ready with two ignored cells: %q", d.Find(`[data-line="2"]`).Text())
	}
	if res := mgr.post(preview, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, res.body)
	}
	want := map[[2]string]float64{{"A", "price"}: 2100, {"A", "asa"}: 20}
	if got := f.figures(); !equalFigures(got, want) {
		t.Errorf("stored %v, want only row 2's %v (B's 25 is in a refused row)", got, want)
	}

	// A workbook's number cells out of range, and text that strconv would
	// read but the number grammar does not.
	book := workbook(t,
		[]any{"Vendor", "price", "asa", "aht", "turnaround"},
		[]any{"Refusals vendor B", 1e15, "NaN", "Inf", "2e3"},
	)
	res = mgr.upload(f.path("/figures/import"), "refused.xlsx", xlsxMIME, book)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload the workbook: %d\n%s", res.StatusCode, res.body)
	}
	if cells := mgr.get(res.Header.Get("Location")).doc(t).Find(`[data-line="2"] [data-testid="cell-problem"]`); cells.Length() != 4 {
		t.Errorf("%d of 4 refused cells in the workbook: %q", cells.Length(), cells.Text())
	}
}

// TestFigureImportStale: a figure changed, or the evaluation closed,
// between the preview and the confirmation: 409 with why, and nothing
// stored, not even the rows before the stale one (one transaction).
func TestFigureImportStale(t *testing.T) {
	a := newApp(t)
	f := a.figureEvaluation("Stale", 3)
	f.setFigure(2, "price", 1500)
	mgr := a.signIn("stale-figures@app.test", bpo.RoleManager)
	csv := "Vendor,price\nStale vendor A,2100\nStale vendor B,2200\nStale vendor C,2300\n"
	upload := func() string {
		res := mgr.upload(f.path("/figures/import"), "f.csv", "text/csv", []byte(csv))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", res.StatusCode, res.body)
		}
		return res.Header.Get("Location")
	}
	preview := upload()
	f.setFigure(2, "price", 1600)
	before, audits := f.figures(), a.measurementAudits(f.ev.ID)
	res := mgr.post(preview, url.Values{})
	msg := text(res.doc(t), "main")
	if res.StatusCode != http.StatusConflict || !strings.Contains(msg, "Stale vendor C") || !strings.Contains(msg, "changed since the preview") {
		t.Errorf("stale figure: %d %q", res.StatusCode, msg)
	}
	if got := f.figures(); !equalFigures(got, before) || a.measurementAudits(f.ev.ID) != audits {
		t.Errorf("a refused confirmation stored %v", got)
	}

	preview = upload()
	if _, err := a.evaluations.SetEvaluationStatus(a.adminCtx(), f.ev.ID, f.ev.Version, bpo.StatusClosed); err != nil {
		t.Fatal(err)
	}
	res = mgr.post(preview, url.Values{})
	if msg := text(res.doc(t), "main"); res.StatusCode != http.StatusConflict || !strings.Contains(msg, "closed since the preview") {
		t.Errorf("closed since the preview: %d %q", res.StatusCode, msg)
	}
	if got := f.figures(); !equalFigures(got, before) {
		t.Errorf("a closed evaluation took figures: %v", got)
	}
	res = mgr.upload(f.path("/figures/import"), "f.csv", "text/csv", []byte(csv))
	if msg := text(res.doc(t), `[data-testid="import-error"]`); res.StatusCode != http.StatusUnprocessableEntity || msg == "" {
		t.Errorf("upload to a closed evaluation: %d %q", res.StatusCode, msg)
	}
}

// TestFigureImportRefusesHostileFiles: the files the vendor import refuses
// are refused here alike, with a 4xx and a message, and nothing is kept.
func TestFigureImportRefusesHostileFiles(t *testing.T) {
	a := newApp(t)
	f := a.figureEvaluation("Hostile", 2)
	mgr := a.signIn("hostile-figures@app.test", bpo.RoleManager)
	// "no header" is a vendor list's missing "name"; a figures sheet's
	// columns are checked in place (TestFigureImportRefusedCells).
	pending := uploadHostileFiles(t, a, mgr, f.path("/figures/import"), "no header")
	if pending != 0 || len(f.figures()) != 0 {
		t.Errorf("refused uploads kept %d pending uploads, %d figures", pending, len(f.figures()))
	}
}

// TestFigureImportAccess: evaluators, assigned or not, get 403 on every
// route; another manager neither sees nor confirms the upload (404), nor
// reaches it through another evaluation.
func TestFigureImportAccess(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("assigned-figures@app.test")
	f := a.openEvaluation("Access", 2, e)
	other := a.figureEvaluation("Elsewhere", 1)
	mgr := a.signIn("owner-figures@app.test", bpo.RoleManager)
	res := mgr.upload(f.path("/figures/import"), "f.csv", "text/csv", []byte("Vendor,price\nAccess vendor A,2100\n"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.StatusCode, res.body)
	}
	preview := res.Header.Get("Location")
	id := preview[strings.LastIndexByte(preview, '/')+1:]
	for _, path := range []string{"/figures/import", "/figures/import/template.xlsx", "/figures/import/template.csv", "/figures/import/" + id} {
		if res := e.c.get(f.path(path)); res.StatusCode != http.StatusForbidden {
			t.Errorf("evaluator GET %s: %d", path, res.StatusCode)
		}
	}
	if res := e.c.upload(f.path("/figures/import"), "f.csv", "text/csv", []byte("Vendor,price\nAccess vendor A,1\n")); res.StatusCode != http.StatusForbidden {
		t.Errorf("evaluator upload: %d", res.StatusCode)
	}
	if res := e.c.post(preview, url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("evaluator confirm: %d", res.StatusCode)
	}
	colleague := a.signIn("colleague-figures@app.test", bpo.RoleManager)
	if res := colleague.get(preview); res.StatusCode != http.StatusNotFound {
		t.Errorf("another manager reads the upload: %d", res.StatusCode)
	}
	if res := colleague.post(preview, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another manager confirms the upload: %d", res.StatusCode)
	}
	if res := mgr.post(other.path("/figures/import/"+id), url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("the upload confirmed on another evaluation: %d", res.StatusCode)
	}
	if len(f.figures()) != 0 || len(other.figures()) != 0 {
		t.Error("a refused confirmation stored figures")
	}
}
