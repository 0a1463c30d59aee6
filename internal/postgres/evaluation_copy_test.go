package postgres_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// copySource is an evaluation scored and closed, set up away from the
// template: a measured criterion of its own, a minimum, other options and
// descriptors, a rejected vendor and a disabled evaluator.
func copySource(e *env) (*fixture, *bpo.Criterion) {
	e.t.Helper()
	ctx := as(e.manager)
	f := e.fixture("Source", setup{vendors: 3, evaluators: 3, keepDraft: true})
	aht, err := e.criteria.CreateCriterion(ctx, f.ev.ID, bpo.CriterionInput{ParentID: &f.crit["quality"].ID,
		Key: "first_reply", Kind: bpo.KindMeasured, NameEN: "First reply time", NameFR: "Délai de première réponse", Weight: 7,
		Unit: "s", Better: "lower", Best: ptr(180.0), Worst: ptr(600.0), Limit: ptr(900.0)})
	if err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	fit := f.crit["cultural_fit"]
	in := bpo.CriterionInput{Key: fit.Key, Kind: fit.Kind, NameEN: "Fit with our customers", NameFR: "Adéquation à nos clients",
		GuidanceEN: fit.GuidanceEN, GuidanceFR: fit.GuidanceFR, Weight: 33, MinRating: ptr(3.0), ParentID: fit.ParentID}
	if _, err := e.criteria.UpdateCriterion(ctx, fit.ID, fit.Version, in); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	opts := bpo.EvaluationInput{Title: "Source", Scope: "Inbound calls", Services: []string{"customer_support"},
		ScaleMin: 1, ScaleMax: 5, Aggregation: "median", AwardThreshold: 70, CloseCallMargin: 5, Justification: bpo.JustifyAll,
		ScaleLevels: bpo.DefaultScale(), Analysis: &bpo.AnalysisOptions{CostCriterionID: &f.crit["price"].ID, RobustnessSpread: 0.1}}
	opts.ScaleLevels[0].LabelEN = "Dreadful"
	if f.ev, err = e.evaluations.UpdateEvaluation(ctx, f.ev.ID, f.ev.Version, opts); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	if _, err := e.participants.SetStage(ctx, f.ev.ID, f.vendors[0].ID, 1, bpo.StageShortlisted, ""); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	if _, err := e.participants.SetStage(ctx, f.ev.ID, f.vendors[2].ID, 1, bpo.StageRejected, "Too far"); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	if f.ev, err = e.evaluations.SetEvaluationStatus(ctx, f.ev.ID, f.ev.Version, bpo.StatusOpen); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	four := 4
	if _, err := e.scorecards.SaveRating(as(f.evaluators[0]), f.ev.ID, f.vendors[0].ID,
		bpo.RatingInput{CriterionID: fit.ID, Value: &four, Justification: "Good"}); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	if err := e.participants.SetMeasurement(ctx, f.ev.ID, f.vendors[0].ID, aht.ID, ptr(240.0)); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	if _, err := e.db.Pool.Exec(context.Background(), `UPDATE users SET disabled_at = now() WHERE id = $1`, f.evaluators[2].ID); err != nil {
		e.t.Fatal(err, fieldKeys(err))
	}
	f.crit = e.crit(f.ev.ID)
	return f, aht
}

