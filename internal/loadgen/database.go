package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/localpg"
)

// database is an empty database made for one run on the server that
// DESIGN.md's order finds, and what it takes to get rid of it.
type database struct {
	url   string
	where string       // the server, for people
	drop  func() error // drops the database, and stops the server if it was started for the run
}

// throwawayDatabase creates a database with a random name on DATABASE_URL's
// server, else on 127.0.0.1:5432, else in a temporary cluster started from
// the installed binaries (which runs without fsync: writes then cost less
// than on a real server, and the table says where it ran).
func throwawayDatabase(ctx context.Context, getenv func(string) string) (*database, error) {
	b := make([]byte, 6)
	rand.Read(b) // never fails (crypto/rand)
	name := "bpoeval_bench_" + hex.EncodeToString(b)
	if u := getenv("DATABASE_URL"); u != "" {
		return createOn(ctx, u, name, "DATABASE_URL's server", func() error { return nil })
	}
	if u, err := localpg.Loopback(ctx, name); err == nil {
		return createOn(ctx, u, name, "127.0.0.1:5432", func() error { return nil })
	}
	admin, stop, err := localpg.StartTemp(ctx)
	if err != nil {
		return nil, fmt.Errorf("no PostgreSQL: DATABASE_URL is not set, nothing usable answers on 127.0.0.1:5432, and %w", err)
	}
	return createOn(ctx, admin, name, "a temporary cluster (no fsync)", stop)
}

// createOn creates database name on the server of serverURL, whose role
// must be allowed to, and connects as that role to drop it.
func createOn(ctx context.Context, serverURL, name, where string, stop func() error) (*database, error) {
	u, err := localpg.DatabaseURL(serverURL, name)
	if err == nil {
		err = localpg.EnsureDatabase(ctx, u)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("create the benchmark database: %w", err), stop())
	}
	drop := func() error {
		// The run's own context may be over: dropping must still happen.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := dropDatabase(ctx, serverURL, name)
		return errors.Join(err, stop())
	}
	return &database{url: u, where: where, drop: drop}, nil
}

// dropDatabase drops name from a maintenance database of the server, the
// way localpg creates it; FORCE ends the connections still open.
func dropDatabase(ctx context.Context, serverURL, name string) error {
	var errs []error
	for _, maintenance := range []string{"postgres", "template1"} {
		u, err := localpg.DatabaseURL(serverURL, maintenance)
		if err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop the benchmark database %s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("drop the benchmark database %s: %w", name, errors.Join(errs...))
}
