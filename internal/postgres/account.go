package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// SetUserDisabled disables or enables the account id, for the command line
// and AccountService.SetDisabled alike; disabling ends its sessions.
// ENOTFOUND if it does not exist.
func (s *UserService) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		return setDisabled(ctx, tx, now, id, disabled)
	})
}

// SetUserPassword sets the password hash of account id, ends its sessions
// and revokes its API tokens, for the command line and
// AccountService.ResetPassword alike. ENOTFOUND if it does not exist.
func (s *UserService) SetUserPassword(ctx context.Context, id int64, passwordHash string) error {
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		return setPassword(ctx, tx, now, id, passwordHash, nil, bpo.ActionResetPassword)
	})
}

func setDisabled(ctx context.Context, tx pgx.Tx, now time.Time, id int64, disabled bool) error {
	var was *time.Time
	if err := tx.QueryRow(ctx, `SELECT disabled_at FROM users WHERE id = $1 FOR UPDATE`, id).Scan(&was); err != nil {
		return notFound(err, "error.user.not_found")
	}
	if (was != nil) == disabled {
		return nil
	}
	var at *time.Time
	action := bpo.ActionEnable
	if disabled {
		at, action = &now, bpo.ActionDisable
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET disabled_at = $2, updated_at = $3 WHERE id = $1`, id, at, now); err != nil {
		return fmt.Errorf("%s user: %w", action, err)
	}
	if disabled {
		if err := endSessions(ctx, tx, id, nil); err != nil {
			return err
		}
	}
	return audit(ctx, tx, now, bpo.EntityUser, id, action, bpo.DisabledSnapshot{DisabledAt: was}, bpo.DisabledSnapshot{DisabledAt: at})
}

// setPassword replaces a password hash, ends every session of the account
// but the one whose token hashes to keep, and revokes its API tokens: a
// new password shuts out whoever had the old one.
func setPassword(ctx context.Context, tx pgx.Tx, now time.Time, id int64, hash string, keep []byte, action string) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, hash, now)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return bpo.Errorf(bpo.ENOTFOUND, "error.user.not_found")
	}
	if err := endSessions(ctx, tx, id, keep); err != nil {
		return err
	}
	tag, err = tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, id, now)
	if err != nil {
		return fmt.Errorf("set password: revoke tokens: %w", err)
	}
	// The hash itself stays out of the log.
	return audit(ctx, tx, now, bpo.EntityUser, id, action, nil,
		bpo.PasswordSnapshot{SessionsKept: keep != nil, TokensRevoked: tag.RowsAffected()})
}

// endSessions deletes the sessions of user id but the one under keep (a
// token hash; nil keeps none).
func endSessions(ctx context.Context, tx pgx.Tx, id int64, keep []byte) error {
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)`, id, keep); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// AccountService implements bpo.AccountService.
type AccountService struct {
	db    *DB
	users *UserService
}

// NewAccountService returns the account service over db.
func NewAccountService(db *DB) *AccountService {
	return &AccountService{db: db, users: NewUserService(db)}
}

var _ bpo.AccountService = (*AccountService)(nil)

// ChangePassword implements bpo.AccountService.
func (s *AccountService) ChangePassword(ctx context.Context, passwordHash, keep string) error {
	u, err := tokenOwner(ctx)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		return setPassword(ctx, tx, now, u.ID, passwordHash, hashSecret(keep), bpo.ActionChangePassword)
	})
}

// FindSessions implements bpo.AccountService.
func (s *AccountService) FindSessions(ctx context.Context, current string) ([]*bpo.Session, error) {
	u, err := tokenOwner(ctx)
	if err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, `SELECT created_at, last_seen, expiry, token_hash = $2 FROM sessions
		WHERE user_id = $1 AND expiry > $3 ORDER BY last_seen DESC, created_at DESC`, u.ID, hashSecret(current), s.db.Now())
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.Session, error) {
		var x bpo.Session
		return &x, row.Scan(&x.CreatedAt, &x.LastSeen, &x.Expiry, &x.Current)
	})
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	return list, nil
}

// EndSessions implements bpo.AccountService.
func (s *AccountService) EndSessions(ctx context.Context) error {
	u, err := tokenOwner(ctx)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if err := endSessions(ctx, tx, u.ID, nil); err != nil {
			return err
		}
		return audit(ctx, tx, now, bpo.EntityUser, u.ID, bpo.ActionSignOutEverywhere, nil, nil)
	})
}

// requireAdmin returns the caller if they may manage accounts.
func requireAdmin(ctx context.Context) (*bpo.User, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, bpo.Errorf(bpo.EUNAUTHORIZED, "error.unauthorized")
	}
	return u, forbiddenUnless(bpo.CanManageUsers(u))
}

// FindAccounts implements bpo.AccountService.
func (s *AccountService) FindAccounts(ctx context.Context) ([]*bpo.User, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.users.FindUsers(ctx)
}

// CreateAccount implements bpo.AccountService.
func (s *AccountService) CreateAccount(ctx context.Context, n bpo.NewUser, passwordHash string) (*bpo.User, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.users.CreateUser(ctx, n, passwordHash)
}

// notSelf refuses an admin's change to their own account, which could
// leave nobody able to manage accounts.
func notSelf(caller *bpo.User, id int64) error {
	if caller.ID == id {
		return bpo.Errorf(bpo.EINVALID, "error.user.self")
	}
	return nil
}

// SetRole implements bpo.AccountService.
func (s *AccountService) SetRole(ctx context.Context, id int64, role bpo.Role) error {
	caller, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	if !role.Valid() {
		var p bpo.Problems
		p.Add("role", "error.field.role")
		return p.Err()
	}
	if err := notSelf(caller, id); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var was bpo.Role
		if err := tx.QueryRow(ctx, `SELECT role FROM users WHERE id = $1 FOR UPDATE`, id).Scan(&was); err != nil {
			return notFound(err, "error.user.not_found")
		}
		if was == role {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $2, updated_at = $3 WHERE id = $1`, id, role, now); err != nil {
			return fmt.Errorf("set role: %w", err)
		}
		return audit(ctx, tx, now, bpo.EntityUser, id, bpo.ActionSetRole, bpo.RoleSnapshot{Role: was}, bpo.RoleSnapshot{Role: role})
	})
}

// SetDisabled implements bpo.AccountService.
func (s *AccountService) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	caller, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	if err := notSelf(caller, id); err != nil {
		return err
	}
	return s.users.SetUserDisabled(ctx, id, disabled)
}

// ResetPassword implements bpo.AccountService.
func (s *AccountService) ResetPassword(ctx context.Context, id int64, passwordHash string) error {
	if _, err := requireAdmin(ctx); err != nil {
		return err
	}
	return s.users.SetUserPassword(ctx, id, passwordHash)
}
