package main

import (
	"math"
	"runtime/debug"

	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/report"
)

// applyMemoryLimit sets the Go runtime's soft memory limit to the
// configured one (GOMEMLIMIT, else config.DefaultMemoryLimit) and returns
// it; 0 means no limit.
func applyMemoryLimit(cfg config.Config) int64 {
	if cfg.MemoryLimit == 0 {
		debug.SetMemoryLimit(math.MaxInt64)
		return 0
	}
	debug.SetMemoryLimit(cfg.MemoryLimit)
	return cfg.MemoryLimit
}

// memoryReserve is the part of the memory limit kept for everything but
// password hashes and reports: the pages, the scored-evaluation cache, the
// connections, the runtime.
const memoryReserve = 24 << 20

// memorySlots sizes the two semaphores of the server that hold the most
// memory, for a soft memory limit (0 for none) on a machine of cores cores:
// how many argon2id computations (password.Default.Memory each) and how many
// reports (report.PeakMemory each) may run at once. Each gets at most one
// per core, as more would not finish sooner, and at least one; hashes are
// served first, as sign-ins wait on them. Requests beyond the slots queue.
func memorySlots(limit int64, cores int) (hashes, reports int) {
	if limit == 0 {
		return cores, cores
	}
	hash, rep := int64(password.Default.Memory)<<10, int64(report.PeakMemory)
	budget := limit - memoryReserve
	hashes = clampSlots((budget-rep)/hash, cores)
	reports = clampSlots((budget-int64(hashes)*hash)/rep, cores)
	return hashes, reports
}

func clampSlots(n int64, cores int) int {
	return int(max(1, min(n, int64(cores))))
}
