package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// PairwiseService implements bpo.PairwiseService.
type PairwiseService struct{ db *DB }

// NewPairwiseService returns the comparison round service over db.
func NewPairwiseService(db *DB) *PairwiseService { return &PairwiseService{db: db} }

var _ bpo.PairwiseService = (*PairwiseService)(nil)

const roundColumns = `r.id, r.evaluation_id, r.parent_id, r.status, r.created_by, r.created_at, r.ended_by, r.ended_at, r.version`

func scanRound(row pgx.CollectableRow) (*bpo.PairwiseRound, error) {
	var r bpo.PairwiseRound
	err := row.Scan(&r.ID, &r.EvaluationID, &r.ParentID, &r.Status, &r.CreatedBy, &r.CreatedAt, &r.EndedBy, &r.EndedAt, &r.Version)
	return &r, err
}

// StartRound implements bpo.PairwiseService.
func (s *PairwiseService) StartRound(ctx context.Context, evaluationID int64, parentID *int64, userIDs []int64) (*bpo.PairwiseRound, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var round *bpo.PairwiseRound
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := setUpEvaluation(ctx, tx, evaluationID, lockShare); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT id FROM criteria
			WHERE evaluation_id = $1 AND parent_id IS NOT DISTINCT FROM $2 ORDER BY position, id`, evaluationID, parentID)
		items, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("start round: %w", err)
		}
		if parentID != nil && len(items) == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM criteria WHERE evaluation_id = $1 AND id = $2)`, evaluationID, *parentID).Scan(&exists); err != nil {
				return fmt.Errorf("start round: %w", err)
			}
			if !exists {
				return bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
			}
		}
		if len(items) < 2 || len(items) > bpo.MaxPairwiseItems {
			return bpo.Errorf(bpo.EINVALID, "error.pairwise.group", bpo.MaxPairwiseItems)
		}
		users, err := checkUsers(ctx, tx, userIDs)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			return bpo.Errorf(bpo.EINVALID, "error.pairwise.participants")
		}
		creator := bpo.UserFromContext(ctx).ID
		rows, _ = tx.Query(ctx, `INSERT INTO pairwise_rounds AS r (evaluation_id, parent_id, created_by, created_at)
			VALUES ($1, $2, $3, $4) RETURNING `+roundColumns, evaluationID, parentID, creator, now)
		round, err = pgx.CollectExactlyOneRow(rows, scanRound)
		if isUniqueViolation(err, "pairwise_rounds_open_key") {
			return bpo.Errorf(bpo.ECONFLICT, "error.pairwise.already_open")
		}
		if err != nil {
			return fmt.Errorf("start round: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pairwise_round_items (round_id, criterion_id, position)
			SELECT $1, id, ord FROM unnest($2::bigint[]) WITH ORDINALITY AS t (id, ord)`, round.ID, items); err != nil {
			return fmt.Errorf("start round items: %w", err)
		}
		if err := invite(ctx, tx, now, round.ID, users); err != nil {
			return err
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityPairwiseRound, round.ID, bpo.ActionStart, nil,
			bpo.RoundSnapshot{ParentID: parentID, Status: round.Status, Items: items, Participants: users, Version: round.Version})
	})
	return round, err
}

// checkUsers returns the distinct ids of userIDs, in order; EINVALID when
// one has no account.
func checkUsers(ctx context.Context, tx pgx.Tx, userIDs []int64) ([]int64, error) {
	var ids []int64
	for _, id := range userIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var found int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = ANY($1)`, ids).Scan(&found); err != nil {
		return nil, fmt.Errorf("check participants: %w", err)
	}
	if found != len(ids) {
		return nil, bpo.Errorf(bpo.EINVALID, "error.pairwise.participants")
	}
	return ids, nil
}

