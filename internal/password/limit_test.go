package password_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/password"
)

// TestLimiterBoundsConcurrentHashes runs many checks at once through a
// limiter of two slots: never more than two compute together, and those
// that cannot get a slot within the wait get ErrBusy instead of piling up.
func TestLimiterBoundsConcurrentHashes(t *testing.T) {
	p := password.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	hash := password.Hash("correct horse battery", p)
	l := password.NewLimiter(p, 2, 50*time.Millisecond)
	var ok, busy atomic.Int64
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			match, err := l.Check(context.Background(), "correct horse battery", hash)
			switch {
			case errors.Is(err, password.ErrBusy):
				busy.Add(1)
			case err != nil || !match:
				t.Errorf("check: %v %v", match, err)
			default:
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() == 0 || ok.Load()+busy.Load() != 40 {
		t.Errorf("%d checked, %d busy, want some checked and the rest busy", ok.Load(), busy.Load())
	}
	// Freed slots serve again.
	if h, err := l.Hash(context.Background(), "another password"); err != nil || h == "" {
		t.Errorf("hash after the burst: %q %v", h, err)
	}
}
