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

const userContextKey contextKey = iota

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
