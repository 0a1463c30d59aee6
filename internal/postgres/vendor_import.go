package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// VendorImportService implements bpo.VendorImportService, over the
// uploads pending_import.go keeps.
type VendorImportService struct{ db *DB }

// NewVendorImportService returns the import service over db.
func NewVendorImportService(db *DB) *VendorImportService { return &VendorImportService{db: db} }

var _ bpo.VendorImportService = (*VendorImportService)(nil)

func requireVendorEditor(ctx context.Context) error {
	return forbiddenUnless(bpo.CanEditVendors(bpo.UserFromContext(ctx)))
}

// MatchVendors implements bpo.VendorImportService.
func (s *VendorImportService) MatchVendors(ctx context.Context, rows []bpo.VendorImportRow) error {
	if err := requireVendorEditor(ctx); err != nil {
		return err
	}
	byName, err := registryByName(ctx, s.db.Pool)
	if err != nil {
		return err
	}
	for i := range rows {
		if m, ok := byName[bpo.FoldName(rows[i].Input.Name)]; ok {
			rows[i].MatchID, rows[i].MatchName, rows[i].MatchVersion = m.ID, m.Name, m.Version
		}
	}
	return nil
}

type registryVendor struct {
	ID      int64
	Name    string
	Version int
}

func registryByName(ctx context.Context, q querier) (map[string]registryVendor, error) {
	rows, _ := q.Query(ctx, `SELECT id, name, version FROM vendors ORDER BY id`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[registryVendor])
	if err != nil {
		return nil, fmt.Errorf("match vendors: %w", err)
	}
	out := make(map[string]registryVendor, len(list))
	for _, v := range list {
		out[bpo.FoldName(v.Name)] = v
	}
	return out, nil
}

// SavePendingImport implements bpo.VendorImportService.
func (s *VendorImportService) SavePendingImport(ctx context.Context, p *bpo.PendingVendors) error {
	if err := requireVendorEditor(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		return savePending(ctx, tx, now, kindVendors, p)
	})
}

// FindPendingImport implements bpo.VendorImportService.
func (s *VendorImportService) FindPendingImport(ctx context.Context, id string) (*bpo.PendingVendors, error) {
	if err := requireVendorEditor(ctx); err != nil {
		return nil, err
	}
	return findPending[[]bpo.VendorImportRow](ctx, s.db.Pool, kindVendors, 0, id, s.db.Now(), lockNone)
}

// ApplyVendorImport implements bpo.VendorImportService.
func (s *VendorImportService) ApplyVendorImport(ctx context.Context, id string, update map[int]bool) (bpo.ImportResult, error) {
	var res bpo.ImportResult
	if err := requireVendorEditor(ctx); err != nil {
		return res, err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		res = bpo.ImportResult{}
		p, err := takePending[[]bpo.VendorImportRow](ctx, tx, kindVendors, 0, id, now)
		if err != nil {
			return err
		}
		for _, row := range p.Rows {
			if err := applyRow(ctx, tx, now, row, update[row.Line], &res); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

func applyRow(ctx context.Context, tx pgx.Tx, now time.Time, row bpo.VendorImportRow, update bool, res *bpo.ImportResult) error {
	in := row.Input
	in.Normalize()
	switch {
	case len(row.Problems) > 0 || in.Validate() != nil, row.MatchID != 0 && !update:
		res.Skipped++
		return nil
	case row.MatchID != 0:
		before, err := lockVendor(ctx, tx, row.MatchID)
		if err != nil {
			return err
		}
		if before.Version != row.MatchVersion {
			return bpo.Errorf(bpo.ECONFLICT, "error.import.stale", before.Name)
		}
		after, err := collectVendor(queryUpdateVendor(ctx, tx, now, row.MatchID, &in))
		if err != nil {
			return err
		}
		res.Updated++
		return audit(ctx, tx, now, bpo.EntityVendor, after.ID, bpo.ActionUpdate, bpo.SnapshotOfVendor(before), bpo.SnapshotOfVendor(after))
	}
	v, err := insertVendor(ctx, tx, now, &in)
	if err != nil {
		return err
	}
	res.Created++
	return audit(ctx, tx, now, bpo.EntityVendor, v.ID, bpo.ActionCreate, nil, bpo.SnapshotOfVendor(v))
}

func lockVendor(ctx context.Context, tx pgx.Tx, id int64) (*bpo.Vendor, error) {
	rows, _ := tx.Query(ctx, `SELECT `+vendorColumns+` FROM vendors WHERE id = $1 FOR UPDATE`, id)
	v, err := collectVendor(rows)
	if err != nil {
		return nil, notFound(err, "error.vendor.not_found")
	}
	return v, nil
}
