package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// engineTargets are the scoring engine's speed targets, each measured by a
// Go benchmark of internal/scoring: 50 vendors × 40 criteria × 10
// evaluators, with the robustness analysis off and at 2,000 samples.
var engineTargets = []struct {
	benchmark, what string
	limit           time.Duration
}{
	{"BenchmarkEvaluate", "scoring of 50 × 40 × 10 without robustness", time.Millisecond},
	{"BenchmarkEvaluateRobustness", "scoring of 50 × 40 × 10 with 2,000 robustness samples", 5 * time.Millisecond},
}

// checkEngine runs the engine's benchmarks with go test, as `make bench`
// runs them, and prints their targets, met or missed.
func checkEngine(ctx context.Context, stdout io.Writer) error {
	names := make([]string, len(engineTargets))
	for i, t := range engineTargets {
		names[i] = t.benchmark
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^("+strings.Join(names, "|")+")$", "./internal/scoring/")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench ./internal/scoring/: %w\n%s", err, out)
	}
	times, err := benchmarkTimes(strings.NewReader(string(out)))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "engine targets (go test -bench ./internal/scoring/):")
	for _, t := range engineTargets {
		got, ok := times[t.benchmark]
		if !ok {
			return fmt.Errorf("go test -bench: no result for %s in:\n%s", t.benchmark, out)
		}
		verdict := "met"
		if got > t.limit {
			verdict = "MISSED"
		}
		fmt.Fprintf(stdout, "  %-6s %s ≤ %.1f ms: %.2f ms (%s)\n", verdict, t.what, t.limit.Seconds()*1000, got.Seconds()*1000, t.benchmark)
	}
	return nil
}

// benchmarkTimes reads the time per operation of each benchmark in go
// test's output ("BenchmarkName-2  784  1483098 ns/op …"), by name without
// the GOMAXPROCS suffix.
func benchmarkTimes(r io.Reader) (map[string]time.Duration, error) {
	times := map[string]time.Duration{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" {
			continue
		}
		ns, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("go test -bench: %q: %w", sc.Text(), err)
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		times[name] = time.Duration(ns)
	}
	return times, sc.Err()
}