func TestCopyEvaluation(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	src, _ := copySource(e)
	in := bpo.EvaluationInput{Title: "Source, again", Scope: src.ev.Scope, Services: src.ev.Services,
		ScaleMin: 1, ScaleMax: 5, Aggregation: "median", AwardThreshold: 70, CloseCallMargin: 5, Justification: bpo.JustifyAll,
		Analysis: &bpo.AnalysisOptions{RobustnessSpread: 0.1}}
	cp, err := e.evaluations.CopyEvaluation(ctx, src.ev.ID, in)
	if err != nil {
		t.Fatal(err, fieldKeys(err))
	}

	t.Run("SetUp", func(t *testing.T) {
		if cp.Status != bpo.StatusDraft || cp.Title != "Source, again" || cp.Aggregation != "median" ||
			cp.AwardThreshold != 70 || cp.CloseCallMargin != 5 || cp.Justification != bpo.JustifyAll || cp.Analysis.RobustnessSpread != 0.1 {
			t.Errorf("copy = %+v", cp)
		}
		if !slices.Equal(cp.ScaleLevels, src.ev.ScaleLevels) || cp.ScaleLevels[0].LabelEN != "Dreadful" {
			t.Errorf("descriptors = %+v, want the source's", cp.ScaleLevels)
		}
		crit := e.crit(cp.ID)
		if cp.Analysis.CostCriterionID == nil || *cp.Analysis.CostCriterionID != crit["price"].ID {
			t.Errorf("cost criterion = %v, want the copy's price (%d)", cp.Analysis.CostCriterionID, crit["price"].ID)
		}
		if len(crit) != len(src.crit) {
			t.Fatalf("%d criteria, want %d", len(crit), len(src.crit))
		}
		parentKey := func(m map[string]*bpo.Criterion, c *bpo.Criterion) string {
			for _, p := range m {
				if c.ParentID != nil && p.ID == *c.ParentID {
					return p.Key
				}
			}
			return ""
		}
		for key, s := range src.crit {
			c := crit[key]
			if c == nil {
				t.Errorf("%s: not copied", key)
				continue
			}
			if c.EvaluationID != cp.ID || c.ID == s.ID || parentKey(crit, c) != parentKey(src.crit, s) {
				t.Errorf("%s: in evaluation %d under %q, want %d under %q", key, c.EvaluationID, parentKey(crit, c), cp.ID, parentKey(src.crit, s))
			}
			got, want := *c, *s
			got.ID, got.EvaluationID, got.ParentID, got.Version = 0, 0, nil, 0
			want.ID, want.EvaluationID, want.ParentID, want.Version = 0, 0, nil, 0
			if !equalCriterion(got, want) {
				t.Errorf("%s = %+v, want %+v", key, got, want)
			}
		}
	})
	t.Run("VendorsAndEvaluators", func(t *testing.T) {
		d, err := e.evaluations.FindEvaluationDetail(ctx, cp.ID, bpo.WithAssignments|bpo.WithMeasurements|bpo.WithRatings|bpo.WithDecision)
		if err != nil {
			t.Fatal(err)
		}
		stages := map[int64]bpo.VendorStage{}
		for _, p := range d.Participants {
			stages[p.VendorID] = p.Stage
		}
		want := map[int64]bpo.VendorStage{src.vendors[0].ID: bpo.StageShortlisted, src.vendors[1].ID: bpo.StageCandidate}
		if len(stages) != len(want) || stages[src.vendors[0].ID] != want[src.vendors[0].ID] || stages[src.vendors[1].ID] != want[src.vendors[1].ID] {
			t.Errorf("stages = %v, want %v (the rejected vendor left out)", stages, want)
		}
		var assigned []int64
		for _, a := range d.Assignments {
			assigned = append(assigned, a.UserID)
			if a.COIDeclaredAt != nil {
				t.Errorf("%s: declaration copied", a.Email)
			}
		}
		if !slices.Equal(assigned, []int64{src.evaluators[0].ID, src.evaluators[1].ID}) {
			t.Errorf("assigned %v, want the two evaluators still active", assigned)
		}
		if len(d.Measurements) != 0 || len(d.Ratings) != 0 || len(d.Consensus) != 0 || d.Decision == nil || d.Decision.Current != nil {
			t.Errorf("scored data copied: %d figures, %d ratings, %d consensus, decision %+v",
				len(d.Measurements), len(d.Ratings), len(d.Consensus), d.Decision)
		}
		var drafts int
		if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM scorecards WHERE evaluation_id = $1`, cp.ID).Scan(&drafts); err != nil || drafts != 0 {
			t.Errorf("%d scorecards (%v), want none", drafts, err)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		created := e.history(cp.ID, bpo.EntityEvaluation)
		var snap bpo.EvaluationSnapshot
		if len(created) != 1 || created[0].Action != bpo.ActionCreate || json.Unmarshal(created[0].After, &snap) != nil ||
			snap.CopiedFrom != "Source" || snap.CopiedFromID == nil || *snap.CopiedFromID != src.ev.ID {
			t.Fatalf("evaluation events = %+v, want one creation copied from the source", created)
		}
		if n := len(e.history(cp.ID, bpo.EntityParticipant)); n != 2 {
			t.Errorf("%d participant events, want 2", n)
		}
		if n := len(e.history(cp.ID, bpo.EntityAssignment)); n != 2 {
			t.Errorf("%d assignment events, want 2", n)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		var before int
		count := func() int {
			var n int
			if err := e.db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM evaluations) + (SELECT count(*) FROM criteria)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before = count()
		_, err := e.evaluations.CopyEvaluation(as(src.evaluators[0]), src.ev.ID, in)
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = e.evaluations.CopyEvaluation(ctx, src.ev.ID+1000, in)
		wantCode(t, err, bpo.ENOTFOUND)
		// The copied minimum of 3 does not fit a 4–10 scale.
		small := in
		small.ScaleMin, small.ScaleMax = 4, 10
		_, err = e.evaluations.CopyEvaluation(ctx, src.ev.ID, small)
		wantCode(t, err, bpo.EINVALID)
		if keys := fieldKeys(err); !slices.Contains(keys, "scale_max") {
			t.Errorf("fields %v, want scale_max", keys)
		}
		if after := count(); after != before {
			t.Errorf("a refused copy left rows: %d → %d", before, after)
		}
	})
	t.Run("OtherScale", func(t *testing.T) {
		wide := in
		wide.ScaleMin, wide.ScaleMax = 0, 10
		cp, err := e.evaluations.CopyEvaluation(ctx, src.ev.ID, wide)
		if err != nil {
			t.Fatal(err)
		}
		if len(cp.ScaleLevels) != 11 || cp.ScaleLevels[0].LabelEN != "0" {
			t.Errorf("descriptors = %+v, want the 0–10 scale's own", cp.ScaleLevels)
		}
	})
}

func equalCriterion(a, b bpo.Criterion) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.MinRating, b.MinRating) && eq(a.Best, b.Best) && eq(a.Worst, b.Worst) && eq(a.Limit, b.Limit) &&
		a.Key == b.Key && a.Kind == b.Kind && a.NameEN == b.NameEN && a.NameFR == b.NameFR &&
		a.GuidanceEN == b.GuidanceEN && a.GuidanceFR == b.GuidanceFR && a.Weight == b.Weight &&
		a.Position == b.Position && a.Unit == b.Unit && a.Better == b.Better
}

func TestDeleteEvaluation(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	f := e.fixture("Doomed", setup{vendors: 2, evaluators: 1, keepDraft: true})
	evaluator := f.evaluators[0]

	wantCode(t, e.evaluations.DeleteEvaluation(as(evaluator), f.ev.ID, f.ev.Version), bpo.EFORBIDDEN)
	wantError(t, e.evaluations.DeleteEvaluation(ctx, f.ev.ID, f.ev.Version-1), bpo.ECONFLICT, "error.evaluation.stale")

	open := e.fixture("Kept", setup{vendors: 1, evaluators: 1})
	wantError(t, e.evaluations.DeleteEvaluation(ctx, open.ev.ID, open.ev.Version), bpo.ECONFLICT, "error.evaluation.not_draft")
	if _, err := e.evaluations.FindEvaluationByID(ctx, open.ev.ID); err != nil {
		t.Errorf("refused deletion removed the open evaluation: %v", err)
	}

	var eventsBefore int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE evaluation_id = $1`, f.ev.ID).Scan(&eventsBefore); err != nil {
		t.Fatal(err)
	}
	if err := e.evaluations.DeleteEvaluation(ctx, f.ev.ID, f.ev.Version); err != nil {
		t.Fatal(err)
	}
	wantCode(t, func() error { _, err := e.evaluations.FindEvaluationByID(ctx, f.ev.ID); return err }(), bpo.ENOTFOUND)
	list, _, err := e.evaluations.FindEvaluations(ctx, bpo.EvaluationFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.ID == f.ev.ID {
			t.Error("the deleted draft is still listed")
		}
	}
	// The history outlives the evaluation, the removal last.
	var (
		events int
		last   string
		title  string
	)
	err = e.db.Pool.QueryRow(context.Background(), `
		SELECT count(*) OVER (), action, coalesce(before->>'title', '') FROM audit_events
		WHERE evaluation_id = $1 ORDER BY id DESC LIMIT 1`, f.ev.ID).Scan(&events, &last, &title)
	if err != nil {
		t.Fatal(err)
	}
	if events != eventsBefore+1 || last != bpo.ActionDelete || title != "Doomed" {
		t.Errorf("%d events (had %d), last %q of %q; want the history kept and the removal recorded", events, eventsBefore, last, title)
	}
	var left int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM criteria WHERE evaluation_id = $1)
		+ (SELECT count(*) FROM participants WHERE evaluation_id = $1) + (SELECT count(*) FROM assignments WHERE evaluation_id = $1)`,
		f.ev.ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d rows of the deleted draft left (%v)", left, err)
	}
}
