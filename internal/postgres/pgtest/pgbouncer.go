package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PgBouncer is a private pgbouncer in transaction pooling mode in front of
// the test server, as the README sets one up between several instances and
// PostgreSQL. Debian ships 1.18, which does not keep prepared statements
// across transactions: URL has pgx cache statement descriptions instead of
// prepared statements, as the README prescribes for PgBouncer before 1.21.
type PgBouncer struct {
	addr string // host:port it listens on
}

// StartPgBouncer starts pgbouncer for this test and stops it when the test
// ends. Every database of the test server is reachable through it, as the
// role of the server's URL, without password. Without pgbouncer installed
// the test fails in CI and is skipped elsewhere.
func StartPgBouncer(tb testing.TB) *PgBouncer {
	tb.Helper()
	if adminURL == "" {
		tb.Fatal("pgtest: StartPgBouncer needs the package's TestMain to call pgtest.Main")
	}
	bin, err := pgbouncerBinary()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("pgtest: %v (CI installs Debian's pgbouncer: see .ci/run)", err)
		}
		tb.Skipf("pgtest: %v: install Debian's pgbouncer to run this test", err)
	}
	server, err := pgconn.ParseConfig(adminURL)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	dir := tb.TempDir()
	// Two tests may race for a free port between its release and
	// pgbouncer's bind: the loser tries another.
	var errs []error
	for range 3 {
		b, stop, err := startPgBouncer(bin, dir, server)
		if err == nil {
			tb.Cleanup(func() {
				if err := stop(); err != nil {
					tb.Errorf("pgtest: %v", err)
				}
			})
			return b
		}
		errs = append(errs, err)
	}
	tb.Fatalf("pgtest: start pgbouncer: %v", errors.Join(errs...))
	return nil
}

// URL is databaseURL, a database of the test server, reached through the
// bouncer: same database and role, no password (the bouncer trusts its
// clients and logs in to the server itself), and statements sent unnamed,
// so that none is left prepared on a server connection for the next
// transaction, which may be another client's.
func (b *PgBouncer) URL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		panic(fmt.Sprintf("pgtest: a database URL of NewDB does not parse: %v", err))
	}
	u.Host = b.addr
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	q.Del("host")
	q.Del("port")
	q.Set("sslmode", "disable")
	q.Set("default_query_exec_mode", "cache_describe")
	u.RawQuery = q.Encode()
	return u.String()
}

// pgbouncerBinary finds pgbouncer on PATH or where Debian installs it,
// which is not on a user's PATH.
func pgbouncerBinary() (string, error) {
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	const debian = "/usr/sbin/pgbouncer"
	if _, err := os.Stat(debian); err == nil {
		return debian, nil
	}
	return "", errors.New("pgbouncer is not installed (neither on PATH nor at /usr/sbin/pgbouncer)")
}

// startPgBouncer writes a configuration into dir and starts pgbouncer on a
// free loopback port, returning once it accepts connections.
func startPgBouncer(bin, dir string, server *pgconn.Config) (*PgBouncer, func() error, error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	users := filepath.Join(dir, "users.txt")
	// auth_type trust still wants the client's role in the auth file.
	if err := os.WriteFile(users, []byte(quote(server.User)+` ""`+"\n"), 0o600); err != nil {
		return nil, nil, err
	}
	// The fallback database "*" sends every database name to the test
	// server, so that databases created during the test are reachable.
	target := fmt.Sprintf("host=%s port=%d user=%s", server.Host, server.Port, server.User)
	if server.Password != "" {
		target += " password='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(server.Password) + "'"
	}
	ini := fmt.Sprintf(`[databases]
* = %s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
logfile =
pidfile =
`, target, port, users)
	config := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(config, []byte(ini), 0o600); err != nil {
		return nil, nil, err
	}
	args := []string{config}
	if os.Geteuid() == 0 {
		// pgbouncer refuses to run as root; it reads its files before
		// giving up the privileges.
		args = []string{"-u", "nobody", config}
	}
	cmd := exec.Command(bin, args...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM) // immediate shutdown: the test is over
		select {
		case <-exited:
			return nil
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			return errors.New("pgbouncer did not stop within 10 s of SIGTERM: killed")
		}
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, nil, fmt.Errorf("pgbouncer exited (%v): %s", err, strings.TrimSpace(log.String()))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return &PgBouncer{addr: addr}, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, nil, errors.Join(errors.New("pgbouncer did not listen within 10 s"), stop())
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// quote is a name in the auth file's double quotes.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
