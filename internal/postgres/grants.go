package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// runtimeGrants are what the app's runtime role needs and no more: reading
// and writing the tables, but only appending to the audit log, and neither
// owning nor altering anything. A role that owns no table cannot disable
// a trigger, truncate, or drop; TRUNCATE is never granted.
var runtimeGrants = []string{
	`GRANT USAGE ON SCHEMA public TO %[1]s`,
	`REVOKE CREATE ON SCHEMA public FROM %[1]s`,
	`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %[1]s`,
	`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM %[1]s`,
	`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM %[1]s`,
	`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %[1]s`,
}

// GrantRuntime gives the role of runtimeURL the grants the app needs, over
// the database of ownerURL, the role that ran the migrations and owns the
// schema. It runs after every migration, so that new tables are granted
// too. When both URLs name the same role (a single-role install) it does
// nothing: an owner needs no grants.
func GrantRuntime(ctx context.Context, ownerURL, runtimeURL string) error {
	rt, err := pgx.ParseConfig(runtimeURL)
	if err != nil {
		return fmt.Errorf("grant runtime role: parse DATABASE_URL: %w", err)
	}
	owner, err := pgx.ParseConfig(ownerURL)
	if err != nil {
		return fmt.Errorf("grant runtime role: parse BPOEVAL_MIGRATE_URL: %w", err)
	}
	if owner.User == rt.User {
		return nil
	}
	conn, err := pgx.ConnectConfig(ctx, owner)
	if err != nil {
		return fmt.Errorf("grant runtime role: %w", err)
	}
	defer conn.Close(context.Background())
	role := pgx.Identifier{rt.User}.Sanitize()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("grant runtime role: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	for _, g := range runtimeGrants {
		if _, err := tx.Exec(ctx, fmt.Sprintf(g, role)); err != nil {
			return fmt.Errorf("grant runtime role %s: %w", rt.User, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("grant runtime role: %w", err)
	}
	return nil
}

// MigrateAs applies the migrations as the owner role of ownerURL and then
// grants the runtime role of runtimeURL what it needs (see GrantRuntime).
func MigrateAs(ctx context.Context, ownerURL, runtimeURL string) error {
	if err := Migrate(ownerURL); err != nil {
		return err
	}
	return GrantRuntime(ctx, ownerURL, runtimeURL)
}
