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
)

// raceFlags build the server as the tests are built, so that the build
// cache already holds its packages.
var raceFlags []string

// TestRun is the smoke test that keeps `make bench` from rotting: a short
// run on the small data set, which must produce the whole table without a
// failed request.
// The figures themselves are not checked: they belong to `make bench`.
func TestRun(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bpoeval")
	build := exec.Command("go", append(append([]string{"build"}, raceFlags...), "-o", bin, "github.com/bpoeval/bpoeval/cmd/bpoeval")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	rep, err := loadgen.Run(context.Background(), loadgen.Options{
		Server: bin, Size: "small", Duration: 500 * time.Millisecond, Conns: []int{1, 2},
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
	if len(seen) < 10 {
		t.Errorf("scenarios measured: %v", seen)
	}
	for name, n := range seen {
		if n != 2 {
			t.Errorf("%s measured at %d connection counts, want 2", name, n)
		}
	}
	if rep.PeakRSS <= 0 {
		t.Errorf("peak RSS %d", rep.PeakRSS)
	}
	for _, want := range []string{"requests/s", "p99", "SQL/req", "server peak RSS", "targets"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the table has no %q", want)
		}
	}
}
