package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// SessionStore keeps scs sessions in PostgreSQL, where every app instance
// sees them. Unlike scs's own pgxstore it reads a session and its user in
// one round trip (leaving the user in the context's bpo.SessionUser, and
// the revision of the evaluation the request names in its bpo.RevisionRead), and it
// enforces the idle timeout itself: last_seen is refreshed at most once a
// minute instead of the whole session being rewritten on every request,
// which is what scs's IdleTimeout would do. Leave scs's IdleTimeout at zero.
// Sessions are stored under a SHA-256 of their token (hashSecret), never
// the token itself; a disabled user's session reads as one without a user.
type SessionStore struct {
	db    *DB
	idle  time.Duration
	codec scs.Codec // must be the session manager's, to read the user id
}

// NewSessionStore returns a store whose sessions end after idle without a
// request. codec must be the scs.SessionManager's.
func NewSessionStore(db *DB, idle time.Duration, codec scs.Codec) *SessionStore {
	return &SessionStore{db: db, idle: idle, codec: codec}
}

var _ scs.CtxStore = (*SessionStore)(nil)

// touchEvery is how stale last_seen may get before a read refreshes it.
const touchEvery = time.Minute

// findSessionSQL reads a live session, its user and, in the same round
// trip, the revision of the evaluation the request is about ($5, if any).
// The data-modifying CTE runs whether or not the SELECT reads it.
var findSessionSQL = `
		WITH s AS (
			SELECT token_hash, data, user_id, last_seen FROM sessions
			WHERE token_hash = $1 AND expiry > $2 AND last_seen > $2 - $3::interval
		), touch AS (
			UPDATE sessions SET last_seen = $2 FROM s
			WHERE sessions.token_hash = s.token_hash AND s.last_seen < $2 - $4::interval
		)
		SELECT s.data, u.id, u.email, u.name, u.role, u.lang, u.password_hash, u.created_at, u.updated_at,
			` + revisionColumn("$5") + `
		FROM s LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL`

// FindCtx implements scs.CtxStore.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	now := s.db.Now()
	row := s.db.Pool.QueryRow(ctx, findSessionSQL,
		hashSecret(token), now, s.idle, touchEvery, revisionAsked(ctx))
	var (
		data []byte
		id   *int64
		u    bpo.User
		role *string
		// The user's other columns are NOT NULL but NULL here when the
		// session has no user, or a disabled one: scan them through pointers.
		email, name, lang, hash *string
		created, updated        *time.Time
		revision                *int64
	)
	err := row.Scan(&data, &id, &email, &name, &role, &lang, &hash, &created, &updated, &revision)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	keepRevision(ctx, revision)
	if su := bpo.SessionUserFromContext(ctx); su != nil {
		su.Read = true
		if id != nil {
			u = bpo.User{ID: *id, Email: *email, Name: *name, Role: bpo.Role(*role), Lang: *lang,
				PasswordHash: *hash, CreatedAt: *created, UpdatedAt: *updated}
			su.User = &u
		}
	}
	return data, true, nil
}

// CommitCtx implements scs.CtxStore.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, values, err := s.codec.Decode(b)
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	var userID *int64
	if id, ok := values[bpo.SessionUserIDKey].(int64); ok && id != 0 {
		userID = &id
	}
	_, err = s.db.Pool.Exec(ctx, `
		INSERT INTO sessions (token_hash, data, expiry, user_id, last_seen, created_at) VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (token_hash) DO UPDATE
		SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id, last_seen = EXCLUDED.last_seen`,
		hashSecret(token), b, expiry, userID, s.db.Now())
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteCtx implements scs.CtxStore.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.Pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSecret(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find implements scs.Store; scs calls FindCtx.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store; scs calls CommitCtx.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store; scs calls DeleteCtx.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpiredSessions removes the sessions past their expiry or idle for
// longer than the store allows.
func (s *SessionStore) DeleteExpiredSessions(ctx context.Context) error {
	now := s.db.Now()
	_, err := s.db.Pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1 OR last_seen < $1 - $2::interval`, now, s.idle)
	if err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	return nil
}

// Clean deletes expired sessions every interval until ctx ends. Failures (the
// database briefly away) are retried at the next tick.
func (s *SessionStore) Clean(ctx context.Context, interval time.Duration, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}
