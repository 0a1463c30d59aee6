package password

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy is returned when no computation slot came free within the wait:
// the caller should answer "try again shortly" (503 with Retry-After).
var ErrBusy = errors.New("password: too many hashes in progress")

// Limiter bounds how many argon2id computations run at once. Each one
// holds Params.Memory (7 MiB by default) until it finishes, so without a
// bound a burst of sign-ins, however they end, grows the process by that
// much per request; with at most one slot per core, as many run as the
// machine can compute anyway and the rest queue for their turn, for as long
// as their request lasts, up to a bounded wait.
type Limiter struct {
	params Params
	slots  chan struct{}
	wait   time.Duration
}

// DefaultWait is how long a request may wait for a slot before ErrBusy:
// long enough for a burst of two hundred sign-ins to be served in turn
// by two slots.
const DefaultWait = 10 * time.Second

// NewLimiter returns a limiter for hashes made with p, running at most
// slots at a time (one per core when slots < 1) and waiting at most wait
// for a slot.
func NewLimiter(p Params, slots int, wait time.Duration) *Limiter {
	if slots < 1 {
		slots = runtime.GOMAXPROCS(0)
	}
	return &Limiter{params: p, slots: make(chan struct{}, slots), wait: wait}
}

// acquire takes a slot, or gives up after the wait or when ctx ends.
func (l *Limiter) acquire(ctx context.Context) (func(), error) {
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ErrBusy
	}
}

// Hash is Hash with the limiter's parameters, in a slot.
func (l *Limiter) Hash(ctx context.Context, pw string) (string, error) {
	release, err := l.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	defer reclaim()
	return Hash(pw, l.params), nil
}

// Check is Check in a slot.
func (l *Limiter) Check(ctx context.Context, pw, hash string) (bool, error) {
	release, err := l.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	defer reclaim()
	return Check(pw, hash)
}

// reclaim collects the garbage of the computation that just ended before
// its slot is handed on. An argon2id computation leaves Params.Memory of
// garbage at once; left to the collector's pacing, a stream of them grows
// the heap to several times what the slots hold before a collection runs,
// and the process's resident memory with it. Collecting now lets the next
// computation reuse the same memory. A collection of this small heap costs
// about a millisecond, beside tens for the hash.
func reclaim() { runtime.GC() }
