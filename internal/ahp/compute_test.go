package ahp_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/ahp"
)

// A group's matrix is the geometric mean of its people's judgments, pair
// by pair over those who judged the pair, and each person gets the CR of
// their own judgments, completed where they left pairs out.
func TestGroupAggregatesByGeometricMean(t *testing.T) {
	items := []string{"x", "y", "z"}
	in := ahp.Input{Items: items, Judgments: []ahp.Judgment{
		{A: "x", B: "y", Value: 4, By: "alice"}, {A: "x", B: "z", Value: 1.0 / 4, By: "alice"}, {A: "y", B: "z", Value: 4, By: "alice"},
		{A: "y", B: "x", Value: 1, By: "bob"}, {A: "x", B: "z", Value: 1, By: "bob"},
		{A: "z", B: "y", Value: 2, By: "carol"},
	}}
	res := mustCompute(t, in)
	// x/y: √(4·1) = 2; x/z: √(¼·1) = ½; y/z: √(4·½).
	mean := mustCompute(t, ahp.Input{Items: items, Judgments: []ahp.Judgment{
		{A: "x", B: "y", Value: 2}, {A: "x", B: "z", Value: 0.5}, {A: "y", B: "z", Value: math.Sqrt(2)},
	}})
	for i := range items {
		if math.Abs(res.Weights[i]-mean.Weights[i]) > 1e-12 {
			t.Errorf("weight of %s = %v, want %v", items[i], res.Weights[i], mean.Weights[i])
		}
	}
	if len(res.People) != 3 {
		t.Fatalf("people %+v, want alice, bob, carol", res.People)
	}
	alice := mustCompute(t, ahp.Input{Items: items, Judgments: in.Judgments[:3]})
	if p := res.People[0]; p.Name != "alice" || math.Abs(p.CR-alice.CR) > 1e-12 || p.Consistent != alice.Consistent || p.CR <= 0.10 {
		t.Errorf("alice %+v, want CR %v (inconsistent)", p, alice.CR)
	}
	// Bob compared x with y and z but not y with z: completed, consistently.
	if p := res.People[1]; p.Name != "bob" || p.CR != 0 || !p.Consistent {
		t.Errorf("bob %+v, want CR 0", p)
	}
	// Carol compared two items only.
	if p := res.People[2]; p.Name != "carol" || len(p.Items) != 2 || p.CR != 0 {
		t.Errorf("carol %+v, want CR 0 over y and z", p)
	}
}

// On random reciprocal matrices the weights are the principal eigenvector
// (A·w = λmax·w), λmax ≥ n, and a completed entry is a minimum of λmax:
// moving it either way does not lower λmax.
func TestRandomMatricesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scale := []float64{1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1, 2, 3, 5, 7, 9}
	for trial := range 60 {
		n := 3 + trial%13
		items := make([]string, n)
		for i := range items {
			items[i] = string(rune('a' + i))
		}
		var in ahp.Input
		in.Items = items
		a := make([][]float64, n)
		for i := range a {
			a[i] = make([]float64, n)
			a[i][i] = 1
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				// A path keeps the graph connected; other pairs are dropped
				// at random in half of the trials.
				if j != i+1 && trial%2 == 1 && rng.IntN(3) == 0 {
					continue
				}
				v := scale[rng.IntN(len(scale))]
				in.Judgments = append(in.Judgments, ahp.Judgment{A: items[i], B: items[j], Value: v})
				a[i][j], a[j][i] = v, 1/v
			}
		}
		res := mustCompute(t, in)
		for _, p := range res.Completed {
			i, j := strings.Index("abcdefghijklmno", p.A), strings.Index("abcdefghijklmno", p.B)
			a[i][j], a[j][i] = p.Value, 1/p.Value
		}
		lambda := eigenResidual(t, a, res.Weights)
		if res.LambdaMax < float64(n) || math.Abs(lambda-res.LambdaMax) > 1e-9*lambda {
			t.Errorf("trial %d: λmax %v, Rayleigh %v", trial, res.LambdaMax, lambda)
		}
		for _, p := range res.Completed {
			i, j := strings.Index("abcdefghijklmno", p.A), strings.Index("abcdefghijklmno", p.B)
			for _, f := range []float64{1.001, 1 / 1.001} {
				a[i][j], a[j][i] = p.Value*f, 1/(p.Value*f)
				if got := powerLambda(a); got < res.LambdaMax-1e-10 {
					t.Errorf("trial %d: moving %s|%s by %v lowers λmax from %v to %v", trial, p.A, p.B, f, res.LambdaMax, got)
				}
			}
			a[i][j], a[j][i] = p.Value, 1/p.Value
		}
	}
}

// powerLambda is λmax by a plain power iteration, independent of the
// package's own.
func powerLambda(a [][]float64) float64 {
	n := len(a)
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	lambda := 0.0
	for range 5000 {
		next := make([]float64, n)
		lambda = 0
		for i := range n {
			for j := range n {
				next[i] += a[i][j] * w[j]
			}
			lambda += next[i]
		}
		for i := range next {
			next[i] /= lambda
		}
		w = next
	}
	return lambda
}

