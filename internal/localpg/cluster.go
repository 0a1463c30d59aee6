package localpg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// privatePort names the socket file of the clusters started here; no TCP port
// is opened (see the package comment).
const privatePort = 54320

// maxSocketPath keeps <socket dir>/.s.PGSQL.<port> clear of the sun_path
// limit (108 bytes on Linux, 104 on macOS), past which the server cannot start.
const maxSocketPath = 100

// binGlobs are where PostgreSQL server binaries live besides PATH: Debian and
// Ubuntu, the PGDG RPMs, Homebrew's keg-only formulae and Postgres.app.
var binGlobs = []string{
	"/usr/lib/postgresql/*/bin",
	"/usr/pgsql-*/bin",
	"/opt/homebrew/opt/postgresql@*/bin",
	"/usr/local/opt/postgresql@*/bin",
	"/Applications/Postgres.app/Contents/Versions/*/bin",
}

const noBinaries = "no PostgreSQL binaries (pg_ctl, initdb, postgres) are on PATH or under /usr/lib/postgresql/*/bin"

// Cluster is a PostgreSQL cluster in a data directory of its own, run by the
// installed binaries of its major version.
type Cluster struct {
	// Dir is the absolute data directory.
	Dir string
	// Version is the cluster's major version (its PG_VERSION), e.g. "15".
	Version string
	// Initialized reports that this call ran initdb: the directory was new.
	Initialized bool
	// Started reports that this call started the server; false means that it
	// was already running.
	Started bool

	bin       string  // directory holding pg_ctl, initdb and postgres
	owner     account // who runs initdb, pg_ctl and the server
	socketDir string  // where the running server's socket is, from postmaster.pid
	port      int
	// ownSocketDir is a socket directory outside Dir that this process
	// created; a temporary cluster removes it when it stops.
	ownSocketDir string
}

// StartCluster starts the private cluster in dir, creating it with initdb
// only when dir is missing or empty, and returns it once it accepts
// connections. A cluster already running is used as it is. A directory holding
// a cluster of another major version than the installed binaries, or holding
// anything but a cluster, is refused and left untouched. Running as root, the
// cluster belongs to and runs as the postgres user (else nobody), because
// PostgreSQL refuses to run as root. The server keeps running after this
// process exits; its log is postgres.log in dir. When no binaries are
// installed, the error wraps ErrNoPostgres.
func StartCluster(ctx context.Context, dir string) (*Cluster, error) {
	c, err := openCluster(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := c.ensureRunning(ctx, false); err != nil {
		return nil, err
	}
	return c, nil
}

// StartTemp starts a throwaway cluster in a new temporary directory and
// returns the URL of its postgres database. It trades durability for speed
// (no fsync). stop shuts the server down and removes the directories that
// StartTemp created; nothing else is ever deleted by this package.
func StartTemp(ctx context.Context) (databaseURL string, stop func() error, err error) {
	dir, err := os.MkdirTemp("", "bpoeval-pgtemp-")
	if err != nil {
		return "", nil, fmt.Errorf("temporary cluster: %w", err)
	}
	c, err := openCluster(ctx, dir)
	if err != nil {
		return "", nil, errors.Join(fmt.Errorf("temporary cluster: %w", err), os.RemoveAll(dir))
	}
	stop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var err error
		if _, statErr := os.Stat(filepath.Join(dir, "PG_VERSION")); statErr == nil {
			err = c.stop(ctx, "immediate") // the data is about to go: no need to flush it
		}
		if c.ownSocketDir != "" {
			err = errors.Join(err, os.RemoveAll(c.ownSocketDir))
		}
		return errors.Join(err, os.RemoveAll(dir))
	}
	if err := c.ensureRunning(ctx, true); err != nil {
		return "", nil, errors.Join(fmt.Errorf("temporary cluster: %w", err), stop())
	}
	return c.URL("postgres"), stop, nil
}

