package bpo

import (
	"context"
	"time"
)

// The sign-in policy (see the README, against OWASP ASVS V2.2). Attempts are
// counted over a window per account and client address, per address, and
// per account; an attempt is counted before its password is checked.
const (
	// SignInWindow is how long attempts are remembered.
	SignInWindow = 15 * time.Minute
	// MaxSignInsPerAccountAddr is how many attempts on one account one
	// address may make in a window.
	MaxSignInsPerAccountAddr = 5
	// MaxSignInsPerAddr is how many attempts one address may make on any
	// accounts in a window: an office behind one NAT address gets room.
	MaxSignInsPerAddr = 30
	// AccountBackoffAfter is how many attempts on one account, from any
	// addresses, put it under back-off: then only addresses that have made
	// no attempt on it in the window may try. Its owner, signing in from
	// their own address, is never locked out by someone else's guesses.
	AccountBackoffAfter = 10
)

// SignInAttempt is a reserved sign-in attempt: the attempts counted in the
// window, this one included.
type SignInAttempt struct {
	AccountAddr int           // on this account from this address
	Addr        int           // from this address, on any account
	Account     int           // on this account, from any address
	RetryAfter  time.Duration // until the oldest window involved ends
}

// Throttled reports whether the attempt must be refused before its
// password is checked.
func (a *SignInAttempt) Throttled() bool {
	clean := a.AccountAddr == 1 // no earlier attempt on the account from here
	return a.AccountAddr > MaxSignInsPerAccountAddr || a.Addr > MaxSignInsPerAddr ||
		(a.Account > AccountBackoffAfter && !clean)
}

// SignInService counts sign-in attempts. It keeps nothing but counters: an
// e-mail address that matches no account is counted like one that does.
type SignInService interface {
	// ReserveSignIn counts an attempt on the account named email from the
	// client address addr, atomically: parallel attempts each see the
	// others that were reserved before them.
	ReserveSignIn(ctx context.Context, email, addr string) (*SignInAttempt, error)

	// ReleaseSignIn takes back a reservation whose password was right and
	// forgets the address's earlier failures on the account.
	ReleaseSignIn(ctx context.Context, email, addr string) error
}
