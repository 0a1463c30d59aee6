package localpg_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/localpg"
)

func TestStartTemp(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)

	u, stop, err := localpg.StartTemp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dataDir string
	mustQueryRow(t, u, "SHOW data_directory", &dataDir)

	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data directory %s after stop: %v, want it removed", dataDir, err)
	}
	if conn, err := pgx.Connect(ctx, u); err == nil {
		conn.Close(ctx)
		t.Errorf("the server still answers after stop")
	}
}

func TestStartClusterKeepsDataAcrossRestarts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	dir := filepath.Join(reachableTempDir(t), "postgres")

	first, err := localpg.StartCluster(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Stop(context.Background()) })
	if !first.Initialized || !first.Started {
		t.Errorf("first start: Initialized %v, Started %v; want both", first.Initialized, first.Started)
	}
	mustExec(t, first.URL("postgres"), "CREATE TABLE marker (note text); INSERT INTO marker VALUES ('kept')")
	var id1 int64
	mustQueryRow(t, first.URL("postgres"), "SELECT system_identifier FROM pg_control_system()", &id1)

	if err := first.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if conn, err := pgx.Connect(ctx, first.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Fatalf("the server still answers after Stop")
	}

	second, err := localpg.StartCluster(ctx, dir)
	if err != nil {
		t.Fatalf("start again: %v", err)
	}
	if second.Initialized || !second.Started {
		t.Errorf("second start: Initialized %v, Started %v; want only Started", second.Initialized, second.Started)
	}
	var note string
	mustQueryRow(t, second.URL("postgres"), "SELECT note FROM marker", &note)
	var id2 int64
	mustQueryRow(t, second.URL("postgres"), "SELECT system_identifier FROM pg_control_system()", &id2)
	if note != "kept" || id1 != id2 {
		t.Errorf("after restart: marker %q, system identifier %d; want %q and %d (the same cluster)", note, id2, "kept", id1)
	}

	third, err := localpg.StartCluster(ctx, dir)
	if err != nil {
		t.Fatalf("find running: %v", err)
	}
	if third.Initialized || third.Started || third.URL("x") != second.URL("x") {
		t.Errorf("running cluster: Initialized %v, Started %v, URL %s; want it found as it is at %s",
			third.Initialized, third.Started, third.URL("x"), second.URL("x"))
	}
}

func TestStartClusterRefusesAndLeavesUntouched(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		files   map[string]string
		wantErr string
	}{
		"ClusterOfAnotherMajorVersion": {
			files:   map[string]string{"PG_VERSION": "9.6\n", "base/1/1259": "catalog", "postgresql.conf": "port = 5432\n"},
			wantErr: "PostgreSQL 9.6 cluster",
		},
		"NotACluster": {
			files:   map[string]string{"notes.txt": "my thesis"},
			wantErr: "holds no PostgreSQL cluster",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(reachableTempDir(t), "postgres")
			for path, content := range tc.files {
				p := filepath.Join(dir, path)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, dir)

			_, err := localpg.StartCluster(testContext(t), dir)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("StartCluster: %v; want an error saying %q", err, tc.wantErr)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("directory changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestStartClusterUnreachableDirectory(t *testing.T) {
	t.Parallel()
	parent := reachableTempDir(t)
	if err := os.Chmod(parent, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "postgres")

	_, err := localpg.StartCluster(testContext(t), dir)
	if err == nil || !strings.Contains(err.Error(), parent) {
		t.Errorf("StartCluster under a directory the server may not enter: %v; want an error naming %s", err, parent)
	}
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s was created: %v", dir, err)
	}
}

func TestResolveDatabaseURLCreatesDatabase(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	server := adminURL(t)
	database := "bpoeval_localpg_" + randomSuffix()
	want, err := localpg.DatabaseURL(server, database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mustExec(t, server, "DROP DATABASE IF EXISTS "+database+" WITH (FORCE)") })
	getenv := func(key string) string {
		if key == "DATABASE_URL" {
			return want
		}
		return ""
	}

	for _, run := range []string{"creates", "finds"} {
		got, how, err := localpg.Resolve(ctx, localpg.Options{Getenv: getenv})
		if err != nil {
			t.Fatalf("%s: %v", run, err)
		}
		if got != want || how != "DATABASE_URL" {
			t.Errorf("%s: Resolve = %s, %q; want %s, %q", run, got, how, want, "DATABASE_URL")
		}
		var current string
		mustQueryRow(t, got, "SELECT current_database()", &current)
		if current != database {
			t.Errorf("%s: connected to %s, want %s", run, current, database)
		}
	}
}

func TestResolveWithoutDatabaseURL(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	dir := filepath.Join(reachableTempDir(t), "postgres")
	database := "bpoeval_localpg_" + randomSuffix()

	u, how, err := localpg.Resolve(ctx, localpg.Options{
		Getenv:   func(string) string { return "" },
		DataDir:  dir,
		Database: database,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Which server answers depends on the machine: clean up after either.
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
		t.Cleanup(func() {
			if c, err := localpg.StartCluster(context.Background(), dir); err == nil {
				c.Stop(context.Background())
			}
		})
		if !strings.HasPrefix(how, "private cluster at "+dir) {
			t.Errorf("how = %q, want the private cluster at %s", how, dir)
		}
	} else {
		server, err := localpg.DatabaseURL(u, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mustExec(t, server, "DROP DATABASE IF EXISTS "+database+" WITH (FORCE)") })
		if how != "127.0.0.1:5432" {
			t.Errorf("how = %q, want 127.0.0.1:5432", how)
		}
	}
	var current string
	mustQueryRow(t, u, "SELECT current_database()", &current)
	if current != database {
		t.Errorf("connected to %s, want %s", current, database)
	}
}

// adminURL returns a superuser URL on the server at 127.0.0.1:5432 if one
// answers, else on a temporary cluster, so that the test runs everywhere.
func adminURL(t *testing.T) string {
	t.Helper()
	ctx := testContext(t)
	if u, err := localpg.Loopback(ctx, "postgres"); err == nil {
		return u
	}
	u, stop, err := localpg.StartTemp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return u
}

// reachableTempDir returns a new empty directory that the server's user can
// reach even when the tests run as root (t.TempDir's parent is mode 0700).
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshot describes every file under dir: path, mode, owner, modification
// time and content hash.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		sum := ""
		if fi.Mode().IsRegular() {
			content, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			h := sha256.Sum256(content)
			sum = hex.EncodeToString(h[:8])
		}
		owner := ""
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			owner = fmt.Sprintf("%d:%d", st.Uid, st.Gid)
		}
		fmt.Fprintln(&b, path, fi.Mode(), owner, fi.ModTime(), sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func randomSuffix() string {
	return strings.ToLower(rand.Text()[:12])
}

func mustExec(t *testing.T, databaseURL, sql string) {
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

func mustQueryRow(t *testing.T, databaseURL, sql string, dest ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
