package ahp_test

import (
	"math/rand/v2"
	"testing"

	"github.com/bpoeval/bpoeval/internal/ahp"
)

// benchInput returns 15 items with judgments drawn from Saaty's scale;
// keep says which pairs beyond the path a–b–c–… are judged.
func benchInput(seed uint64, keep func(i, j int) bool) ahp.Input {
	rng := rand.New(rand.NewPCG(7, seed))
	scale := []float64{1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1, 2, 3, 5, 7, 9}
	in := ahp.Input{}
	for i := range ahp.MaxItems {
		in.Items = append(in.Items, string(rune('a'+i)))
	}
	for i := range ahp.MaxItems {
		for j := i + 1; j < ahp.MaxItems; j++ {
			if j == i+1 || keep(i, j) {
				in.Judgments = append(in.Judgments, ahp.Judgment{A: in.Items[i], B: in.Items[j], Value: scale[rng.IntN(len(scale))]})
			}
		}
	}
	return in
}

// BenchmarkComplete15 is the budget of DESIGN.md: 15 items, every pair
// judged, at most 1 ms.
func BenchmarkComplete15(b *testing.B) {
	in := benchInput(15, func(int, int) bool { return true })
	for b.Loop() {
		if _, err := ahp.Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIncomplete15 leaves a third of the pairs to the completion.
func BenchmarkIncomplete15(b *testing.B) {
	in := benchInput(15, func(i, j int) bool { return (i+j)%3 != 0 })
	for b.Loop() {
		if _, err := ahp.Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGroup15 is five people each judging every pair of 15 items.
func BenchmarkGroup15(b *testing.B) {
	var in ahp.Input
	for p, name := range []string{"p1", "p2", "p3", "p4", "p5"} {
		one := benchInput(uint64(p), func(int, int) bool { return true })
		in.Items = one.Items
		for _, j := range one.Judgments {
			j.By = name
			in.Judgments = append(in.Judgments, j)
		}
	}
	for b.Loop() {
		if _, err := ahp.Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}
