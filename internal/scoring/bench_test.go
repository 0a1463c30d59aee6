package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// benchModel is a complete evaluation and the most work per vendor: 40
// rated leaves in four categories, each rated by all ten evaluators. The
// robustness analysis is off unless samples > 0.
func benchModel(tb testing.TB, vendors, samples int) *scoring.Model {
	m := randomModel(rand.New(rand.NewPCG(42, 1)), shape{vendors: vendors, evaluators: 10, leaves: 40, complete: true, allRated: true})
	m.Options.Robustness = &scoring.Robustness{Samples: &samples}
	if _, err := scoring.Evaluate(m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func benchEvaluate(b *testing.B, m *scoring.Model) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scoring.Evaluate(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate is the size the issue budgets for: 50 vendors × 40
// criteria × 10 evaluators, sensitivity included, without the robustness
// analysis, in at most 1 ms.
func BenchmarkEvaluate(b *testing.B) {
	benchEvaluate(b, benchModel(b, 50, 0))
}

// BenchmarkEvaluateRobustness is the same model with the robustness
// analysis at its default 2,000 samples: at most 5 ms.
func BenchmarkEvaluateRobustness(b *testing.B) {
	benchEvaluate(b, benchModel(b, 50, scoring.DefaultSamples))
}

// BenchmarkRankReversal is 40 vendors on 40 criteria of which ten are
// measured with the relative formula, each with a different vendor holding
// the best figure: ten vendors to rescore without, the most work rule 12
// can take for ten relative leaves. At most 5 ms.
func BenchmarkRankReversal(b *testing.B) {
	m := benchModel(b, 40, 0)
	for c := range 10 {
		key := fmt.Sprintf("price%d", c)
		slot := &m.Criteria[c%4].Children[c/4]
		for i := range m.Vendors {
			for _, rs := range m.Vendors[i].Ratings {
				delete(rs, slot.Key)
			}
			delete(m.Vendors[i].Consensus, slot.Key)
			if m.Vendors[i].Metrics == nil {
				m.Vendors[i].Metrics = map[string]float64{}
			}
			// Vendor c is the cheapest on price c.
			m.Vendors[i].Metrics[key] = 1000 + float64((i-c+40)%40)*25
		}
		*slot = scoring.Criterion{Key: key, Weight: 10, Metric: &scoring.Metric{Better: scoring.Lower}}
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d rank reversals", len(res.RankReversals))
	benchEvaluate(b, m)
}

// BenchmarkEvaluateVendors shows how the time grows with the number of
// vendors (40 criteria, 10 evaluators, no robustness analysis).
func BenchmarkEvaluateVendors(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("vendors=%d", n), func(b *testing.B) {
			benchEvaluate(b, benchModel(b, n, 0))
		})
	}
}

// TestRobustnessAllocatesNothingPerSample: the sampling loop reuses its
// buffers, so an evaluation allocates as much with 2,000 samples as with 20.
func TestRobustnessAllocatesNothingPerSample(t *testing.T) {
	allocs := func(samples int) float64 {
		m := benchModel(t, 20, samples)
		return testing.AllocsPerRun(5, func() {
			if _, err := scoring.Evaluate(m); err != nil {
				t.Fatal(err)
			}
		})
	}
	if few, many := allocs(20), allocs(2000); many != few {
		t.Errorf("%v allocations with 2,000 samples, %v with 20", many, few)
	}
}
