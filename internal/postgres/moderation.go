package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// ModerationService implements bpo.ModerationService.
type ModerationService struct{ db *DB }

// NewModerationService returns the moderation service over db.
func NewModerationService(db *DB) *ModerationService { return &ModerationService{db: db} }

var _ bpo.ModerationService = (*ModerationService)(nil)

const consensusColumns = `k.id, k.evaluation_id, k.vendor_id, k.criterion_id, k.value, k.reason,
	k.recorded_by, u.name, k.recorded_at, k.version`

func scanConsensus(row pgx.CollectableRow) (*bpo.Consensus, error) {
	var c bpo.Consensus
	err := row.Scan(&c.ID, &c.EvaluationID, &c.VendorID, &c.CriterionID, &c.Value, &c.Reason,
		&c.RecordedBy, &c.RecordedByName, &c.RecordedAt, &c.Version)
	return &c, err
}

// consensusAudit is c's snapshot for the audit log, or an untyped nil when
// there is none, so that the log stores no before (or after) at all.
func consensusAudit(c *bpo.Consensus) any {
	if c == nil {
		return nil
	}
	return bpo.SnapshotOfConsensus(c)
}

// consensusSQL reads the consensus values of evaluation $1, of vendor $2
// when it is not null.
const consensusSQL = `SELECT ` + consensusColumns + `
	FROM consensus_ratings k JOIN users u ON u.id = k.recorded_by
	WHERE k.evaluation_id = $1 AND ($2::bigint IS NULL OR k.vendor_id = $2)
	ORDER BY k.vendor_id, k.criterion_id`

// FindConsensus implements bpo.ModerationService.
func (s *ModerationService) FindConsensus(ctx context.Context, evaluationID int64) ([]*bpo.Consensus, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, consensusSQL, evaluationID, nil)
	list, err := pgx.CollectRows(rows, scanConsensus)
	if err != nil {
		return nil, fmt.Errorf("find consensus: %w", err)
	}
	return list, nil
}

// RecordConsensus implements bpo.ModerationService.
func (s *ModerationService) RecordConsensus(ctx context.Context, evaluationID int64, in bpo.ConsensusInput) (*bpo.Consensus, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var after *bpo.Consensus
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, err := moderatedEvaluation(ctx, tx, evaluationID)
		if err != nil {
			return err
		}
		if err := in.Validate(e.ScaleMin, e.ScaleMax); err != nil {
			return err
		}
		if err := checkModeratable(ctx, tx, evaluationID, in.VendorID, in.CriterionID); err != nil {
			return err
		}
		before, err := lockConsensus(ctx, tx, evaluationID, in.VendorID, in.CriterionID)
		if err != nil {
			return err
		}
		if (before == nil && in.Version != 0) || (before != nil && before.Version != in.Version) {
			return bpo.Errorf(bpo.ECONFLICT, "error.moderation.stale")
		}
		u := bpo.UserFromContext(ctx)
		action := bpo.ActionRecord
		var rows pgx.Rows
		if before == nil {
			rows, _ = tx.Query(ctx, `
				WITH k AS (INSERT INTO consensus_ratings (evaluation_id, vendor_id, criterion_id, value, reason, recorded_by, recorded_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)
				SELECT `+consensusColumns+` FROM k JOIN users u ON u.id = k.recorded_by`,
				evaluationID, in.VendorID, in.CriterionID, *in.Value, in.Reason, u.ID, now)
		} else {
			action = bpo.ActionChange
			rows, _ = tx.Query(ctx, `
				WITH k AS (UPDATE consensus_ratings SET value = $4, reason = $5, recorded_by = $6, recorded_at = $7, version = version + 1
					WHERE evaluation_id = $1 AND vendor_id = $2 AND criterion_id = $3 RETURNING *)
				SELECT `+consensusColumns+` FROM k JOIN users u ON u.id = k.recorded_by`,
				evaluationID, in.VendorID, in.CriterionID, *in.Value, in.Reason, u.ID, now)
		}
		if after, err = pgx.CollectExactlyOneRow(rows, scanConsensus); err != nil {
			return fmt.Errorf("record consensus: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityConsensus, after.ID, action, consensusAudit(before), consensusAudit(after))
	})
	return after, err
}