// URL returns the postgres:// URL of database in the running cluster, as the
// superuser postgres.
func (c *Cluster) URL(database string) string {
	q := url.Values{"host": {c.socketDir}, "port": {strconv.Itoa(c.port)}}
	return (&url.URL{
		Scheme: "postgres",
		User:   url.User("postgres"),
		Path:   "/" + database,
		// A slash needs no escaping in a query; keeping it makes the URL legible.
		RawQuery: strings.ReplaceAll(q.Encode(), "%2F", "/"),
	}).String()
}

// Stop shuts the server down in fast mode (sessions are disconnected, data is
// kept) and waits until it is gone. A server that is not running is not an error.
func (c *Cluster) Stop(ctx context.Context) error {
	return c.stop(ctx, "fast")
}

// String describes the cluster for people: where it is, its version, and
// whether this call created or started it.
func (c *Cluster) String() string {
	state := "already running"
	switch {
	case c.Initialized:
		state = "created and started"
	case c.Started:
		state = "started"
	}
	return fmt.Sprintf("private cluster at %s (PostgreSQL %s, %s; log in %s)", c.Dir, c.Version, state, c.logFile())
}

// openCluster inspects dir and picks the binaries and the user for it, and
// changes nothing on disk.
func openCluster(ctx context.Context, dir string) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	// pg_ctl passes the path through a shell inside double quotes.
	if strings.ContainsAny(abs, "\"$`\\\n") {
		return nil, fmt.Errorf("data directory %s: quotes, $, backquotes and backslashes are not supported", abs)
	}
	version, err := clusterVersion(abs)
	if err != nil {
		return nil, err
	}
	bins, err := findBinaries(ctx)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: abs, Version: bins[0].version, bin: bins[0].dir}
	if version != "" {
		i := slices.IndexFunc(bins, func(b binaries) bool { return b.version == version })
		if i < 0 {
			return nil, versionMismatch(abs, version, bins)
		}
		c.Version, c.bin = version, bins[i].dir
	}
	if c.owner, err = serverAccount(abs, version != ""); err != nil {
		return nil, err
	}
	if err := c.owner.canReach(abs); err != nil {
		return nil, err
	}
	return c, nil
}

// ensureRunning creates the cluster if its directory has none, then starts
// it unless it is running, and learns where its socket is.
func (c *Cluster) ensureRunning(ctx context.Context, temp bool) error {
	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.initdb(ctx, temp); err != nil {
			return err
		}
	}
	running, err := c.running(ctx)
	if err != nil {
		return err
	}
	if !running {
		if err := c.start(ctx, temp); err != nil {
			return err
		}
	}
	return c.readPostmasterPID()
}

// initdb creates a cluster in c.Dir, which is missing or empty (openCluster
// refused anything else): initdb itself also refuses a non-empty directory.
func (c *Cluster) initdb(ctx context.Context, temp bool) error {
	if err := mkdirAll(c.Dir); err != nil {
		return err
	}
	if err := c.owner.chown(c.Dir); err != nil {
		return err
	}
	args := []string{
		"--pgdata=" + c.Dir,
		"--username=postgres",
		"--auth-local=trust",
		"--auth-host=reject",
		"--encoding=UTF8",
		"--locale=" + defaultLocale(),
	}
	if temp {
		args = append(args, "--no-sync")
	}
	if out, err := c.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("initdb %s: %w\n%s", c.Dir, err, out)
	}
	c.Initialized = true
	return nil
}

// start starts the server on its own socket directory and waits until it
// accepts connections.
func (c *Cluster) start(ctx context.Context, temp bool) error {
	sock, err := c.makeSocketDir()
	if err != nil {
		return err
	}
	// pg_ctl hands these to the server through a shell, hence the quotes.
	settings := []string{
		"listen_addresses=''",
		"port=" + strconv.Itoa(privatePort),
		"unix_socket_directories='" + sock + "'",
	}
	if temp {
		settings = append(settings, "fsync=off", "synchronous_commit=off", "full_page_writes=off")
	}
	out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.Dir, "-l", c.logFile(),
		"-o", "-c "+strings.Join(settings, " -c "))
	if err != nil {
		// Another process may have started it in the meantime: use that server.
		if running, _ := c.running(ctx); running {
			return nil
		}
		return fmt.Errorf("start PostgreSQL in %s: %w\n%s%s", c.Dir, err, out, logTail(c.logFile()))
	}
	c.Started = true
	return nil
}

