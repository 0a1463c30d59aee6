package bpo_test

import (
	"math"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func ptr(v float64) *float64 { return &v }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestAttainment: 100 when met, else the ratio of target and actual.
func TestAttainment(t *testing.T) {
	for name, tc := range map[string]struct {
		better         string
		target, actual float64
		want           float64
	}{
		"LowerMetExactly":    {"lower", 20, 20, 100},
		"LowerBeaten":        {"lower", 20, 12, 100},
		"LowerMissed":        {"lower", 20, 25, 80},   // 100 × 20/25
		"LowerTargetZero":    {"lower", 0, 5, 0},      // 100 × 0/5
		"HigherMetExactly":   {"higher", 90, 90, 100}, //
		"HigherMissed":       {"higher", 90, 72, 80},  // 100 × 72/90
		"HigherActualZero":   {"higher", 85, 0, 0},    // 100 × 0/85
		"HigherTargetZero":   {"higher", 0, 0, 100},   // 0 ≥ 0: met
		"LowerFarOff":        {"lower", 10, 1000, 1},  // 100 × 10/1000
		"HigherJustUnderOne": {"higher", 100, 99.5, 99.5},
	} {
		t.Run(name, func(t *testing.T) {
			if got := bpo.Attainment(tc.better, tc.target, tc.actual); !near(got, tc.want) {
				t.Errorf("Attainment(%s, %v, %v) = %v, want %v", tc.better, tc.target, tc.actual, got, tc.want)
			}
		})
	}
}

// kpis are those of the worked examples: ASA lower-is-better with target
// 20 s and weight 30, CSAT higher-is-better with target 85 % and weight 20,
// QA higher-is-better with target 90 and weight 50.
var kpis = []*bpo.KPI{
	{ID: 1, Key: "asa", Better: "lower", Target: 20, Weight: 30},
	{ID: 2, Key: "csat", Better: "higher", Target: 85, Weight: 20},
	{ID: 3, Key: "qa", Better: "higher", Target: 90, Weight: 50},
}

func TestPeriodScore(t *testing.T) {
	for name, tc := range map[string]struct {
		actuals []bpo.Actual
		want    float64
		ok      bool
	}{
		// ASA 25 → 80, CSAT 68 → 80; QA has no figure, so it is left out:
		// (30×80 + 20×80) / (30 + 20) = 80.
		"QAMissing": {[]bpo.Actual{{KPIID: 1, Value: 25}, {KPIID: 2, Value: 68}}, 80, true},
		// ASA 22 → 100×20/22 = 90.909…, CSAT 85 → 100, QA 99 → 100:
		// (30×90.909… + 20×100 + 50×100) / 100 = 97.2727….
		"AllFigures": {[]bpo.Actual{{KPIID: 1, Value: 22}, {KPIID: 2, Value: 85}, {KPIID: 3, Value: 99}}, (30*100*20.0/22 + 2000 + 5000) / 100, true},
		// No figures is missing, not 100.
		"NoFigures": {nil, 0, false},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := bpo.PeriodScore(kpis, &bpo.Period{Actuals: tc.actuals})
			if ok != tc.ok || !near(got, tc.want) {
				t.Errorf("PeriodScore = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	t.Run("OnlyWeightlessFigures", func(t *testing.T) {
		k := []*bpo.KPI{{ID: 1, Better: "lower", Target: 1, Weight: 0}}
		if _, ok := bpo.PeriodScore(k, &bpo.Period{Actuals: []bpo.Actual{{KPIID: 1, Value: 5}}}); ok {
			t.Error("a period whose figures weigh nothing got a score")
		}
	})
}

func TestStanding(t *testing.T) {
	for name, tc := range map[string]struct {
		scores []*float64 // by period index, oldest first
		last   int        // the most recent period that has ended
		want   *float64   // nil: no standing
		band   bpo.Band
	}{
		// Decay, with a missing period: last = 3, so period 3 is p = 0
		// (f = 12/12), period 2 is p = 1 (f = 11/12), period 1 (no figures)
		// is p = 2 and is left out, period 0 is p = 3 (f = 9/12).
		// Σ s·f = 90×1 + 60×11/12 + 30×9/12 = 90 + 55 + 22.5 = 167.5;
		// Σ 100·f = 100 × (12 + 11 + 9)/12 = 266.666…;
		// standing = 100 × 167.5 / 266.666… = 62.8125: Average.
		"DecayWithMissingPeriod": {[]*float64{ptr(30), nil, ptr(60), ptr(90)}, 3, ptr(62.8125), bpo.BandAverage},
		// The same periods with period 1 wrongly counted as 100 would give
		// (167.5 + 100×10/12)/(266.666… + 100×10/12) = 71.59…: the missing
		// period must not pull the standing up.
		// Empty history: nothing entered, no standing (not 100).
		"EmptyHistory": {nil, 5, nil, ""},
		// No period has ended yet.
		"NothingEnded": {nil, -1, nil, ""},
		// Only missing periods: no standing.
		"AllMissing": {[]*float64{nil, nil, nil}, 2, nil, ""},
		// The 100 boundary: every period at 100 gives exactly 100, in the
		// top band.
		"AllPerfect": {[]*float64{ptr(100), ptr(100), ptr(100)}, 2, ptr(100), bpo.BandExcellent},
		// The most recent ended period is missing: period 0 at 80 is
		// p = 1, f = 11/12, so the standing is 80 × (11/12) / (11/12) = 80,
		// and 80 is the lower bound of Excellent.
		"LatestMissing": {[]*float64{ptr(80), nil}, 1, ptr(80), bpo.BandExcellent},
		// Thirteen periods: the oldest (p = 12) weighs (12 − 12)/12 = 0, so
		// its 0 does not count and the standing is 100.
		"ThirteenthWeighsNothing": {append([]*float64{ptr(0)}, repeat(100, 12)...), 12, ptr(100), bpo.BandExcellent},
		// Figures past the last ended period are not looked at: period 2
		// is running. Standing over period 1 (p = 0) = 40: Poor.
		"RunningPeriodIgnored": {[]*float64{nil, ptr(40), ptr(100)}, 1, ptr(40), bpo.BandPoor},
		// Two periods: 20 (p = 1) and 35 (p = 0):
		// (35×1 + 20×11/12) / (1 + 11/12) = (35 + 18.333…)/1.91666… = 27.826…: Very poor.
		"VeryPoor": {[]*float64{ptr(20), ptr(35)}, 1, ptr((35 + 20*11.0/12) / (1 + 11.0/12)), bpo.BandVeryPoor},
	} {
		t.Run(name, func(t *testing.T) {
			got := bpo.StandingOf(tc.scores, tc.last)
			switch {
			case tc.want == nil && got != nil:
				t.Fatalf("standing = %+v, want none", got)
			case tc.want == nil:
			case got == nil:
				t.Fatalf("no standing, want %v", *tc.want)
			case !near(got.Score, *tc.want) || got.Band != tc.band:
				t.Errorf("standing = %v %s, want %v %s", got.Score, got.Band, *tc.want, tc.band)
			}
		})
	}
}

func repeat(v float64, n int) []*float64 {
	out := make([]*float64, n)
	for i := range out {
		out[i] = ptr(v)
	}
	return out
}

// TestBands: lower bounds inclusive, the top band includes 100.
func TestBands(t *testing.T) {
	for score, want := range map[float64]bpo.Band{
		0: bpo.BandVeryPoor, 29.999: bpo.BandVeryPoor, 30: bpo.BandPoor, 49.999: bpo.BandPoor,
		50: bpo.BandAverage, 79.999: bpo.BandAverage, 80: bpo.BandExcellent, 100: bpo.BandExcellent,
	} {
		if got := bpo.BandOf(score); got != want {
			t.Errorf("BandOf(%v) = %s, want %s", score, got, want)
		}
	}
	if !bpo.BandPoor.Warns() || !bpo.BandVeryPoor.Warns() || bpo.BandAverage.Warns() || bpo.BandExcellent.Warns() {
		t.Error("only Poor and Very poor warn")
	}
}

func TestPeriods(t *testing.T) {
	for name, tc := range map[string]struct {
		start  string
		length bpo.PeriodLength
		i      int
		want   string
	}{
		"FirstMonth":        {"2026-01-01", bpo.Monthly, 0, "2026-01-01"},
		"NextYear":          {"2026-01-01", bpo.Monthly, 12, "2027-01-01"},
		"ThirtyFirstInFeb":  {"2026-01-31", bpo.Monthly, 1, "2026-02-28"},
		"ThirtyFirstInMar":  {"2026-01-31", bpo.Monthly, 2, "2026-03-31"},
		"QuarterlyFourth":   {"2026-01-01", bpo.Quarterly, 3, "2026-10-01"},
		"QuarterlyMidMonth": {"2026-11-15", bpo.Quarterly, 1, "2027-02-15"},
	} {
		t.Run(name, func(t *testing.T) {
			got := bpo.PeriodStart(day(tc.start), tc.length, tc.i)
			if got.Format(time.DateOnly) != tc.want {
				t.Errorf("PeriodStart = %s, want %s", got.Format(time.DateOnly), tc.want)
			}
			if back := bpo.PeriodIndex(day(tc.start), tc.length, got); back != tc.i {
				t.Errorf("PeriodIndex(%s) = %d, want %d", tc.want, back, tc.i)
			}
			if before := bpo.PeriodIndex(day(tc.start), tc.length, got.AddDate(0, 0, -1)); before != tc.i-1 {
				t.Errorf("PeriodIndex(the day before) = %d, want %d", before, tc.i-1)
			}
		})
	}
}

// TestLastEnded: on 1 December the December period (index 11 of a
// contract starting in January) is running, so November (10) is p = 0.
func TestLastEnded(t *testing.T) {
	c := &bpo.Contract{Start: day("2026-01-01"), Length: bpo.Monthly, Status: bpo.ContractActive}
	if got := c.LastEnded(day("2026-12-01")); got != 10 {
		t.Errorf("LastEnded = %d, want 10", got)
	}
	if got := c.LastEnded(day("2025-12-31")); got != -2 && got >= 0 {
		t.Errorf("LastEnded before the start = %d, want < 0", got)
	}
	ended := day("2026-06-10")
	c.Status, c.EndedOn = bpo.ContractEnded, &ended
	if got := c.LastEnded(day("2026-12-01")); got != 5 {
		t.Errorf("LastEnded of a contract ended in June = %d, want 5", got)
	}
}

func TestCheckPeriodOpen(t *testing.T) {
	today := day("2026-03-15")
	c := &bpo.Contract{Start: day("2026-01-01"), Length: bpo.Monthly, Status: bpo.ContractActive}
	for name, tc := range map[string]struct {
		period int
		ok     bool
	}{
		"First": {0, true}, "Running": {2, true}, "Future": {3, false}, "BeforeStart": {-1, false},
	} {
		t.Run(name, func(t *testing.T) {
			if err := bpo.CheckPeriodOpen(c, tc.period, today); (err == nil) != tc.ok {
				t.Errorf("CheckPeriodOpen(%d) = %v, want ok %v", tc.period, err, tc.ok)
			}
		})
	}
	c.Status = bpo.ContractEnded
	if err := bpo.CheckPeriodOpen(c, 0, today); bpo.ErrorCode(err) != bpo.EINVALID {
		t.Errorf("figures for an ended contract: %v, want refused", err)
	}
}

func TestValidateKPIs(t *testing.T) {
	field := func(name string, row int) string { return name }
	ok := bpo.KPIInput{Key: "asa", NameEN: "ASA", Better: "lower", Target: 20, Weight: 10}
	for name, tc := range map[string]struct {
		kpis  []bpo.KPIInput
		field string // "" when valid
	}{
		"Valid":          {[]bpo.KPIInput{ok}, ""},
		"WeightSumZero":  {[]bpo.KPIInput{{Key: "asa", NameEN: "ASA", Better: "lower", Target: 20}}, "kpis"},
		"NegativeWeight": {[]bpo.KPIInput{ok, {Key: "b", NameEN: "B", Better: "higher", Target: 1, Weight: -1}}, "weight"},
		"NaNTarget":      {[]bpo.KPIInput{{Key: "asa", NameEN: "ASA", Better: "lower", Target: math.NaN(), Weight: 1}}, "target"},
		"DuplicateKey":   {[]bpo.KPIInput{ok, ok}, "key"},
		"BadDirection":   {[]bpo.KPIInput{{Key: "asa", NameEN: "ASA", Better: "up", Target: 1, Weight: 1}}, "better"},
	} {
		t.Run(name, func(t *testing.T) {
			err := bpo.ValidateKPIs(tc.kpis, field)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, isErr := err.(*bpo.Error)
			if !isErr || e.Code != bpo.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Errorf("err = %#v, want a problem with %s", err, tc.field)
			}
		})
	}
}

func TestValidateActuals(t *testing.T) {
	c := &bpo.Contract{KPIs: kpis}
	for name, tc := range map[string]struct {
		value float64
		kpi   int64
		ok    bool
	}{
		"Zero": {0, 1, true}, "Positive": {22.5, 1, true}, "Negative": {-1, 1, false},
		"Inf": {math.Inf(1), 1, false}, "NaN": {math.NaN(), 1, false}, "UnknownKPI": {3, 99, false},
	} {
		t.Run(name, func(t *testing.T) {
			err := bpo.ValidateActuals(c, []bpo.ActualInput{{KPIID: tc.kpi, Value: ptr(tc.value)}})
			if (err == nil) != tc.ok {
				t.Errorf("ValidateActuals(%v) = %v, want ok %v", tc.value, err, tc.ok)
			}
		})
	}
}
