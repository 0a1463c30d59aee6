// Package roundtrip counts the SQL round trips made on behalf of one piece of
// work, such as an HTTP request. The counter travels in the context, so the
// database tracer (in package postgres) and the HTTP middleware (in package
// server) need not know each other. Speed targets are stated in round trips
// per request; this is how they are counted rather than guessed.
package roundtrip

import (
	"context"
	"sync/atomic"
)

// Counter is the number of round trips counted so far.
type Counter struct{ n atomic.Int64 }

// Load returns the count.
func (c *Counter) Load() int64 { return c.n.Load() }

type ctxKey struct{}

// WithCounter returns a context that counts the round trips made with it, and
// the counter. A context that already counts gets a fresh, nested counter:
// the outer one no longer sees what is counted under the new context.
func WithCounter(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// Uncounted returns a context under which nothing is counted, however ctx
// counts: for work done on a request's behalf that is not the request's
// own, such as setting up a connection the pool opens while serving it.
func Uncounted(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, (*Counter)(nil))
}

// Add counts one round trip against ctx's counter, if it has one.
func Add(ctx context.Context) {
	if c, ok := ctx.Value(ctxKey{}).(*Counter); ok && c != nil {
		c.n.Add(1)
	}
}
