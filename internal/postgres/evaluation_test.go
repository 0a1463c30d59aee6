package postgres_test

import (
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestCreateEvaluationFromTemplate(t *testing.T) {
	e := newEnv(t)
	ev := e.draft("Customer support 2026")

	if ev.Status != bpo.StatusDraft || ev.CreatedBy != e.manager.ID || ev.Version != 1 {
		t.Errorf("new evaluation: status %q, created by %d, version %d", ev.Status, ev.CreatedBy, ev.Version)
	}
	if got := len(ev.ScaleLevels); got != 5 {
		t.Fatalf("scale levels = %d, want 5", got)
	}
	if l := ev.ScaleLevels[2]; l.Value != 3 || l.LabelEN != "Adequate" || l.LabelFR != "Satisfaisant" || l.HelpEN == "" {
		t.Errorf("level 3 = %+v", l)
	}

	list, err := e.criteria.FindCriteria(as(e.manager), ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	byKey := map[string]*bpo.Criterion{}
	for _, c := range list {
		keys = append(keys, c.Key)
		byKey[c.Key] = c
	}
	// Depth first, in template order.
	want := append(append([]string{"quality"}, ratedKeys...),
		"service_levels", "aht", "asa", "abandonment", "turnaround", "cost", "price")
	if !slices.Equal(keys, want) {
		t.Errorf("criteria in tree order:\n got %v\nwant %v", keys, want)
	}
	for _, tc := range []struct {
		key    string
		kind   bpo.CriterionKind
		weight float64
		parent string
	}{
		{"quality", bpo.KindGroup, 60, ""},
		{"policies", bpo.KindRated, 20, "quality"},
		{"knowledge_transfer", bpo.KindRated, 5, "quality"},
		{"aht", bpo.KindMeasured, 30, "service_levels"},
		{"price", bpo.KindMeasured, 100, "cost"},
	} {
		c := byKey[tc.key]
		if c == nil {
			t.Errorf("%s: missing", tc.key)
			continue
		}
		var parent string
		if c.ParentID != nil {
			for _, p := range list {
				if p.ID == *c.ParentID {
					parent = p.Key
				}
			}
		}
		if c.Kind != tc.kind || c.Weight != tc.weight || parent != tc.parent {
			t.Errorf("%s: kind %s weight %v parent %q, want %s %v %q", tc.key, c.Kind, c.Weight, parent, tc.kind, tc.weight, tc.parent)
		}
	}
	if p := byKey["price"]; p.Unit != "EUR" || p.Better != "lower" || p.NameFR != "Prix par ETP et par mois" {
		t.Errorf("price = %+v", p)
	}
	if byKey["policies"].Position != 0 || byKey["process_expertise"].Position != 1 {
		t.Errorf("positions do not follow the template")
	}
	if events := e.history(ev.ID, "evaluation"); len(events) != 1 || events[0].Action != "create" || events[0].ActorName != "manager" {
		t.Errorf("audit of the creation = %+v", events)
	}
}

func TestCreateEvaluationOtherScale(t *testing.T) {
	e := newEnv(t)
	in := bpo.NewEvaluationInput()
	in.Title, in.ScaleMin, in.ScaleMax = "Ten-point scale", 0, 10
	ev, err := e.evaluations.CreateEvaluation(as(e.manager), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.ScaleLevels) != 11 || ev.ScaleLevels[0].LabelEN != "0" || ev.ScaleLevels[10].LabelFR != "10" || ev.ScaleLevels[4].HelpEN != "" {
		t.Errorf("levels of a 0–10 scale = %+v", ev.ScaleLevels)
	}
}

func TestEvaluationVisibility(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Visible", setup{vendors: 1, evaluators: 1})
	hidden := e.draft("Hidden")
	assigned, stranger := f.evaluators[0], e.user("stranger", bpo.RoleEvaluator)

	for name, tc := range map[string]struct {
		user *bpo.User
		id   int64
		code string
	}{
		"manager sees any":             {e.manager, hidden.ID, ""},
		"assigned evaluator sees":      {assigned, f.ev.ID, ""},
		"evaluator not assigned":       {stranger, f.ev.ID, bpo.ENOTFOUND},
		"evaluator, another one":       {assigned, hidden.ID, bpo.ENOTFOUND},
		"missing evaluation":           {e.manager, hidden.ID + 1000, bpo.ENOTFOUND},
		"anonymous":                    {nil, f.ev.ID, bpo.EFORBIDDEN},
		"not assigned, criteria":       {stranger, f.ev.ID, bpo.ENOTFOUND},
		"not assigned, participants":   {stranger, f.ev.ID, bpo.ENOTFOUND},
		"not assigned, scorecard read": {stranger, f.ev.ID, bpo.ENOTFOUND},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := as(tc.user)
			_, err := e.evaluations.FindEvaluationByID(ctx, tc.id)
			switch name {
			case "not assigned, criteria":
				_, err = e.criteria.FindCriteria(ctx, tc.id)
			case "not assigned, participants":
				_, err = e.participants.FindParticipants(ctx, tc.id)
			case "not assigned, scorecard read":
				_, err = e.scorecards.FindScorecard(ctx, tc.id, f.vendors[0].ID, 0)
			}
			wantCode(t, err, tc.code)
		})
	}

	t.Run("lists", func(t *testing.T) {
		for _, tc := range []struct {
			user *bpo.User
			want int
		}{{e.manager, 2}, {assigned, 1}, {stranger, 0}} {
			list, total, err := e.evaluations.FindEvaluations(as(tc.user), bpo.EvaluationFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != tc.want || total != tc.want {
				t.Errorf("%s sees %d evaluations (total %d), want %d", tc.user.Name, len(list), total, tc.want)
			}
		}
	})

	t.Run("set-up is for managers", func(t *testing.T) {
		in := bpo.NewEvaluationInput()
		in.Title = "By an evaluator"
		_, err := e.evaluations.CreateEvaluation(as(assigned), in)
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = e.evaluations.SetEvaluationStatus(as(assigned), f.ev.ID, f.ev.Version, bpo.StatusClosed)
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = e.submittedRatings(as(assigned), f.ev.ID)
		wantCode(t, err, bpo.EFORBIDDEN)
		_, _, err = e.audit.FindEvaluationHistory(as(assigned), f.ev.ID, bpo.AuditFilter{})
		wantCode(t, err, bpo.EFORBIDDEN)
	})
}

func TestFindEvaluationsSummaries(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Summary", setup{vendors: 3, evaluators: 2, undeclared: true})
	ctx := as(e.manager)
	// The first evaluator has a conflict with vendor A; vendor C is rejected.
	if err := e.scorecards.DeclareConflicts(as(f.evaluators[0]), f.ev.ID, []bpo.Conflict{{VendorID: f.vendors[0].ID, Note: "former employer"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.scorecards.DeclareConflicts(as(f.evaluators[1]), f.ev.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.participants.SetStage(ctx, f.ev.ID, f.vendors[2].ID, 1, bpo.StageRejected, "Too expensive"); err != nil {
		t.Fatal(err)
	}
	// One scorecard submitted: evaluator b, vendor B.
	rateAll(t, e, f, f.evaluators[1], f.vendors[1].ID, 3)
	if _, err := e.scorecards.SubmitScorecard(as(f.evaluators[1]), f.ev.ID, f.vendors[1].ID, 1); err != nil {
		t.Fatal(err)
	}
	e.draft("Another one")

	list, total, err := e.evaluations.FindEvaluations(ctx, bpo.EvaluationFilter{Status: bpo.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(list) != 1 {
		t.Fatalf("open evaluations: %d (total %d), want 1", len(list), total)
	}
	s := list[0]
	// Expected: 2 vendors × 2 evaluators, less evaluator a's conflict with A.
	if s.Vendors != 2 || s.Evaluators != 2 || s.Expected != 3 || s.Submitted != 1 {
		t.Errorf("summary: vendors %d evaluators %d expected %d submitted %d, want 2 2 3 1",
			s.Vendors, s.Evaluators, s.Expected, s.Submitted)
	}

	list, total, err = e.evaluations.FindEvaluations(ctx, bpo.EvaluationFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(list) != 1 || list[0].Title != "Another one" {
		t.Errorf("first page of one: %d rows, total %d, first %q; want the newest of 2", len(list), total, list[0].Title)
	}
	list, total, err = e.evaluations.FindEvaluations(ctx, bpo.EvaluationFilter{Limit: 1, Offset: 5})
	if err != nil || len(list) != 0 || total != 2 {
		t.Errorf("past the last page: %d rows, total %d, err %v", len(list), total, err)
	}
}

func TestEvaluationLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)

	t.Run("opening needs vendors, evaluators and a valid tree", func(t *testing.T) {
		ev := e.draft("Not ready")
		_, err := e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen)
		wantError(t, err, bpo.EINVALID, "error.evaluation.no_vendors")
		if got := fieldKeys(err); !slices.Equal(got, []string{"vendors", "evaluators"}) {
			t.Errorf("problems = %v", got)
		}

		v := e.vendor("Ready Vendor")
		if _, err := e.participants.AddParticipant(ctx, ev.ID, v.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.participants.AssignEvaluator(ctx, ev.ID, e.user("ready-evaluator", bpo.RoleEvaluator).ID); err != nil {
			t.Fatal(err)
		}
		// An empty group and a group whose criteria all weigh zero.
		if _, err := e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{Key: "empty", Kind: bpo.KindGroup,
			NameEN: "Empty", NameFR: "Vide", Weight: 10}); err != nil {
			t.Fatal(err)
		}
		c := e.crit(ev.ID)
		weights := []bpo.WeightChange{}
		for _, k := range []string{"aht", "asa", "abandonment", "turnaround"} {
			weights = append(weights, bpo.WeightChange{CriterionID: c[k].ID, Version: c[k].Version, Weight: 0})
		}
		if err := e.criteria.SetWeights(ctx, ev.ID, weights); err != nil {
			t.Fatal(err)
		}
		_, err = e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen)
		wantError(t, err, bpo.EINVALID, "error.evaluation.zero_weights")
		if got := fieldKeys(err); !slices.Equal(got, []string{"service_levels", "empty"}) {
			t.Errorf("problems = %v", got)
		}
	})

	t.Run("transitions", func(t *testing.T) {
		f := e.fixture("Lifecycle", setup{vendors: 1, evaluators: 1, keepDraft: true})
		ev := f.ev
		step := func(status bpo.EvaluationStatus, code string) {
			t.Helper()
			got, err := e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, status)
			wantCode(t, err, code)
			if err == nil {
				ev = got
			}
		}
		step(bpo.StatusClosed, bpo.EINVALID) // draft → closed
		step(bpo.StatusDraft, bpo.EINVALID)  // draft → draft
		step(bpo.StatusOpen, "")
		if ev.Status != bpo.StatusOpen || ev.OpenedAt == nil {
			t.Errorf("opened: status %q, opened at %v", ev.Status, ev.OpenedAt)
		}
		step(bpo.StatusDraft, bpo.EINVALID) // open → draft
		_, err := e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version-1, bpo.StatusClosed)
		wantError(t, err, bpo.ECONFLICT, "error.evaluation.stale")
		step(bpo.StatusClosed, "")
		step(bpo.StatusOpen, bpo.EINVALID) // closed → open

		// Closed: read-only.
		in := bpo.NewEvaluationInput()
		in.Title = "Renamed"
		_, err = e.evaluations.UpdateEvaluation(ctx, ev.ID, ev.Version, in)
		wantError(t, err, bpo.EINVALID, "error.evaluation.closed")
		err = e.criteria.SetWeights(ctx, ev.ID, []bpo.WeightChange{{CriterionID: f.crit["policies"].ID, Version: f.crit["policies"].Version, Weight: 1}})
		wantError(t, err, bpo.EINVALID, "error.evaluation.closed")
		_, err = e.participants.AddParticipant(ctx, ev.ID, e.vendor("Too late").ID)
		wantError(t, err, bpo.EINVALID, "error.evaluation.closed")

		var actions []string
		for _, a := range e.history(ev.ID, "evaluation") {
			actions = append(actions, a.Action)
		}
		if !slices.Equal(actions, []string{"close", "open", "create"}) {
			t.Errorf("evaluation history = %v", actions)
		}
	})

	t.Run("options freeze once open", func(t *testing.T) {
		f := e.fixture("Frozen options", setup{vendors: 1, evaluators: 1})
		in := bpo.EvaluationInput{Title: "New title", Scope: "Payroll", ScaleMin: 1, ScaleMax: 5,
			Aggregation: f.ev.Aggregation, AwardThreshold: f.ev.AwardThreshold, CloseCallMargin: f.ev.CloseCallMargin,
			Justification: f.ev.Justification}
		ev, err := e.evaluations.UpdateEvaluation(ctx, f.ev.ID, f.ev.Version, in)
		if err != nil {
			t.Fatalf("renaming an open evaluation: %v", err)
		}
		if ev.Title != "New title" || ev.Version != f.ev.Version+1 {
			t.Errorf("after update: %q version %d", ev.Title, ev.Version)
		}
		in.ScaleMax, in.Aggregation = 7, "median"
		_, err = e.evaluations.UpdateEvaluation(ctx, ev.ID, ev.Version, in)
		wantCode(t, err, bpo.EINVALID)
		if got := fieldKeys(err); !slices.Equal(got, []string{"scale_max", "aggregation"}) {
			t.Errorf("frozen fields = %v", got)
		}
		_, err = e.evaluations.UpdateEvaluation(ctx, ev.ID, f.ev.Version, in)
		wantCode(t, err, bpo.ECONFLICT)
	})
}
