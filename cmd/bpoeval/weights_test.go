package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// weights runs `bpoeval weights` as main would.
func weights(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	return command(t, stdin, append([]string{"weights"}, args...)...)
}

// The incomplete example of AHPy's README (after Bozóki, Fülöp and Rónyai
// 2010; see internal/ahp), by two people: the output has exactly the
// members of DESIGN.md, in its order.
func TestWeightsPrintsDesignJSON(t *testing.T) {
	const input = `{"items": ["a", "b", "c", "d"], "judgments": [
	  {"a": "a", "b": "b", "value": 1, "by": "alice@example.com"},
	  {"a": "a", "b": "c", "value": 5, "by": "alice@example.com"},
	  {"a": "d", "b": "a", "value": 0.5, "by": "bob@example.com"},
	  {"a": "b", "b": "c", "value": 3, "by": "bob@example.com"},
	  {"a": "b", "b": "d", "value": 4, "by": "bob@example.com"}]}`
	file := filepath.Join(t.TempDir(), "judgments.json")
	if err := os.WriteFile(file, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{"Stdin": nil, "Dash": {"-"}, "File": {file}} {
		t.Run(name, func(t *testing.T) {
			stdin := input
			if name == "File" {
				stdin = ""
			}
			stdout, stderr, status := weights(t, stdin, args...)
			if status != 0 || stderr != "" {
				t.Fatalf("status %d, stderr %q", status, stderr)
			}
			var keys []string
			dec := json.NewDecoder(strings.NewReader(stdout))
			dec.Token()
			for dec.More() {
				k, _ := dec.Token()
				keys = append(keys, k.(string))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := strings.Join(keys, " "), "weights lambda_max ci cr consistent completed method people"; got != want {
				t.Errorf("members %q, want %q", got, want)
			}
			var out struct {
				Weights    map[string]float64
				LambdaMax  float64 `json:"lambda_max"`
				CI, CR     float64
				Consistent bool
				Completed  map[string]float64
				Method     string
				People     map[string]struct {
					CR         float64
					Consistent bool
				}
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{"a": 0.3738, "b": 0.3920, "c": 0.0985, "d": 0.1357}
			for k, w := range want {
				if math.Abs(out.Weights[k]-w) > 0.00005 {
					t.Errorf("weight %s = %v, want %v", k, out.Weights[k], w)
				}
			}
			if len(out.Completed) != 1 || math.Abs(out.Completed["c|d"]-0.7303) > 0.00005 {
				t.Errorf("completed %v, want c|d = 0.7303", out.Completed)
			}
			if out.Method != "eigenvector" || !out.Consistent || math.Abs(out.CR-out.CI/0.90) > 1e-12 || math.Abs(out.CI-(out.LambdaMax-4)/3) > 1e-12 {
				t.Errorf("method %q, consistent %v, λ %v, CI %v, CR %v", out.Method, out.Consistent, out.LambdaMax, out.CI, out.CR)
			}
			// Alice compared a with b and c only, Bob b, c and d with each
			// other and a: each is consistent over what they judged.
			if len(out.People) != 2 || out.People["alice@example.com"].CR != 0 || !out.People["bob@example.com"].Consistent {
				t.Errorf("people %+v", out.People)
			}
		})
	}
}

func TestWeightsWithoutPeopleHasNoPeopleMember(t *testing.T) {
	stdout, _, status := weights(t, `{"items": ["x", "y"], "judgments": [{"a": "y", "b": "x", "value": 3}]}`)
	if status != 0 || strings.Contains(stdout, "people") || !strings.Contains(stdout, `"completed": {}`) {
		t.Fatalf("status %d, output %s", status, stdout)
	}
}

// Every refused input: exit 2, nothing on stdout, and a message naming the
// offending judgment (index and items) or field.
func TestWeightsBadInput(t *testing.T) {
	const abc = `"items": ["a", "b", "c"]`
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"UnknownItem":     {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 2}, {"a": "a", "b": "z", "value": 2}]}`, nil, `judgments[1] ("a" vs "z"): "z" is not one of the items`},
		"AboveNine":       {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 9.5}]}`, nil, `judgments[0] ("a" vs "b"): value 9.5 is outside Saaty's scale, from 1/9 to 9`},
		"BelowNinth":      {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 0.1}]}`, nil, `judgments[0] ("a" vs "b"): value 0.1 is outside`},
		"Negative":        {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": -3}]}`, nil, `judgments[0] ("a" vs "b"): value -3 is outside`},
		"Huge":            {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 1e999}]}`, nil, `judgments[0] ("a" vs "b"): value +Inf is not a finite number`},
		"PairTwice":       {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 2}, {"a": "b", "b": "a", "value": 0.5}]}`, nil, `judgments[1] ("b" vs "a"): this pair is already judged in judgments[0]`},
		"PairTwiceByOne":  {`{` + abc + `, "judgments": [{"a": "a", "b": "c", "value": 2, "by": "al"}, {"a": "a", "b": "c", "value": 3, "by": "al"}]}`, nil, `judgments[1] ("a" vs "c"): this pair is already judged by al in judgments[0]`},
		"SelfComparison":  {`{` + abc + `, "judgments": [{"a": "c", "b": "c", "value": 1}]}`, nil, `judgments[0] ("c" vs "c"): an item cannot be compared with itself`},
		"Unconnected":     {`{"items": ["a", "b", "c", "d"], "judgments": [{"a": "a", "b": "b", "value": 2}, {"a": "c", "b": "d", "value": 2}]}`, nil, `judgments: the judgments do not connect "c", "d" to "a", "b"`},
		"TooManyItems":    {`{"items": ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16"], "judgments": []}`, nil, "items: 16 items given; at most 15"},
		"NoItems":         {`{"items": [], "judgments": []}`, nil, "items: at least one item"},
		"ItemsMissing":    {`{"judgments": []}`, nil, "items: missing"},
		"ItemTwice":       {`{"items": ["a", "a"], "judgments": []}`, nil, `items[1]: "a" is listed twice`},
		"ValueMissing":    {`{` + abc + `, "judgments": [{"a": "a", "b": "b"}]}`, nil, `judgments[0] ("a" vs "b"): needs a "value"`},
		"ItemMissing":     {`{` + abc + `, "judgments": [{"a": "a", "value": 2}]}`, nil, `judgments[0]: needs both "a" and "b"`},
		"EmptyBy":         {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 2, "by": ""}]}`, nil, `judgments[0] ("a" vs "b"): "by" is empty`},
		"UnknownField":    {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": 2, "weight": 1}]}`, nil, `judgments[0] ("a" vs "b"): unknown field "weight"`},
		"WrongType":       {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": true}]}`, nil, `judgments[0] ("a" vs "b"): "value" must be a number`},
		"ValueAsString":   {`{` + abc + `, "judgments": [{"a": "a", "b": "b", "value": "3"}]}`, nil, `judgments[0] ("a" vs "b"): "value" must be a number`},
		"ItemNotString":   {`{` + abc + `, "judgments": [{"a": 1, "b": "b", "value": 3}]}`, nil, `judgments[0]: "a" must be a string`},
		"TopUnknown":      {`{` + abc + `, "weights": {}}`, nil, `input: unknown field "weights"`},
		"NotJSON":         {`items: a, b`, nil, "input: expected a JSON object with items and judgments (invalid JSON"},
		"Empty":           {``, nil, "input: expected a JSON object with items and judgments (the input is empty)"},
		"TrailingData":    {`{"items": ["a"]} {}`, nil, "input: expected a JSON object with items and judgments (unexpected data after the JSON object)"},
		"InvalidUTF8":     {"{\"items\": [\"\xff\"]}", nil, "input: not valid UTF-8"},
		"MissingFile":     {``, []string{filepath.Join(dir, "nope.json")}, "bpoeval weights: open "},
		"TwoFiles":        {``, []string{"a.json", "b.json"}, "bpoeval weights: one file at a time, got 2 files"},
		"UnknownFlag":     {``, []string{"--format", "text"}, "flag provided but not defined: -format"},
		"SeveralProblems": {`{` + abc + `, "judgments": [{"a": "a", "b": "x", "value": 2}, {"a": "a", "b": "b", "value": 0}]}`, nil, "judgments[0] (\"a\" vs \"x\"): \"x\" is not one of the items\njudgments[1] (\"a\" vs \"b\"): value 0 is outside"},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, status := weights(t, tc.stdin, tc.args...)
			if status != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Fatalf("status %d, stdout %q, stderr %q; want status 2 and %q", status, stdout, stderr, tc.want)
			}
		})
	}
}
