// Package localpg finds a PostgreSQL server for development and tests, or starts
// a private one from the installed binaries, and never deletes, overwrites or
// re-initialises an existing data directory.
//
// Resolve follows DESIGN.md ("PostgreSQL without set-up"): DATABASE_URL, else a
// server on 127.0.0.1:5432, else a private persistent cluster (StartCluster),
// else an error wrapping ErrNoPostgres that tells how to install PostgreSQL.
// StartTemp starts a throwaway cluster for tests.
//
// A private cluster listens on a unix socket only (empty listen_addresses), in
// a directory of its own, <dir>/run. Its port, 54320, only names the socket
// file: no TCP port is taken, so it never clashes with a system server, and
// only the cluster's owner (and root) can reach the socket, because the data
// directory is mode 0700. initdb trusts socket connections and rejects TCP.
// Its URLs look like postgres://postgres@/bpoeval?host=/abs/dir/run&port=54320,
// which pgx, golang-migrate and psql all accept.
package localpg

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// DefaultDataDir is where Resolve keeps its private cluster, relative to
	// the working directory.
	DefaultDataDir = ".data/postgres"
	// DefaultDatabase is the database Resolve uses on a server it finds or starts.
	DefaultDatabase = "bpoeval"

	// connectTimeout bounds each connectivity check, so that a missing or
	// firewalled server costs seconds, not minutes.
	connectTimeout = 3 * time.Second
)

// ErrNoPostgres reports that no PostgreSQL server answers and no PostgreSQL
// binaries are installed. Resolve's error wrapping it says how to get one.
var ErrNoPostgres = errors.New("no PostgreSQL found")

// installHelp is the advice that ends Resolve's ErrNoPostgres error. The Docker
// URL matches the db service of docker-compose.yml.
const installHelp = `Get PostgreSQL one of these ways, then run the command again:
  Debian/Ubuntu:  sudo apt-get install postgresql
  macOS:          brew install postgresql@16
  Docker:         docker compose up -d db
                  export DATABASE_URL='postgres://bpoeval:bpoeval@127.0.0.1:5432/bpoeval?sslmode=disable'`

// Options configures Resolve. The zero value is ready to use.
type Options struct {
	// Getenv reads DATABASE_URL; nil means os.Getenv.
	Getenv func(string) string
	// DataDir is the private cluster's data directory; empty means DefaultDataDir.
	DataDir string
	// Database is the database to use (and create) on a server found on
	// 127.0.0.1:5432 or in the private cluster; empty means DefaultDatabase.
	// It does not apply to DATABASE_URL, which names its own database.
	Database string
}

// Resolve returns the URL of a PostgreSQL database to use, creating the
// database when it is missing and the role may, and a short description of
// where it comes from ("DATABASE_URL", "127.0.0.1:5432" or "private cluster at
// …"). The private cluster it may start keeps running after the process exits,
// so the next call finds it. When there is no PostgreSQL at all, the error
// wraps ErrNoPostgres and its message tells how to install one.
func Resolve(ctx context.Context, opts Options) (databaseURL, how string, err error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	database := opts.Database
	if database == "" {
		database = DefaultDatabase
	}
	dataDir := opts.DataDir
	if dataDir == "" {
		dataDir = DefaultDataDir
	}

	if u := getenv("DATABASE_URL"); u != "" {
		if err := EnsureDatabase(ctx, u); err != nil {
			return "", "", fmt.Errorf("DATABASE_URL: %w", err)
		}
		return u, "DATABASE_URL", nil
	}

	u, loopbackErr := Loopback(ctx, database)
	if loopbackErr == nil {
		return u, "127.0.0.1:5432", nil
	}

	c, err := StartCluster(ctx, dataDir)
	if errors.Is(err, ErrNoPostgres) {
		why := "nothing answers on 127.0.0.1:5432"
		if !errors.Is(loopbackErr, syscall.ECONNREFUSED) {
			why = fmt.Sprintf("the server on 127.0.0.1:5432 cannot be used (%v; set DATABASE_URL to use it)", loopbackErr)
		}
		return "", "", fmt.Errorf("%w: DATABASE_URL is not set, %s, and %s.\n%s", ErrNoPostgres, why, noBinaries, installHelp)
	}
	if err != nil {
		return "", "", err
	}
	u = c.URL(database)
	if err := EnsureDatabase(ctx, u); err != nil {
		return "", "", fmt.Errorf("private cluster at %s: %w", c.Dir, err)
	}
	return u, c.String(), nil
}

// Loopback returns the URL of database on the server at 127.0.0.1:5432,
// creating the database if it is missing. It connects without a password as
// the role postgres, then as the role named after the current OS user
// (Homebrew's default superuser) if the server refused the first, and fails
// if neither may connect.
func Loopback(ctx context.Context, database string) (string, error) {
	roles := []string{"postgres"}
	if me, err := user.Current(); err == nil && me.Username != "postgres" {
		roles = append(roles, me.Username)
	}
	var errs []error
	for _, role := range roles {
		u := (&url.URL{
			Scheme:   "postgres",
			User:     url.User(role),
			Host:     "127.0.0.1:5432",
			Path:     "/" + database,
			RawQuery: "sslmode=disable",
		}).String()
		err := EnsureDatabase(ctx, u)
		if err == nil {
			return u, nil
		}
		errs = append(errs, fmt.Errorf("as %s: %w", role, err))
		// Another role can only help if the server answered and refused this one.
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			break
		}
	}
	return "", fmt.Errorf("127.0.0.1:5432: %w", errors.Join(errs...))
}

// EnsureDatabase checks that the database named by databaseURL (a postgres://
// URL) accepts a connection and creates it, from the postgres or template1
// maintenance database on the same server, if it does not exist. It fails
// when the role may not create it.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("parse database URL: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name: no such database
		return fmt.Errorf("connect: %w", err)
	}
	return createDatabase(ctx, cfg)
}

// createDatabase creates cfg.Database, connecting to a maintenance database of
// the same server as the same role.
func createDatabase(ctx context.Context, cfg *pgx.ConnConfig) error {
	var errs []error
	for _, maintenance := range []string{"postgres", "template1"} {
		mcfg := cfg.Copy()
		mcfg.Database = maintenance
		conn, err := pgx.ConnectConfig(ctx, mcfg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
		conn.Close(ctx)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: created meanwhile
			return nil
		}
		if err != nil {
			return fmt.Errorf("create database %s: %w", cfg.Database, err)
		}
		return nil
	}
	return fmt.Errorf("database %s does not exist and no maintenance database accepts a connection to create it: %w",
		cfg.Database, errors.Join(errs...))
}

// DatabaseURL returns serverURL, a postgres:// URL, with its database replaced
// by database; user, host and query parameters are kept.
func DatabaseURL(serverURL, database string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// The URL is not quoted: it may hold a password.
		return "", errors.New("database URL: not a postgres:// URL")
	}
	u.Path = "/" + database
	u.RawPath = ""
	return u.String(), nil
}
