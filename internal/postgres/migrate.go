package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers pgx5://
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/bpoeval/bpoeval/migrations"
)

// Migrator applies the embedded schema migrations to one database.
type Migrator struct {
	m *migrate.Migrate
}

// NewMigrator opens a migrator on the database named by a postgres:// URL.
func NewMigrator(databaseURL string) (*Migrator, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, migrateURL(databaseURL))
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	return &Migrator{m: m}, nil
}

// Up applies every pending migration; none pending is not an error.
func (mg *Migrator) Up() error {
	if err := mg.m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// Down reverts the last n migrations.
func (mg *Migrator) Down(n int) error {
	if err := mg.m.Steps(-n); err != nil {
		return fmt.Errorf("migrate down %d: %w", n, err)
	}
	return nil
}

// Version reports the applied schema version and whether a migration failed
// halfway (dirty). Version 0 means an empty schema.
func (mg *Migrator) Version() (version uint, dirty bool, err error) {
	v, d, err := mg.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, d, err
}

// Close releases the migrator's connection.
func (mg *Migrator) Close() error {
	srcErr, dbErr := mg.m.Close()
	return errors.Join(srcErr, dbErr)
}

// Migrate applies every pending migration to the database at databaseURL.
func Migrate(databaseURL string) error {
	mg, err := NewMigrator(databaseURL)
	if err != nil {
		return err
	}
	return errors.Join(mg.Up(), mg.Close())
}

// migrateURL turns a postgres:// URL into the pgx5:// form golang-migrate's
// pgx v5 driver registers under.
func migrateURL(databaseURL string) string {
	for _, p := range []string{"postgres://", "postgresql://"} {
		if rest, ok := strings.CutPrefix(databaseURL, p); ok {
			return "pgx5://" + rest
		}
	}
	return databaseURL
}