func invite(ctx context.Context, tx pgx.Tx, now time.Time, roundID int64, users []int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO pairwise_participants (round_id, user_id, invited_at)
		SELECT $1, id, $3 FROM unnest($2::bigint[]) AS id ON CONFLICT DO NOTHING`, roundID, users, now)
	if err != nil {
		return fmt.Errorf("invite participants: %w", err)
	}
	return nil
}

// lockRound reads a round the caller may see, locked for update, and
// whether the caller is invited to it. A round they may not see is
// ENOTFOUND, like one that does not exist.
func lockRound(ctx context.Context, q querier, roundID int64, lock string) (*bpo.PairwiseRound, bool, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, false, forbiddenUnless(false)
	}
	rows, _ := q.Query(ctx, `SELECT `+roundColumns+`,
			EXISTS (SELECT 1 FROM pairwise_participants pp WHERE pp.round_id = r.id AND pp.user_id = $2)
		FROM pairwise_rounds r WHERE r.id = $1 `+lock, roundID, u.ID)
	var invited bool
	round, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*bpo.PairwiseRound, error) {
		var r bpo.PairwiseRound
		err := row.Scan(&r.ID, &r.EvaluationID, &r.ParentID, &r.Status, &r.CreatedBy, &r.CreatedAt, &r.EndedBy, &r.EndedAt, &r.Version, &invited)
		return &r, err
	})
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !bpo.CanSeeRound(u, invited)) {
		return nil, false, bpo.Errorf(bpo.ENOTFOUND, "error.pairwise.not_found")
	}
	if err != nil {
		return nil, false, fmt.Errorf("load round: %w", err)
	}
	return round, invited, nil
}

// InviteParticipants implements bpo.PairwiseService.
func (s *PairwiseService) InviteParticipants(ctx context.Context, roundID int64, version int, userIDs []int64) (*bpo.PairwiseRound, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var after *bpo.PairwiseRound
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		before, err := openRound(ctx, tx, roundID, version)
		if err != nil {
			return err
		}
		users, err := checkUsers(ctx, tx, userIDs)
		if err != nil {
			return err
		}
		if err := invite(ctx, tx, now, roundID, users); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `UPDATE pairwise_rounds r SET version = version + 1 WHERE id = $1 RETURNING `+roundColumns, roundID)
		if after, err = pgx.CollectExactlyOneRow(rows, scanRound); err != nil {
			return fmt.Errorf("invite participants: %w", err)
		}
		return auditEval(ctx, tx, now, before.EvaluationID, bpo.EntityPairwiseRound, roundID, bpo.ActionInvite,
			bpo.RoundSnapshot{ParentID: before.ParentID, Status: before.Status, Version: before.Version},
			bpo.RoundSnapshot{ParentID: after.ParentID, Status: after.Status, Participants: users, Version: after.Version})
	})
	return after, err
}

// openRound locks a round for a manager's change at version: it must be open.
func openRound(ctx context.Context, tx pgx.Tx, roundID int64, version int) (*bpo.PairwiseRound, error) {
	r, _, err := lockRound(ctx, tx, roundID, lockUpdate)
	if err != nil {
		return nil, err
	}
	if r.Version != version {
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.pairwise.stale")
	}
	if r.Status != bpo.RoundOpen {
		return nil, bpo.Errorf(bpo.EINVALID, "error.pairwise.ended")
	}
	return r, nil
}

// EndRound implements bpo.PairwiseService.
func (s *PairwiseService) EndRound(ctx context.Context, roundID int64, version int, applied bool) (*bpo.PairwiseRound, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	status := bpo.RoundClosed
	if applied {
		status = bpo.RoundApplied
	}
	var after *bpo.PairwiseRound
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		before, err := openRound(ctx, tx, roundID, version)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `UPDATE pairwise_rounds r SET status = $2, ended_by = $3, ended_at = $4, version = version + 1
			WHERE id = $1 RETURNING `+roundColumns, roundID, status, bpo.UserFromContext(ctx).ID, now)
		if after, err = pgx.CollectExactlyOneRow(rows, scanRound); err != nil {
			return fmt.Errorf("end round: %w", err)
		}
		return auditEval(ctx, tx, now, before.EvaluationID, bpo.EntityPairwiseRound, roundID, string(status),
			bpo.RoundSnapshot{ParentID: before.ParentID, Status: before.Status, Version: before.Version},
			bpo.RoundSnapshot{ParentID: after.ParentID, Status: after.Status, Version: after.Version})
	})
	return after, err
}
