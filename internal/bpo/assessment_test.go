package bpo_test

import (
	"math/rand"
	"testing"
	"testing/quick"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// everyActivity lists every combination of the four ratings.
func everyActivity() []bpo.Activity {
	var out []bpo.Activity
	for cx := bpo.RatingLow; cx <= bpo.RatingHigh; cx++ {
		for d := bpo.RatingLow; d <= bpo.RatingHigh; d++ {
			for r := bpo.RatingLow; r <= bpo.RatingHigh; r++ {
				for c := bpo.RatingLow; c <= bpo.RatingHigh; c++ {
					out = append(out, bpo.Activity{CXInfluence: cx, Differentiation: d, Risk: r, Codifiability: c})
				}
			}
		}
	}
	return out
}

// rank orders verdicts from most to least outsourceable.
var rank = map[bpo.Verdict]int{bpo.VerdictOutsource: 0, bpo.VerdictOversight: 1, bpo.VerdictInHouse: 2}

// TestSuitabilityNeverOutsourcesHighCXOrRisk is the rule the product
// promises: high CX influence or high risk is never "outsource".
func TestSuitabilityNeverOutsourcesHighCXOrRisk(t *testing.T) {
	for _, a := range everyActivity() {
		if (a.CXInfluence >= bpo.HighFrom || a.Risk >= bpo.HighFrom) && bpo.Suitable(a).Verdict == bpo.VerdictOutsource {
			t.Errorf("%+v: outsource", a)
		}
	}
}

// TestSuitabilityMonotone: more CX influence, differentiation or risk never
// makes an activity more outsourceable; better codifiability never less.
func TestSuitabilityMonotone(t *testing.T) {
	bump := []func(*bpo.Activity) *int{
		func(a *bpo.Activity) *int { return &a.CXInfluence },
		func(a *bpo.Activity) *int { return &a.Differentiation },
		func(a *bpo.Activity) *int { return &a.Risk },
	}
	for _, a := range everyActivity() {
		before := rank[bpo.Suitable(a).Verdict]
		for i, f := range bump {
			b := a
			if p := f(&b); *p < bpo.RatingHigh {
				*p++
				if after := rank[bpo.Suitable(b).Verdict]; after < before {
					t.Errorf("%+v: raising rating %d moved it from %d to %d", a, i, before, after)
				}
			}
		}
		if b := a; b.Codifiability < bpo.RatingHigh {
			b.Codifiability++
			if after := rank[bpo.Suitable(b).Verdict]; after > before {
				t.Errorf("%+v: better codifiability moved it from %d to %d", a, before, after)
			}
		}
	}
}

// TestSuitabilityReasons: every verdict comes with a reason in words, and
// a verdict short of "outsource" names what decided it.
func TestSuitabilityReasons(t *testing.T) {
	prop := func(cx, d, r, c uint8) bool {
		a := bpo.Activity{CXInfluence: 1 + int(cx)%5, Differentiation: 1 + int(d)%5, Risk: 1 + int(r)%5, Codifiability: 1 + int(c)%5}
		s := bpo.Suitable(a)
		if len(s.Reasons) == 0 {
			return false
		}
		if s.Verdict == bpo.VerdictOutsource {
			return s.Reasons[0].Key == "suitability.reason.none_high"
		}
		return s.Reasons[0].Key != "suitability.reason.none_high"
	}
	cfg := &quick.Config{MaxCount: 2000, Rand: rand.New(rand.NewSource(18))}
	if err := quick.Check(prop, cfg); err != nil {
		t.Error(err)
	}
}

func TestSuitabilityExamples(t *testing.T) {
	for name, tc := range map[string]struct {
		a    bpo.Activity
		want bpo.Verdict
	}{
		// Collections, data analysis, claims processing: little influence
		// on customer experience, measurable: outsource.
		"Collections": {bpo.Activity{CXInfluence: 2, Differentiation: 1, Risk: 3, Codifiability: 5}, bpo.VerdictOutsource},
		// Inbound support shapes what customers feel, but is measurable.
		"InboundSupport": {bpo.Activity{CXInfluence: 4, Differentiation: 3, Risk: 2, Codifiability: 4}, bpo.VerdictOversight},
		// Payroll carries data risk; its quality is measurable.
		"Payroll": {bpo.Activity{CXInfluence: 1, Differentiation: 1, Risk: 5, Codifiability: 5}, bpo.VerdictOversight},
		// Premium advisory: high influence and hard to codify.
		"Advisory": {bpo.Activity{CXInfluence: 5, Differentiation: 3, Risk: 2, Codifiability: 2}, bpo.VerdictInHouse},
		// What sets the company apart stays in-house.
		"Differentiating": {bpo.Activity{CXInfluence: 1, Differentiation: 5, Risk: 1, Codifiability: 5}, bpo.VerdictInHouse},
		// High influence and high risk together.
		"ComplaintsRegulated": {bpo.Activity{CXInfluence: 4, Differentiation: 2, Risk: 4, Codifiability: 5}, bpo.VerdictInHouse},
		// Hard to codify alone calls for oversight.
		"HardToMeasure": {bpo.Activity{CXInfluence: 2, Differentiation: 2, Risk: 2, Codifiability: 1}, bpo.VerdictOversight},
	} {
		t.Run(name, func(t *testing.T) {
			if got := bpo.Suitable(tc.a).Verdict; got != tc.want {
				t.Errorf("Suitable(%+v) = %s, want %s", tc.a, got, tc.want)
			}
		})
	}
}

func TestAssessmentValidate(t *testing.T) {
	in := bpo.AssessmentInput{Title: "Payroll", Activities: []bpo.Activity{{Name: "Payroll", CXInfluence: 1, Differentiation: 1, Risk: 5, Codifiability: 6}}}
	err := in.Validate()
	e, ok := err.(*bpo.Error)
	if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "codifiability_0" {
		t.Errorf("err = %#v, want codifiability_0 out of range", err)
	}
}
