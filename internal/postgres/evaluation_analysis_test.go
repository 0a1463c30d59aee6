package postgres_test

import (
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestAnalysisOptions: a new evaluation takes the template's price as its
// cost criterion and a ±25% spread; the set-up may change both, refusing a
// cost criterion that is not a measured criterion where lower is better; an
// update without analysis options keeps them; removing the cost criterion
// leaves none.
func TestAnalysisOptions(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	ev := e.draft("Analyses")
	crit := e.crit(ev.ID)
	price := crit["price"]
	if ev.Analysis.CostCriterionID == nil || *ev.Analysis.CostCriterionID != price.ID || ev.Analysis.RobustnessSpread != 0.25 {
		t.Fatalf("new evaluation: analysis %+v, want the price (%d) and 0.25", ev.Analysis, price.ID)
	}
	update := func(version int, a *bpo.AnalysisOptions) (*bpo.Evaluation, error) {
		in := bpo.NewEvaluationInput()
		in.Title, in.Analysis = ev.Title, a
		return e.evaluations.UpdateEvaluation(ctx, ev.ID, version, in)
	}
	fcr, err := e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{ParentID: &crit["service_levels"].ID, Key: "fcr",
		Kind: bpo.KindMeasured, NameEN: "First-contact resolution", NameFR: "Résolution au premier contact", Weight: 1, Unit: "%", Better: "higher"})
	if err != nil {
		t.Fatal(err)
	}
	other := e.draft("Another")
	for name, id := range map[string]int64{"rated": crit["policies"].ID, "group": crit["quality"].ID, "higher": fcr.ID,
		"unknown": -1, "another evaluation's price": e.crit(other.ID)["price"].ID} {
		_, err := update(ev.Version, &bpo.AnalysisOptions{CostCriterionID: &id, RobustnessSpread: 0.25})
		wantError(t, err, bpo.EINVALID, "error.invalid")
		if got := fieldKeys(err); !slices.Equal(got, []string{"cost_criterion"}) {
			t.Errorf("%s: fields %v, want cost_criterion", name, got)
		}
	}
	ev, _ = e.evaluations.FindEvaluationByID(ctx, ev.ID)
	_, err = update(ev.Version, &bpo.AnalysisOptions{RobustnessSpread: 1})
	if got := fieldKeys(err); !slices.Equal(got, []string{"robustness_spread"}) {
		t.Errorf("spread 1: fields %v (%v), want robustness_spread", got, err)
	}
	ev, err = update(ev.Version, &bpo.AnalysisOptions{RobustnessSpread: 0.1})
	if err != nil || ev.Analysis.CostCriterionID != nil || ev.Analysis.RobustnessSpread != 0.1 {
		t.Fatalf("none and 0.1: %+v, %v", ev, err)
	}
	setup := crit["asa"]
	ev, err = update(ev.Version, &bpo.AnalysisOptions{CostCriterionID: &setup.ID, RobustnessSpread: 0.4})
	if err != nil || *ev.Analysis.CostCriterionID != setup.ID || ev.Analysis.RobustnessSpread != 0.4 {
		t.Fatalf("set-up fee and 0.4: %+v, %v", ev, err)
	}
	if ev, err = update(ev.Version, nil); err != nil || *ev.Analysis.CostCriterionID != setup.ID || ev.Analysis.RobustnessSpread != 0.4 {
		t.Fatalf("an update without analysis options: %+v, %v; want them kept", ev, err)
	}
	if err := e.criteria.RemoveCriterion(ctx, setup.ID, e.crit(ev.ID)["asa"].Version); err != nil {
		t.Fatal(err)
	}
	if ev, err = e.evaluations.FindEvaluationByID(ctx, ev.ID); err != nil || ev.Analysis.CostCriterionID != nil {
		t.Fatalf("after removing the cost criterion: %+v, %v; want none", ev, err)
	}
}