// eigenResidual checks A·w = λ·w and returns λ.
func eigenResidual(t *testing.T, a [][]float64, w []float64) float64 {
	t.Helper()
	lambda := 0.0
	for i := range a {
		for j := range a {
			lambda += a[i][j] * w[j]
		}
	}
	for i := range a {
		s := 0.0
		for j := range a {
			s += a[i][j] * w[j]
		}
		if math.Abs(s-lambda*w[i]) > 1e-10 {
			t.Fatalf("row %d: (A·w) = %v, λ·w = %v", i, s, lambda*w[i])
		}
	}
	return lambda
}

func TestSmallMatrices(t *testing.T) {
	one := mustCompute(t, ahp.Input{Items: []string{"only"}})
	if one.Weights[0] != 1 || one.LambdaMax != 1 || one.CR != 0 || !one.Consistent {
		t.Errorf("one item: %+v", one)
	}
	two := mustCompute(t, ahp.Input{Items: []string{"p", "q"}, Judgments: []ahp.Judgment{{A: "q", B: "p", Value: 3}}})
	if math.Abs(two.Weights[0]-0.25) > 1e-15 || math.Abs(two.Weights[1]-0.75) > 1e-15 || two.CR != 0 || two.LambdaMax != 2 {
		t.Errorf("two items: %+v", two)
	}
}

func TestRandomIndex(t *testing.T) {
	for n, want := range map[int]float64{1: 0, 2: 0, 3: 0.58, 4: 0.90, 5: 1.12, 9: 1.45, 12: 1.48, 15: 1.59, 16: 0} {
		if got := ahp.RandomIndex(n); got != want {
			t.Errorf("RI(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestInputErrors(t *testing.T) {
	abc := []string{"a", "b", "c"}
	j := func(a, b string, v float64, by string) ahp.Judgment {
		return ahp.Judgment{A: a, B: b, Value: v, By: by}
	}
	for name, tc := range map[string]struct {
		in   ahp.Input
		want string
	}{
		"NoItems":         {ahp.Input{}, "items: at least one item"},
		"TooMany":         {ahp.Input{Items: strings.Split("a b c d e f g h i j k l m n o p", " ")}, "items: 16 items given; at most 15"},
		"EmptyItem":       {ahp.Input{Items: []string{"a", ""}}, "items[1]: an item needs a name"},
		"ItemTwice":       {ahp.Input{Items: []string{"a", "b", "a"}}, `items[2]: "a" is listed twice`},
		"UnknownItem":     {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "z", 2, "")}}, `judgments[0] ("a" vs "z"): "z" is not one of the items`},
		"Self":            {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("b", "b", 1, "")}}, `judgments[0] ("b" vs "b"): an item cannot be compared with itself`},
		"TooLarge":        {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", 10, "")}}, `judgments[0] ("a" vs "b"): value 10 is outside Saaty's scale`},
		"TooSmall":        {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", 0.11, "")}}, `value 0.11 is outside`},
		"Zero":            {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", 0, "")}}, `value 0 is outside`},
		"NaN":             {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", math.NaN(), "")}}, `value NaN is not a finite number`},
		"Inf":             {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", math.Inf(1), "")}}, `value +Inf is not a finite number`},
		"PairTwice":       {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", 2, ""), j("b", "c", 2, ""), j("b", "a", 0.5, "")}}, `judgments[2] ("b" vs "a"): this pair is already judged in judgments[0]`},
		"PairTwiceByOne":  {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", 2, "al"), j("a", "b", 3, "bo"), j("a", "b", 2, "al")}}, `judgments[2] ("a" vs "b"): this pair is already judged by al in judgments[0]`},
		"ByMissing":       {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "b", 2, ""), j("b", "c", 2, "al")}}, `judgments[0] ("a" vs "b"): "by" is missing, while judgments[1] names who judged`},
		"Unconnected":     {ahp.Input{Items: []string{"a", "b", "c", "d"}, Judgments: []ahp.Judgment{j("a", "b", 2, ""), j("c", "d", 2, "")}}, `judgments: the judgments do not connect "c", "d" to "a", "b"`},
		"NoJudgments":     {ahp.Input{Items: abc}, `judgments: the judgments do not connect "b", "c" to "a"`},
		"PersonCut":       {ahp.Input{Items: []string{"a", "b", "c", "d"}, Judgments: []ahp.Judgment{j("a", "b", 2, "al"), j("c", "d", 2, "al"), j("b", "c", 2, "bo")}}, `judgments: by al: the judgments do not connect "c", "d" to "a", "b"`},
		"SeveralProblems": {ahp.Input{Items: abc, Judgments: []ahp.Judgment{j("a", "x", 2, ""), j("a", "b", 20, "")}}, "judgments[0] (\"a\" vs \"x\"): \"x\" is not one of the items\njudgments[1] (\"a\" vs \"b\"): value 20"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ahp.Compute(tc.in)
			if _, ok := err.(*ahp.InputError); !ok || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want an InputError with %q", err, tc.want)
			}
		})
	}
}

// The scale's bounds hold as written in a file: 1/9 to ten digits is 1/9.
func TestBoundsAsWritten(t *testing.T) {
	for _, v := range []float64{1.0 / 9, 0.1111111111, 9} {
		if _, err := ahp.Compute(ahp.Input{Items: []string{"a", "b"}, Judgments: []ahp.Judgment{{A: "a", B: "b", Value: v}}}); err != nil {
			t.Errorf("value %v: %v", v, err)
		}
	}
}
