// Package ahp derives weights from pairwise comparisons by Saaty's analytic
// hierarchy process: the principal right eigenvector of the reciprocal
// matrix, with its consistency ratio. Missing comparisons are completed by
// the values that minimise λmax (Bozóki, Fülöp and Rónyai, 2010), and the
// judgments of several people are aggregated pair by pair by their geometric
// mean. It imports only the standard library, like the scoring engine.
package ahp

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxItems is the largest number of items compared together: Saaty's random
// index, which the consistency ratio needs, is tabulated up to 15.
const MaxItems = 15

// MinValue and MaxValue bound a judgment: Saaty's scale runs from 1/9 to 9.
const (
	MinValue = 1.0 / 9
	MaxValue = 9.0
)

// ConsistentCR is the largest consistency ratio Saaty accepts as consistent.
const ConsistentCR = 0.10

// Method names the weighting method in the output.
const Method = "eigenvector"

// randomIndex is Saaty's random consistency index RI(n) for n = 1…15.
var randomIndex = [MaxItems + 1]float64{0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59}

// RandomIndex returns Saaty's RI(n), or 0 outside 1…15.
func RandomIndex(n int) float64 {
	if n < 1 || n > MaxItems {
		return 0
	}
	return randomIndex[n]
}

// Judgment says that A is Value times as important as B (so B is 1/Value
// times as important as A). By names who judged, for group comparisons; it
// is empty when the judgments are one person's.
type Judgment struct {
	A, B  string
	Value float64
	By    string
}

// Input is a set of items and the judgments that compare them.
type Input struct {
	Items     []string
	Judgments []Judgment
}

// Pair is one comparison of the completed matrix, with what the weights
// imply for it: the larger the gap between Value and Implied, the more this
// judgment disagrees with the others.
type Pair struct {
	// A comes before B in the items.
	A, B string
	// Value is how many times more important A is than B in the matrix.
	Value float64
	// Implied is weight(A)/weight(B).
	Implied float64
}

// Deviation is |ln(Value/Implied)|, 0 for a judgment the weights reproduce.
func (p Pair) Deviation() float64 { return math.Abs(math.Log(p.Value / p.Implied)) }

// Person is the outcome of one person's own judgments.
type Person struct {
	// Name is the judgment's By.
	Name string
	// Items are those the person compared, in the order of the input.
	Items []string
	// Weights of Items, summing to 1.
	Weights   []float64
	LambdaMax float64
	CR        float64
	// Consistent is CR ≤ ConsistentCR.
	Consistent bool
	// Inconsistent lists the person's judged pairs, most inconsistent first.
	Inconsistent []Pair
}

// Result is the outcome of Compute.
type Result struct {
	// Items are the input's, in its order.
	Items []string
	// Weights of Items, summing to 1.
	Weights   []float64
	LambdaMax float64
	CI        float64
	CR        float64
	// Consistent is CR ≤ ConsistentCR.
	Consistent bool
	// Completed lists the pairs nobody judged with the values that minimise
	// λmax, in the order of the items (A before B).
	Completed []Pair
	// Inconsistent lists the judged pairs, most inconsistent first.
	Inconsistent []Pair
	// People is set when the judgments name who judged, in the order each
	// person first appears.
	People []Person
}

// Weight returns the weight of item, and false when it is not an item.
func (r *Result) Weight(item string) (float64, bool) {
	for i, it := range r.Items {
		if it == item {
			return r.Weights[i], true
		}
	}
	return 0, false
}

// Problem is one thing wrong with an input: where, and what.
type Problem struct {
	// Path is items, items[2], judgments or judgments[3].
	Path string
	// Message says what is wrong, naming the items concerned.
	Message string
}

// String returns "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// InputError is returned by Decode and Compute for an input they refuse,
// with every problem found, in the order of the input.
type InputError struct {
	Problems []Problem
}

// Error returns the problems one per line.
func (e *InputError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

type problems []Problem

func (ps *problems) add(path fmt.Stringer, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path.String(), Message: fmt.Sprintf(format, args...)})
}

// at is a fixed path.
type at string

func (a at) String() string { return string(a) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &InputError{Problems: ps}
}

// judgmentPath names judgment i for a message.
func judgmentPath(i int) string { return "judgments[" + strconv.Itoa(i) + "]" }

// num formats a value for a message as people write it.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
