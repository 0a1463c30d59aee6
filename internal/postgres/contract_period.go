package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// SaveActuals implements bpo.ContractService.
func (s *ContractService) SaveActuals(ctx context.Context, id int64, period int, version int, in []bpo.ActualInput) (*bpo.Contract, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		c, err := findContract(ctx, tx, id, "FOR NO KEY UPDATE")
		if err != nil {
			return err
		}
		if err := bpo.CheckPeriodOpen(c, period, now); err != nil {
			return err
		}
		if err := bpo.ValidateActuals(c, in); err != nil {
			return err
		}
		before := c.PeriodAt(period)
		if version != before.Version {
			return bpo.Errorf(bpo.ECONFLICT, "error.contract.period_stale")
		}
		_, err = tx.Exec(ctx, `INSERT INTO contract_periods (contract_id, index, entered_by, updated_at)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (contract_id, index) DO UPDATE SET version = contract_periods.version + 1,
				entered_by = excluded.entered_by, updated_at = excluded.updated_at`,
			id, period, bpo.UserFromContext(ctx).ID, now)
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM contract_actuals WHERE contract_id = $1 AND index = $2`, id, period)
		}
		for _, a := range in {
			if err == nil && a.Value != nil {
				_, err = tx.Exec(ctx, `INSERT INTO contract_actuals (contract_id, index, kpi_id, value, comment)
					VALUES ($1, $2, $3, $4, $5)`, id, period, a.KPIID, *a.Value, a.Comment)
			}
		}
		if err != nil {
			return fmt.Errorf("save actuals: %w", err)
		}
		after, err := findContract(ctx, tx, id, "")
		if err != nil {
			return err
		}
		return auditEval(ctx, tx, now, c.EvaluationID, bpo.EntityContract, id, bpo.ActionActuals,
			bpo.SnapshotOfActuals(c, before), bpo.SnapshotOfActuals(after, after.PeriodAt(period)))
	})
	if err != nil {
		return nil, err
	}
	return findContract(ctx, s.db.Pool, id, "")
}

// EndContract implements bpo.ContractService.
func (s *ContractService) EndContract(ctx context.Context, id int64, version int) (*bpo.Contract, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		c, err := lockedContract(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if c.Status == bpo.ContractEnded {
			return bpo.Errorf(bpo.EINVALID, "error.contract.ended")
		}
		if _, err := tx.Exec(ctx, `UPDATE contracts SET status = 'ended', ended_on = $2::date, version = version + 1,
			updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return fmt.Errorf("end contract: %w", err)
		}
		return auditEval(ctx, tx, now, c.EvaluationID, bpo.EntityContract, id, bpo.ActionEnd,
			bpo.ContractStatusSnapshot{Status: c.Status, Version: c.Version},
			bpo.ContractStatusSnapshot{Status: bpo.ContractEnded, EndedOn: now.Format(time.DateOnly), Version: c.Version + 1})
	})
	if err != nil {
		return nil, err
	}
	return findContract(ctx, s.db.Pool, id, "")
}

// FindWarnings implements bpo.ContractService. Standings are computed
// here from the figures, never stored, so they always follow the formula
// and the clock.
func (s *ContractService) FindWarnings(ctx context.Context) ([]bpo.VendorWarning, error) {
	list, err := s.FindContracts(ctx, bpo.ContractFilter{})
	if err != nil {
		return nil, err
	}
	today := s.db.Now()
	var out []bpo.VendorWarning
	for _, c := range list {
		if st := c.StandingAt(today); st != nil && st.Band.Warns() {
			out = append(out, bpo.VendorWarning{VendorID: c.VendorID, VendorName: c.VendorName, ContractID: c.ID, Standing: *st})
		}
	}
	return out, nil
}

// FindLatePeriods implements bpo.ContractService: the ended periods of the
// last StandingPeriods of each running contract that have no figures.
func (s *ContractService) FindLatePeriods(ctx context.Context) ([]bpo.LatePeriod, error) {
	list, err := s.FindContracts(ctx, bpo.ContractFilter{})
	if err != nil {
		return nil, err
	}
	today := s.db.Now()
	var out []bpo.LatePeriod
	for _, c := range list {
		if c.Status != bpo.ContractActive {
			continue
		}
		last := c.LastEnded(today)
		for i := max(0, last-bpo.StandingPeriods+1); i <= last; i++ {
			p := c.PeriodAt(i)
			if len(p.Actuals) == 0 {
				out = append(out, bpo.LatePeriod{ContractID: c.ID, VendorName: c.VendorName, OwnerName: c.OwnerName,
					Period: i, Start: p.Start, Due: p.End})
			}
		}
	}
	return out, nil
}

// AcknowledgeWarning implements bpo.ContractService.
func (s *ContractService) AcknowledgeWarning(ctx context.Context, evaluationID int64, w bpo.VendorWarning) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, _, err := loadEvaluation(ctx, tx, evaluationID, lockShare); err != nil {
			return err
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityParticipant, w.VendorID, bpo.ActionAcknowledgeWarning, nil,
			bpo.WarningSnapshot{VendorID: w.VendorID, ContractID: w.ContractID, Standing: w.Standing.Score, Band: w.Standing.Band})
	})
}
