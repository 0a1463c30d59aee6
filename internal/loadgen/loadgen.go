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
// Then 200 people sign in at the same moment, each from a loopback address
// of its own, and the peak of the server's resident memory is read: it
// covers every load, reports at 32 connections and the burst of password
// hashes included. Last, the scaling table: evaluations of generated sizes
// (10 to 100 vendors, 30 or 100 criteria, 8 or 32 evaluators) are written
// into the database, their comparison and what-if measured at one
// connection and their scoring model timed in the bench process, and a
// power law of the sizes is fitted to each time. The report ends with the
// speed targets, met or missed.
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

	"github.com/bpoeval/bpoeval/internal/postgres"
)

// Options configure a run. Server is required; the zero value of the others
// is a full run.
type Options struct {
	Server   string        // the bpoeval binary to measure
	Size     string        // the demo data set: large (default) or small
	Duration time.Duration // per scenario and connection count; 3 s by default
	Conns    []int         // connection counts; 1, 4 and 32 by default
	SignIns  int           // people signing in at the same moment; 200 by default
	// Scaling are the shapes of the generated evaluations of the scaling
	// table; nil means the full grid.
	Scaling []Shape
	// Pooler gives the URL through which the server reaches a database of
	// the run, given its direct URL: a connection pooler such as PgBouncer
	// in front of PostgreSQL. Migrations then go directly, through
	// BPOEVAL_MIGRATE_URL. Nil means directly.
	Pooler func(databaseURL string) string
	Getenv func(string) string
}

// Report is what a run measured.
type Report struct {
	Rows []Row
	// PeakRSS is the server's, in bytes, over every load of the table,
	// the sign-in burst included; the scaling grid comes after.
	PeakRSS int64
	Where   string
	Scaling []ScalingRow
	// ScalingRSS is the server's peak after the scaling grid too, whose
	// largest evaluations are far beyond the demo data.
	ScalingRSS int64
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
		opts.Duration = 3 * time.Second
	}
	if len(opts.Conns) == 0 {
		opts.Conns = []int{1, 4, 32}
	}
	if opts.SignIns <= 0 {
		opts.SignIns = 200
	}
	if opts.Scaling == nil {
		opts.Scaling = scalingGrid()
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

	// The demo data is loaded directly: the loader turns off synchronous
	// commits for its connections, a setting PgBouncer does not pass on.
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
	env := []string{"DATABASE_URL=" + db.url}
	serverDB := db.url
	if opts.Pooler != nil {
		serverDB = opts.Pooler(db.url)
		env = []string{"DATABASE_URL=" + serverDB, "BPOEVAL_MIGRATE_URL=" + db.url}
	}
	srv, err := startServer(ctx, bin, env, filepath.Join(dir, "server.log"))
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
	// A pool configured as the server's, from the same URL.
	poolConfig, err := postgres.PoolConfig(serverDB)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolConfig)
	if err != nil {
		return nil, err
	}
	defer pool.Close()

	rep = &Report{Where: db.where}
	if opts.Pooler != nil {
		rep.Where += " through a connection pooler"
	}
	warmup := min(time.Second, opts.Duration/4)
	static := map[int]float64{}
	add := func(row Row) {
		if row.Scenario == staticName {
			static[row.Conns] = row.PerSecond()
		}
		if static[row.Conns] > 0 {
			row.Ceiling = row.PerSecond() / static[row.Conns]
		}
		rep.Rows = append(rep.Rows, row)
		fmt.Fprintf(stderr, "bench: %-22s %3d connections: %6.0f requests/s\n", row.Scenario, row.Conns, row.PerSecond())
	}
	for _, sc := range site.scenarios(pool) {
		for _, conns := range opts.Conns {
			var before, after counters
			between := func() error {
				if !sc.byServer {
					return nil
				}
				c, err := settled(ctx, srv.url)
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
			add(row)
		}
	}
	before, err := settled(ctx, srv.url)
	if err != nil {
		return nil, err
	}
	st, err := site.signInBurst(ctx, opts.SignIns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", signInRow, err)
	}
	after, err := settled(ctx, srv.url)
	if err != nil {
		return nil, err
	}
	add(Row{Scenario: signInRow, Conns: opts.SignIns, Stats: st, ByServer: true, RoundTrips: roundTripsPerRequest(before, after)})
	if rep.PeakRSS, err = srv.peakRSS(); err != nil {
		return nil, err
	}

	fmt.Fprintf(stderr, "bench: scaling table: %d generated evaluations\n", len(opts.Scaling))
	if rep.Scaling, err = site.measureShapes(ctx, db.url, opts.Scaling, max(opts.Duration/8, 200*time.Millisecond)); err != nil {
		return nil, err
	}
	if rep.ScalingRSS, err = srv.peakRSS(); err != nil {
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
