package main

import (
	"context"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// A recorded decision can be recomputed offline: `bpoeval score` of the
// model stored with it prints the stored result, byte for byte.
func TestScoreOfDecisionModelIsTheStoredResult(t *testing.T) {
	url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	if _, stderr, err := exec(t, env, "", "demo"); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	manager, err := postgres.NewUserService(db).FindUserByEmail(ctx, "manager@demo.test")
	if err != nil {
		t.Fatal(err)
	}
	mctx := bpo.NewContextWithUser(ctx, manager)
	list, _, err := postgres.NewEvaluationService(db).FindEvaluations(mctx, bpo.EvaluationFilter{Status: bpo.StatusClosed})
	if err != nil {
		t.Fatal(err)
	}
	decided := 0
	for _, e := range list {
		snap, err := postgres.NewDecisionService(db).FindDecisionSnapshot(mctx, e.ID)
		if bpo.ErrorCode(err) == bpo.ENOTFOUND {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		decided++
		out, stderr, err := exec(t, nil, string(snap.Model), "score")
		if err != nil {
			t.Fatalf("score: %v\n%s", err, stderr)
		}
		if out != string(snap.Result) {
			t.Errorf("evaluation %d: bpoeval score of the decision's model differs from the stored result:\n%s\n---\n%s", e.ID, out, snap.Result)
		}
	}
	if decided == 0 {
		t.Fatal("no decided evaluation in the demo data")
	}
}
