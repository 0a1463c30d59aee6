package bpo

import (
	"context"
	"time"
)

// TokenPrefix starts every API token secret, so that a leaked one is easy to
// recognise (by people and by secret scanners).
const TokenPrefix = "bpo_"

// TokenNameMax is the longest token name, in characters.
const TokenNameMax = 100

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
	// CreateToken makes a token for the caller and returns it with its
	// secret, which exists nowhere else: it cannot be read back later.
	// EINVALID for a bad name; EUNAUTHORIZED without a signed-in caller.
	CreateToken(ctx context.Context, name string) (*APIToken, string, error)

	// FindTokens lists the caller's tokens, revoked ones included, newest first.
	FindTokens(ctx context.Context) ([]*APIToken, error)

	// RevokeToken revokes one of the caller's tokens for good; revoking it
	// again changes nothing. ENOTFOUND for a token of someone else.
	RevokeToken(ctx context.Context, id int64) error

	// AuthenticateToken returns the owner of the token whose secret this is,
	// and the token's id (for the usage log), noting when it was last used.
	// EUNAUTHORIZED for a malformed, unknown or revoked secret.
	AuthenticateToken(ctx context.Context, secret string) (*User, int64, error)
}
