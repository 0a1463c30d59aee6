package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	size := fs.String("size", string(demo.Small), "how much data: small")
	if err := fs.Parse(args); err != nil {
		return usageError("bpoeval demo: %v", err)
	}
	if *size != string(demo.Small) {
		return usageError("bpoeval demo: --size must be small, got %q", *size)
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return usageError("bpoeval demo: DATABASE_URL is not set")
	}
	if err := postgres.Migrate(url); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := demo.Services{Users: postgres.NewUserService(db), Vendors: postgres.NewVendorService(db),
		Evaluations: postgres.NewEvaluationService(db), Criteria: postgres.NewCriterionService(db),
		Participants: postgres.NewParticipantService(db), Scorecards: postgres.NewScorecardService(db)}
	loaded, err := demo.Load(ctx, svc, demo.Size(*size))
	if err != nil {
		return err
	}
	if loaded {
		fmt.Fprintln(stdout, "demo data loaded")
	} else {
		fmt.Fprintln(stdout, "demo data already present")
	}
	demo.PrintLogins(stdout)
	return nil
}
