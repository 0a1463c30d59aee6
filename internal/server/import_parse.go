package server

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
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

// readUpload reads the table of an uploaded .xlsx or .csv: its rows of
// cells, header first. It refuses, with errUpload, what is not one of
// those two by name, declared type and content; macro-enabled workbooks;
// workbooks whose parts inflate beyond the limits or by a suspicious
// ratio; formulas; and more rows, columns or longer cells than allowed.
func readUpload(name, contentType string, data []byte) ([][]string, error) {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".xlsx":
		if !oneOf(contentType, xlsxType, "application/octet-stream", "application/zip", "") {
			return nil, refuse("import.error.type", contentType)
		}
		return readXLSX(data)
	case ".csv":
		if !oneOf(contentType, "text/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", "") {
			return nil, refuse("import.error.type", contentType)
		}
		return readCSV(data)
	case ".xlsm", ".xltm", ".xlsb", ".xls":
		return nil, refuse("import.error.macros")
	default:
		return nil, refuse("import.error.extension")
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

func readXLSX(data []byte) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, refuse("import.error.not_xlsx")
	}
	var total uint64
	for _, f := range zr.File {
		lower := strings.ToLower(f.Name)
		if strings.Contains(lower, "vbaproject") || strings.HasSuffix(lower, ".bin") {
			return nil, refuse("import.error.macros")
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uploadXMLMax || total > uploadUnzipMax ||
			f.UncompressedSize64 > uploadCompressionMax*(f.CompressedSize64+1) {
			return nil, refuse("import.error.too_big")
		}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: uploadUnzipMax, UnzipXMLSizeLimit: uploadXMLMax})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "size") {
			return nil, refuse("import.error.too_big")
		}
		return nil, refuse("import.error.not_xlsx")
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return nil, refuse("import.error.empty")
	}
	rows, err := wb.Rows(sheets[0])
	if err != nil {
		return nil, refuse("import.error.not_xlsx")
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) > bpo.ImportMaxRows {
			return nil, refuse("import.error.rows", bpo.ImportMaxRows)
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, refuse("import.error.not_xlsx")
		}
		for c := range cols {
			ref, _ := excelize.CoordinatesToCellName(c+1, len(out)+1)
			if f, _ := wb.GetCellFormula(sheets[0], ref); f != "" {
				return nil, refuse("import.error.formula", ref)
			}
		}
		out = append(out, cols)
	}
	return out, checkTable(out)
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, refuse("import.error.not_csv")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
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
