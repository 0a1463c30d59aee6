package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// SignInService implements bpo.SignInService over login_counters.
type SignInService struct{ db *DB }

// NewSignInService returns the sign-in attempt counters over db.
func NewSignInService(db *DB) *SignInService { return &SignInService{db: db} }

var _ bpo.SignInService = (*SignInService)(nil)

// signInKeys are the counters an attempt moves: per account and address,
// per address, per account. The e-mail address is lower-cased, as accounts
// are looked up.
func signInKeys(email, addr string) (accountAddr, address, account string) {
	return "ea:" + strings.ToLower(email) + "\x1f" + addr, "a:" + addr, "e:" + strings.ToLower(email)
}

// reserveSQL counts one attempt on every key in one statement. ON CONFLICT
// DO UPDATE locks each counter's row and reads its latest version, so
// parallel attempts are counted one after the other, never from the same
// stale count; the keys come sorted, so that two attempts lock them in the
// same order and cannot deadlock. A counter whose window has passed starts
// again at 1. Stale counters are pruned on the way.
const reserveSQL = `
WITH pruned AS (
	DELETE FROM login_counters WHERE window_start < @now::timestamptz - interval '1 day' AND key <> ALL (@keys)
)
INSERT INTO login_counters AS c (key, window_start, count)
SELECT k, @now, 1 FROM unnest(@keys::text[]) AS k
ON CONFLICT (key) DO UPDATE SET
	count = CASE WHEN c.window_start <= @now::timestamptz - @window::interval THEN 1 ELSE c.count + 1 END,
	window_start = CASE WHEN c.window_start <= @now::timestamptz - @window::interval THEN @now ELSE c.window_start END
RETURNING key, count, window_start`

// ReserveSignIn implements bpo.SignInService.
func (s *SignInService) ReserveSignIn(ctx context.Context, email, addr string) (*bpo.SignInAttempt, error) {
	ea, a, e := signInKeys(email, addr)
	keys := []string{ea, a, e}
	slices.Sort(keys)
	now := s.db.Now().UTC().Truncate(time.Microsecond)
	rows, _ := s.db.Pool.Query(ctx, reserveSQL, pgx.NamedArgs{"keys": keys, "now": now, "window": bpo.SignInWindow})
	var (
		key   string
		count int
		start time.Time
	)
	at := &bpo.SignInAttempt{}
	_, err := pgx.ForEachRow(rows, []any{&key, &count, &start}, func() error {
		switch key {
		case ea:
			at.AccountAddr = count
		case a:
			at.Addr = count
		case e:
			at.Account = count
		}
		at.RetryAfter = max(at.RetryAfter, start.Add(bpo.SignInWindow).Sub(now))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reserve sign-in: %w", err)
	}
	return at, nil
}

// ReleaseSignIn implements bpo.SignInService.
func (s *SignInService) ReleaseSignIn(ctx context.Context, email, addr string) error {
	ea, a, e := signInKeys(email, addr)
	_, err := s.db.Pool.Exec(ctx, `
		UPDATE login_counters SET count = CASE WHEN key = $1 THEN 0 ELSE greatest(count - 1, 0) END
		WHERE key IN ($1, $2, $3)`, ea, a, e)
	if err != nil {
		return fmt.Errorf("release sign-in: %w", err)
	}
	return nil
}
