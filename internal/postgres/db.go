// Package postgres implements the bpo services over PostgreSQL with pgx.
//
// Every write runs in one transaction that also appends to the audit log, so a
// change and its record land together or not at all. The transaction's "now"
// comes from the DB's clock, so tests can fix time.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

// DB is the connection pool shared by the services.
type DB struct {
	Pool *pgxpool.Pool
	Now  bpo.Clock
}

// Open connects a pool to the database at a postgres:// URL. Every round
// trip is counted against the context's roundtrip.Counter, if any.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	return open(ctx, databaseURL, nil)
}

// OpenForLoading is Open for loading data that can simply be loaded again,
// such as the demo data set: its connections commit without waiting for the
// write-ahead log to reach the disk (synchronous_commit off). Loading goes
// through the services, one audited transaction per change, and thousands
// of disk flushes would turn seconds into a minute. A crash may lose the
// last commits, never the database's consistency.
func OpenForLoading(ctx context.Context, databaseURL string) (*DB, error) {
	return open(ctx, databaseURL, map[string]string{"synchronous_commit": "off"})
}

func open(ctx context.Context, databaseURL string, params map[string]string) (*DB, error) {
	cfg, err := PoolConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	maps.Copy(cfg.ConnConfig.RuntimeParams, params)
	cfg.ConnConfig.Tracer = roundTripTracer{}
	cfg.AfterConnect = prepareHotStatements
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return &DB{Pool: pool, Now: time.Now}, nil
}

// PoolConfig is the configuration of the pool Open connects to
// databaseURL: the URL's, with a default size of its own when the URL sets
// no pool_max_conns. pgxpool's default, the larger of 4 and the CPU count,
// is too small for the writes: a request holds its connection while
// PostgreSQL waits for the disk to confirm its commit, and commits that
// wait together share one flush, so twice the CPU count, at least 8, keeps
// the CPUs busy meanwhile. More only queues requests in PostgreSQL rather
// than in the pool.
func PoolConfig(databaseURL string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if !strings.Contains(databaseURL, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, 2*runtime.NumCPU()))
	}
	return cfg, nil
}

// hotStatements are prepared by every connection as it opens: the session
// check, which nearly every request runs, and the autosave, which an
// evaluator's typing sends every few seconds. Prepared lazily, each would
// cost an extra round trip to whichever request first ran it on a
// connection; prepared up front, that cost is the connection's set-up, like
// its authentication, and not counted against a request.
var hotStatements = []string{findSessionSQL, saveFirstRatingSQL, saveNextRatingSQL, autosaveScorecardSQL}

// prepareHotStatements prepares hotStatements on conn, when its queries use
// prepared statements at all: not through PgBouncer before 1.21, where the
// README prescribes default_query_exec_mode=cache_describe, as a prepared
// statement would stay on a server connection the next transaction may not
// get.
func prepareHotStatements(ctx context.Context, conn *pgx.Conn) error {
	if conn.Config().DefaultQueryExecMode != pgx.QueryExecModeCacheStatement {
		return nil
	}
	ctx = roundtrip.Uncounted(ctx)
	for _, sql := range hotStatements {
		// Named by their text, as pgx looks them up by it.
		if _, err := conn.Prepare(ctx, sql, sql); err != nil {
			return fmt.Errorf("prepare on connect: %w", err)
		}
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() { db.Pool.Close() }

// Analyze refreshes the planner's statistics. A bulk load leaves them stale
// until autovacuum comes round, and queries planned meanwhile (those of a
// benchmark that starts right away, say) are planned for the old sizes.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.Pool.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// inTx runs fn in a transaction stamped with the clock's time, and commits
// when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if err := fn(tx, db.Now().UTC().Truncate(time.Microsecond)); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// audit appends one event to the audit log within tx.
func audit(ctx context.Context, tx pgx.Tx, now time.Time, entity string, id int64, action string, before, after any) error {
	return appendAudit(ctx, tx, now, nil, entity, id, action, before, after)
}

// auditEval appends one event that belongs to an evaluation's history.
func auditEval(ctx context.Context, tx pgx.Tx, now time.Time, evaluationID int64, entity string, id int64, action string, before, after any) error {
	return appendAudit(ctx, tx, now, &evaluationID, entity, id, action, before, after)
}

func appendAudit(ctx context.Context, tx pgx.Tx, now time.Time, evaluationID *int64, entity string, id int64, action string, before, after any) error {
	var actor *int64
	if u := bpo.UserFromContext(ctx); u != nil {
		actor = &u.ID
	}
	b, err := jsonOrNil(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_events (at, actor_id, evaluation_id, entity, entity_id, action, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, now, actor, evaluationID, entity, id, action, b, a)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", entity, action, err)
	}
	return nil
}

func jsonOrNil(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit snapshot: %w", err)
	}
	return b, nil
}

// isUniqueViolation reports whether err is a unique-constraint violation on the named index.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

// Unavailable reports whether err means that the database could not be
// reached or dropped the connection (shutting down, starting up, the
// connection killed or cut), so that trying again shortly may succeed,
// rather than a fault in the request itself.
func Unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") // connection_exception
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// notFound maps pgx.ErrNoRows to an ENOTFOUND error.
func notFound(err error, key string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return bpo.Errorf(bpo.ENOTFOUND, key)
	}
	return err
}

// forbiddenUnless returns EFORBIDDEN when ok is false.
func forbiddenUnless(ok bool) error {
	if !ok {
		return bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden")
	}
	return nil
}
