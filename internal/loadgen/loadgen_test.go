package loadgen_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/loadgen"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// raceFlags build the server as the tests are built, so that the build
// cache already holds its packages.
var raceFlags []string

// TestRun is the smoke test that keeps `make bench` from rotting: a short
// run on the small data set, which must produce the whole table without a
// failed request.
// The figures themselves are not checked: they belong to `make bench`.
func TestRun(t *testing.T) {
	smokeRun(t, nil)
}

// TestRunThroughPgBouncer is the smoke run with the server behind
// PgBouncer in transaction pooling mode, set up as the README prescribes
// for PgBouncer before 1.21 (Debian's is 1.18), migrations going directly
// to PostgreSQL: every screen of the table must work through it.
func TestRunThroughPgBouncer(t *testing.T) {
	smokeRun(t, pgtest.StartPgBouncer(t).URL)
}

func smokeRun(t *testing.T, pooler func(string) string) {
	bin := filepath.Join(t.TempDir(), "bpoeval")
	build := exec.Command("go", append(append([]string{"build"}, raceFlags...), "-o", bin, "github.com/bpoeval/bpoeval/cmd/bpoeval")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	server := pgtest.ServerURL(t)
	var stdout, stderr bytes.Buffer
	rep, err := loadgen.Run(context.Background(), loadgen.Options{
		Server: bin, Size: "small", Duration: 500 * time.Millisecond, Conns: []int{1, 2}, SignIns: 6,
		// Enough shapes, each bigger than the others in one way, to fit
		// the growth to.
		Scaling: []loadgen.Shape{{2, 10, 1}, {3, 10, 1}, {2, 20, 1}, {2, 10, 2}, {3, 20, 2}},
		Pooler:  pooler,
		Getenv: func(name string) string {
			if name == "DATABASE_URL" {
				return server
			}
			return ""
		},
	}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	t.Log("\n" + stdout.String())

	seen := map[string]int{}
	for _, r := range rep.Rows {
		seen[r.Scenario]++
		switch {
		case r.Requests == 0:
			t.Errorf("%s, %d connections: no request completed", r.Scenario, r.Conns)
		case r.Errors() > 0:
			t.Errorf("%s, %d connections: %d of %d requests failed: %v", r.Scenario, r.Conns, r.Errors(), r.Requests, r.Failed)
		case r.ByServer && r.Scenario != "static asset" && r.RoundTrips < 1:
			t.Errorf("%s: %.2f SQL round trips per request: the server's count is not read", r.Scenario, r.RoundTrips)
		}
	}
	if len(seen) < 11 {
		t.Errorf("scenarios measured: %v", seen)
	}
	for name, n := range seen {
		want := 2
		if strings.HasPrefix(name, "sign-in") {
			want = 1 // a burst, at one count
		}
		if n != want {
			t.Errorf("%s measured at %d connection counts, want %d", name, n, want)
		}
	}
	if rep.PeakRSS <= 0 || rep.ScalingRSS < rep.PeakRSS {
		t.Errorf("peak RSS %d, then %d after the scaling table", rep.PeakRSS, rep.ScalingRSS)
	}
	if len(rep.Scaling) != 5 {
		t.Fatalf("%d rows in the scaling table, want 5", len(rep.Scaling))
	}
	for _, r := range rep.Scaling {
		if r.Compare <= 0 || r.WhatIf <= 0 || r.Scoring <= 0 || r.ScoringNoRobustness <= 0 {
			t.Errorf("scaling %v: a time is missing: %+v", r.Shape, r)
		}
	}
	for _, want := range []string{"requests/s", "p99", "SQL/req", "server peak RSS", "targets", "how cost grows", "compare p50            ≈"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the table has no %q", want)
		}
	}
}
