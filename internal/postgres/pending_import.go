package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// An upload waits in pending_imports between its preview and its
// confirmation, keyed by a random 128-bit id and owned by its uploader, for
// an hour: a row of the database rather than the session, so that any
// instance can confirm it and a large preview does not ride on every
// request's session. Its kind says what its rows are; an upload of figures
// also names its evaluation.
const (
	kindVendors = "vendors"
	kindFigures = "figures"
)

// savePending stores p under a new random id, owned by the caller, and
// drops the expired uploads on the way.
func savePending[R any](ctx context.Context, tx pgx.Tx, now time.Time, kind string, p *bpo.PendingImport[R]) error {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	p.ID = hex.EncodeToString(b)
	p.CreatedAt, p.ExpiresAt = now, now.Add(bpo.ImportLifetime)
	if _, err := tx.Exec(ctx, `DELETE FROM pending_imports WHERE expires_at < $1`, now); err != nil {
		return fmt.Errorf("save import: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO pending_imports (id, user_id, kind, evaluation_id, file_name, rows, created_at, expires_at)
		VALUES ($1, $2, $3, NULLIF($4, 0), $5, $6, $7, $8)`,
		p.ID, bpo.UserFromContext(ctx).ID, kind, p.EvaluationID, p.FileName, p.Rows, now, p.ExpiresAt)
	if err != nil {
		return fmt.Errorf("save import: %w", err)
	}
	return nil
}

// findPending returns the caller's unexpired upload id of kind, for
// evaluationID (0 for none); ENOTFOUND for anyone else's.
func findPending[R any](ctx context.Context, q querier, kind string, evaluationID int64, id string, now time.Time, lock string) (*bpo.PendingImport[R], error) {
	p := bpo.PendingImport[R]{ID: id, EvaluationID: evaluationID}
	rows, _ := q.Query(ctx, `SELECT file_name, rows, created_at, expires_at FROM pending_imports
		WHERE id = $1 AND user_id = $2 AND kind = $3 AND coalesce(evaluation_id, 0) = $4 AND expires_at > $5 `+lock,
		id, bpo.UserFromContext(ctx).ID, kind, evaluationID, now)
	_, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (struct{}, error) {
		return struct{}{}, r.Scan(&p.FileName, &p.Rows, &p.CreatedAt, &p.ExpiresAt)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.import.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("find import: %w", err)
	}
	return &p, nil
}

// takePending is findPending within tx, removing the upload: it is applied
// once, and a second confirmation finds nothing.
func takePending[R any](ctx context.Context, tx pgx.Tx, kind string, evaluationID int64, id string, now time.Time) (*bpo.PendingImport[R], error) {
	p, err := findPending[R](ctx, tx, kind, evaluationID, id, now, lockUpdate)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM pending_imports WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("apply import: %w", err)
	}
	return p, nil
}
