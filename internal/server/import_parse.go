package server

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// Limits on an uploaded workbook, checked on the zip's directory before
// anything is inflated, then enforced by excelize while it reads.
const (
	uploadUnzipMax       = 16 << 20 // all parts, inflated
	uploadXMLMax         = 4 << 20  // any one part, inflated (sharedStrings.xml, a sheet)
	uploadCompressionMax = 100      // inflated / compressed, beyond which it is a bomb
)

// errUpload is a refused file; key is its catalog message.
type errUpload struct {
	key  string
	args []any
}

func (e errUpload) Error() string { return e.key }

func refuse(key string, args ...any) error { return errUpload{key, args} }

// status is the answer to the refused file: 415 for what is not a
// spreadsheet of the kinds read, 422 for a spreadsheet that is refused.
func (e errUpload) status() int {
	switch e.key {
	case "import.error.type", "import.error.extension", "import.error.macros":
		return http.StatusUnsupportedMediaType
	}
	return http.StatusUnprocessableEntity
}

// uploadTable is the first sheet of an upload: its rows of cells, header
// first.
type uploadTable struct {
	rows [][]string
	// numbers holds the cells a workbook stores as numbers, by
	// [row, column]: their text is the file's own notation (a decimal
	// point, perhaps an exponent), whatever the reader's language. True
	// marks a number shown as a percentage: 4.5 % is stored as 0.045.
	numbers map[[2]int]bool
}

// number reports whether the cell at row, column is stored as a number,
// and whether it is shown as a percentage.
func (t uploadTable) number(row, column int) (number, percent bool) {
	percent, number = t.numbers[[2]int{row, column}]
	return number, percent
}

// readUpload reads the table of an uploaded .xlsx or .csv. It refuses, with errUpload, what is not one of
// those two by name, declared type and content; macro-enabled workbooks;
// workbooks whose parts inflate beyond the limits or by a suspicious
// ratio; formulas; and more rows, columns or longer cells than allowed.
func readUpload(name, contentType string, data []byte) (uploadTable, error) {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".xlsx":
		if !oneOf(contentType, xlsxType, "application/octet-stream", "application/zip", "") {
			return uploadTable{}, refuse("import.error.type", contentType)
		}
		return readXLSX(data)
	case ".csv":
		if !oneOf(contentType, "text/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", "") {
			return uploadTable{}, refuse("import.error.type", contentType)
		}
		rows, err := readCSV(data)
		return uploadTable{rows: rows}, err
	case ".xlsm", ".xltm", ".xlsb", ".xls":
		return uploadTable{}, refuse("import.error.macros")
	default:
		return uploadTable{}, refuse("import.error.extension")
	}
}

func oneOf(contentType string, allowed ...string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	for _, a := range allowed {
		if mt == a {
			return true
		}
	}
	return false
}

func readXLSX(data []byte) (uploadTable, error) {
	table := uploadTable{numbers: map[[2]int]bool{}}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return table, refuse("import.error.not_xlsx")
	}
	var total uint64
	for _, f := range zr.File {
		lower := strings.ToLower(f.Name)
		if strings.Contains(lower, "vbaproject") || strings.HasSuffix(lower, ".bin") {
			return table, refuse("import.error.macros")
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uploadXMLMax || total > uploadUnzipMax ||
			f.UncompressedSize64 > uploadCompressionMax*(f.CompressedSize64+1) {
			return table, refuse("import.error.too_big")
		}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: uploadUnzipMax, UnzipXMLSizeLimit: uploadXMLMax})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "size") {
			return table, refuse("import.error.too_big")
		}
		return table, refuse("import.error.not_xlsx")
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return table, refuse("import.error.empty")
	}
	rows, err := wb.Rows(sheets[0])
	if err != nil {
		return table, refuse("import.error.not_xlsx")
	}
	defer rows.Close()
	for rows.Next() {
		if len(table.rows) > bpo.ImportMaxRows {
			return table, refuse("import.error.rows", bpo.ImportMaxRows)
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return table, refuse("import.error.not_xlsx")
		}
		for c := range cols {
			ref, _ := excelize.CoordinatesToCellName(c+1, len(table.rows)+1)
			if f, _ := wb.GetCellFormula(sheets[0], ref); f != "" {
				return table, refuse("import.error.formula", ref)
			}
			// A cell without a type is a number, as the format defines it.
			if t, _ := wb.GetCellType(sheets[0], ref); cols[c] != "" && (t == excelize.CellTypeNumber || t == excelize.CellTypeUnset) {
				table.numbers[[2]int{len(table.rows), c}] = percentCell(wb, sheets[0], ref)
			}
		}
		table.rows = append(table.rows, cols)
	}
	return table, checkTable(table.rows)
}

// percentCell reports whether the cell's number format shows it as a
// percentage: the built-in 0% and 0.00%, or a format of its own with a %.
func percentCell(wb *excelize.File, sheet, ref string) bool {
	idx, err := wb.GetCellStyle(sheet, ref)
	if err != nil || idx == 0 {
		return false
	}
	st, err := wb.GetStyle(idx)
	if err != nil {
		return false
	}
	return st.NumFmt == 9 || st.NumFmt == 10 || st.CustomNumFmt != nil && strings.Contains(*st.CustomNumFmt, "%")
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, refuse("import.error.not_csv")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comma = csvSeparatorOf(data)
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, refuse("import.error.not_csv")
		}
		if len(out) > bpo.ImportMaxRows {
			return nil, refuse("import.error.rows", bpo.ImportMaxRows)
		}
		out = append(out, rec)
	}
	return out, checkTable(out)
}

// csvSeparatorOf is the separator of the file's header line: a semicolon
// when it has more of them than commas, as spreadsheets write CSV in
// languages whose decimal mark is the comma (French), else a comma.
func csvSeparatorOf(data []byte) rune {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		return ';'
	}
	return ','
}

// checkTable applies the limits on the table's shape.
func checkTable(rows [][]string) error {
	if len(rows) < 2 {
		return refuse("import.error.empty")
	}
	if len(rows) > bpo.ImportMaxRows+1 {
		return refuse("import.error.rows", bpo.ImportMaxRows)
	}
	for _, row := range rows {
		if len(row) > bpo.ImportMaxColumns {
			return refuse("import.error.columns", bpo.ImportMaxColumns)
		}
		for _, c := range row {
			if utf8.RuneCountInString(c) > bpo.ImportMaxCell {
				return refuse("import.error.cell", bpo.ImportMaxCell)
			}
		}
	}
	return nil
}
