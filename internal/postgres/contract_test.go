package postgres_test

import (
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// awarded is a closed evaluation whose first vendor was awarded the
// contract (and so selected), with the vendor's ASA figure of 18 s.
func (e *env) awarded(title string) *fixture {
	e.t.Helper()
	ctx := as(e.manager)
	f := e.fixture(title, setup{vendors: 2, evaluators: 1})
	if err := e.participants.SetMeasurement(ctx, f.ev.ID, f.vendors[0].ID, f.crit["asa"].ID, ptr(18.0)); err != nil {
		e.t.Fatal(err)
	}
	p, err := e.participants.SetStage(ctx, f.ev.ID, f.vendors[0].ID, 1, bpo.StageShortlisted, "")
	if err != nil {
		e.t.Fatal(err)
	}
	ev, err := e.evaluations.FindEvaluationByID(ctx, f.ev.ID)
	if err == nil {
		ev, err = e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusClosed)
	}
	if err == nil {
		_, err = e.decisions.RecordDecision(ctx, ev.ID, bpo.DecisionInput{Version: ev.Version, Outcome: bpo.OutcomeAward,
			VendorID: f.vendors[0].ID, Rationale: "Best value", Snapshot: snapshot(e.t, "award", p.Key, []string{p.Key})})
	}
	if err != nil {
		e.t.Fatal(err)
	}
	f.ev = ev
	return f
}

func fixedClock(s string) func() time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return func() time.Time { return t.Add(10 * time.Hour) }
}

