package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// lockForDeclaration holds the evaluation FOR SHARE, as rating does, so
// that it cannot close while a declaration is made, and refuses a closed one.
func lockForDeclaration(ctx context.Context, tx pgx.Tx, evaluationID int64) error {
	e, _, err := loadEvaluation(ctx, tx, evaluationID, lockShare)
	if err != nil {
		return err
	}
	if e.Status == bpo.StatusClosed {
		return bpo.Errorf(bpo.EINVALID, "error.evaluation.closed")
	}
	return nil
}

// DeclareVendor implements bpo.ScorecardService.
func (s *ScorecardService) DeclareVendor(ctx context.Context, evaluationID, vendorID int64, conflict bool, note string) (int, error) {
	u, err := requireEvaluator(ctx)
	if err != nil {
		return 0, err
	}
	var p bpo.Problems
	bpo.CheckFreeText(&p, "note", note, bpo.ConflictNoteMax)
	if err := p.Err(); err != nil {
		return 0, err
	}
	if !conflict {
		note = ""
	}
	var withdrawn int
	err = s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if err := lockForDeclaration(ctx, tx, evaluationID); err != nil {
			return err
		}
		var (
			firstDeclared       *time.Time
			taking, declared    bool
			conflicted, hasCard bool
			submitted           bool
			rated               int
		)
		// Locking the assignment serialises the caller's declarations; the
		// scorecard lock waits for an autosave or a submission in flight.
		err = tx.QueryRow(ctx, `
			SELECT a.coi_declared_at,
				EXISTS (SELECT 1 FROM participants WHERE evaluation_id = $1 AND vendor_id = $3),
				EXISTS (SELECT 1 FROM vendor_declarations WHERE evaluation_id = $1 AND user_id = $2 AND vendor_id = $3),
				EXISTS (SELECT 1 FROM conflicts WHERE evaluation_id = $1 AND user_id = $2 AND vendor_id = $3)
			FROM assignments a WHERE a.evaluation_id = $1 AND a.user_id = $2 FOR UPDATE`,
			evaluationID, u.ID, vendorID).Scan(&firstDeclared, &taking, &declared, &conflicted)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
		case err != nil:
			return fmt.Errorf("declare vendor: %w", err)
		case firstDeclared == nil:
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.declaration_required")
		case !taking:
			return bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
		case conflicted:
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.already_conflicted")
		case declared && !conflict:
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.already_declared_vendor")
		}
		err = tx.QueryRow(ctx, `
			SELECT true, s.status = 'submitted',
				(SELECT count(*) FROM ratings r WHERE r.scorecard_id = s.id AND r.value IS NOT NULL)
			FROM scorecards s WHERE s.evaluation_id = $1 AND s.evaluator_id = $2 AND s.vendor_id = $3
			FOR UPDATE`, evaluationID, u.ID, vendorID).Scan(&hasCard, &submitted, &rated)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("declare vendor: scorecard: %w", err)
		}
		if conflict {
			withdrawn = rated
		}
		_, err = tx.Exec(ctx, `
			WITH d AS (
				INSERT INTO vendor_declarations (evaluation_id, user_id, vendor_id, declared_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
			)
			INSERT INTO conflicts (evaluation_id, user_id, vendor_id, note, declared_at)
			SELECT $1, $2, $3, $5, $4 WHERE $6`, evaluationID, u.ID, vendorID, now, note, conflict)
		if err != nil {
			return fmt.Errorf("declare vendor: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityAssignment, u.ID, bpo.ActionDeclareVendor, nil, bpo.VendorDeclarationSnapshot{
			VendorID: vendorID, Conflict: conflict, Note: note, Late: !declared,
			Withdrawn: withdrawn, Submitted: hasCard && submitted})
	})
	return withdrawn, err
}
