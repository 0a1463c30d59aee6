package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// vendorColumnsImport are the columns of the vendor template, by the
// names its header row uses.
var vendorColumnsImport = []string{"name", "country", "website", "contact_name", "contact_email",
	"contact_phone", "services", "languages", "headcount", "notes"}

// showVendorImport is the upload form with the templates.
func (s *Server) showVendorImport(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, pages.VendorImport(pages.VendorImportView{Columns: vendorColumnsImport}))
}

// vendorTemplate sends the empty template: the header row and one example.
func (s *Server) vendorTemplate(w http.ResponseWriter, r *http.Request) {
	f := excelize.NewFile()
	defer f.Close()
	example := []any{"Example BPO", "MA", "https://example.com", "Jane Doe", "jane@example.com", "+212 5 22 00 00 00",
		"inbound_voice", "fr, en", 250, ""}
	for i, c := range vendorColumnsImport {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellValue("Sheet1", ref, c)
		ref, _ = excelize.CoordinatesToCellName(i+1, 2)
		_ = f.SetCellValue("Sheet1", ref, example[i])
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", attachment("vendors template", ".xlsx"))
	_, _ = w.Write(b.Bytes())
}

// uploadVendors reads the file, checks every row and keeps it for the
// preview. Nothing reaches the registry here. A refused file re-renders
// the form with why, and a 4xx.
func (s *Server) uploadVendors(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	name, data, contentType, err := uploadedFile(r)
	var (
		table uploadTable
		rows  []bpo.VendorImportRow
	)
	if err == nil {
		table, err = readUpload(name, contentType, data)
	}
	if err == nil {
		rows, err = s.vendorRows(r, table.rows)
	}
	var refused errUpload
	if errors.As(err, &refused) {
		s.renderStatus(w, r, refused.status(), pages.VendorImport(pages.VendorImportView{Columns: vendorColumnsImport,
			Error: i18n.T(lang, refused.key, refused.args...)}))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	err = s.imports.MatchVendors(r.Context(), rows)
	p := &bpo.PendingVendors{FileName: name, Rows: rows}
	if err == nil {
		err = s.imports.SavePendingImport(r.Context(), p)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/vendors/import/"+p.ID, http.StatusSeeOther)
}

// uploadedFile is the form's file, read whole (the body limit bounds it).
func uploadedFile(r *http.Request) (string, []byte, string, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, "", errTooLarge
		}
		return "", nil, "", refuse("import.error.no_file")
	}
	f, h, err := r.FormFile("file")
	if err != nil {
		return "", nil, "", refuse("import.error.no_file")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return "", nil, "", err
	}
	return h.Filename, data, h.Header.Get("Content-Type"), nil
}

// vendorRows turns the table into rows with their problems, cell by cell.
func (s *Server) vendorRows(r *http.Request, table [][]string) ([]bpo.VendorImportRow, error) {
	lang := s.lang(r)
	index := map[string]int{}
	for i, h := range table[0] {
		index[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := index["name"]; !ok {
		return nil, refuse("import.error.header")
	}
	seen := map[string]int{}
	var out []bpo.VendorImportRow
	for n, rec := range table[1:] {
		row := bpo.VendorImportRow{Line: n + 2, Cells: map[string]string{}, Problems: map[string]string{}}
		for _, c := range vendorColumnsImport {
			if i, ok := index[c]; ok && i < len(rec) {
				row.Cells[c] = strings.TrimSpace(rec[i])
			}
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		row.Input = importedVendor(row.Cells, row.Problems, lang)
		row.Input.Normalize()
		if err := row.Input.Validate(); err != nil {
			for f, msg := range s.fieldErrors(r, err) {
				if row.Problems[f] == "" {
					row.Problems[f] = msg
				}
			}
		}
		if key := bpo.FoldName(row.Input.Name); key != "" {
			if first, dup := seen[key]; dup {
				row.Problems["name"] = i18n.T(lang, "import.error.duplicate", first)
			} else {
				seen[key] = row.Line
			}
		}
		out = append(out, row)
	}
	return out, nil
}

func importedVendor(cells, problems map[string]string, lang i18n.Lang) bpo.VendorInput {
	list := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
	}
	in := bpo.VendorInput{Name: cells["name"], Country: cells["country"], Website: cells["website"],
		ContactName: cells["contact_name"], ContactEmail: cells["contact_email"], ContactPhone: cells["contact_phone"],
		Services: list(cells["services"]), Languages: list(cells["languages"]), Notes: cells["notes"]}
	if h := cells["headcount"]; h != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(h, ".0"))
		if err != nil {
			problems["headcount"] = i18n.T(lang, "import.error.integer")
		} else {
			in.Headcount = &n
		}
	}
	return in
}

// showVendorPreview lists every row of the upload with its problems and,
// for a name already in the registry, the choice to update it or skip.
func (s *Server) showVendorPreview(w http.ResponseWriter, r *http.Request) {
	p, err := s.imports.FindPendingImport(r.Context(), chi.URLParam(r, "importID"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := pages.VendorPreviewView{ID: p.ID, FileName: p.FileName, Columns: vendorColumnsImport}
	for _, row := range p.Rows {
		pr := pages.ImportRow{Line: row.Line, Match: row.MatchName, Refused: len(row.Problems) > 0}
		for _, c := range vendorColumnsImport {
			pr.Cells = append(pr.Cells, pages.ImportCell{Value: row.Cells[c], Problem: row.Problems[c]})
		}
		if pr.Refused {
			view.Refused++
		} else {
			view.Ready++
		}
		view.Rows = append(view.Rows, pr)
	}
	s.render(w, r, pages.VendorPreview(view))
}

// confirmVendorImport stores the upload in one transaction.
func (s *Server) confirmVendorImport(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	update := map[int]bool{}
	for key, v := range form {
		line, ok := strings.CutPrefix(key, "update_")
		n, err := strconv.Atoi(line)
		if !ok || err != nil || len(v) != 1 || (v[0] != "update" && v[0] != "skip") {
			continue
		}
		update[n] = v[0] == "update"
	}
	res, err := s.imports.ApplyVendorImport(r.Context(), chi.URLParam(r, "importID"), update)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "import.done")
	_ = res
	http.Redirect(w, r, "/vendors", http.StatusSeeOther)
}
