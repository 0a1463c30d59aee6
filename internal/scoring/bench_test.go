package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// benchModel is a complete evaluation and the most work per vendor: 40
// rated leaves in four categories, each rated by all ten evaluators.
func benchModel(tb testing.TB, vendors int) *scoring.Model {
	m := randomModel(rand.New(rand.NewPCG(42, 1)), shape{vendors: vendors, evaluators: 10, leaves: 40, complete: true, allRated: true})
	if _, err := scoring.Evaluate(m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchmarkEvaluate is the size the issue budgets for: 50 vendors × 40
// criteria × 10 evaluators, sensitivity included, in at most 2 ms.
func BenchmarkEvaluate(b *testing.B) {
	m := benchModel(b, 50)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scoring.Evaluate(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateVendors shows how the time grows with the number of
// vendors (40 criteria, 10 evaluators).
func BenchmarkEvaluateVendors(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("vendors=%d", n), func(b *testing.B) {
			m := benchModel(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scoring.Evaluate(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
