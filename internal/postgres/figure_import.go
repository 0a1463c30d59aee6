package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// FigureImportService implements bpo.FigureImportService, over the uploads
// pending_import.go keeps. A confirmed upload is stored through the figures
// grid's own setMeasurement, so it is checked, audited and seen by the rest
// of the application exactly as a grid save is.
type FigureImportService struct{ db *DB }

// NewFigureImportService returns the figures import service over db.
func NewFigureImportService(db *DB) *FigureImportService { return &FigureImportService{db: db} }

var _ bpo.FigureImportService = (*FigureImportService)(nil)

// SavePendingFigures implements bpo.FigureImportService.
func (s *FigureImportService) SavePendingFigures(ctx context.Context, p *bpo.PendingFigures) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := setUpEvaluation(ctx, tx, p.EvaluationID, lockShare); err != nil {
			return err
		}
		return savePending(ctx, tx, now, kindFigures, p)
	})
}

// FindPendingFigures implements bpo.FigureImportService.
func (s *FigureImportService) FindPendingFigures(ctx context.Context, evaluationID int64, id string) (*bpo.PendingFigures, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	return findPending[bpo.FigureSheet](ctx, s.db.Pool, kindFigures, evaluationID, id, s.db.Now(), lockNone)
}

// ApplyFigureImport implements bpo.FigureImportService. The evaluation is
// held (FOR SHARE) so that it cannot close under the import, and every
// stored figure locked, before anything is compared with the preview.
func (s *FigureImportService) ApplyFigureImport(ctx context.Context, evaluationID int64, id string) (bpo.ImportResult, error) {
	var res bpo.ImportResult
	if err := requireManager(ctx); err != nil {
		return res, err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		res = bpo.ImportResult{}
		p, err := takePending[bpo.FigureSheet](ctx, tx, kindFigures, evaluationID, id, now)
		if err != nil {
			return err
		}
		e, _, err := loadEvaluation(ctx, tx, evaluationID, lockShare)
		if err != nil {
			return err
		}
		if e.Status == bpo.StatusClosed {
			return bpo.Errorf(bpo.ECONFLICT, "error.figure_import.closed")
		}
		state, err := loadFigureState(ctx, tx, evaluationID)
		if err != nil {
			return err
		}
		for _, row := range p.Rows.Rows {
			if row.Refused() {
				res.Skipped++
				continue
			}
			if err := applyFigureRow(ctx, tx, now, evaluationID, p.Rows.Columns, row, state, &res); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// figureState is what an upload's preview relied on, as it is now: the
// vendors still in the running, the measured criteria, the stored figures.
type figureState struct {
	vendors  map[int64]bool
	criteria map[int64]bool
	figures  map[[2]int64]float64 // by [vendor, criterion]
}

func loadFigureState(ctx context.Context, tx pgx.Tx, evaluationID int64) (figureState, error) {
	st := figureState{vendors: map[int64]bool{}, criteria: map[int64]bool{}, figures: map[[2]int64]float64{}}
	batch := &pgx.Batch{}
	batch.Queue(`SELECT vendor_id FROM participants WHERE evaluation_id = $1 AND stage <> $2`,
		evaluationID, bpo.StageRejected).Query(func(rows pgx.Rows) error {
		var id int64
		_, err := pgx.ForEachRow(rows, []any{&id}, func() error { st.vendors[id] = true; return nil })
		return err
	})
	batch.Queue(`SELECT id FROM criteria WHERE evaluation_id = $1 AND kind = $2`,
		evaluationID, bpo.KindMeasured).Query(func(rows pgx.Rows) error {
		var id int64
		_, err := pgx.ForEachRow(rows, []any{&id}, func() error { st.criteria[id] = true; return nil })
		return err
	})
	// Locked in the order the grid locks them (vendor, criterion), so that
	// an import and a grid save cannot deadlock.
	batch.Queue(`SELECT vendor_id, criterion_id, value FROM measurements WHERE evaluation_id = $1
		ORDER BY vendor_id, criterion_id FOR UPDATE`, evaluationID).Query(func(rows pgx.Rows) error {
		var (
			vendorID, criterionID int64
			value                 float64
		)
		_, err := pgx.ForEachRow(rows, []any{&vendorID, &criterionID, &value}, func() error {
			st.figures[[2]int64{vendorID, criterionID}] = value
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return st, fmt.Errorf("load figures: %w", err)
	}
	return st, nil
}

// applyFigureRow stores the row's changed figures, after checking that
// nothing the preview showed of the row has changed since.
func applyFigureRow(ctx context.Context, tx pgx.Tx, now time.Time, evaluationID int64,
	columns []bpo.FigureImportColumn, row bpo.FigureImportRow, st figureState, res *bpo.ImportResult) error {
	if !st.vendors[row.VendorID] {
		return bpo.Errorf(bpo.ECONFLICT, "error.figure_import.vendor", row.Vendor)
	}
	for i, c := range row.Cells {
		col := columns[i]
		if col.CriterionID == 0 || c.Value == nil {
			continue
		}
		if !st.criteria[col.CriterionID] {
			return bpo.Errorf(bpo.ECONFLICT, "error.figure_import.criterion", col.Header)
		}
		stored, ok := st.figures[[2]int64{row.VendorID, col.CriterionID}]
		if ok != (c.Current != nil) || ok && stored != *c.Current {
			return bpo.Errorf(bpo.ECONFLICT, "error.figure_import.stale", row.Vendor, col.Header)
		}
		if !c.Changes() {
			continue
		}
		if err := setMeasurement(ctx, tx, now, evaluationID, bpo.Figure{VendorID: row.VendorID, CriterionID: col.CriterionID, Value: c.Value}); err != nil {
			return err
		}
		if ok {
			res.Updated++
		} else {
			res.Created++
		}
	}
	return nil
}
