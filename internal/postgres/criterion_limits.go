package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// checkTreeLimits applies bpo.CheckTreeLimits to criterion id (0 for a new
// one) placed under parentID (nil for the top level) in an evaluation whose
// row the transaction has locked: the parent's level, the height of the
// subtree id carries, and the number of criteria there would be, in one
// round trip.
func checkTreeLimits(ctx context.Context, tx pgx.Tx, evaluationID, id int64, parentID *int64) error {
	var level, height, count int
	err := tx.QueryRow(ctx, `
		WITH RECURSIVE up AS (
			SELECT id, parent_id, 1 AS level FROM criteria WHERE id = $2 AND evaluation_id = $1
			UNION ALL
			SELECT c.id, c.parent_id, up.level + 1 FROM criteria c JOIN up ON c.id = up.parent_id
			WHERE up.level <= $4
		), down AS (
			SELECT id, 1 AS depth FROM criteria WHERE id = $3 AND evaluation_id = $1
			UNION ALL
			SELECT c.id, down.depth + 1 FROM criteria c JOIN down ON c.parent_id = down.id
			WHERE down.depth <= $4
		)
		SELECT (SELECT coalesce(max(level), 0) FROM up),
			(SELECT coalesce(max(depth), 1) FROM down),
			(SELECT count(*) FROM criteria WHERE evaluation_id = $1)`,
		evaluationID, parentID, id, bpo.MaxCriteriaDepth).Scan(&level, &height, &count)
	if err != nil {
		return fmt.Errorf("check criteria tree: %w", err)
	}
	if id == 0 {
		count++
	}
	return bpo.CheckTreeLimits(level, height, count)
}
