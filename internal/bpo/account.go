package bpo

import (
	"context"
	"time"
)

// Session is one signed-in browser of a user, as their account page lists it.
type Session struct {
	CreatedAt time.Time // when it signed in
	LastSeen  time.Time // its last request, to the minute
	Expiry    time.Time // when it ends at the latest
	Current   bool      // the session the list was asked from
}

// AccountService is a user's own account and, for admins, everyone's. The
// password hashes it takes are made by the caller (the server bounds how
// many are computed at a time). Every change is audited.
type AccountService interface {
	// ChangePassword sets the caller's password hash, ends every other
	// session of theirs (all but the one whose token is keep) and revokes
	// their API tokens. EUNAUTHORIZED without a caller.
	ChangePassword(ctx context.Context, passwordHash, keep string) error

	// FindSessions lists the caller's live sessions, the most recently
	// used first, marking the one whose token is current.
	FindSessions(ctx context.Context, current string) ([]*Session, error)

	// EndSessions ends every session of the caller: "sign out everywhere".
	EndSessions(ctx context.Context) error

	// The methods below return EFORBIDDEN to anyone but an admin, and
	// ENOTFOUND for an account that does not exist.

	// FindAccounts lists every account by name, disabled ones included.
	FindAccounts(ctx context.Context) ([]*User, error)

	// CreateAccount creates an account (see UserService.CreateUser).
	CreateAccount(ctx context.Context, n NewUser, passwordHash string) (*User, error)

	// SetRole changes an account's role. EINVALID for an unknown role or
	// the caller's own account: an admin cannot demote themselves.
	SetRole(ctx context.Context, id int64, role Role) error

	// SetDisabled disables or enables an account. Disabling ends its
	// sessions, and its API tokens stop working while it stays disabled.
	// EINVALID for the caller's own account.
	SetDisabled(ctx context.Context, id int64, disabled bool) error

	// ResetPassword sets an account's password hash, ends its sessions and
	// revokes its API tokens.
	ResetPassword(ctx context.Context, id int64, passwordHash string) error
}

// ValidatePassword checks a new password: the length rule of NewUser.
func ValidatePassword(field, pw string) error {
	var p Problems
	if len([]rune(pw)) < MinPasswordLength {
		p.Add(field, "error.field.password_short", MinPasswordLength)
	}
	return p.Err()
}
