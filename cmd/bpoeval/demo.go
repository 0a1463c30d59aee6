package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	size := fs.String("size", string(demo.Small), "how much data: small or large")
	if err := fs.Parse(args); err != nil {
		return usageError("bpoeval demo: %v", err)
	}
	if *size != string(demo.Small) && *size != string(demo.Large) {
		return usageError("bpoeval demo: --size must be small or large, got %q", *size)
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return usageError("bpoeval demo: DATABASE_URL is not set")
	}
	if err := postgres.Migrate(url); err != nil {
		return err
	}
	db, err := postgres.OpenForLoading(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	loaded, err := demo.Load(ctx, demo.PostgresServices(db), demo.Size(*size))
	if err != nil {
		return err
	}
	if loaded {
		if err := db.Analyze(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo data loaded (%s, in %.1f s)\n", *size, time.Since(start).Seconds())
	} else {
		fmt.Fprintf(stdout, "demo data already present (%s)\n", *size)
	}
	demo.PrintLogins(stdout, demo.Size(*size))
	return nil
}
