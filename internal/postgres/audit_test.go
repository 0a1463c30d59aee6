package postgres_test

import (
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestEvaluationHistory(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("History", setup{vendors: 2, evaluators: 1})
	other := e.draft("Someone else's history")
	ctx := as(e.manager)
	rateAll(t, e, f, f.evaluators[0], f.vendors[0].ID, 3)
	evaluator := f.evaluators[0].ID

	all, total, err := e.audit.FindEvaluationHistory(ctx, f.ev.ID, bpo.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// create, 2 participants, 1 assignment, 1 declaration, open, 8 ratings.
	if total != 14 || len(all) != 14 {
		t.Fatalf("history: %d events, total %d; want 14", len(all), total)
	}
	for i := 1; i < len(all); i++ {
		if all[i].At.After(all[i-1].At) || (all[i].At.Equal(all[i-1].At) && all[i].ID > all[i-1].ID) {
			t.Fatalf("history is not newest first at %d", i)
		}
	}
	if last := all[len(all)-1]; last.Entity != "evaluation" || last.Action != "create" || last.ActorName != "manager" || *last.EvaluationID != f.ev.ID {
		t.Errorf("oldest event = %+v", last)
	}

	for name, tc := range map[string]struct {
		filter bpo.AuditFilter
		rows   int
		total  int
	}{
		"by entity":           {bpo.AuditFilter{Entity: "rating"}, 8, 8},
		"by actor":            {bpo.AuditFilter{ActorID: &evaluator}, 9, 9},
		"by actor and entity": {bpo.AuditFilter{ActorID: &evaluator, Entity: "participant"}, 0, 0},
		"a page":              {bpo.AuditFilter{Limit: 5, Offset: 10}, 4, 14},
		"past the end":        {bpo.AuditFilter{Limit: 5, Offset: 50}, 0, 14},
	} {
		t.Run(name, func(t *testing.T) {
			events, total, err := e.audit.FindEvaluationHistory(ctx, f.ev.ID, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != tc.rows || total != tc.total {
				t.Errorf("%d events, total %d; want %d of %d", len(events), total, tc.rows, tc.total)
			}
			for _, ev := range events {
				if tc.filter.Entity != "" && ev.Entity != tc.filter.Entity {
					t.Errorf("event of entity %q", ev.Entity)
				}
			}
		})
	}

	if events, _, err := e.audit.FindEvaluationHistory(ctx, other.ID, bpo.AuditFilter{}); err != nil || len(events) != 1 {
		t.Errorf("another evaluation's history: %d events (%v), want its creation only", len(events), err)
	}
	_, _, err = e.audit.FindEvaluationHistory(ctx, other.ID+1000, bpo.AuditFilter{})
	wantCode(t, err, bpo.ENOTFOUND)
}
