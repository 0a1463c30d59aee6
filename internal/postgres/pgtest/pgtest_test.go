package pgtest_test

import (
	"context"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
	"github.com/bpoeval/bpoeval/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestNewDB(t *testing.T) {
	t.Parallel()
	a, b := pgtest.NewDB(t), pgtest.NewDB(t)
	if databaseName(t, a) == databaseName(t, b) {
		t.Fatalf("two NewDB calls returned the same database %s", databaseName(t, a))
	}

	want := latestMigration(t)
	for _, u := range []string{a, b} {
		mg, err := postgres.NewMigrator(u)
		if err != nil {
			t.Fatal(err)
		}
		version, dirty, err := mg.Version()
		mg.Close()
		if err != nil || version != want || dirty {
			t.Errorf("%s: schema version %d (dirty %v, err %v), want %d", databaseName(t, u), version, dirty, err, want)
		}
	}

	exec(t, a, "CREATE TABLE written_by_a (n int)")
	var seen bool
	queryRow(t, b, "SELECT to_regclass('written_by_a') IS NOT NULL", &seen)
	if seen {
		t.Errorf("a table created in one test database shows in the other")
	}
}

func TestNewDBDropsDatabaseAfterTest(t *testing.T) {
	t.Parallel()
	var name string
	t.Run("UsesDatabase", func(t *testing.T) {
		u := pgtest.NewDB(t)
		name = databaseName(t, u)
		// A session left open by the test must not keep the database alive.
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(ctx) })
	})

	var left int
	queryRow(t, pgtest.NewDB(t), "SELECT count(*) FROM pg_database WHERE datname = $1", &left, name)
	if left != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// latestMigration is the highest version among the embedded migrations.
func latestMigration(t *testing.T) uint {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	var latest uint
	for _, n := range names {
		prefix, _, _ := strings.Cut(n, "_")
		v, err := strconv.ParseUint(prefix, 10, 64)
		if err != nil {
			t.Fatalf("migration %s: %v", n, err)
		}
		latest = max(latest, uint(v))
	}
	return latest
}

func databaseName(t *testing.T, databaseURL string) string {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func exec(t *testing.T, databaseURL, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryRow(t *testing.T, databaseURL, sql string, dest any, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql, args...).Scan(dest); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestPgBouncer reaches a test database through the private pgbouncer: the
// statements are answered by the PostgreSQL server behind it, and several
// transactions in a row work in transaction pooling mode, where a server
// connection goes back to the pool after each one.
func TestPgBouncer(t *testing.T) {
	t.Parallel()
	direct := pgtest.NewDB(t)
	bouncer := pgtest.StartPgBouncer(t)
	through := bouncer.URL(direct)
	if through == direct || !strings.Contains(through, "default_query_exec_mode=cache_describe") {
		t.Fatalf("URL through pgbouncer: %s", through)
	}
	ctx := t.Context()
	db, err := postgres.Open(ctx, through)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 5 {
		var database string
		var port int
		err := db.Pool.QueryRow(ctx, "SELECT current_database(), coalesce(inet_server_port(), 0) WHERE $1::int >= 0", i).Scan(&database, &port)
		if err != nil {
			t.Fatalf("query %d through pgbouncer: %v", i+1, err)
		}
		if database != databaseName(t, direct) {
			t.Errorf("through pgbouncer, the database is %s, want %s", database, databaseName(t, direct))
		}
		if u, _ := url.Parse(through); strconv.Itoa(port) == u.Port() {
			t.Errorf("the server answers on pgbouncer's own port %d", port)
		}
	}
}
