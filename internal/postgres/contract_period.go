package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// actualSnapshot is the audit log's picture of a period's figures, by KPI key.
func actualSnapshot(c *bpo.Contract, p *bpo.Period) map[string]any {
	figures := map[string]any{}
	for _, a := range p.Actuals {
		if k := c.KPI(a.KPIID); k != nil {
			figures[k.Key] = map[string]any{"value": a.Value, "comment": a.Comment}
		}
	}
	return map[string]any{"period": p.Start.Format(time.DateOnly), "actuals": figures, "version": p.Version}
}

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
		return auditEval(ctx, tx, now, c.EvaluationID, "contract", id, "actuals",
			actualSnapshot(c, before), actualSnapshot(after, after.PeriodAt(period)))
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
		return auditEval(ctx, tx, now, c.EvaluationID, "contract", id, "end",
			map[string]any{"status": c.Status, "version": c.Version},
			map[string]any{"status": bpo.ContractEnded, "ended_on": now.Format(time.DateOnly), "version": c.Version + 1})
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
		return auditEval(ctx, tx, now, evaluationID, "participant", w.VendorID, "acknowledge_warning", nil, map[string]any{
			"vendor_id": w.VendorID, "contract_id": w.ContractID, "standing": w.Standing.Score, "band": w.Standing.Band})
	})
}
