package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// createAnalysis gives a new evaluation its analysis options: the
// template's price as the cost criterion, and the spread asked for (the
// default without one). It returns the evaluation as stored.
func createAnalysis(ctx context.Context, tx pgx.Tx, id int64, a *bpo.AnalysisOptions) (*bpo.Evaluation, error) {
	spread := bpo.DefaultRobustnessSpread
	if a != nil {
		spread = a.RobustnessSpread
	}
	rows, _ := tx.Query(ctx, `
		UPDATE evaluations AS e SET robustness_spread = $2, cost_criterion_id = (
			SELECT c.id FROM criteria c
			WHERE c.evaluation_id = $1 AND c.key = 'price' AND c.kind = 'measured' AND c.better = 'lower')
		WHERE e.id = $1 RETURNING `+evaluationColumns, id, spread)
	e, err := pgx.CollectExactlyOneRow(rows, scanEvaluation)
	if err != nil {
		return nil, fmt.Errorf("set analysis options: %w", err)
	}
	return e, nil
}

// updateAnalysis sets an evaluation's analysis options, refusing a cost
// criterion that is not one of its measured criteria where lower is better
// (scoring rule 13). The criterion's row is locked, so that it cannot turn
// into another kind of criterion before the transaction ends.
func updateAnalysis(ctx context.Context, tx pgx.Tx, id int64, a bpo.AnalysisOptions) (*bpo.Evaluation, error) {
	if a.CostCriterionID != nil {
		var kind, better string
		err := tx.QueryRow(ctx, `SELECT kind, better FROM criteria WHERE evaluation_id = $1 AND id = $2 FOR SHARE`,
			id, *a.CostCriterionID).Scan(&kind, &better)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && (kind != string(bpo.KindMeasured) || better != "lower")) {
			var p bpo.Problems
			p.Add("cost_criterion", "error.evaluation.cost_criterion")
			return nil, p.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("check cost criterion: %w", err)
		}
	}
	rows, _ := tx.Query(ctx, `
		UPDATE evaluations AS e SET cost_criterion_id = $2, robustness_spread = $3
		WHERE e.id = $1 RETURNING `+evaluationColumns, id, a.CostCriterionID, a.RobustnessSpread)
	e, err := pgx.CollectExactlyOneRow(rows, scanEvaluation)
	if err != nil {
		return nil, fmt.Errorf("set analysis options: %w", err)
	}
	return e, nil
}
