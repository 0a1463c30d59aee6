package main

import (
	"runtime/debug"
	"testing"

	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/report"
)

// TestServeAppliesTheMemoryLimit: without GOMEMLIMIT the server sets the
// default soft limit; with it, GOMEMLIMIT's value wins, "off" included.
func TestServeAppliesTheMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for value, want := range map[string]int64{"": config.DefaultMemoryLimit, "200MiB": 200 << 20, "off": 0} {
		cfg, err := config.Load(func(k string) string {
			if k == "GOMEMLIMIT" {
				return value
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		debug.SetMemoryLimit(1 << 40)
		if got := applyMemoryLimit(cfg); got != want {
			t.Errorf("GOMEMLIMIT=%q: applied %d, want %d", value, got, want)
		}
		applied := debug.SetMemoryLimit(-1)
		if want == 0 && applied < 1<<62 || want != 0 && applied != want {
			t.Errorf("GOMEMLIMIT=%q: the runtime's limit is %d, want %d", value, applied, want)
		}
	}
}

// TestMemorySlotsFitTheLimit: the hashes and reports that may run at once,
// with the reserve, fit in the limit, whatever the number of cores; there
// is always one of each, and never more than one per core.
func TestMemorySlotsFitTheLimit(t *testing.T) {
	for _, tc := range []struct {
		limit           int64
		cores           int
		hashes, reports int
	}{
		{config.DefaultMemoryLimit, 2, 2, 2},
		{config.DefaultMemoryLimit, 16, 5, 1},
		{96 << 20, 2, 2, 2},
		{1 << 30, 4, 4, 4},
		{1 << 30, 64, 64, 34},
		{0, 8, 8, 8},
		{16 << 20, 4, 1, 1},
	} {
		h, r := memorySlots(tc.limit, tc.cores)
		if h != tc.hashes || r != tc.reports {
			t.Errorf("limit %d MiB, %d cores: %d hashes and %d reports, want %d and %d", tc.limit>>20, tc.cores, h, r, tc.hashes, tc.reports)
		}
		held := int64(h)*int64(password.Default.Memory)<<10 + int64(r)*report.PeakMemory + memoryReserve
		if tc.limit > 0 && (h > 1 || r > 1) && held > tc.limit {
			t.Errorf("limit %d MiB: the slots hold %d MiB", tc.limit>>20, held>>20)
		}
	}
}
