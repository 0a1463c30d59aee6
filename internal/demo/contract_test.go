package demo_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// TestDemoContract: the closed payroll evaluation's selected vendor has a
// contract of eight ended monthly periods, one without figures, one KPI
// missed twice, and a standing of Average (74.73, as computed in
// contract.go) on whatever day the demo is loaded; it stays Average for
// months after.
func TestDemoContract(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	contracts := postgres.NewContractService(db)
	svc := demo.PostgresServices(db)
	if _, err := demo.Load(ctx, svc, demo.Small); err != nil {
		t.Fatal(err)
	}
	manager, err := svc.Users.FindUserByEmail(ctx, "manager@demo.test")
	if err != nil {
		t.Fatal(err)
	}
	list, err := contracts.FindContracts(bpo.NewContextWithUser(ctx, manager), bpo.ContractFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("contracts: %d, %v", len(list), err)
	}
	c := list[0]
	if c.VendorName != "Port-Louis BPO Centre" || c.SelectionScore == nil || c.SelectionRank == nil || *c.SelectionRank != 1 {
		t.Errorf("contract of %s, selection %v rank %v", c.VendorName, c.SelectionScore, c.SelectionRank)
	}
	today := time.Now()
	if got := c.LastEnded(today); got != 7 {
		t.Fatalf("last ended period %d, want 7 (eight months)", got)
	}
	scored, missed := 0, map[string]int{}
	for i := range 8 {
		p := c.PeriodAt(i)
		if len(p.Actuals) > 0 {
			scored++
		}
		for _, k := range c.KPIs {
			if a := p.Actual(k.ID); a != nil && !bpo.Met(k.Better, k.Target, a.Value) {
				missed[k.Key]++
			}
		}
	}
	if scored != 7 || len(missed) != 1 || missed["payroll_errors"] != 2 {
		t.Errorf("%d periods with figures, missed %v; want 7, payroll errors twice", scored, missed)
	}
	st := c.StandingAt(today)
	if st == nil || st.Band != bpo.BandAverage || math.Abs(st.Score-(35.6*12+37*11+100*35)/58) > 1e-9 {
		t.Errorf("standing %+v, want Average 74.73", st)
	}
	a, err := svc.Assessments.FindAssessmentForEvaluation(bpo.NewContextWithUser(ctx, manager), c.EvaluationID)
	if err != nil || len(a.Activities) != 4 {
		t.Fatalf("the payroll evaluation's assessment: %v, %v", a, err)
	}
	verdicts := map[bpo.Verdict]int{}
	for _, act := range a.Activities {
		verdicts[bpo.Suitable(*act).Verdict]++
	}
	if verdicts[bpo.VerdictOutsource] != 1 || verdicts[bpo.VerdictOversight] != 2 || verdicts[bpo.VerdictInHouse] != 1 {
		t.Errorf("verdicts %v", verdicts)
	}
	for months := 1; months <= 7; months++ {
		if st := c.StandingAt(today.AddDate(0, months, 0)); st == nil || st.Band != bpo.BandAverage {
			t.Errorf("%d months on without figures: %+v, want still Average", months, st)
		}
	}
}