// ClearConsensus implements bpo.ModerationService.
func (s *ModerationService) ClearConsensus(ctx context.Context, evaluationID, vendorID, criterionID int64, version int) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := moderatedEvaluation(ctx, tx, evaluationID); err != nil {
			return err
		}
		before, err := lockConsensus(ctx, tx, evaluationID, vendorID, criterionID)
		if err != nil {
			return err
		}
		if before == nil || before.Version != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.moderation.stale")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM consensus_ratings WHERE id = $1`, before.ID); err != nil {
			return fmt.Errorf("clear consensus: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityConsensus, before.ID, bpo.ActionClear, consensusAudit(before), nil)
	})
}

// moderatedEvaluation loads an evaluation for a moderation change: it must
// be open, and stays so until the change commits.
func moderatedEvaluation(ctx context.Context, tx pgx.Tx, evaluationID int64) (*bpo.Evaluation, error) {
	e, _, err := loadEvaluation(ctx, tx, evaluationID, lockShare)
	if err != nil {
		return nil, err
	}
	if e.Status != bpo.StatusOpen {
		return nil, bpo.Errorf(bpo.EINVALID, "error.moderation.not_open")
	}
	return e, nil
}

// checkModeratable refuses a consensus on a vendor that does not take part,
// a criterion that is not rated, and a vendor with scorecards to come.
func checkModeratable(ctx context.Context, tx pgx.Tx, evaluationID, vendorID, criterionID int64) error {
	if _, err := findParticipant(ctx, tx, evaluationID, vendorID); err != nil {
		return err
	}
	var kind string
	err := tx.QueryRow(ctx, `SELECT kind FROM criteria WHERE evaluation_id = $1 AND id = $2`, evaluationID, criterionID).Scan(&kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
	}
	if err != nil {
		return fmt.Errorf("check criterion: %w", err)
	}
	if kind != string(bpo.KindRated) {
		return bpo.Errorf(bpo.EINVALID, "error.moderation.not_rated")
	}
	missing, err := missingScorecards(ctx, tx, evaluationID, vendorID)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return bpo.Errorf(bpo.EINVALID, "error.moderation.unsubmitted", strings.Join(missing, ", "))
	}
	return nil
}

// missingScorecards names the evaluators expected to score the vendor (those
// assigned, less declared conflicts) whose scorecard is not submitted.
func missingScorecards(ctx context.Context, q querier, evaluationID, vendorID int64) ([]string, error) {
	rows, _ := q.Query(ctx, `
		SELECT u.name FROM participants p
		JOIN assignments a ON a.evaluation_id = p.evaluation_id
		JOIN users u ON u.id = a.user_id
		LEFT JOIN scorecards s ON s.evaluation_id = p.evaluation_id AND s.vendor_id = p.vendor_id AND s.evaluator_id = a.user_id
		WHERE p.evaluation_id = $1 AND p.vendor_id = $2 AND coalesce(s.status, '') <> 'submitted'
			AND NOT EXISTS (SELECT 1 FROM conflicts k
				WHERE k.evaluation_id = p.evaluation_id AND k.user_id = a.user_id AND k.vendor_id = p.vendor_id)
		ORDER BY lower(u.name), u.id`, evaluationID, vendorID)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find missing scorecards: %w", err)
	}
	return names, nil
}

// findParticipant reads a vendor taking part in the evaluation; ENOTFOUND
// when it does not.
func findParticipant(ctx context.Context, q querier, evaluationID, vendorID int64) (*bpo.Participant, error) {
	rows, _ := q.Query(ctx, `SELECT `+participantColumns+`
		FROM participants p JOIN vendors v ON v.id = p.vendor_id
		WHERE p.evaluation_id = $1 AND p.vendor_id = $2`, evaluationID, vendorID)
	p, err := pgx.CollectExactlyOneRow(rows, scanParticipant)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("find participant: %w", err)
	}
	return p, nil
}

// lockConsensus reads the consensus of a vendor and criterion for update,
// nil when there is none.
func lockConsensus(ctx context.Context, tx pgx.Tx, evaluationID, vendorID, criterionID int64) (*bpo.Consensus, error) {
	rows, _ := tx.Query(ctx, `SELECT `+consensusColumns+`
		FROM consensus_ratings k JOIN users u ON u.id = k.recorded_by
		WHERE k.evaluation_id = $1 AND k.vendor_id = $2 AND k.criterion_id = $3 FOR UPDATE OF k`, evaluationID, vendorID, criterionID)
	c, err := pgx.CollectExactlyOneRow(rows, scanConsensus)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock consensus: %w", err)
	}
	return c, nil
}
