package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TokenService implements bpo.TokenService.
type TokenService struct{ db *DB }

// NewTokenService returns the API token service over db.
func NewTokenService(db *DB) *TokenService { return &TokenService{db: db} }

var _ bpo.TokenService = (*TokenService)(nil)

// A secret is bpo.TokenPrefix and 32 random bytes in unpadded base64url.
const (
	secretBytes  = 32
	secretLength = len(bpo.TokenPrefix) + (secretBytes*8+5)/6
	shownChars   = 8 // characters of the random part kept for display
)

func newSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // never fails: crypto/rand crashes the program instead
	return bpo.TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is what the table stores and looks tokens up by.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// wellFormed reports whether secret could be one of ours, so that garbage
// is refused without a query.
func wellFormed(secret string) bool {
	rest, ok := strings.CutPrefix(secret, bpo.TokenPrefix)
	if !ok || len(secret) != secretLength {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	return err == nil && len(b) == secretBytes
}

const tokenColumns = `id, user_id, name, prefix, created_at, last_used_at, revoked_at, expires_at`

func scanToken(row pgx.CollectableRow) (*bpo.APIToken, error) {
	var t bpo.APIToken
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt, &t.ExpiresAt)
	return &t, err
}

// tokenOwner is the signed-in caller; tokens are always their own.
func tokenOwner(ctx context.Context) (*bpo.User, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, bpo.Errorf(bpo.EUNAUTHORIZED, "error.unauthorized")
	}
	return u, nil
}

// CreateToken implements bpo.TokenService.
func (s *TokenService) CreateToken(ctx context.Context, name string, lifetime time.Duration) (*bpo.APIToken, string, error) {
	u, err := tokenOwner(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := forbiddenUnless(bpo.CanUseAPI(u)); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if err := bpo.ValidateTokenName(name); err != nil {
		return nil, "", err
	}
	if !bpo.ValidTokenLifetime(lifetime) {
		var p bpo.Problems
		p.Add("lifetime", "error.field.choice")
		return nil, "", p.Err()
	}
	secret := newSecret()
	prefix := secret[len(bpo.TokenPrefix) : len(bpo.TokenPrefix)+shownChars]
	var t *bpo.APIToken
	err = s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		rows, _ := tx.Query(ctx, `
			INSERT INTO api_tokens (user_id, name, hash, prefix, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+tokenColumns,
			u.ID, name, hashSecret(secret), prefix, now, now.Add(lifetime))
		var err error
		if t, err = pgx.CollectExactlyOneRow(rows, scanToken); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return audit(ctx, tx, now, bpo.EntityAPIToken, t.ID, bpo.ActionCreate, nil,
			bpo.TokenSnapshot{Name: t.Name, Prefix: t.Prefix, ExpiresAt: &t.ExpiresAt})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// FindTokens implements bpo.TokenService.
func (s *TokenService) FindTokens(ctx context.Context) ([]*bpo.APIToken, error) {
	u, err := tokenOwner(ctx)
	if err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, u.ID)
	list, err := pgx.CollectRows(rows, scanToken)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
	}
	return list, nil
}

// RevokeToken implements bpo.TokenService.
func (s *TokenService) RevokeToken(ctx context.Context, id int64) error {
	u, err := tokenOwner(ctx)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var revoked *time.Time
		err := tx.QueryRow(ctx, `SELECT revoked_at FROM api_tokens WHERE id = $1 AND user_id = $2 FOR UPDATE`,
			id, u.ID).Scan(&revoked)
		if err != nil {
			return notFound(err, "error.token.not_found")
		}
		if revoked != nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, id, now); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return audit(ctx, tx, now, bpo.EntityAPIToken, id, bpo.ActionRevoke, bpo.RevocationSnapshot{}, bpo.RevocationSnapshot{RevokedAt: &now})
	})
}

// lastUsedStep is how stale last_used_at may get: noting every request
// would turn each API read into a write.
const lastUsedStep = time.Minute

// authenticateSQL finds the live token and its enabled owner and notes the
// use, in one round trip. The SELECT reads the snapshot from before the
// UPDATE, which is all it needs: the UPDATE changes only last_used_at.
var authenticateSQL = `
WITH used AS (
	UPDATE api_tokens SET last_used_at = @now
	WHERE hash = @hash AND revoked_at IS NULL AND expires_at > @now
		AND (last_used_at IS NULL OR last_used_at <= @stale)
)
SELECT t.id, u.*, ` + revisionColumn("@evaluation") + `
FROM api_tokens t
JOIN LATERAL (SELECT ` + userColumns + ` FROM users WHERE users.id = t.user_id AND users.disabled_at IS NULL) u ON true
WHERE t.hash = @hash AND t.revoked_at IS NULL AND t.expires_at > @now`

// AuthenticateToken implements bpo.TokenService.
func (s *TokenService) AuthenticateToken(ctx context.Context, secret string) (*bpo.User, int64, error) {
	if !wellFormed(secret) {
		return nil, 0, bpo.Errorf(bpo.EUNAUTHORIZED, "error.token.invalid")
	}
	var (
		u        bpo.User
		tokenID  int64
		revision *int64
	)
	now := s.db.Now().UTC().Truncate(time.Microsecond)
	err := s.db.Pool.QueryRow(ctx, authenticateSQL, pgx.NamedArgs{
		"hash": hashSecret(secret), "now": now, "stale": now.Add(-lastUsedStep), "evaluation": revisionAsked(ctx),
	}).Scan(append(append([]any{&tokenID}, userDest(&u)...), &revision)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, bpo.Errorf(bpo.EUNAUTHORIZED, "error.token.invalid")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("authenticate token: %w", err)
	}
	keepRevision(ctx, revision)
	return &u, tokenID, nil
}
