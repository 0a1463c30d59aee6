package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// An evaluation's measured figures come in from a sheet with a row per
// vendor, named in its first column, and a column per measured criterion,
// named in the header row by its name in either language or its key, with
// the unit in brackets if wished ("Price per FTE (EUR)"). Upload, preview
// and confirmation go as for the vendor import (import_vendors.go), through
// the same reading of the file (import_parse.go) and the same pending
// uploads.

func figureImportPath(evaluationID int64, suffix string) string {
	return figuresPath(evaluationID) + "/import" + suffix
}

// showFigureImport is the upload form with the templates.
func (s *Server) showFigureImport(w http.ResponseWriter, r *http.Request) {
	d, ok := s.evaluationDetailInPath(w, r, bpo.WithMeasurements)
	if !ok {
		return
	}
	s.render(w, r, pages.FigureImport(figureImportView(s.lang(r), d, "")))
}

func figureImportView(lang i18n.Lang, d *bpo.EvaluationDetail, refusal string) pages.FigureImportView {
	return pages.FigureImportView{EvaluationID: d.Evaluation.ID, Title: d.Evaluation.Title,
		Closed: d.Evaluation.Status == bpo.StatusClosed, Header: figureTemplateHeader(lang, d),
		Example: i18n.T(lang, "figures.example", inputNumber(lang, 2100.5)), Error: refusal}
}

// figureTemplateHeader is the template's header row: the vendors' column,
// then each measured criterion by its name and unit, or by its key where
// another measured criterion has the same name.
func figureTemplateHeader(lang i18n.Lang, d *bpo.EvaluationDetail) []string {
	criteria := measuredCriteria(d.Criteria)
	names := map[string]int{}
	for _, c := range criteria {
		names[bpo.FoldName(c.Name(string(lang)))]++
	}
	header := []string{i18n.T(lang, "figures_import.vendor")}
	for _, c := range criteria {
		h := c.Name(string(lang))
		if names[bpo.FoldName(h)] > 1 {
			h = c.Key
		}
		if c.Unit != "" {
			h += " (" + c.Unit + ")"
		}
		header = append(header, h)
	}
	return header
}

