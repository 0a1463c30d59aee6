package bpo

import (
	"context"
	"slices"
	"time"
)

// TokenPrefix starts every API token secret, so that a leaked one is easy to
// recognise (by people and by secret scanners).
const TokenPrefix = "bpo_"

// TokenNameMax is the longest token name, in characters.
const TokenNameMax = 100

// DefaultTokenLifetime is how long a token lives unless its owner picks
// another of TokenLifetimes.
const DefaultTokenLifetime = 90 * 24 * time.Hour

// TokenLifetimes are the lifetimes a token may be given, shortest first.
var TokenLifetimes = []time.Duration{7 * 24 * time.Hour, 30 * 24 * time.Hour, DefaultTokenLifetime, 365 * 24 * time.Hour}

// ValidTokenLifetime reports whether d is one of TokenLifetimes.
func ValidTokenLifetime(d time.Duration) bool { return slices.Contains(TokenLifetimes, d) }

// CanUseAPI reports whether u may hold API tokens: the API serves managers
// only, so a token would do nothing for anyone else.
func CanUseAPI(u *User) bool { return IsManager(u) }

// APIToken is a personal token that signs its owner in to the JSON API. The
// secret itself is never stored: only its hash, and a short prefix that
// helps the owner tell their tokens apart.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string // what the owner calls it: "Power BI refresh"
	Prefix     string // the first characters after TokenPrefix; not secret
	CreatedAt  time.Time
	LastUsedAt *time.Time // to the minute: not every request is written down
	RevokedAt  *time.Time
	ExpiresAt  time.Time // it signs no one in from then on
}

// ValidateTokenName checks the name a user gives a new token.
func ValidateTokenName(name string) error {
	var p Problems
	checkText(&p, "name", name, TokenNameMax, true, false)
	return p.Err()
}

// TokenService manages the signed-in user's API tokens and signs requests
// in by token.
type TokenService interface {
	// CreateToken makes a token for the caller, living for lifetime (one
	// of TokenLifetimes), and returns it with its secret, which exists
	// nowhere else: it cannot be read back later. EINVALID for a bad name
	// or lifetime; EUNAUTHORIZED without a signed-in caller; EFORBIDDEN for
	// a caller who cannot use the API.
	CreateToken(ctx context.Context, name string, lifetime time.Duration) (*APIToken, string, error)

	// FindTokens lists the caller's tokens, revoked ones included, newest first.
	FindTokens(ctx context.Context) ([]*APIToken, error)

	// RevokeToken revokes one of the caller's tokens for good; revoking it
	// again changes nothing. ENOTFOUND for a token of someone else.
	RevokeToken(ctx context.Context, id int64) error

	// AuthenticateToken returns the owner of the token whose secret this is,
	// and the token's id (for the usage log), noting when it was last used.
	// EUNAUTHORIZED for a malformed, unknown, revoked or expired secret, and
	// for the token of a disabled account.
	AuthenticateToken(ctx context.Context, secret string) (*User, int64, error)
}
