package postgres

import (
	"context"
	"fmt"
	"time"
)

// DeleteExpiredSessions removes the sessions past their expiry.
//
// pgxstore can do this itself, but its cleanup goroutine races with
// StopCleanup (it assigns the stop channel from inside the goroutine), so the
// server runs this on its own ticker instead.
func (db *DB) DeleteExpiredSessions(ctx context.Context) error {
	if _, err := db.Pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1`, db.Now()); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	return nil
}

// CleanSessions deletes expired sessions every interval until ctx ends.
// Failures (the database briefly away) are retried at the next tick.
func (db *DB) CleanSessions(ctx context.Context, interval time.Duration, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := db.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}
