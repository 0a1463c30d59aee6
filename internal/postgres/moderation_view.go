package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// FindModeration implements bpo.ModerationService.
func (s *ModerationService) FindModeration(ctx context.Context, evaluationID, vendorID int64) (*bpo.ModerationView, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	e, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone)
	if err != nil {
		return nil, err
	}
	v := &bpo.ModerationView{Evaluation: e}
	if v.Vendor, err = findParticipant(ctx, s.db.Pool, evaluationID, vendorID); err != nil {
		return nil, err
	}
	if v.Required, err = s.ModerationRequired(ctx, evaluationID); err != nil {
		return nil, err
	}
	if v.Missing, err = missingScorecards(ctx, s.db.Pool, evaluationID, vendorID); err != nil {
		return nil, err
	}
	criteria, err := findCriteria(ctx, s.db.Pool, evaluationID)
	if err != nil {
		return nil, err
	}
	byCriterion := map[int64]*bpo.ModerationItem{}
	for _, c := range criteria {
		if c.Kind == bpo.KindRated {
			item := &bpo.ModerationItem{Criterion: c}
			byCriterion[c.ID] = item
			v.Items = append(v.Items, item)
		}
	}
	if err := addModeratedRatings(ctx, s.db.Pool, evaluationID, vendorID, byCriterion); err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, consensusSQL, evaluationID, vendorID)
	consensus, err := pgx.CollectRows(rows, scanConsensus)
	if err != nil {
		return nil, fmt.Errorf("find moderation consensus: %w", err)
	}
	for _, c := range consensus {
		if item := byCriterion[c.CriterionID]; item != nil {
			item.Consensus = c
		}
	}
	for _, item := range v.Items {
		values := make([]int, len(item.Ratings))
		for i, r := range item.Ratings {
			values[i] = r.Value
		}
		item.Spread, item.Disputed = bpo.Spread(values), bpo.Disputed(values, e.ScaleMin, e.ScaleMax)
	}
	bpo.SortModeration(v.Items)
	return v, nil
}

// addModeratedRatings adds the vendor's submitted ratings to the items of
// their criteria, by evaluator name.
func addModeratedRatings(ctx context.Context, q querier, evaluationID, vendorID int64, byCriterion map[int64]*bpo.ModerationItem) error {
	rows, _ := q.Query(ctx, `
		SELECT r.criterion_id, s.evaluator_id, u.name, r.value, r.justification
		FROM scorecards s JOIN users u ON u.id = s.evaluator_id JOIN ratings r ON r.scorecard_id = s.id
		WHERE s.evaluation_id = $1 AND s.vendor_id = $2 AND s.status = 'submitted' AND r.value IS NOT NULL
		ORDER BY lower(u.name), u.id`, evaluationID, vendorID)
	var crit int64
	var mr bpo.ModeratedRating
	_, err := pgx.ForEachRow(rows, []any{&crit, &mr.EvaluatorID, &mr.EvaluatorName, &mr.Value, &mr.Justification}, func() error {
		if item := byCriterion[crit]; item != nil {
			item.Ratings = append(item.Ratings, mr)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("find moderation ratings: %w", err)
	}
	return nil
}

// FindUnmoderated implements bpo.ModerationService.
func (s *ModerationService) FindUnmoderated(ctx context.Context, evaluationID int64) ([]*bpo.Unmoderated, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	e, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone)
	if err != nil {
		return nil, err
	}
	// The rule of bpo.Disputed, in SQL: two raters or more whose spread
	// reaches half the scale's range.
	rows, _ := s.db.Pool.Query(ctx, `WITH `+criteriaTree+`,
		cells AS (
			SELECT s.vendor_id, r.criterion_id`+countedRatingsFrom+countedRatingsWhere+`
			GROUP BY s.vendor_id, r.criterion_id
			HAVING count(*) > 1 AND 2 * (max(r.value) - min(r.value)) >= $3)
		SELECT cells.vendor_id, v.name, c.id, c.name_en, c.name_fr
		FROM cells JOIN vendors v ON v.id = cells.vendor_id
		JOIN criteria c ON c.id = cells.criterion_id JOIN tree ON tree.id = c.id
		WHERE NOT EXISTS (SELECT 1 FROM consensus_ratings k
			WHERE k.evaluation_id = $1 AND k.vendor_id = cells.vendor_id AND k.criterion_id = cells.criterion_id)
		ORDER BY lower(v.name), v.id, tree.path`, evaluationID, false, e.ScaleMax-e.ScaleMin)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.Unmoderated, error) {
		var u bpo.Unmoderated
		err := row.Scan(&u.VendorID, &u.VendorName, &u.CriterionID, &u.CriterionEN, &u.CriterionFR)
		return &u, err
	})
	if err != nil {
		return nil, fmt.Errorf("find unmoderated: %w", err)
	}
	return list, nil
}

// ModerationRequired implements bpo.ModerationService.
func (s *ModerationService) ModerationRequired(ctx context.Context, evaluationID int64) (bool, error) {
	if err := requireManager(ctx); err != nil {
		return false, err
	}
	var required bool
	err := s.db.Pool.QueryRow(ctx, `SELECT moderation_required FROM evaluations WHERE id = $1`, evaluationID).Scan(&required)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
	}
	if err != nil {
		return false, fmt.Errorf("moderation required: %w", err)
	}
	return required, nil
}

// SetModerationRequired implements bpo.ModerationService.
func (s *ModerationService) SetModerationRequired(ctx context.Context, evaluationID int64, version int, required bool) (*bpo.Evaluation, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var after *bpo.Evaluation
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		before, err := setUpEvaluation(ctx, tx, evaluationID, lockUpdate)
		if err != nil {
			return err
		}
		if before.Version != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.evaluation.stale")
		}
		var was bool
		if err := tx.QueryRow(ctx, `SELECT moderation_required FROM evaluations WHERE id = $1`, evaluationID).Scan(&was); err != nil {
			return fmt.Errorf("set moderation required: %w", err)
		}
		rows, _ := tx.Query(ctx, `UPDATE evaluations AS e SET moderation_required = $2, version = version + 1, updated_at = $3
			WHERE id = $1 RETURNING `+evaluationColumns, evaluationID, required, now)
		if after, err = pgx.CollectExactlyOneRow(rows, scanEvaluation); err != nil {
			return fmt.Errorf("set moderation required: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityEvaluation, evaluationID, bpo.ActionModerationRequired,
			bpo.ModerationOptionSnapshot{Required: was, Version: before.Version},
			bpo.ModerationOptionSnapshot{Required: required, Version: after.Version})
	})
	return after, err
}
