package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// FindRounds implements bpo.PairwiseService.
func (s *PairwiseService) FindRounds(ctx context.Context, evaluationID int64) ([]*bpo.PairwiseRound, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, forbiddenUnless(false)
	}
	var only *int64
	if !bpo.IsManager(u) {
		only = &u.ID
	}
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+roundColumns+` FROM pairwise_rounds r
		WHERE r.evaluation_id = $1 AND ($2::bigint IS NULL OR EXISTS (
			SELECT 1 FROM pairwise_participants pp WHERE pp.round_id = r.id AND pp.user_id = $2))
		ORDER BY r.created_at DESC, r.id DESC`, evaluationID, only)
	list, err := pgx.CollectRows(rows, scanRound)
	if err != nil {
		return nil, fmt.Errorf("find rounds: %w", err)
	}
	return list, nil
}

// FindRound implements bpo.PairwiseService.
func (s *PairwiseService) FindRound(ctx context.Context, roundID int64) (*bpo.PairwiseRoundDetail, error) {
	r, _, err := lockRound(ctx, s.db.Pool, roundID, lockNone)
	if err != nil {
		return nil, err
	}
	d := &bpo.PairwiseRoundDetail{Round: r}
	// A participant need not be assigned to the evaluation: read it directly.
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+evaluationColumns+` FROM evaluations e WHERE e.id = $1`, r.EvaluationID)
	if d.Evaluation, err = pgx.CollectExactlyOneRow(rows, scanEvaluation); err != nil {
		return nil, fmt.Errorf("find round evaluation: %w", err)
	}
	if r.ParentID != nil {
		rows, _ = s.db.Pool.Query(ctx, `SELECT `+criterionColumns+` FROM criteria c WHERE c.id = $1`, *r.ParentID)
		if d.Parent, err = pgx.CollectExactlyOneRow(rows, scanCriterion); err != nil {
			return nil, fmt.Errorf("find round group: %w", err)
		}
	}
	rows, _ = s.db.Pool.Query(ctx, `SELECT `+criterionColumns+` FROM pairwise_round_items i
		JOIN criteria c ON c.id = i.criterion_id WHERE i.round_id = $1 ORDER BY i.position`, roundID)
	if d.Items, err = pgx.CollectRows(rows, scanCriterion); err != nil {
		return nil, fmt.Errorf("find round items: %w", err)
	}
	rows, _ = s.db.Pool.Query(ctx, `SELECT pp.user_id, u.name, u.email, pp.invited_at, pp.answered_at, pp.version
		FROM pairwise_participants pp JOIN users u ON u.id = pp.user_id
		WHERE pp.round_id = $1 ORDER BY lower(u.name), u.id`, roundID)
	d.Participants, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.PairwiseParticipant, error) {
		var p bpo.PairwiseParticipant
		err := row.Scan(&p.UserID, &p.Name, &p.Email, &p.InvitedAt, &p.AnsweredAt, &p.Version)
		return &p, err
	})
	if err != nil {
		return nil, fmt.Errorf("find round participants: %w", err)
	}
	u := bpo.UserFromContext(ctx)
	var only *int64
	if !bpo.IsManager(u) {
		only = &u.ID
	}
	if d.Answers, err = findAnswers(ctx, s.db.Pool, roundID, only); err != nil {
		return nil, err
	}
	return d, nil
}

// findAnswers reads a round's answers, of one participant when only is set,
// by participant name and the round's order of pairs.
func findAnswers(ctx context.Context, q querier, roundID int64, only *int64) ([]*bpo.PairwiseAnswer, error) {
	rows, _ := q.Query(ctx, `SELECT j.user_id, j.criterion_a, j.criterion_b, j.step, j.judged_at
		FROM pairwise_judgments j JOIN users u ON u.id = j.user_id
		JOIN pairwise_round_items ia ON ia.round_id = j.round_id AND ia.criterion_id = j.criterion_a
		JOIN pairwise_round_items ib ON ib.round_id = j.round_id AND ib.criterion_id = j.criterion_b
		WHERE j.round_id = $1 AND ($2::bigint IS NULL OR j.user_id = $2)
		ORDER BY lower(u.name), u.id, ia.position, ib.position`, roundID, only)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.PairwiseAnswer, error) {
		var a bpo.PairwiseAnswer
		err := row.Scan(&a.UserID, &a.A, &a.B, &a.Step, &a.JudgedAt)
		return &a, err
	})
	if err != nil {
		return nil, fmt.Errorf("find answers: %w", err)
	}
	return list, nil
}

