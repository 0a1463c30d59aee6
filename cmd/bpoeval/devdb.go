package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/bpoeval/bpoeval/internal/localpg"
)

// runDevDB finds or starts a PostgreSQL for development (see localpg.Resolve)
// and prints its URL alone on stdout, so that the Makefile can run
// DATABASE_URL="$(bpoeval dev-db)" bpoeval serve; where the database comes
// from goes to stderr.
func runDevDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev-db", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", localpg.DefaultDataDir, "data directory of the private cluster, used when no server is found")
	database := fs.String("database", localpg.DefaultDatabase, "database to use, created if missing")
	if err := fs.Parse(args); err != nil {
		return usageError("bpoeval dev-db: %v\nusage: bpoeval dev-db [--dir D] [--database NAME]", err)
	}
	if fs.NArg() > 0 {
		return usageError("bpoeval dev-db: unexpected argument %q", fs.Arg(0))
	}
	url, how, err := localpg.Resolve(ctx, localpg.Options{Getenv: getenv, DataDir: *dir, Database: *database})
	if err != nil {
		return &exitError{code: 1, msg: "bpoeval dev-db: " + err.Error()}
	}
	fmt.Fprintln(stderr, "bpoeval dev-db: using", how)
	fmt.Fprintln(stdout, url)
	return nil
}
