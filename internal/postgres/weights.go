package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// lockSiblingGroups locks, in id order, every criterion of the evaluation
// that shares a parent with one of ids, ids included, and returns them.
// Two saves that each change part of one group then run one after the
// other, and the second sees the weights the first committed: the check
// that a group keeps a positive sum cannot be passed by both on stale reads.
func lockSiblingGroups(ctx context.Context, tx pgx.Tx, evaluationID int64, ids []int64) ([]*bpo.Criterion, error) {
	rows, _ := tx.Query(ctx, `SELECT `+criterionColumns+` FROM criteria c
		WHERE c.evaluation_id = $1 AND coalesce(c.parent_id, 0) IN (
			SELECT coalesce(parent_id, 0) FROM criteria WHERE evaluation_id = $1 AND id = ANY($2))
		ORDER BY c.id FOR NO KEY UPDATE`, evaluationID, ids)
	group, err := pgx.CollectRows(rows, scanCriterion)
	if err != nil {
		return nil, fmt.Errorf("lock sibling groups: %w", err)
	}
	return group, nil
}

// checkGroupSums refuses new weights (by criterion id) that would leave a
// group of the locked siblings with no positive weight.
func checkGroupSums(group []*bpo.Criterion, weights map[int64]float64) error {
	return bpo.ZeroGroupProblems(group, func(c *bpo.Criterion) float64 {
		if w, ok := weights[c.ID]; ok {
			return w
		}
		return c.Weight
	}).Err()
}
