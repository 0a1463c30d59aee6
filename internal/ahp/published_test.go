package ahp_test

import (
	"math"
	"testing"

	"github.com/bpoeval/bpoeval/internal/ahp"
)

// complete builds the judgments of a full matrix given by its upper
// triangle, row by row: upper[i][k] is a_{i,i+1+k}.
func complete(items []string, upper [][]float64) ahp.Input {
	in := ahp.Input{Items: items}
	for i, row := range upper {
		for k, v := range row {
			in.Judgments = append(in.Judgments, ahp.Judgment{A: items[i], B: items[i+1+k], Value: v})
		}
	}
	return in
}

func mustCompute(t *testing.T, in ahp.Input) *ahp.Result {
	t.Helper()
	res, err := ahp.Compute(in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return res
}

func checkWeights(t *testing.T, res *ahp.Result, want map[string]float64, tol float64) {
	t.Helper()
	sum := 0.0
	for _, w := range res.Weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v, want 1", sum)
	}
	for item, w := range want {
		got, ok := res.Weight(item)
		if !ok || math.Abs(got-w) > tol {
			t.Errorf("weight of %s = %.6f, want %.6f ± %g", item, got, w, tol)
		}
	}
}

// The criteria of the "choosing a leader" example of Wikipedia's AHP
// article (en.wikipedia.org/wiki/Analytic_hierarchy_process_–_leader_example,
// also in the AHPy README): weights .547, .127, .270, .056 and a
// consistency ratio of 0.044.
func TestLeaderExample(t *testing.T) {
	items := []string{"Experience", "Education", "Charisma", "Age"}
	res := mustCompute(t, complete(items, [][]float64{{4, 3, 7}, {1.0 / 3, 3}, {5}}))
	checkWeights(t, res, map[string]float64{"Experience": 0.547, "Education": 0.127, "Charisma": 0.270, "Age": 0.056}, 0.0006)
	if math.Abs(res.CR-0.044) > 0.0005 || !res.Consistent {
		t.Errorf("CR = %v (consistent %v), want 0.044, consistent", res.CR, res.Consistent)
	}
	if got, want := res.CI, (res.LambdaMax-4)/3; math.Abs(got-want) > 1e-15 {
		t.Errorf("CI = %v, want (λmax − n)/(n − 1) = %v", got, want)
	}
	if len(res.Completed) != 0 {
		t.Errorf("completed %v for a complete matrix", res.Completed)
	}
}