// SaveAnswers implements bpo.PairwiseService.
func (s *PairwiseService) SaveAnswers(ctx context.Context, roundID int64, version int, answers []bpo.AnswerInput) (*bpo.PairwiseParticipant, error) {
	u := bpo.UserFromContext(ctx)
	var after *bpo.PairwiseParticipant
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		// FOR SHARE: answers may land together, but not once the round ends.
		r, invited, err := lockRound(ctx, tx, roundID, lockShare)
		if err != nil {
			return err
		}
		if !invited {
			return forbiddenUnless(false)
		}
		if r.Status != bpo.RoundOpen {
			return bpo.Errorf(bpo.EINVALID, "error.pairwise.ended")
		}
		rows, _ := tx.Query(ctx, `SELECT criterion_id FROM pairwise_round_items WHERE round_id = $1 ORDER BY position`, roundID)
		items, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("save answers: %w", err)
		}
		if err := bpo.ValidateAnswers(items, answers); err != nil {
			return err
		}
		var current int
		err = tx.QueryRow(ctx, `SELECT version FROM pairwise_participants WHERE round_id = $1 AND user_id = $2 FOR UPDATE`, roundID, u.ID).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) {
			return forbiddenUnless(false)
		}
		if err != nil {
			return fmt.Errorf("save answers: %w", err)
		}
		if current != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.pairwise.stale_answers")
		}
		previous, err := findAnswers(ctx, tx, roundID, &u.ID)
		if err != nil {
			return err
		}
		was, err := replaceAnswers(ctx, tx, now, roundID, u.ID, previous, answers)
		if err != nil {
			return err
		}
		after = &bpo.PairwiseParticipant{UserID: u.ID, Name: u.Name, Email: u.Email}
		err = tx.QueryRow(ctx, `UPDATE pairwise_participants SET answered_at = $3, version = version + 1
			WHERE round_id = $1 AND user_id = $2 RETURNING invited_at, answered_at, version`, roundID, u.ID, now).
			Scan(&after.InvitedAt, &after.AnsweredAt, &after.Version)
		if err != nil {
			return fmt.Errorf("save answers: %w", err)
		}
		return auditEval(ctx, tx, now, r.EvaluationID, bpo.EntityPairwiseAnswers, roundID, bpo.ActionAnswer,
			bpo.SnapshotOfAnswers(u.ID, current, was), bpo.SnapshotOfAnswers(u.ID, after.Version, answers))
	})
	return after, err
}

// replaceAnswers replaces a participant's judgments with answers and
// returns the previous ones as inputs, for the audit log. An unchanged
// judgment keeps the time it was made.
func replaceAnswers(ctx context.Context, tx pgx.Tx, now time.Time, roundID, userID int64, previous []*bpo.PairwiseAnswer, answers []bpo.AnswerInput) ([]bpo.AnswerInput, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM pairwise_judgments WHERE round_id = $1 AND user_id = $2`, roundID, userID); err != nil {
		return nil, fmt.Errorf("save answers: %w", err)
	}
	judged := make(map[[2]int64]*bpo.PairwiseAnswer, len(previous))
	was := make([]bpo.AnswerInput, len(previous))
	for i, p := range previous {
		judged[[2]int64{p.A, p.B}] = p
		was[i] = bpo.AnswerInput{A: p.A, B: p.B, Step: p.Step}
	}
	as, bs := make([]int64, len(answers)), make([]int64, len(answers))
	steps, times := make([]int, len(answers)), make([]time.Time, len(answers))
	for i, a := range answers {
		as[i], bs[i], steps[i], times[i] = a.A, a.B, a.Step, now
		if p := judged[[2]int64{a.A, a.B}]; p != nil && p.Step == a.Step {
			times[i] = p.JudgedAt
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pairwise_judgments (round_id, user_id, criterion_a, criterion_b, step, judged_at)
		SELECT $1, $2, a, b, step, at FROM unnest($3::bigint[], $4::bigint[], $5::integer[], $6::timestamptz[]) AS t (a, b, step, at)`,
		roundID, userID, as, bs, steps, times); err != nil {
		return nil, fmt.Errorf("save answers: %w", err)
	}
	return was, nil
}
