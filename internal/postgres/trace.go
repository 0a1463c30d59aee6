package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

// roundTripTracer counts every exchange with the server against the
// context's roundtrip.Counter: a statement, a batch (pipelined: one round
// trip however many statements it holds), a COPY, and the preparation of a
// statement a connection has not seen yet.
type roundTripTracer struct{}

func (roundTripTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	roundtrip.Add(ctx)
	return ctx
}

func (roundTripTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (roundTripTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	roundtrip.Add(ctx)
	return ctx
}

func (roundTripTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (roundTripTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (roundTripTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	roundtrip.Add(ctx)
	return ctx
}

func (roundTripTracer) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

func (roundTripTracer) TracePrepareStart(ctx context.Context, _ *pgx.Conn, _ pgx.TracePrepareStartData) context.Context {
	return ctx
}

// TracePrepareEnd counts a preparation only when it reached the server: pgx
// also reports statements it finds already prepared on the connection.
func (roundTripTracer) TracePrepareEnd(ctx context.Context, _ *pgx.Conn, d pgx.TracePrepareEndData) {
	if !d.AlreadyPrepared {
		roundtrip.Add(ctx)
	}
}
