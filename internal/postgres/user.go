package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// UserService implements bpo.UserService.
type UserService struct{ db *DB }

// NewUserService returns the user service over db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ bpo.UserService = (*UserService)(nil)

const userColumns = `id, email, name, role, lang, password_hash, created_at, updated_at, disabled_at`

// userDest returns the scan targets for userColumns.
func userDest(u *bpo.User) []any {
	return []any{&u.ID, &u.Email, &u.Name, &u.Role, &u.Lang, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt, &u.DisabledAt}
}

func scanUser(row pgx.CollectableRow) (*bpo.User, error) {
	var u bpo.User
	err := row.Scan(userDest(&u)...)
	return &u, err
}

// CreateUser implements bpo.UserService.
func (s *UserService) CreateUser(ctx context.Context, n bpo.NewUser, passwordHash string) (*bpo.User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var u *bpo.User
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		rows, _ := tx.Query(ctx, `
			INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING `+userColumns,
			n.Email, n.Name, n.Role, passwordHash, now)
		var err error
		u, err = pgx.CollectExactlyOneRow(rows, scanUser)
		if isUniqueViolation(err, "users_email_key") {
			var p bpo.Problems
			p.Add("email", "error.user.email_taken")
			return p.Err()
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return audit(ctx, tx, now, bpo.EntityUser, u.ID, bpo.ActionCreate, nil, bpo.UserSnapshot{Email: u.Email, Name: u.Name, Role: u.Role})
	})
	return u, err
}

// FindUserByID implements bpo.UserService.
func (s *UserService) FindUserByID(ctx context.Context, id int64) (*bpo.User, error) {
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	return u, notFound(err, "error.user.not_found")
}

// FindUserByEmail implements bpo.UserService.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*bpo.User, error) {
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email)
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	return u, notFound(err, "error.user.not_found")
}

// FindUsers implements bpo.UserService.
func (s *UserService) FindUsers(ctx context.Context) ([]*bpo.User, error) {
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(name), id`)
	users, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return users, nil
}

// SetUserLang implements bpo.UserService.
func (s *UserService) SetUserLang(ctx context.Context, id int64, lang string) error {
	if lang != "" && lang != "en" && lang != "fr" {
		return bpo.Errorf(bpo.EINVALID, "error.field.choice")
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET lang = $2, updated_at = $3 WHERE id = $1`, id, lang, now)
		if err != nil {
			return fmt.Errorf("set user language: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return bpo.Errorf(bpo.ENOTFOUND, "error.user.not_found")
		}
		return nil
	})
}
