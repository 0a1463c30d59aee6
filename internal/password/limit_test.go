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

// TestLimiterQueuesWithinTheWait: a burst larger than the slots is served in
// turn, none refused; a request whose context has ended does not wait.
func TestLimiterQueuesWithinTheWait(t *testing.T) {
	p := password.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	hash := password.Hash("correct horse battery", p)
	l := password.NewLimiter(p, 1, 10*time.Second)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 30 {
		wg.Go(func() {
			if match, err := l.Check(context.Background(), "correct horse battery", hash); err != nil || !match {
				failed.Add(1)
			}
		})
	}
	// While the burst holds the slot, a cancelled request does not wait for it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	for {
		_, err := l.Hash(ctx, "impatient")
		if err == nil {
			// It found the slot free: the burst is over. Try again.
			if time.Since(start) > 5*time.Second {
				t.Fatal("the burst never held the slot")
			}
			continue
		}
		if !errors.Is(err, password.ErrBusy) || time.Since(start) > time.Second {
			t.Errorf("a cancelled request waited %v and got %v", time.Since(start), err)
		}
		break
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of 30 queued checks failed", failed.Load())
	}
}