func (c *Cluster) stop(ctx context.Context, mode string) error {
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	if out, err := c.run(ctx, "pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", c.Dir); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w\n%s", c.Dir, err, out)
	}
	return nil
}

// running asks pg_ctl whether the server of c.Dir is running.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	out, err := c.run(ctx, "pg_ctl", "status", "-D", c.Dir)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && exit.ExitCode() == 3: // documented: not running
		return false, nil
	}
	return false, fmt.Errorf("pg_ctl status %s: %w\n%s", c.Dir, err, out)
}

// readPostmasterPID learns the port and socket directory of the running
// server from its lock file, so that a server started by someone else, with
// other settings, is found too.
func (c *Cluster) readPostmasterPID() error {
	b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("find the server's socket: %w", err)
	}
	// Lines 4 and 5 hold the port and the first socket directory.
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return fmt.Errorf("find the server's socket: %s/postmaster.pid is incomplete", c.Dir)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return fmt.Errorf("find the server's socket: port in %s/postmaster.pid: %w", c.Dir, err)
	}
	c.port, c.socketDir = port, strings.TrimSpace(lines[4])
	if c.socketDir == "" { // started without sockets: it can only be listening on TCP
		c.socketDir = "127.0.0.1"
	}
	return nil
}

// safeSocketPath matches socket directories that survive pg_ctl's shell and
// the server's comma-separated list syntax unquoted.
var safeSocketPath = regexp.MustCompile(`^[A-Za-z0-9/._+-]+$`)

// makeSocketDir returns the directory for the server's socket: <dir>/run, or,
// when that path is too long for a socket or has awkward characters, a
// private directory in /tmp named after a hash of the data directory.
func (c *Cluster) makeSocketDir() (string, error) {
	socketName := fmt.Sprintf("/.s.PGSQL.%d", privatePort)
	dir := filepath.Join(c.Dir, "run")
	if len(dir)+len(socketName) < maxSocketPath && safeSocketPath.MatchString(dir) {
		err := os.Mkdir(dir, 0o700)
		if errors.Is(err, fs.ErrExist) {
			return dir, nil
		}
		if err != nil {
			return "", fmt.Errorf("socket directory: %w", err)
		}
		return dir, c.owner.chown(dir)
	}
	sum := sha256.Sum256([]byte(c.Dir))
	dir = "/tmp/bpoeval-sock-" + hex.EncodeToString(sum[:6])
	err := os.Mkdir(dir, 0o700)
	if errors.Is(err, fs.ErrExist) {
		// /tmp is shared: use the directory only if it is ours, else someone
		// could listen in our place.
		fi, err := os.Lstat(dir)
		if err != nil {
			return "", fmt.Errorf("socket directory: %w", err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !fi.IsDir() || !ok || st.Uid != c.owner.uid {
			return "", fmt.Errorf("socket directory %s exists but does not belong to the %s user", dir, c.owner.name)
		}
		return dir, nil
	}
	if err != nil {
		return "", fmt.Errorf("socket directory: %w", err)
	}
	c.ownSocketDir = dir
	return dir, c.owner.chown(dir)
}

func (c *Cluster) logFile() string { return filepath.Join(c.Dir, "postgres.log") }

// run runs one of the PostgreSQL binaries as the cluster's owner.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = "/" // the owner may not be allowed into our working directory
	cmd.Env = serverEnv()
	cmd.SysProcAttr = c.owner.procAttr()
	// The server started by pg_ctl must not hold our output pipe open; should
	// it ever, give up waiting rather than hang.
	cmd.WaitDelay = 5 * time.Second
	return cmd.CombinedOutput()
}

// serverEnv is this process's environment without the PG* variables, which
// would otherwise steer pg_ctl and the server (PGDATA, PGPORT, PGOPTIONS…).
func serverEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") })
}

