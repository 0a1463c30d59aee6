package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// IdentityService implements bpo.IdentityService.
type IdentityService struct{ db *DB }

// NewIdentityService returns the identity service over db.
func NewIdentityService(db *DB) *IdentityService { return &IdentityService{db: db} }

var _ bpo.IdentityService = (*IdentityService)(nil)

// identitySnapshot is what the audit log keeps of a link.
type identitySnapshot struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
	Email   string `json:"email"`
}

// SignInWithIdentity implements bpo.IdentityService. Accounts are matched
// by subject first: an e-mail address the provider later gives to someone
// else does not carry the account over, once linked.
func (s *IdentityService) SignInWithIdentity(ctx context.Context, id bpo.Identity, role bpo.Role, newPassword func() (string, string, error)) (*bpo.User, error) {
	var u *bpo.User
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		rows, _ := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id =
			(SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2)`, id.Issuer, id.Subject)
		var err error
		u, err = pgx.CollectExactlyOneRow(rows, scanUser)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("find identity: %w", err)
		}
		rows, _ = tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1) FOR UPDATE`, id.Email)
		u, err = pgx.CollectExactlyOneRow(rows, scanUser)
		if errors.Is(err, pgx.ErrNoRows) {
			if u, err = createIdentityUser(ctx, tx, now, id, role, newPassword); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("find user: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)`,
			id.Issuer, id.Subject, u.ID, now)
		if err != nil {
			return fmt.Errorf("link identity: %w", err)
		}
		return audit(ctx, tx, now, bpo.EntityUser, u.ID, "link_identity", nil,
			identitySnapshot{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email})
	})
	return u, err
}

func createIdentityUser(ctx context.Context, tx pgx.Tx, now time.Time, id bpo.Identity, role bpo.Role, newPassword func() (string, string, error)) (*bpo.User, error) {
	plain, hash, err := newPassword()
	if err != nil {
		return nil, err
	}
	n := bpo.NewUser{Email: id.Email, Name: id.Name, Role: role, Password: plain}
	if n.Name == "" {
		n.Name = id.Email
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	rows, _ := tx.Query(ctx, `
		INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING `+userColumns, n.Email, n.Name, n.Role, hash, now)
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, audit(ctx, tx, now, bpo.EntityUser, u.ID, bpo.ActionCreate, nil, bpo.UserSnapshot{Email: u.Email, Name: u.Name, Role: u.Role})
}
