package bpo

import "context"

// FigureSheet is an uploaded sheet of measured figures, as read: a column
// per measured criterion after the vendors' column, a row per vendor. Its
// problems are messages, shown in the language of whoever reads the
// preview; their arguments are strings, which keep their type in JSON.
type FigureSheet struct {
	// Lang is the language whose number grammar read the text cells: the
	// uploader's, whatever the language the preview is read in.
	Lang    string               `json:"lang"`
	Columns []FigureImportColumn `json:"columns"` // the file's columns after the vendors' one
	Rows    []FigureImportRow    `json:"rows"`
}

// PendingFigures is an upload of measured figures for one evaluation.
type PendingFigures = PendingImport[FigureSheet]

// FigureImportColumn is a column of the sheet: the measured criterion its
// header names, or why it names none (its cells are then never read).
type FigureImportColumn struct {
	Header      string   `json:"header"`
	CriterionID int64    `json:"criterion_id,omitempty"`
	Problem     *Message `json:"problem,omitempty"`
}

// FigureImportRow is one row: the vendor it names, matched among the
// evaluation's vendors still in the running, and a cell per column. A row
// with a problem, in its vendor cell or any of its cells, is never stored,
// not one cell of it.
type FigureImportRow struct {
	Line     int                `json:"line"` // in the file, header = 1
	Vendor   string             `json:"vendor"`
	VendorID int64              `json:"vendor_id,omitempty"` // 0 when no vendor matched
	Problem  *Message           `json:"problem,omitempty"`   // the vendor cell's
	Cells    []FigureImportCell `json:"cells"`               // in the order of Columns
}

// FigureImportCell is one vendor's figure for one column: as written, as
// read, and the figure stored when the preview was made.
type FigureImportCell struct {
	Text    string   `json:"text"`
	Value   *float64 `json:"value,omitempty"`   // nil for a blank cell, which leaves the figure as it is
	Current *float64 `json:"current,omitempty"` // nil when no figure was stored
	Problem *Message `json:"problem,omitempty"`
}

// Refused reports whether the row has a problem anywhere.
func (r *FigureImportRow) Refused() bool {
	if r.Problem != nil {
		return true
	}
	for _, c := range r.Cells {
		if c.Problem != nil {
			return true
		}
	}
	return false
}

// Changes reports whether storing the cell changes the stored figure.
func (c *FigureImportCell) Changes() bool {
	return c.Problem == nil && c.Value != nil && (c.Current == nil || *c.Current != *c.Value)
}

// FigureImportService keeps uploaded figures until their uploader confirms
// them, then stores them. Managers only (EFORBIDDEN); an upload belongs to
// its uploader and its evaluation alone.
type FigureImportService interface {
	// SavePendingFigures stores p for an hour under a new random id.
	// ENOTFOUND for an evaluation the caller cannot see; EINVALID when it
	// is closed.
	SavePendingFigures(ctx context.Context, p *PendingFigures) error
	// FindPendingFigures returns the caller's upload for the evaluation;
	// ENOTFOUND for another user's or evaluation's, an expired or an
	// unknown one.
	FindPendingFigures(ctx context.Context, evaluationID int64, id string) (*PendingFigures, error)
	// ApplyFigureImport stores, in one transaction and audited as the
	// figures grid is, every cell that changes a figure in the rows
	// without problems, and forgets the upload. ECONFLICT, with nothing
	// stored, when the evaluation was closed, or a figure of the upload,
	// a vendor or a column's criterion changed, since the preview.
	ApplyFigureImport(ctx context.Context, evaluationID int64, id string) (ImportResult, error)
}
