package scoring_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// decode decodes a model that the test expects to be well formed.
func decode(t testing.TB, model string) *scoring.Model {
	t.Helper()
	m, err := scoring.Decode(strings.NewReader(model))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return m
}

// evaluate decodes and scores a model that the test expects to be valid.
func evaluate(t testing.TB, model string) *scoring.Result {
	t.Helper()
	res, err := scoring.Evaluate(decode(t, model))
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return res
}

// ranking summarises the vendors as "key:rank" in result order, "key:-"
// for a vendor that is not ranked.
func ranking(res *scoring.Result) string {
	parts := make([]string, len(res.Vendors))
	for i, v := range res.Vendors {
		parts[i] = fmt.Sprintf("%s:%d", v.Key, v.Rank)
		if v.Rank == 0 {
			parts[i] = v.Key + ":-"
		}
		if !v.Eligible {
			parts[i] += "(out)"
		}
	}
	return strings.Join(parts, " ")
}

// decision summarises the recommendation as "decision vendor runner-up margin".
func decision(res *scoring.Result) string {
	r := res.Recommendation
	margin := "null"
	if r.Margin != nil {
		margin = fmt.Sprint(*r.Margin)
	}
	return fmt.Sprintf("%s vendor=%q runner_up=%q margin=%s", r.Decision, r.Vendor, r.RunnerUp, margin)
}

// codes lists the reason codes in order.
func codes(res *scoring.Result) string {
	var cs []string
	for _, r := range res.Recommendation.Reasons {
		cs = append(cs, string(r.Code))
	}
	return strings.Join(cs, " ")
}

// leaf returns a vendor's result on a leaf.
func leaf(t testing.TB, res *scoring.Result, vendor, criterion string) scoring.CriterionResult {
	t.Helper()
	v := res.Vendor(vendor)
	if v == nil {
		t.Fatalf("no vendor %q in the result", vendor)
	}
	for _, c := range v.Criteria {
		if c.Key == criterion {
			return c
		}
	}
	t.Fatalf("vendor %q has no criterion %q", vendor, criterion)
	return scoring.CriterionResult{}
}

// sensitivity returns the sensitivity entry of a leaf as "flip→leader", or
// "none", or "absent" when the leaf has no entry.
func sensitivity(res *scoring.Result, criterion string) string {
	for _, s := range res.Sensitivity {
		if s.Criterion == criterion {
			if s.FlipWeight == nil {
				return "none"
			}
			return fmt.Sprintf("%.6f→%s", *s.FlipWeight, s.NewLeader)
		}
	}
	return "absent"
}

// near reports whether two floats agree to within tol.
func near(a, b, tol float64) bool {
	d := a - b
	return d <= tol && d >= -tol
}