func TestContractLifecycle(t *testing.T) {
	e := newEnv(t)
	contracts := postgres.NewContractService(e.db)
	f := e.awarded("Contracts")
	ctx := as(e.manager)
	start, _ := time.Parse(time.DateOnly, "2026-01-01")

	t.Run("NotSelected", func(t *testing.T) {
		_, err := contracts.CreateContract(ctx, bpo.ContractInput{EvaluationID: f.ev.ID, VendorID: f.vendors[1].ID, Start: start})
		wantError(t, err, bpo.EINVALID, "error.contract.not_selected")
	})
	t.Run("EvaluatorRefused", func(t *testing.T) {
		u := e.user("contract-evaluator", bpo.RoleEvaluator)
		_, err := contracts.CreateContract(as(u), bpo.ContractInput{EvaluationID: f.ev.ID, VendorID: f.vendors[0].ID, Start: start})
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = contracts.FindContracts(as(u), bpo.ContractFilter{})
		wantCode(t, err, bpo.EFORBIDDEN)
	})

	c, err := contracts.CreateContract(ctx, bpo.ContractInput{EvaluationID: f.ev.ID, VendorID: f.vendors[0].ID, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	// The measured criterion with the vendor's figure, then CSAT and QA.
	var keys []string
	for _, k := range c.KPIs {
		keys = append(keys, k.Key)
	}
	if len(keys) != 3 || keys[0] != "asa" || keys[1] != "csat" || keys[2] != "qa_score" {
		t.Fatalf("kpis = %v, want asa, csat, qa_score", keys)
	}
	asa := c.KPIs[0]
	if asa.Target != 18 || asa.Promised == nil || *asa.Promised != 18 || asa.Better != "lower" || asa.Weight != 6 || c.Length != bpo.Monthly {
		t.Errorf("asa = %+v, want the promise of 18 as target", asa)
	}
	if _, err := contracts.CreateContract(ctx, bpo.ContractInput{EvaluationID: f.ev.ID, VendorID: f.vendors[0].ID, Start: start}); bpo.ErrorMessage(err).Key != "error.contract.exists" {
		t.Errorf("second contract: %v", err)
	}

	t.Run("WeightSumZeroRefused", func(t *testing.T) {
		var edits []bpo.KPIInput
		for _, k := range c.KPIs {
			edits = append(edits, bpo.KPIInput{ID: k.ID, NameEN: k.NameEN, Better: k.Better, Target: k.Target})
		}
		_, err := contracts.UpdateKPIs(ctx, c.ID, c.Version, edits)
		wantCode(t, err, bpo.EINVALID)
	})
	edit := bpo.KPIInput{ID: asa.ID, NameEN: asa.NameEN, Better: "lower", Target: 20, Weight: 60}
	c2, err := contracts.UpdateKPIs(ctx, c.ID, c.Version, []bpo.KPIInput{edit})
	if err != nil {
		t.Fatal(err)
	}
	if c2.KPIs[0].Target != 20 || c2.KPIs[0].Key != "asa" || c2.Version != c.Version+1 {
		t.Errorf("after edit: %+v version %d", c2.KPIs[0], c2.Version)
	}
	t.Run("StaleKPIs", func(t *testing.T) {
		_, err := contracts.UpdateKPIs(ctx, c.ID, c.Version, []bpo.KPIInput{edit})
		wantCode(t, err, bpo.ECONFLICT)
	})

	e.db.Now = fixedClock("2026-04-10") // periods 0–2 ended, 3 running
	figures := func(asaValue, csat float64) []bpo.ActualInput {
		return []bpo.ActualInput{{KPIID: asa.ID, Value: &asaValue, Comment: "from the vendor's report"}, {KPIID: c.KPIs[1].ID, Value: &csat}}
	}
	if _, err := contracts.SaveActuals(ctx, c.ID, 0, 0, figures(25, 85)); err != nil {
		t.Fatal(err)
	}
	c3, err := contracts.SaveActuals(ctx, c.ID, 2, 0, figures(20, 68))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("StalePeriod", func(t *testing.T) {
		_, err := contracts.SaveActuals(ctx, c.ID, 0, 0, figures(20, 85))
		wantCode(t, err, bpo.ECONFLICT)
	})
	t.Run("OutsideTheContract", func(t *testing.T) {
		_, err := contracts.SaveActuals(ctx, c.ID, 4, 0, figures(20, 85))
		wantError(t, err, bpo.EINVALID, "error.contract.period_outside")
	})
	t.Run("Negative", func(t *testing.T) {
		_, err := contracts.SaveActuals(ctx, c.ID, 1, 0, figures(-1, 85))
		wantCode(t, err, bpo.EINVALID)
	})
	// Period 0: ASA 25 against 20 → 80 (weight 60), CSAT 85 → 100 (weight 20): 85.
	// Period 1: no figures. Period 2: ASA 20 → 100, CSAT 68 → 80: 95.
	// Standing, p = 0 is period 2: (95×1 + 85×10/12) / (1 + 10/12) = 90.4545…
	st := c3.StandingAt(e.db.Now())
	if want := (95 + 85*10.0/12) / (1 + 10.0/12); st == nil || st.Score-want > 1e-9 || want-st.Score > 1e-9 || st.Band != bpo.BandExcellent {
		t.Errorf("standing = %+v, want %v excellent", st, want)
	}
	if p := c3.PeriodAt(0); p.Actual(asa.ID).Comment != "from the vendor's report" {
		t.Errorf("comment lost: %+v", p.Actuals)
	}
	late, err := contracts.FindLatePeriods(ctx)
	if err != nil || len(late) != 1 || late[0].Period != 1 {
		t.Errorf("late = %+v, %v; want period 1", late, err)
	}
	if got := len(e.history(f.ev.ID, "contract")); got != 4 {
		t.Errorf("%d contract events in the history, want 4 (create, kpis, two figures)", got)
	}

	ended, err := contracts.EndContract(ctx, c.ID, c3.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, err = contracts.SaveActuals(ctx, c.ID, 1, 0, figures(20, 85))
	wantError(t, err, bpo.EINVALID, "error.contract.ended")
	if ended.Status != bpo.ContractEnded {
		t.Errorf("status = %s", ended.Status)
	}
}

func TestContractWarning(t *testing.T) {
	e := newEnv(t)
	contracts := postgres.NewContractService(e.db)
	f := e.awarded("Warned")
	ctx := as(e.manager)
	start, _ := time.Parse(time.DateOnly, "2026-01-01")
	c, err := contracts.CreateContract(ctx, bpo.ContractInput{EvaluationID: f.ev.ID, VendorID: f.vendors[0].ID, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	e.db.Now = fixedClock("2026-02-03")
	// ASA 60 against 18 → 30, CSAT 17 → 20, QA 9 → 10; weights 6 (ASA's
	// effective weight: 20 % for service levels × 30 % within them), 20,
	// 20: (6×30 + 20×20 + 20×10)/46 = 16.96: Very poor.
	var in []bpo.ActualInput
	for i, v := range []float64{60, 17, 9} {
		in = append(in, bpo.ActualInput{KPIID: c.KPIs[i].ID, Value: &v})
	}
	if _, err := contracts.SaveActuals(ctx, c.ID, 0, 0, in); err != nil {
		t.Fatal(err)
	}
	warnings, err := contracts.FindWarnings(ctx)
	if err != nil || len(warnings) != 1 || warnings[0].VendorID != f.vendors[0].ID || warnings[0].Standing.Band != bpo.BandVeryPoor {
		t.Fatalf("warnings = %+v, %v", warnings, err)
	}
	next := e.draft("Next")
	if err := contracts.AcknowledgeWarning(ctx, next.ID, warnings[0]); err != nil {
		t.Fatal(err)
	}
	if events := e.history(next.ID, "participant"); len(events) != 1 || events[0].Action != "acknowledge_warning" {
		t.Errorf("history = %+v", events)
	}
}

func TestAssessment(t *testing.T) {
	e := newEnv(t)
	assessments := postgres.NewAssessmentService(e.db)
	ctx := as(e.manager)
	ev := e.draft("Assessed")
	in := bpo.AssessmentInput{Title: "Support scope", EvaluationID: &ev.ID, Activities: []bpo.Activity{
		{Name: "Collections", CXInfluence: 2, Differentiation: 1, Risk: 2, Codifiability: 5},
		{Name: "Inbound support", CXInfluence: 5, Differentiation: 3, Risk: 2, Codifiability: 4},
	}}
	a, err := assessments.CreateAssessment(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Activities) != 2 || a.Activities[1].Name != "Inbound support" || a.EvaluationTitle != "Assessed" {
		t.Errorf("assessment = %+v", a)
	}
	if _, err := assessments.CreateAssessment(ctx, in); bpo.ErrorCode(err) != bpo.EINVALID {
		t.Errorf("a second assessment for one evaluation: %v", err)
	}
	got, err := assessments.FindAssessmentForEvaluation(ctx, ev.ID)
	if err != nil || got.ID != a.ID {
		t.Errorf("for evaluation: %v, %v", got, err)
	}
	in.Title = "Renamed"
	if _, err := assessments.UpdateAssessment(ctx, a.ID, a.Version, in); err != nil {
		t.Fatal(err)
	}
	_, err = assessments.UpdateAssessment(ctx, a.ID, a.Version, in)
	wantCode(t, err, bpo.ECONFLICT)
}
