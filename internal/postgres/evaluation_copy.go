package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// CopyEvaluation implements bpo.EvaluationService. The copy is made in one
// transaction, with the source held FOR SHARE so that its tree cannot be
// reshaped halfway through.
func (s *EvaluationService) CopyEvaluation(ctx context.Context, sourceID int64, in bpo.EvaluationInput) (*bpo.Evaluation, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var e *bpo.Evaluation
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		src, _, err := loadEvaluation(ctx, tx, sourceID, lockShare)
		if err != nil {
			return err
		}
		// The source's descriptors fit only its own scale.
		levels := scaleLevels(in.ScaleMin, in.ScaleMax)
		switch {
		case in.ScaleLevels != nil:
			levels = storedLevels(in.ScaleLevels)
		case in.ScaleMin == src.ScaleMin && in.ScaleMax == src.ScaleMax:
			levels = storedLevels(src.ScaleLevels)
		}
		if e, err = insertEvaluation(ctx, tx, now, in, levels); err != nil {
			return err
		}
		if err := copyCriteria(ctx, tx, src.ID, e.ID); err != nil {
			return err
		}
		if err := checkMinRatings(ctx, tx, e.ID, in.ScaleMin, in.ScaleMax); err != nil {
			return err
		}
		if e, err = copyOptions(ctx, tx, src.ID, e.ID, in.Analysis); err != nil {
			return err
		}
		snap := bpo.SnapshotOfEvaluation(e)
		snap.CopiedFrom, snap.CopiedFromID = src.Title, &src.ID
		if err := auditEval(ctx, tx, now, e.ID, bpo.EntityEvaluation, e.ID, bpo.ActionCreate, nil, snap); err != nil {
			return err
		}
		if err := copyParticipants(ctx, tx, now, src.ID, e.ID); err != nil {
			return err
		}
		return copyAssignments(ctx, tx, now, src.ID, e)
	})
	return e, err
}

// copyCriteria copies the source's tree in two statements, as seedCriteria
// seeds the template's: the rows first, then each child's parent found by
// its key, which is unique within an evaluation.
func copyCriteria(ctx context.Context, tx pgx.Tx, sourceID, id int64) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO criteria (evaluation_id, key, kind, name_en, name_fr, guidance_en, guidance_fr, weight, position,
			min_rating, unit, better, best, worst, "limit")
		SELECT $2, key, kind, name_en, name_fr, guidance_en, guidance_fr, weight, position,
			min_rating, unit, better, best, worst, "limit"
		FROM criteria WHERE evaluation_id = $1 ORDER BY id`, sourceID, id)
	if err != nil {
		return fmt.Errorf("copy criteria: %w", err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE criteria c SET parent_id = np.id
		FROM criteria sc
		JOIN criteria sp ON sp.evaluation_id = $1 AND sp.id = sc.parent_id
		JOIN criteria np ON np.evaluation_id = $2 AND np.key = sp.key
		WHERE sc.evaluation_id = $1 AND c.evaluation_id = $2 AND c.key = sc.key`, sourceID, id)
	if err != nil {
		return fmt.Errorf("copy criteria parents: %w", err)
	}
	return nil
}

// copyOptions sets the options that name the copied criteria or that the
// set-up form does not carry: the cost criterion (the copy's criterion with
// the source's one's key), the robustness spread (a's, or the source's) and
// whether moderation is required.
func copyOptions(ctx context.Context, tx pgx.Tx, sourceID, id int64, a *bpo.AnalysisOptions) (*bpo.Evaluation, error) {
	var spread *float64
	if a != nil {
		spread = &a.RobustnessSpread
	}
	rows, _ := tx.Query(ctx, `
		UPDATE evaluations AS e SET
			robustness_spread = coalesce($3, s.robustness_spread),
			moderation_required = s.moderation_required,
			cost_criterion_id = (SELECT n.id FROM criteria sc JOIN criteria n ON n.evaluation_id = $2 AND n.key = sc.key
				WHERE sc.evaluation_id = $1 AND sc.id = s.cost_criterion_id)
		FROM evaluations s
		WHERE s.id = $1 AND e.id = $2 RETURNING `+evaluationColumns, sourceID, id, spread)
	e, err := pgx.CollectExactlyOneRow(rows, scanEvaluation)
	if err != nil {
		return nil, fmt.Errorf("copy options: %w", err)
	}
	return e, nil
}

// copyParticipants brings along the source's vendors still in the running
// whose registry entry is not archived, under the same keys. The one the
// source selected, like those it shortlisted, comes back shortlisted: the
// selection is the new evaluation's to make.
func copyParticipants(ctx context.Context, tx pgx.Tx, now time.Time, sourceID, id int64) error {
	rows, _ := tx.Query(ctx, `
		WITH p AS (
			INSERT INTO participants (evaluation_id, vendor_id, key, stage)
			SELECT $2, p.vendor_id, p.key, CASE p.stage WHEN 'candidate' THEN 'candidate' ELSE 'shortlisted' END
			FROM participants p JOIN vendors v ON v.id = p.vendor_id
			WHERE p.evaluation_id = $1 AND p.stage <> 'rejected' AND NOT v.archived
			RETURNING *
		)
		SELECT `+participantColumns+` FROM p JOIN vendors v ON v.id = p.vendor_id ORDER BY p.vendor_id`, sourceID, id)
	list, err := pgx.CollectRows(rows, scanParticipant)
	if err != nil {
		return fmt.Errorf("copy participants: %w", err)
	}
	for _, p := range list {
		if err := auditEval(ctx, tx, now, id, bpo.EntityParticipant, p.VendorID, bpo.ActionCreate, nil, bpo.SnapshotOfParticipant(p)); err != nil {
			return err
		}
	}
	return nil
}

// copyAssignments assigns the source's evaluators to e, as AssignEvaluator
// would one by one (audited, told by mail), leaving out the accounts that
// have been disabled or are no longer evaluators.
func copyAssignments(ctx context.Context, tx pgx.Tx, now time.Time, sourceID int64, e *bpo.Evaluation) error {
	rows, _ := tx.Query(ctx, `
		WITH a AS (
			INSERT INTO assignments (evaluation_id, user_id)
			SELECT $2, a.user_id FROM assignments a JOIN users u ON u.id = a.user_id
			WHERE a.evaluation_id = $1 AND u.role = 'evaluator' AND u.disabled_at IS NULL
			RETURNING user_id
		)
		SELECT u.id, u.email FROM a JOIN users u ON u.id = a.user_id ORDER BY u.id`, sourceID, e.ID)
	type assigned struct {
		ID    int64
		Email string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[assigned])
	if err != nil {
		return fmt.Errorf("copy assignments: %w", err)
	}
	for _, a := range list {
		if err := auditEval(ctx, tx, now, e.ID, bpo.EntityAssignment, a.ID, bpo.ActionCreate, nil, bpo.AssignmentSnapshot{Email: a.Email}); err != nil {
			return err
		}
		if err := queueAssigned(ctx, tx, now, e, a.ID); err != nil {
			return err
		}
	}
	return nil
}
