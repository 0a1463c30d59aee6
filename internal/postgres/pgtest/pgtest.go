// Package pgtest gives each test a PostgreSQL database of its own, migrated
// and empty, on a real server. Import it from _test files only.
//
// A package opts in with
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and each test calls NewDB. Main finds the server in the order of DESIGN.md
// (DATABASE_URL, else 127.0.0.1:5432, else a throwaway cluster started from
// the installed binaries) and never skips: without PostgreSQL, the tests fail.
// NewDB clones the database from a template that has the embedded migrations
// applied; the template is named after a hash of the migrations, so that a
// schema change gets a template of its own, and is built once per server even
// when several test processes start at the same time.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/localpg"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/migrations"
)

// templateLock is the pg_advisory_lock key that serialises template builds
// across test processes sharing a server ("bpoeval" in ASCII).
const templateLock = 0x62706f6576616c

// adminURL is a URL on the test server as a role that may create databases.
// Main sets it before any test runs; it is read-only afterwards.
var adminURL string

// Main runs the package's tests, for TestMain, against a PostgreSQL server:
// the one at DATABASE_URL (whose role must be allowed to create databases),
// else the one at 127.0.0.1:5432 (as postgres, without password), else a
// temporary cluster that it stops and removes after the tests. It exits the
// process with the tests' status, or 1 if no server can be had.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	u, stop, err := server(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	adminURL = u
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return max(code, 1)
	}
	return code
}

// server finds or starts the test server and returns an admin URL on it and
// how to let it go.
func server(ctx context.Context) (string, func() error, error) {
	keep := func() error { return nil }
	if u := os.Getenv("DATABASE_URL"); u != "" {
		if err := localpg.EnsureDatabase(ctx, u); err != nil {
			return "", nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		return u, keep, nil
	}
	if u, err := localpg.Loopback(ctx, "postgres"); err == nil {
		return u, keep, nil
	}
	u, stop, err := localpg.StartTemp(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("no PostgreSQL for the tests: DATABASE_URL is not set, nothing usable answers on 127.0.0.1:5432, and %w", err)
	}
	return u, stop, nil
}

// ServerURL is a URL on the test server as a role that may create
// databases, for code under test that makes databases of its own.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	if adminURL == "" {
		tb.Fatal("pgtest: ServerURL needs the package's TestMain to call pgtest.Main")
	}
	return adminURL
}

// NewDB creates a database for this test, with the schema migrations applied
// and no data, drops it when the test ends, and returns its URL.
func NewDB(tb testing.TB) string {
	tb.Helper()
	if adminURL == "" {
		tb.Fatal("pgtest: NewDB needs the package's TestMain to call pgtest.Main")
	}
	tmpl, err := migratedTemplate()
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	name := "bpoeval_test_" + randomHex()
	if err := adminExec("CREATE DATABASE " + ident(name) + " TEMPLATE " + ident(tmpl)); err != nil {
		tb.Fatalf("pgtest: create test database: %v", err)
	}
	tb.Cleanup(func() {
		// FORCE ends the sessions that the test's pool may still hold.
		if err := adminExec("DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop test database: %v", err)
		}
	})
	u, err := localpg.DatabaseURL(adminURL, name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return u
}

// migratedTemplate returns the name of the template database holding the
// current migrations, building it on first use in this process.
var migratedTemplate = sync.OnceValues(func() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name, err := templateName()
	if err != nil {
		return "", err
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("template: connect: %w", err)
	}
	// Closing the connection also releases the advisory lock.
	defer conn.Close(context.Background())
	if ok, err := databaseExists(ctx, conn, name); err != nil || ok {
		return name, err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return "", fmt.Errorf("template: lock: %w", err)
	}
	// Another process may have built it while this one waited for the lock.
	if ok, err := databaseExists(ctx, conn, name); err != nil || ok {
		return name, err
	}
	if err := buildTemplate(ctx, conn, name); err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	return name, nil
})

// buildTemplate migrates a database under a scratch name and renames it only
// when complete, so that the template name never denotes a half-migrated
// schema, even if the process dies. The caller holds the template lock.
func buildTemplate(ctx context.Context, conn *pgx.Conn, name string) error {
	scratch := name + "_build"
	// A scratch database can only be left over by a process that died while
	// building: it is incomplete.
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(scratch)+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident(scratch)); err != nil {
		return err
	}
	u, err := localpg.DatabaseURL(adminURL, scratch)
	if err != nil {
		return err
	}
	// Migrate closes its connections, so that nothing is left connected to the
	// template, which CREATE DATABASE … TEMPLATE requires.
	if err := postgres.Migrate(u); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(scratch)+" RENAME TO "+ident(name)); err != nil {
		return err
	}
	// Refusing connections keeps every clone possible: a test that connected
	// to the template by mistake would make cloning it fail.
	_, err = conn.Exec(ctx, "ALTER DATABASE "+ident(name)+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
	return err
}

func databaseExists(ctx context.Context, conn *pgx.Conn, name string) (bool, error) {
	var ok bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("template: look up %s: %w", name, err)
	}
	return ok, nil
}

// templateName is derived from the names and contents of the migration files.
func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%s", path, len(b), b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return "bpoeval_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// adminExec runs one statement on a connection of its own, with a deadline
// of its own: test cleanups run after the test's context is cancelled.
func adminExec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