// figureTemplate sends the template, .xlsx or .csv by the path: the header
// row and a row per vendor in the running with its stored figures, so that
// the file sent back changes only what was edited in it.
func (s *Server) figureTemplate(w http.ResponseWriter, r *http.Request) {
	d, ok := s.evaluationDetailInPath(w, r, bpo.WithMeasurements)
	if !ok {
		return
	}
	lang := s.lang(r)
	header := figureTemplateHeader(lang, d)
	criteria := measuredCriteria(d.Criteria)
	stored := storedFigures(d)
	var rows [][]*float64
	var vendors []string
	for _, p := range figureVendors(d.Participants) {
		row := make([]*float64, len(criteria))
		for i, c := range criteria {
			if v, ok := stored[[2]int64{p.VendorID, c.ID}]; ok {
				row[i] = &v
			}
		}
		vendors, rows = append(vendors, p.Name), append(rows, row)
	}
	var (
		b   bytes.Buffer
		err error
	)
	ext, contentType := ".xlsx", xlsxType
	if strings.HasSuffix(r.URL.Path, ".csv") {
		ext, contentType = ".csv", "text/csv; charset=utf-8"
		err = writeFigureCSV(&b, lang, header, vendors, rows)
	} else {
		err = writeFigureBook(&b, lang, header, vendors, rows)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", attachment(i18n.T(lang, "figures_import.file_name", d.Evaluation.Title), ext))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// writeFigureBook writes the template as a workbook of the export's
// making (xlsx_workbook.go): figures as number cells, the header frozen.
func writeFigureBook(w *bytes.Buffer, lang i18n.Lang, header, vendors []string, rows [][]*float64) error {
	b := &book{f: excelize.NewFile(), lang: lang, styles: map[string]int{}}
	defer b.f.Close()
	b.makeStyles()
	widths := []float64{32}
	for range header[1:] {
		widths = append(widths, 22)
	}
	b.newSheet("figures_import.sheet", widths, header...)
	for i, name := range vendors {
		cells := []cell{cText(name)}
		for _, v := range rows[i] {
			cells = append(cells, ifThen(v != nil, func() cell { return cell{*v, ""} }))
		}
		b.put(cells...)
	}
	if b.err == nil {
		b.err = b.f.DeleteSheet("Sheet1")
	}
	if b.err == nil {
		_, b.err = b.f.WriteTo(w)
	}
	if b.err != nil {
		return fmt.Errorf("write figures template: %w", b.err)
	}
	return nil
}

// writeFigureCSV writes the template as the CSV exports are written, with
// the language's separator and the figures in its number grammar.
func writeFigureCSV(w *bytes.Buffer, lang i18n.Lang, header, vendors []string, rows [][]*float64) error {
	sep, _ := csvSeparator(lang, url.Values{})
	out := newCSV(bufio.NewWriter(w), sep)
	if err := out.write(header...); err != nil {
		return err
	}
	for i, name := range vendors {
		cells := []string{name}
		for _, v := range rows[i] {
			text := ""
			if v != nil {
				text = inputNumber(lang, *v)
			}
			cells = append(cells, text)
		}
		if err := out.write(cells...); err != nil {
			return err
		}
	}
	return out.flush()
}

// uploadFigures reads the file, checks every cell and keeps it for the
// preview. No figure is stored here. A refused file re-renders the form
// with why, and a 4xx.
func (s *Server) uploadFigures(w http.ResponseWriter, r *http.Request) {
	d, ok := s.evaluationDetailInPath(w, r, bpo.WithMeasurements)
	if !ok {
		return
	}
	id, lang := d.Evaluation.ID, s.lang(r)
	name, data, contentType, err := uploadedFile(r)
	var table uploadTable
	if err == nil {
		table, err = readUpload(name, contentType, data)
	}
	p := &bpo.PendingFigures{EvaluationID: id, FileName: name}
	if err == nil {
		p.Rows = figureSheet(lang, table, d)
		err = s.figureImports.SavePendingFigures(r.Context(), p)
	}
	var refused errUpload
	switch {
	case errors.As(err, &refused):
		s.renderStatus(w, r, refused.status(), pages.FigureImport(figureImportView(lang, d, i18n.T(lang, refused.key, refused.args...))))
	case bpo.ErrorCode(err) == bpo.EINVALID:
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.FigureImport(figureImportView(lang, d, tr(lang, bpo.ErrorMessage(err)))))
	case err != nil:
		s.Error(w, r, err)
	default:
		http.Redirect(w, r, figureImportPath(id, "/"+p.ID), http.StatusSeeOther)
	}
}

// figureSheet reads the table: its columns matched to the measured
// criteria, its rows to the vendors in the running, its cells in lang's
// number grammar, each problem in its place.
func figureSheet(lang i18n.Lang, table uploadTable, d *bpo.EvaluationDetail) bpo.FigureSheet {
	columns, at := figureColumns(table.rows, measuredCriteria(d.Criteria))
	sheet := bpo.FigureSheet{Lang: string(lang), Columns: columns}
	vendors := map[string]*bpo.Participant{}
	for _, p := range d.Participants {
		vendors[bpo.FoldName(p.Name)] = p
	}
	stored := storedFigures(d)
	seen := map[int64]int{}
	for n, rec := range table.rows[1:] {
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		row := bpo.FigureImportRow{Line: n + 2, Vendor: cellText(rec, 0)}
		p := vendors[bpo.FoldName(row.Vendor)]
		switch {
		case row.Vendor == "":
			row.Problem = problem("figures_import.no_vendor")
		case p == nil:
			row.Problem = problem("figures_import.unknown_vendor")
		case p.Stage == bpo.StageRejected:
			row.Problem = problem("figures_import.rejected_vendor")
		case seen[p.VendorID] != 0:
			row.Problem = problem("figures_import.duplicate", strconv.Itoa(seen[p.VendorID]))
		default:
			row.VendorID, row.Vendor = p.VendorID, p.Name
			seen[p.VendorID] = row.Line
		}
		for i, col := range columns {
			c := bpo.FigureImportCell{Text: cellText(rec, at[i])}
			if v, ok := stored[[2]int64{row.VendorID, col.CriterionID}]; ok {
				c.Current = &v
			}
			if col.CriterionID != 0 && c.Text != "" {
				number, percent := table.number(n+1, at[i])
				c.Value, c.Problem = readFigure(lang, c.Text, number, percent, d.Criterion(col.CriterionID))
			}
			row.Cells = append(row.Cells, c)
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	return sheet
}

// storedFigures are the evaluation's figures by [vendor, criterion].
func storedFigures(d *bpo.EvaluationDetail) map[[2]int64]float64 {
	out := make(map[[2]int64]float64, len(d.Measurements))
	for _, m := range d.Measurements {
		out[[2]int64{m.VendorID, m.CriterionID}] = m.Value
	}
	return out
}

func cellText(rec []string, i int) string {
	if i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// figureColumns matches the header's cells after the vendors' column to
// measured criteria, and says why for each it cannot. A column without a
// header and without a value is left out; at gives each column's place in
// the file.
func figureColumns(table [][]string, criteria []*bpo.Criterion) (columns []bpo.FigureImportColumn, at []int) {
	width := 0
	for _, rec := range table {
		width = max(width, len(rec))
	}
	byName := map[string][]*bpo.Criterion{}
	for _, c := range criteria {
		for _, name := range []string{c.Key, c.NameEN, c.NameFR} {
			if k := bpo.FoldName(name); k != "" && (len(byName[k]) == 0 || byName[k][len(byName[k])-1] != c) {
				byName[k] = append(byName[k], c)
			}
		}
	}
	taken := map[int64]string{}
	for i := 1; i < width; i++ {
		col := bpo.FigureImportColumn{Header: cellText(table[0], i)}
		// A name may end in brackets of its own ("Average handle time (AHT)").
		matches, unit := byName[bpo.FoldName(col.Header)], ""
		if len(matches) == 0 {
			var name string
			name, unit = splitUnit(col.Header)
			matches = byName[bpo.FoldName(name)]
		}
		switch {
		case col.Header == "" && columnBlank(table, i):
			continue
		case col.Header == "":
			col.Problem = problem("figures_import.no_header")
		case len(matches) == 0:
			col.Problem = problem("figures_import.unknown_column")
		case len(matches) > 1:
			col.Problem = problem("figures_import.ambiguous_column")
		case unit != "" && bpo.FoldName(unit) != bpo.FoldName(matches[0].Unit):
			col.Problem = problem("figures_import.unit", unit, matches[0].Unit)
		case taken[matches[0].ID] != "":
			col.Problem = problem("figures_import.same_column", taken[matches[0].ID])
		default:
			col.CriterionID = matches[0].ID
			taken[col.CriterionID] = col.Header
		}
		columns, at = append(columns, col), append(at, i)
	}
	return columns, at
}

// splitUnit parts "Price per FTE (EUR)" into its name and its unit.
func splitUnit(header string) (name, unit string) {
	open := strings.LastIndexByte(header, '(')
	if open <= 0 || !strings.HasSuffix(header, ")") {
		return header, ""
	}
	return strings.TrimSpace(header[:open]), strings.TrimSpace(header[open+1 : len(header)-1])
}

func columnBlank(table [][]string, i int) bool {
	for _, rec := range table[1:] {
		if cellText(rec, i) != "" {
			return false
		}
	}
	return true
}

// readFigure reads one cell as criterion c's figure. A workbook's number
// cell is read as the number it is, and as the number it shows when shown
// as a percentage (4.5 for 4.5 %, stored as 0.045); text, and every CSV
// cell, in lang's number grammar, as the figures grid reads what is typed.
func readFigure(lang i18n.Lang, text string, number, percent bool, c *bpo.Criterion) (*float64, *bpo.Message) {
	var (
		v   float64
		err error
	)
	if number {
		v, err = strconv.ParseFloat(text, 64)
		if err != nil {
			err = bpo.Errorf(bpo.EINVALID, "error.field.number")
		}
		if percent {
			// Rounded to the 15 digits a double holds, so that 0.045 is 4.5, not 4.499999999999999.
			v, _ = strconv.ParseFloat(strconv.FormatFloat(v*100, 'g', 15, 64), 64)
		}
	} else {
		v, _, err = parseNumber(lang, text)
	}
	if err != nil {
		// Said of the grammar the cell was read in, which a reader of the
		// preview in the other language must be told.
		if bpo.ErrorMessage(err).Key == "error.field.number_ambiguous" {
			return nil, problem("figures_import.ambiguous." + string(lang))
		}
		return nil, problem("figures_import.number." + string(lang))
	}
	if key := c.FigureProblem(v); key != "" {
		return nil, problem(key)
	}
	return &v, nil
}

// problem is a problem of the sheet, shown in the reader's language.
func problem(key string, args ...string) *bpo.Message {
	m := &bpo.Message{Key: key}
	for _, a := range args {
		m.Args = append(m.Args, a)
	}
	return m
}

// showFigurePreview lists every row of the upload with its problems in
// place and, for each figure it would change, the stored one and the new.
func (s *Server) showFigurePreview(w http.ResponseWriter, r *http.Request) {
	d, ok := s.evaluationDetailInPath(w, r, 0)
	if !ok {
		return
	}
	p, err := s.figureImports.FindPendingFigures(r.Context(), d.Evaluation.ID, chi.URLParam(r, "figureImportID"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.FigurePreview(figurePreviewView(s.lang(r), d.Evaluation, p)))
}

func figurePreviewView(lang i18n.Lang, e *bpo.Evaluation, p *bpo.PendingFigures) pages.FigurePreviewView {
	v := pages.FigurePreviewView{EvaluationID: e.ID, Title: e.Title, ID: p.ID, FileName: p.FileName,
		Closed: e.Status == bpo.StatusClosed, ReadAs: i18n.T(lang, "figures_import.read_as."+p.Rows.Lang)}
	text := func(m *bpo.Message) string {
		if m == nil {
			return ""
		}
		return tr(lang, *m)
	}
	for _, c := range p.Rows.Columns {
		v.Columns = append(v.Columns, pages.ImportCell{Value: c.Header, Problem: text(c.Problem)})
	}
	figure := func(f *float64) string {
		if f == nil {
			return "—"
		}
		return inputNumber(lang, *f)
	}
	var ready, refused, changes int
	for _, row := range p.Rows.Rows {
		pr := pages.FigurePreviewRow{Line: row.Line, Vendor: pages.ImportCell{Value: row.Vendor, Problem: text(row.Problem)},
			Refused: row.Refused()}
		for i, c := range row.Cells {
			cell := pages.FigurePreviewCell{Text: c.Text, Problem: text(c.Problem), Ignored: p.Rows.Columns[i].CriterionID == 0}
			if cell.Changes = c.Changes() && !pr.Refused; cell.Changes {
				cell.Current, cell.New = figure(c.Current), figure(c.Value)
				changes++
			}
			pr.Cells = append(pr.Cells, cell)
		}
		if pr.Refused {
			refused++
		} else {
			ready++
		}
		v.Rows = append(v.Rows, pr)
	}
	v.Summary = i18n.T(lang, "figures_import.summary", p.FileName, i18n.N(lang, "figures_import.rows_ready", ready),
		i18n.N(lang, "figures_import.rows_refused", refused), i18n.N(lang, "figures_import.changes", changes))
	return v
}

// confirmFigureImport stores the upload in one transaction and goes back
// to the grid. A stale upload (409) or a closed evaluation stores nothing.
func (s *Server) confirmFigureImport(w http.ResponseWriter, r *http.Request) {
	id, _, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	if _, err := s.figureImports.ApplyFigureImport(r.Context(), id, chi.URLParam(r, "figureImportID")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "figures_import.done")
	http.Redirect(w, r, figuresPath(id), http.StatusSeeOther)
}
