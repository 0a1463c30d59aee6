package bpo

import (
	"context"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ImportLimits bound what an uploaded spreadsheet may hold.
const (
	ImportMaxRows    = 1000
	ImportMaxColumns = 20
	ImportMaxCell    = 5000 // characters
	ImportLifetime   = time.Hour
)

// VendorImportRow is one row of an uploaded vendor list, as read: what it
// would store, and its problems by column. A row with problems is never
// stored.
type VendorImportRow struct {
	Line     int               `json:"line"` // in the file, header = 1
	Cells    map[string]string `json:"cells"`
	Input    VendorInput       `json:"input"`
	Problems map[string]string `json:"problems,omitempty"` // column → message
	// Match is the registry vendor of the same name (case and accents
	// aside), at the version the preview showed; 0 when none.
	MatchID      int64  `json:"match_id,omitempty"`
	MatchName    string `json:"match_name,omitempty"`
	MatchVersion int    `json:"match_version,omitempty"`
}

// PendingImport is an upload between its preview and its confirmation:
// Rows are what was read of it, a vendor list or an evaluation's figures.
type PendingImport[R any] struct {
	ID           string
	EvaluationID int64 // the evaluation an upload of figures is for; 0 for vendors
	FileName     string
	Rows         R
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// PendingVendors is an upload of vendors for the registry.
type PendingVendors = PendingImport[[]VendorImportRow]

// ImportResult counts what a confirmed import did: vendors (or figures)
// created and updated, rows skipped.
type ImportResult struct {
	Created, Updated, Skipped int
}

// VendorImportService keeps uploads until they are confirmed, then applies
// them. Managers only; an upload is its uploader's alone.
type VendorImportService interface {
	// MatchVendors fills each row's match in the registry.
	MatchVendors(ctx context.Context, rows []VendorImportRow) error
	// SavePendingImport stores p for an hour under a new random id.
	SavePendingImport(ctx context.Context, p *PendingVendors) error
	// FindPendingImport returns the caller's upload; ENOTFOUND for another
	// user's, an expired or an unknown one.
	FindPendingImport(ctx context.Context, id string) (*PendingVendors, error)
	// ApplyVendorImport stores the rows without problems in one
	// transaction and forgets the upload: new names are created, matched
	// ones updated when update[line], else skipped. ECONFLICT when a
	// matched vendor changed since the preview: nothing is stored then.
	ApplyVendorImport(ctx context.Context, id string, update map[int]bool) (ImportResult, error)
}

// FoldName is a vendor name as names are matched on import: trimmed,
// lower case, without accents, inner spaces collapsed.
func FoldName(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}