// Saaty's relative consumption of drinks in the United States, from
// "Decision making with the analytic hierarchy process", Int. J. Services
// Sciences 1(1), 2008, p. 88: weights .177, .019, .042, .116, .190, .129,
// .327 and CR 0.022.
func TestSaatyDrinksExample(t *testing.T) {
	items := []string{"coffee", "wine", "tea", "beer", "soda", "milk", "water"}
	res := mustCompute(t, complete(items, [][]float64{
		{9, 5, 2, 1, 1, 0.5},
		{1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9},
		{1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9},
		{0.5, 1, 1.0 / 3},
		{2, 0.5},
		{1.0 / 3},
	}))
	checkWeights(t, res, map[string]float64{"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "soda": 0.190, "milk": 0.129, "water": 0.327}, 0.0006)
	if math.Abs(res.CR-0.022) > 0.0005 {
		t.Errorf("CR = %v, want 0.022", res.CR)
	}
}

// The fuel economy of four cars in Haas and Meixner, "An Illustrated Guide
// to the Analytic Hierarchy Process" (also AHPy's tests): 34, 27, 24 and 28
// miles per gallon, compared by their ratios, a perfectly consistent matrix
// whose weights are the normalised figures 0.3009, 0.2389, 0.2124, 0.2478.
func TestConsistentFuelEconomyExample(t *testing.T) {
	items := []string{"civic", "saturn", "escort", "clio"}
	mpg := []float64{34, 27, 24, 28}
	var upper [][]float64
	for i := range mpg {
		var row []float64
		for j := i + 1; j < len(mpg); j++ {
			row = append(row, mpg[i]/mpg[j])
		}
		upper = append(upper, row)
	}
	res := mustCompute(t, complete(items, upper))
	want := map[string]float64{}
	for i, it := range items {
		want[it] = mpg[i] / 113
	}
	checkWeights(t, res, want, 1e-14)
	checkWeights(t, res, map[string]float64{"civic": 0.3009, "saturn": 0.2389, "escort": 0.2124, "clio": 0.2478}, 0.00005)
	if res.LambdaMax != 4 || res.CI != 0 || res.CR != 0 || !res.Consistent {
		t.Errorf("λmax %v, CI %v, CR %v, consistent %v; want 4, 0, 0, true", res.LambdaMax, res.CI, res.CR, res.Consistent)
	}

	// The same with two ratios left out: the completion finds them exactly.
	in := complete(items, upper)
	in.Judgments = in.Judgments[1:5]
	res = mustCompute(t, in)
	checkWeights(t, res, want, 1e-12)
	if res.CR != 0 || len(res.Completed) != 2 {
		t.Errorf("CR %v, completed %v; want 0 and two pairs", res.CR, res.Completed)
	}
	for _, p := range res.Completed {
		if math.Abs(p.Value-p.Implied) > 1e-12 {
			t.Errorf("%s|%s completed as %v, want the ratio %v", p.A, p.B, p.Value, p.Implied)
		}
	}
}

// The 4×4 example of AHPy's README (section "Missing Pairwise
// Comparisons", after Bozóki, Fülöp and Rónyai, "On optimal completion of
// incomplete pairwise comparison matrices", Mathematical and Computer
// Modelling 52, 2010) with the c/d judgment removed: c|d is completed as
// 0.7303 (exactly √(8/15)), the weights are a .3738, b .3920, c .0985,
// d .1357, and the CR 0.0372 against Donegan and Dodd's RI(4) = 0.8286,
// that is CI = 0.0308.
func TestIncompleteExample(t *testing.T) {
	items := []string{"a", "b", "c", "d"}
	in := ahp.Input{Items: items, Judgments: []ahp.Judgment{
		{A: "a", B: "b", Value: 1}, {A: "a", B: "c", Value: 5}, {A: "a", B: "d", Value: 2},
		{A: "b", B: "c", Value: 3}, {A: "b", B: "d", Value: 4},
	}}
	res := mustCompute(t, in)
	checkWeights(t, res, map[string]float64{"a": 0.3738, "b": 0.3920, "c": 0.0985, "d": 0.1357}, 0.00005)
	if len(res.Completed) != 1 || res.Completed[0].A != "c" || res.Completed[0].B != "d" ||
		math.Abs(res.Completed[0].Value-math.Sqrt(8.0/15)) > 1e-9 {
		t.Fatalf("completed %+v, want c|d = 0.7303", res.Completed)
	}
	if math.Abs(res.CI-0.0372*0.8286) > 0.0001 || math.Abs(res.CR-res.CI/0.90) > 1e-15 {
		t.Errorf("CI %v, CR %v; want CI 0.0308 and CR = CI/0.90", res.CI, res.CR)
	}
}

// The 8×8 incomplete matrix with 12 missing entries of Bozóki, Fülöp and
// Rónyai (2010), as in AHPy's test suite, with its optimal completion.
func TestIncompleteBozokiFulopRonyaiExample(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	given := []ahp.Judgment{
		{A: "a", B: "b", Value: 5}, {A: "a", B: "c", Value: 3}, {A: "a", B: "d", Value: 7}, {A: "a", B: "e", Value: 6}, {A: "a", B: "f", Value: 6},
		{A: "b", B: "d", Value: 5}, {A: "b", B: "f", Value: 3}, {A: "c", B: "e", Value: 3}, {A: "c", B: "g", Value: 6}, {A: "f", B: "d", Value: 4},
		{A: "g", B: "a", Value: 3}, {A: "g", B: "e", Value: 5}, {A: "h", B: "a", Value: 4}, {A: "h", B: "b", Value: 7}, {A: "h", B: "d", Value: 8}, {A: "h", B: "f", Value: 6},
	}
	res := mustCompute(t, ahp.Input{Items: items, Judgments: given})
	want := map[string]float64{
		"b|c": 0.3300187496240363, "b|e": 1.7197409185349517, "b|g": 0.4663515002203321, "c|d": 9.920512661898753,
		"c|f": 4.852486449214693, "c|h": 0.5696073301509899, "d|e": 0.5252768142894285, "d|g": 0.1424438146531802,
		"e|f": 0.9311973564754218, "e|h": 0.10930828182051665, "f|g": 0.2912120796181874, "g|h": 0.4030898885178746,
	}
	if len(res.Completed) != len(want) {
		t.Fatalf("completed %d pairs, want %d", len(res.Completed), len(want))
	}
	for _, p := range res.Completed {
		// AHPy stops its cyclic coordinates at a tolerance of 1e-4.
		if w, ok := want[p.A+"|"+p.B]; !ok || math.Abs(p.Value/w-1) > 1e-4 {
			t.Errorf("%s|%s = %v, want %v", p.A, p.B, p.Value, w)
		}
	}
}
