package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/postgres"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	const usageText = "usage: bpoeval migrate up | down N | version"
	runtime, url := getenv("DATABASE_URL"), migrationsURL(getenv)
	if url == "" {
		return usageError("bpoeval migrate: DATABASE_URL is not set")
	}
	if len(args) == 0 {
		return usageError(usageText)
	}
	mg, err := postgres.NewMigrator(url)
	if err != nil {
		return err
	}
	defer mg.Close()
	switch {
	case args[0] == "up" && len(args) == 1:
		if err = mg.Up(); err == nil && runtime != "" {
			err = postgres.GrantRuntime(ctx, url, runtime)
		}
	case args[0] == "down" && len(args) == 2:
		n, convErr := strconv.Atoi(args[1])
		if convErr != nil || n < 1 {
			return usageError("bpoeval migrate down: N must be a positive whole number, got %q", args[1])
		}
		err = mg.Down(n)
	case args[0] == "version" && len(args) == 1:
	default:
		return usageError(usageText)
	}
	if err != nil {
		return err
	}
	v, dirty, err := mg.Version()
	if err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	fmt.Fprintf(stdout, "schema version %d", v)
	if dirty {
		fmt.Fprint(stdout, " (dirty: a migration failed halfway; fix it by hand, then force the version)")
	}
	fmt.Fprintln(stdout)
	return nil
}
