package demo

import (
	"fmt"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// The demo contract: Port-Louis, selected by the closed payroll
// evaluation, has run for eight whole months. Its start is computed from
// the day the demo is loaded (the first day of the month eight months
// before), so that on whatever day it is loaded, the eight periods have
// ended and the ninth is running: the figures below then always give the
// same standing, Average (74.73).
//
// How it is Average: every KPI meets its target in every period but one,
// payroll errors, missed twice, in the last two months (a year-end run
// with temporary staff). The manager weighted payroll errors at 70 of 100
// (a wrong payslip is what employees feel), so those two periods score
// 30 + 0.7 × 100 × 2/20 = 37 and 30 + 0.7 × 100 × 2/25 = 35.6; the sixth
// month has no figures (the account owner was away), which leaves it out
// but still ages the older months. Over the twelve periods up to the
// eighth: (35.6 × 12 + 37 × 11 + 100 × (9 + 8 + 7 + 6 + 5)) / (100 × (12 +
// 11 + 9 + 8 + 7 + 6 + 5)) × 100 = 4334.2 / 58 = 74.73.
//
// Left without new figures, the standing drifts as months pass (the met
// months age faster out of the window than the missed ones): still Average
// seven months on, Poor after that. That is the product working: late
// periods show on the dashboard meanwhile.
const contractMonths = 8

// missingPeriod is the month without figures.
const missingPeriod = 5

// demoKPI is one KPI of the demo contract: its weight as the manager set it
// and its figure in each of the eight months (the missing one aside).
type demoKPI struct {
	key     string
	weight  float64
	figures [contractMonths]float64
}

var demoKPIs = []demoKPI{
	{"price", 5, [8]float64{2050, 2050, 2050, 2050, 2050, 0, 2050, 2050}},
	{"aht", 3, [8]float64{305, 298, 301, 296, 290, 0, 302, 309}},
	{"asa", 5, [8]float64{27, 24, 26, 22, 25, 0, 27, 28}},
	{"abandonment", 3, [8]float64{3.8, 3.5, 3.9, 3.1, 3.4, 0, 3.6, 4}},
	{"turnaround", 4, [8]float64{1.5, 1.4, 1.5, 1.2, 1.3, 0, 1.5, 1.5}},
	{"csat", 5, [8]float64{86, 88, 87, 90, 91, 0, 86, 85}},
	{"qa_score", 5, [8]float64{91, 93, 92, 95, 94, 0, 91, 90}},
	{"payroll_errors", 70, [8]float64{1.8, 1.2, 0.9, 1.1, 0.8, 0, 20, 25}},
}

// payrollErrors is the KPI the manager adds: what the evaluation did not measure.
var payrollErrors = bpo.KPIInput{Key: "payroll_errors", NameEN: "Payslips with errors, per 1,000",
	NameFR: "Bulletins erronés, pour 1 000", Unit: "‰", Better: "lower", Target: 2, Weight: 70}

// contract starts the demo contract and enters its figures, as the demo
// manager would, through the services.
func (l *loader) contract(ev *bpo.Evaluation) error {
	vendor := l.vendors["Port-Louis BPO Centre"]
	start := time.Date(l.today.Year(), l.today.Month()-contractMonths, 1, 0, 0, 0, 0, time.UTC)
	in := bpo.ContractInput{EvaluationID: ev.ID, VendorID: vendor.ID, Start: start, Length: bpo.Monthly}
	d, err := l.svc.Evaluations.FindEvaluationDetail(l.manager, ev.ID, evalmodel.Parts)
	if err != nil {
		return err
	}
	if _, res, err := evalmodel.Score(d, i18n.EN, nil); err == nil {
		if v := res.Vendor(d.Participant(vendor.ID).Key); v != nil {
			score, rank := v.Score, v.Rank
			in.SelectionScore, in.SelectionRank = &score, &rank
		}
	}
	c, err := l.svc.Contracts.CreateContract(l.manager, in)
	if err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	edits := []bpo.KPIInput{payrollErrors}
	for _, k := range c.KPIs {
		for _, dk := range demoKPIs {
			if dk.key == k.Key {
				edits = append(edits, bpo.KPIInput{ID: k.ID, Key: k.Key, NameEN: k.NameEN, NameFR: k.NameFR,
					Unit: k.Unit, Better: k.Better, Target: k.Target, Weight: dk.weight})
			}
		}
	}
	if c, err = l.svc.Contracts.UpdateKPIs(l.manager, c.ID, c.Version, edits); err != nil {
		return fmt.Errorf("contract kpis: %w", err)
	}
	for i := range contractMonths {
		if i == missingPeriod {
			continue
		}
		var figures []bpo.ActualInput
		for _, k := range c.KPIs {
			for _, dk := range demoKPIs {
				if dk.key == k.Key {
					v := dk.figures[i]
					figures = append(figures, bpo.ActualInput{KPIID: k.ID, Value: &v, Comment: demoComment(dk.key, i)})
				}
			}
		}
		if _, err := l.svc.Contracts.SaveActuals(l.manager, c.ID, i, 0, figures); err != nil {
			return fmt.Errorf("contract figures, month %d: %w", i+1, err)
		}
	}
	return nil
}

func demoComment(key string, month int) string {
	switch {
	case key == "payroll_errors" && month == 6:
		return "Year-end bonus run handled by temporary staff; 46 payslips reissued."
	case key == "payroll_errors" && month == 7:
		return "Withholding-tax rate changes keyed late; corrective payroll on the 28th."
	case key == "asa" && month == 7:
		return "Helpdesk calls about the reissued payslips."
	}
	return ""
}

// assessment is the suitability check that prepared the payroll
// evaluation: payroll and its helpdesk outsourced under close oversight,
// pay policy kept in-house.
func (l *loader) assessment(ev *bpo.Evaluation) error {
	_, err := l.svc.Assessments.CreateAssessment(l.manager, bpo.AssessmentInput{
		Title: "Payroll: what to outsource", EvaluationID: &ev.ID,
		Activities: []bpo.Activity{
			{Name: "Monthly payroll run", CXInfluence: 2, Differentiation: 1, Risk: 5, Codifiability: 5},
			{Name: "Payroll helpdesk for employees", CXInfluence: 4, Differentiation: 2, Risk: 3, Codifiability: 4},
			{Name: "Year-end statements", CXInfluence: 1, Differentiation: 1, Risk: 3, Codifiability: 5},
			{Name: "Pay policy and executive compensation", CXInfluence: 3, Differentiation: 4, Risk: 5, Codifiability: 2},
		}})
	if err != nil {
		return fmt.Errorf("assessment: %w", err)
	}
	return nil
}
