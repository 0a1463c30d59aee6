package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// TestUnavailable tells a database that is away (restarting, its
// connections killed) from a fault in the request, which must stay a 500.
func TestUnavailable(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"ConnectionKilled":  {fmt.Errorf("save rating: %w", &pgconn.PgError{Code: "57P01"}), true},
		"StartingUp":        {&pgconn.PgError{Code: "57P03"}, true},
		"ConnectionFailure": {&pgconn.PgError{Code: "08006"}, true},
		"CutMidAnswer":      {fmt.Errorf("read scorecard: %w", io.ErrUnexpectedEOF), true},
		"Timeout":           {fmt.Errorf("find vendors: %w", context.DeadlineExceeded), true},
		"UniqueViolation":   {&pgconn.PgError{Code: "23505"}, false},
		"SyntaxError":       {&pgconn.PgError{Code: "42601"}, false},
		"InvalidText":       {&pgconn.PgError{Code: "22021"}, false},
		"DomainError":       {bpo.Errorf(bpo.ECONFLICT, "error.scorecard.stale"), false},
		"Bug":               {errors.New("nil map"), false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := postgres.Unavailable(tc.err); got != tc.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