// defaultLocale is a UTF-8 locale every system of its kind has: glibc and musl
// know C.UTF-8, macOS does not.
func defaultLocale() string {
	if runtime.GOOS == "darwin" {
		return "en_US.UTF-8"
	}
	return "C.UTF-8"
}

// logTail returns the end of the server log, where a failed start explains itself.
func logTail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const max = 2048
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		if _, err := f.Seek(-max, io.SeekEnd); err != nil {
			return ""
		}
	}
	b, _ := io.ReadAll(f)
	return "\nend of " + path + ":\n" + string(b)
}

// clusterVersion returns the major version of the cluster in dir, or "" when
// dir is missing or empty, ready for initdb. A directory holding anything
// else is refused: it may be somebody's data.
func clusterVersion(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "PG_VERSION"))
	if err == nil {
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("data directory %s: PG_VERSION is empty; refusing to touch it", dir)
		}
		return v, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("data directory %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("data directory %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return "", fmt.Errorf("data directory %s is not empty and holds no PostgreSQL cluster (no PG_VERSION); refusing to initialise it: choose another directory", dir)
	}
	return "", nil
}

func versionMismatch(dir, version string, bins []binaries) error {
	var installed []string
	for _, b := range bins {
		installed = append(installed, fmt.Sprintf("%s (%s)", b.version, b.dir))
	}
	return fmt.Errorf("data directory %s holds a PostgreSQL %s cluster, but only PostgreSQL %s is installed; "+
		"install PostgreSQL %s (Debian/Ubuntu: apt-get install postgresql-%s) or choose another directory. "+
		"The directory was left untouched",
		dir, version, strings.Join(installed, ", "), version, version)
}

// mkdirAll creates dir with mode 0700, as PostgreSQL wants its data
// directory, and its missing parents with mode 0755 whatever the umask, so
// that the server's user can pass through them.
func mkdirAll(dir string) error {
	var missing []string
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		missing = append(missing, p)
	}
	for _, p := range slices.Backward(missing) {
		if err := os.Mkdir(p, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create data directory: %w", err)
		}
		if err := os.Chmod(p, 0o755); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create data directory: %w", err)
	}
	return nil
}

// binaries is one installation of the PostgreSQL server programs.
type binaries struct {
	dir     string // holds pg_ctl, initdb and postgres
	version string // major version: "15", or "9.6" before PostgreSQL 10
}

// findBinaries lists the installed PostgreSQL versions, highest first.
func findBinaries(ctx context.Context) ([]binaries, error) {
	var dirs []string
	for _, name := range []string{"pg_ctl", "initdb"} {
		if p, err := exec.LookPath(name); err == nil {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	for _, pattern := range binGlobs {
		matches, _ := filepath.Glob(pattern) // the patterns are valid
		dirs = append(dirs, matches...)
	}
	var found []binaries
	for _, d := range dirs {
		// PATH often holds symlinks to the real installation
		// (/usr/local/bin/pg_ctl → /usr/lib/postgresql/15/bin/pg_ctl), and
		// initdb and postgres are next to the real one.
		real, err := filepath.EvalSymlinks(filepath.Join(d, "pg_ctl"))
		if err != nil {
			continue
		}
		d = filepath.Dir(real)
		if slices.ContainsFunc(found, func(b binaries) bool { return b.dir == d }) ||
			!isExecutable(filepath.Join(d, "initdb")) || !isExecutable(filepath.Join(d, "postgres")) {
			continue
		}
		v, err := serverVersion(ctx, d)
		if err != nil {
			continue
		}
		found = append(found, binaries{dir: d, version: v})
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoPostgres, noBinaries)
	}
	slices.SortStableFunc(found, func(a, b binaries) int { return compareVersions(b.version, a.version) })
	return found, nil
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

var versionOutput = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// serverVersion returns the major version of the postgres binary in dir, in
// the form PG_VERSION uses.
func serverVersion(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s/postgres --version: %w", dir, err)
	}
	m := versionOutput.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("%s/postgres --version: unexpected output %q", dir, out)
	}
	if major, _ := strconv.Atoi(m[1]); major < 10 && m[2] != "" {
		return m[1] + "." + m[2], nil
	}
	return m[1], nil
}

