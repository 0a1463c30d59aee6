package scoring

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a model: where, and what.
type Problem struct {
	// Path names the offending field, such as criteria[0].children[1].weight
	// or vendors[2].ratings.alice.policies; empty for the input as a whole.
	Path string
	// Message says what is wrong, in English, naming the offending value.
	Message string
}

// String returns "path: message", or the message alone when there is no path.
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// InputError is returned by Decode and Evaluate for a model they refuse. It
// lists every problem found, in the order of the model's fields (a vendor's
// ratings and figures by path), the same for the same input.
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

// problems accumulates Problems while decoding or validating.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &InputError{Problems: ps}
}

// plainKey matches keys that read unambiguously in a dotted path.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// field appends an object member to a path: vendors[2].ratings.alice, or
// vendors[2].ratings["a.b"] when the key would make the path ambiguous.
func field(path, key string) string {
	if !plainKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends an array index to a path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// num formats a number for a message as people write it: 3000, 2.5, 1e+300.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == 0 || (math.Abs(v) >= 1e-6 && math.Abs(v) < 1e15):
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
