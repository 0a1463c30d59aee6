package roundtrip_test

import (
	"context"
	"testing"

	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

func TestCounter(t *testing.T) {
	roundtrip.Add(context.Background()) // no counter: nothing to count, no panic

	ctx, c := roundtrip.WithCounter(context.Background())
	roundtrip.Add(ctx)
	roundtrip.Add(ctx)
	inner, ic := roundtrip.WithCounter(ctx)
	roundtrip.Add(inner)
	if got, want := c.Load(), int64(2); got != want {
		t.Errorf("outer = %d, want %d", got, want)
	}
	if got, want := ic.Load(), int64(1); got != want {
		t.Errorf("inner = %d, want %d", got, want)
	}
}

func TestUncounted(t *testing.T) {
	ctx, c := roundtrip.WithCounter(context.Background())
	roundtrip.Add(roundtrip.Uncounted(ctx))
	roundtrip.Add(roundtrip.Uncounted(context.Background()))
	if got := c.Load(); got != 0 {
		t.Errorf("counted %d under Uncounted, want 0", got)
	}
	// A counter set up beneath it counts again.
	inner, ic := roundtrip.WithCounter(roundtrip.Uncounted(ctx))
	roundtrip.Add(inner)
	if ic.Load() != 1 || c.Load() != 0 {
		t.Errorf("inner %d, outer %d; want 1, 0", ic.Load(), c.Load())
	}
}
