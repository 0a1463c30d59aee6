package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// TestAuditLogCannotBeEmptied truncates the audit table as its owner: the
// trigger refuses, as it refuses updates and deletes.
func TestAuditLogCannotBeEmptied(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, stmt := range []string{`TRUNCATE audit_events`, `DELETE FROM audit_events`, `UPDATE audit_events SET action = 'x'`} {
		_, err := e.db.Pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as the owner: %v, want the append-only refusal", stmt, err)
		}
	}
	var n int
	if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&n); err != nil || n == 0 {
		t.Errorf("audit events left: %d (%v)", n, err)
	}
}

// TestRuntimeRoleCannotTouchTheAuditLog migrates as the owner and grants a
// separate runtime role, as BPOEVAL_MIGRATE_URL does: the runtime role runs
// the app (an account created and audited) but can neither truncate nor
// alter the audit table, nor switch its trigger off, nor change the schema.
func TestRuntimeRoleCannotTouchTheAuditLog(t *testing.T) {
	ownerURL := pgtest.NewDB(t)
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	role := "bpoeval_runtime_" + hex.EncodeToString(b)
	const secret = "runtime role password"
	if _, err := owner.Exec(ctx, `CREATE ROLE `+role+` LOGIN PASSWORD '`+secret+`'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Roles belong to the cluster: drop the privileges first, in the
		// test's database, which is dropped after.
		c, err := pgx.Connect(context.Background(), ownerURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), `DROP OWNED BY `+role)
			_, err = c.Exec(context.Background(), `DROP ROLE `+role)
			c.Close(context.Background())
		}
		if err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	u, _ := url.Parse(ownerURL)
	u.User = url.UserPassword(role, secret)
	runtimeURL := u.String()
	if err := postgres.MigrateAs(ctx, ownerURL, runtimeURL); err != nil {
		t.Fatal(err)
	}

	db, err := postgres.Open(ctx, runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := postgres.NewUserService(db).CreateUser(ctx, bpo.NewUser{Email: "ann@example.test", Name: "Ann",
		Role: bpo.RoleAdmin, Password: "long enough password"}, "not-a-hash"); err != nil {
		t.Fatalf("the runtime role cannot run the app: %v", err)
	}
	for _, stmt := range []string{
		`TRUNCATE audit_events`,
		`ALTER TABLE audit_events DISABLE TRIGGER USER`,
		`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate`,
		`DROP TRIGGER audit_events_no_update ON audit_events`,
		`DELETE FROM audit_events`,
		`UPDATE audit_events SET action = 'x'`,
		`DROP TABLE audit_events`,
		`CREATE TABLE intruder (id int)`,
		`DELETE FROM schema_migrations`,
	} {
		if _, err := db.Pool.Exec(ctx, stmt); err == nil {
			t.Errorf("the runtime role could %s", stmt)
		}
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit events: %d (%v), want the account's creation", n, err)
	}
}
