package bpo_test

import (
	"math"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestFigureProblem: a figure the scoring cannot place is refused before
// it is stored, with the reason; anchors let any finite figure in.
func TestFigureProblem(t *testing.T) {
	best, worst := 50.0, -20.0
	lower := &bpo.Criterion{Better: "lower"}
	higher := &bpo.Criterion{Better: "higher"}
	anchored := &bpo.Criterion{Better: "higher", Best: &best, Worst: &worst}
	for name, tc := range map[string]struct {
		c    *bpo.Criterion
		v    float64
		want string
	}{
		"lower, positive":         {lower, 2100, ""},
		"lower, zero":             {lower, 0, "error.figure.above_zero"},
		"lower, negative":         {lower, -1, "error.figure.above_zero"},
		"higher, zero":            {higher, 0, ""},
		"higher, negative":        {higher, -0.5, "error.figure.not_negative"},
		"anchored, negative":      {anchored, -12, ""},
		"anchored, not finite":    {anchored, math.Inf(1), "error.field.number"},
		"lower, beyond the range": {lower, 1e13, "error.field.number"},
	} {
		if got := tc.c.FigureProblem(tc.v); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}