// compareVersions orders major versions numerically ("9.6" < "15").
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// account is the OS user that runs initdb, pg_ctl and the server.
type account struct {
	name     string
	uid, gid uint32
	groups   []uint32
	// switchTo is set when this process runs as root, which PostgreSQL
	// refuses: the programs then run as this account instead.
	switchTo bool
}

// serverAccount picks the account for the cluster in dir: this process's
// user, or, running as root, the owner of an existing cluster, else postgres,
// else nobody.
func serverAccount(dir string, existing bool) (account, error) {
	if os.Geteuid() != 0 {
		a := account{name: "current", uid: uint32(os.Getuid()), gid: uint32(os.Getgid())}
		if u, err := user.Current(); err == nil {
			a.name = u.Username
		}
		return a, nil
	}
	if existing {
		fi, err := os.Stat(dir)
		if err != nil {
			return account{}, fmt.Errorf("data directory %s: %w", dir, err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || st.Uid == 0 {
			return account{}, fmt.Errorf("data directory %s belongs to root, and PostgreSQL refuses to run as root: "+
				"give it to an unprivileged user (chown -R postgres: %s)", dir, dir)
		}
		u, err := user.LookupId(strconv.FormatUint(uint64(st.Uid), 10))
		if err != nil { // an owner without a name still runs the server
			return account{name: "uid " + strconv.FormatUint(uint64(st.Uid), 10), uid: st.Uid, gid: st.Gid, switchTo: true}, nil
		}
		return accountOf(u)
	}
	for _, name := range []string{"postgres", "nobody"} {
		if u, err := user.Lookup(name); err == nil {
			return accountOf(u)
		}
	}
	return account{}, errors.New("running as root, and there is neither a postgres nor a nobody user to run PostgreSQL, which refuses to run as root")
}

func accountOf(u *user.User) (account, error) {
	a := account{name: u.Username, switchTo: true}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return account{}, fmt.Errorf("user %s: uid %q: %w", u.Username, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return account{}, fmt.Errorf("user %s: gid %q: %w", u.Username, u.Gid, err)
	}
	a.uid, a.gid = uint32(uid), uint32(gid)
	ids, _ := u.GroupIds() // without supplementary groups, the primary group still applies
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			a.groups = append(a.groups, uint32(g))
		}
	}
	return a, nil
}

// procAttr makes a child process run as the account.
func (a account) procAttr() *syscall.SysProcAttr {
	if !a.switchTo {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups}}
}

// chown gives path to the account, if it is not this process's own user.
func (a account) chown(path string) error {
	if !a.switchTo {
		return nil
	}
	if err := os.Chown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("give %s to the %s user: %w", path, a.name, err)
	}
	return nil
}

// canReach checks that the account may pass through every existing directory
// above dir; the server cannot open its data directory otherwise. This
// process's own user needs no check: the OS reports what it may not do.
func (a account) canReach(dir string) error {
	if !a.switchTo {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil && !a.searchable(fi) {
			return fmt.Errorf("the %s user, which runs PostgreSQL, cannot reach %s: it may not enter %s (mode %v); "+
				"choose a directory it can reach, or let it in (chmod o+x %s)", a.name, dir, p, fi.Mode().Perm(), p)
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// searchable applies the owner, group and other execute bits as the kernel
// would for the account (ACLs aside).
func (a account) searchable(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case st.Uid == a.uid:
		return perm&0o100 != 0
	case st.Gid == a.gid || slices.Contains(a.groups, st.Gid):
		return perm&0o010 != 0
	}
	return perm&0o001 != 0
}
