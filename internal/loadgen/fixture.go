package loadgen

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// fixture is what the scenarios work on, read from the database the demo
// data was loaded into: the open evaluation with the most vendors (the
// large data set's main one), and the draft ratings the autosaves write.
type fixture struct {
	evaluationID int64
	compared     []string  // vendors shown side by side (the shortlist), by key
	categories   []int64   // ids of the top-level criteria, whose weights the what-if changes
	weights      []float64 // their weights
	drafts       []draft
}

// draft is one rating of a draft scorecard: each virtual user autosaves a
// rating of its own, so that no save is stale because of another user.
type draft struct {
	email       string // the evaluator's
	vendorID    int64
	criterionID int64
	version     int // of the rating; 0 when not rated yet
}

func readFixture(ctx context.Context, databaseURL string) (*fixture, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	defer conn.Close(context.Background())
	var id int64
	err = conn.QueryRow(ctx, `SELECT id FROM evaluations e WHERE status = 'open'
		ORDER BY (SELECT count(*) FROM participants p WHERE p.evaluation_id = e.id) DESC, id DESC LIMIT 1`).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("fixture: no open evaluation in the demo data: %w", err)
	}
	f, err := readEvaluation(ctx, conn, id)
	if err != nil {
		return nil, err
	}
	if len(f.drafts) == 0 {
		return nil, fmt.Errorf("fixture: evaluation %d has no draft rating: too few to measure", f.evaluationID)
	}
	return f, nil
}

// readEvaluation reads what the scenarios need of one evaluation.
func readEvaluation(ctx context.Context, conn *pgx.Conn, id int64) (*fixture, error) {
	f := &fixture{evaluationID: id}
	rows, _ := conn.Query(ctx, `SELECT key FROM participants
		WHERE evaluation_id = $1 AND stage = 'shortlisted' ORDER BY key`, f.evaluationID)
	var err error
	if f.compared, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	rows, _ = conn.Query(ctx, `SELECT id, weight FROM criteria
		WHERE evaluation_id = $1 AND parent_id IS NULL ORDER BY position`, f.evaluationID)
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var id int64
		var w float64
		err := row.Scan(&id, &w)
		f.categories, f.weights = append(f.categories, id), append(f.weights, w)
		return struct{}{}, err
	})
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	// Every rated criterion of every draft scorecard, the evaluators taking
	// turns, so that the first users are as many different evaluators.
	rows, _ = conn.Query(ctx, `
		SELECT u.email, s.vendor_id, c.id, coalesce(r.version, 0)
		FROM scorecards s
		JOIN users u ON u.id = s.evaluator_id
		JOIN participants p ON p.evaluation_id = s.evaluation_id AND p.vendor_id = s.vendor_id
		JOIN criteria c ON c.evaluation_id = s.evaluation_id AND c.kind = 'rated'
		LEFT JOIN ratings r ON r.scorecard_id = s.id AND r.criterion_id = c.id
		WHERE s.evaluation_id = $1 AND s.status = 'draft' AND p.stage <> 'rejected'
		ORDER BY row_number() OVER (PARTITION BY s.evaluator_id ORDER BY s.vendor_id, c.id), u.email`, f.evaluationID)
	f.drafts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (draft, error) {
		var d draft
		err := row.Scan(&d.email, &d.vendorID, &d.criterionID, &d.version)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if len(f.compared) < 2 || len(f.categories) == 0 {
		return nil, fmt.Errorf("fixture: evaluation %d has %d shortlisted vendors and %d categories: too few to measure",
			f.evaluationID, len(f.compared), len(f.categories))
	}
	return f, nil
}
