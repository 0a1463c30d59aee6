// Package bpo is the domain at the centre of bpoeval: the types a BPO vendor
// evaluation is made of, the services that store them (implemented by
// internal/postgres) with their error contracts, validation, and the pure
// authorization rules. It imports only the standard library.
package bpo

import (
	"context"
	"time"
)

type contextKey int

const (
	userContextKey contextKey = iota
	sessionUserContextKey
	revisionContextKey
)

// NewContextWithUser returns ctx carrying the signed-in user. Services read it
// to authorize the call and to name the actor in the audit log.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey, u)
}

// UserFromContext returns the signed-in user, or nil for an anonymous caller.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey).(*User)
	return u
}

// Clock tells the time; tests pass a fixed one so timestamps are deterministic.
type Clock func() time.Time

// SessionUserIDKey is the session value holding the signed-in user's id;
// session stores read it to keep the user beside the session.
const SessionUserIDKey = "user_id"

// SessionUser is where a session store leaves the user it read together
// with the session. Reading both in one round trip halves the fixed cost of
// every signed-in request; the HTTP layer makes room for it before the
// session is loaded and reads it after.
type SessionUser struct {
	// Read is true once the store has read a live session.
	Read bool
	// User is the session's user: nil when the session has none or the
	// account is gone.
	User *User
}

// NewContextWithSessionUser returns ctx with room for a SessionUser.
func NewContextWithSessionUser(ctx context.Context) (context.Context, *SessionUser) {
	su := &SessionUser{}
	return context.WithValue(ctx, sessionUserContextKey, su), su
}

// SessionUserFromContext returns the room made by NewContextWithSessionUser,
// or nil.
func SessionUserFromContext(ctx context.Context) *SessionUser {
	su, _ := ctx.Value(sessionUserContextKey).(*SessionUser)
	return su
}
