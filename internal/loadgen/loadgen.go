// Package loadgen is `make bench`: it measures how fast bpoeval answers the
// screens users feel, under load, against the limits of the same machine.
//
// Run creates a throwaway database, loads a demo data set into it with
// `bpoeval demo`, starts `bpoeval serve` as a process of its own, signs in
// the demo people and, for each scenario and connection count, has that
// many virtual users, each on a keep-alive connection of its own, repeat
// the scenario's request for a fixed time over loopback. It prints one
// table: requests per second, median and 99th-percentile latency, errors,
// the throughput as a share of the static-asset ceiling (the cost of HTTP
// alone on this server) and the SQL round trips per request, which the
// server counts itself and exports on /metrics. The other ceiling, SELECT 1
// through a pgxpool sized like the server's, is the cost of one query; it
// is measured from the bench process, with the same pool configuration.
//
// Latency is measured at the client: over loopback, the report's p50 at one
// connection is the server's time to produce it. The load generator shares
// the machine's cores with the server and PostgreSQL, so figures are for
// comparing runs on one machine, not machines.
package loadgen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure a run. Server is required; the zero value of the others
// is a full run.
type Options struct {
	Server   string        // the bpoeval binary to measure
	Size     string        // the demo data set: large (default) or small
	Duration time.Duration // per scenario and connection count; 4 s by default
	Conns    []int         // connection counts; 1 and 32 by default
	Getenv   func(string) string
}

// Report is what a run measured.
type Report struct {
	Rows    []Row
	PeakRSS int64 // the server's, in bytes, over the whole run
	Where   string
}

// Row is one scenario at one connection count.
type Row struct {
	Scenario string
	Conns    int
	Stats
	RoundTrips float64 // per request, as counted by the server; not for SELECT 1
	ByServer   bool
	Ceiling    float64 // throughput relative to the static asset's at the same connection count
}

// Run measures the server and prints the table to stdout, and what it is
// doing meanwhile to stderr. It leaves nothing behind: the server is
// stopped and the database dropped, whatever happens.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) (rep *Report, err error) {
	if opts.Server == "" {
		return nil, errors.New("no server binary to measure")
	}
	bin, err := filepath.Abs(opts.Server)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("server binary: %w (run make build first)", err)
	}
	opts.Size = cmp.Or(opts.Size, "large")
	if opts.Duration <= 0 {
		opts.Duration = 4 * time.Second
	}
	if len(opts.Conns) == 0 {
		opts.Conns = []int{1, 32}
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	started := time.Now()

	db, err := throwawayDatabase(ctx, opts.Getenv)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, db.drop()) }()
	fmt.Fprintf(stderr, "bench: database on %s\n", db.where)

	load := exec.CommandContext(ctx, bin, "demo", "--size", opts.Size)
	load.Env = append(os.Environ(), "DATABASE_URL="+db.url)
	out, err := load.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bpoeval demo --size %s: %w\n%s", opts.Size, err, out)
	}
	fmt.Fprintf(stderr, "bench: %s", firstLine(out))

	dir, err := os.MkdirTemp("", "bpoeval-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(ctx, bin, db.url, filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, srv.stop()) }()
	fmt.Fprintf(stderr, "bench: server at %s\n", srv.url)

	f, err := readFixture(ctx, db.url)
	if err != nil {
		return nil, err
	}
	site, err := signIn(ctx, srv.url, f, slices.Max(opts.Conns))
	if err != nil {
		return nil, err
	}
	// The server's pool: the same URL gives the same configuration.
	pool, err := pgxpool.New(ctx, db.url)
	if err != nil {
		return nil, err
	}
	defer pool.Close()

	rep = &Report{Where: db.where}
	warmup := min(time.Second, opts.Duration/4)
	static := map[int]float64{}
	for _, sc := range site.scenarios(pool) {
		for _, conns := range opts.Conns {
			var before, after counters
			between := func() error {
				if !sc.byServer {
					return nil
				}
				c, err := scrape(ctx, srv.url)
				before, after = after, c
				return err
			}
			st, err := measure(ctx, conns, warmup, opts.Duration, sc.newUser, between)
			if err != nil {
				return nil, fmt.Errorf("%s, %d connections: %w", sc.name, conns, err)
			}
			row := Row{Scenario: sc.name, Conns: conns, Stats: st, ByServer: sc.byServer}
			if sc.byServer {
				row.RoundTrips = roundTripsPerRequest(before, after)
			}
			if sc.name == staticName {
				static[conns] = st.PerSecond()
			}
			if static[conns] > 0 {
				row.Ceiling = st.PerSecond() / static[conns]
			}
			rep.Rows = append(rep.Rows, row)
			fmt.Fprintf(stderr, "bench: %-22s %2d connections: %6.0f requests/s\n", sc.name, conns, st.PerSecond())
		}
	}
	if rep.PeakRSS, err = srv.peakRSS(); err != nil {
		return nil, err
	}
	printTable(stdout, rep, pool.Config().MaxConns)
	fmt.Fprintf(stdout, "run time: %s\n", time.Since(started).Round(time.Second))
	return rep, nil
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	return line + "\n"
}
