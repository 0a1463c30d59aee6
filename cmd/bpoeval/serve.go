package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/server"
)

// shutdownGrace is how long in-flight requests may take to finish on SIGTERM.
const shutdownGrace = 15 * time.Second

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (default $BPOEVAL_ADDR or 127.0.0.1:8080)")
	withDemo := fs.Bool("demo", false, "load the demo data set into an empty database and print the demo logins")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	if *addr != "" {
		getenv = overlay(getenv, "BPOEVAL_ADDR", *addr)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return usageError("bpoeval serve: %v", err)
	}
	if cfg.DatabaseURL == "" {
		return usageError("bpoeval serve: DATABASE_URL is not set (try `make run`, which finds or starts a PostgreSQL for you)")
	}
	log := newLogger(cfg.LogFormat, stderr)
	hashSlots, reportSlots := memorySlots(applyMemoryLimit(cfg), runtime.GOMAXPROCS(0))
	log.Info("memory", "limit_bytes", cfg.MemoryLimit, "hash_slots", hashSlots, "report_slots", reportSlots)

	if err := postgres.MigrateAs(ctx, cfg.Migrations(), cfg.DatabaseURL); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	users, vendors := postgres.NewUserService(db), postgres.NewVendorService(db)
	if *withDemo {
		loaded, err := demo.Load(ctx, demo.PostgresServices(db), demo.Small)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if loaded {
			log.Info("demo data loaded")
		}
		demo.PrintLogins(stdout, demo.Small)
	}

	store := postgres.NewSessionStore(db, server.SessionIdleTimeout, server.SessionCodec)
	go store.Clean(ctx, 10*time.Minute, func(err error) { log.Warn("session cleanup", "error", err) })
	outbox := postgres.NewOutboxService(db)
	sender, err := newMailSender(cfg, outbox, log)
	if err != nil {
		return usageError("bpoeval serve: %v", err)
	}
	go sender.Run(ctx)
	srv := server.New(server.Deps{
		Config:        cfg,
		Logger:        log,
		Users:         users,
		Vendors:       vendors,
		Evaluations:   postgres.NewEvaluationService(db),
		Criteria:      postgres.NewCriterionService(db),
		Participants:  postgres.NewParticipantService(db),
		Scorecards:    postgres.NewScorecardService(db),
		Decisions:     postgres.NewDecisionService(db),
		Audit:         postgres.NewAuditService(db),
		Tokens:        postgres.NewTokenService(db),
		Outbox:        outbox,
		Identities:    postgres.NewIdentityService(db),
		Imports:       postgres.NewVendorImportService(db),
		FigureImports: postgres.NewFigureImportService(db),
		Moderation:    postgres.NewModerationService(db),
		Pairwise:      postgres.NewPairwiseService(db),
		Contracts:     postgres.NewContractService(db),
		Assessments:   postgres.NewAssessmentService(db),
		SignIns:       postgres.NewSignInService(db),
		Accounts:      postgres.NewAccountService(db),
		Passwords:     password.NewLimiter(password.Default, hashSlots, password.DefaultWait),
		ReportSlots:   reportSlots,
		Sessions:      store,
		Ping:          db.Ping,
		Unavailable:   postgres.Unavailable,
	})
	return listenAndServe(ctx, cfg.Addr, srv.Handler(), log, stdout)
}

// listenAndServe serves until ctx is cancelled, then drains in-flight
// requests before returning nil.
func listenAndServe(ctx context.Context, addr string, h http.Handler, log *slog.Logger, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "bpoeval listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// overlay returns getenv with one variable replaced, so a flag and its
// environment twin go through the same configuration code.
func overlay(getenv func(string) string, key, value string) func(string) string {
	return func(k string) string {
		if k == key {
			return value
		}
		return getenv(k)
	}
}
