package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

const scoreModel = `{
  "criteria": [
    {"key": "quality", "name": "Service quality", "weight": 60, "children": [
      {"key": "policies", "name": "Policies & procedures", "weight": 20, "min_rating": 3},
      {"key": "cultural_fit", "name": "Cultural fit", "weight": 15}]},
    {"key": "price", "name": "Price per FTE per month", "weight": 20, "metric": {"unit": "EUR", "better": "lower", "limit": 3000}},
    {"key": "asa", "name": "Average speed of answer", "weight": 20, "metric": {"unit": "s", "better": "lower", "best": 10, "worst": 60}}],
  "vendors": [
    {"key": "acme", "name": "Acme BPO", "ratings": {"alice": {"policies": 4, "cultural_fit": 5}, "bob": {"policies": 5, "cultural_fit": 4}}, "metrics": {"price": 2100, "asa": 25}},
    {"key": "beta", "name": "Beta", "ratings": {"alice": {"policies": 2, "cultural_fit": 4}}, "metrics": {"price": 1900, "asa": 40}}]
}`

// score runs `bpoeval score` with args and stdin as main would, and returns
// what it printed and its exit status.
func score(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	return command(t, stdin, append([]string{"score"}, args...)...)
}

// command runs bpoeval with args and stdin as main would, and returns what
// it printed and its exit status.
func command(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		status = ee.code
		if ee.msg != "" {
			errOut.WriteString(ee.msg + "\n") // as main prints it
		}
	default:
		t.Fatalf("bpoeval %v: %v", args, err)
	}
	return out.String(), errOut.String(), status
}

func TestScorePrintsTheResultJSON(t *testing.T) {
	m, err := scoring.Decode(strings.NewReader(scoreModel))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(file, []byte(scoreModel), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		lang  i18n.Lang
	}{
		"Stdin":        {scoreModel, nil, i18n.EN},
		"Dash":         {scoreModel, []string{"-"}, i18n.EN},
		"File":         {"", []string{file}, i18n.EN},
		"FrenchFile":   {"", []string{"--lang", "fr", file}, i18n.FR},
		"FlagsAfterIt": {"", []string{file, "--lang=fr", "--format", "json"}, i18n.FR},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, status := score(t, tc.stdin, tc.args...)
			if status != 0 || stderr != "" {
				t.Fatalf("status %d, stderr %q", status, stderr)
			}
			// The invariant of DESIGN.md: what the API serves, byte for byte.
			want, err := explain.MarshalResult(res, tc.lang)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != string(want) {
				t.Errorf("stdout =\n%s\nwant\n%s", stdout, want)
			}
		})
	}

	stdout, _, _ := score(t, scoreModel)
	var doc struct {
		Vendors []struct {
			Key   string
			Score float64
		}
		Recommendation struct {
			Decision string
			Vendor   *string
			Reasons  []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if got, want := doc.Vendors[0].Key, "acme"; got != want {
		t.Errorf("first vendor = %s, want %s", got, want)
	}
	if doc.Recommendation.Decision != "award" || doc.Recommendation.Vendor == nil || *doc.Recommendation.Vendor != "acme" {
		t.Errorf("recommendation = %+v, want award to acme", doc.Recommendation)
	}
	if got := doc.Recommendation.Reasons; len(got) == 0 || !strings.HasPrefix(got[0], "Award to Acme BPO: ") {
		t.Errorf("reasons = %q", got)
	}
	frOut, _, _ := score(t, scoreModel, "--lang", "fr")
	if !strings.Contains(frOut, "Attribuer à Acme BPO\u00a0: ") || !strings.Contains(frOut, "Beta a été éliminé") {
		t.Errorf("French output has no French reasons:\n%s", frOut)
	}
}

func TestScoreText(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want []string
	}{
		"English": {[]string{"--format", "text"}, []string{
			"Rank  Vendor    Score  Eligible  Completeness\n1     Acme BPO  ",
			"yes       100%\n—     Beta      ",
			"\nDecision: Award (Acme BPO)\nReasons:\n- Award to Acme BPO: it is the only eligible vendor",
			"- Beta was knocked out: Policies & procedures (rating 2 is below the minimum 3).\n",
		}},
		"French": {[]string{"--format=text", "--lang=fr"}, []string{
			"Rang  Prestataire  Score  Éligible  Complétude\n",
			"non       100\u202f%\n",
			"\nDécision\u00a0: Attribution (Acme BPO)\nMotifs\u00a0:\n- Attribuer à Acme BPO\u00a0: ",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, status := score(t, scoreModel, tc.args...)
			if status != 0 || stderr != "" {
				t.Fatalf("status %d, stderr %q", status, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output has no %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestScoreRefusesBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"OutOfScale": {
			stdin: `{"criteria": [{"key": "policies", "weight": 1}, {"key": "fit", "weight": -2}],
			  "vendors": [{"key": "a"}, {"key": "b"}, {"key": "c", "ratings": {"alice": {"policies": 7}}}]}`,
			want: "criteria[1].weight: -2 is negative; a weight must be 0 or more\n" +
				"vendors[2].ratings.alice.policies: 7 is outside the scale 1–5\n",
		},
		"Malformed": {
			stdin: `{"criteria": [{"key": "q", "weight": 1, "weight": 2}], "vendor": []}`,
			want: "criteria[0].weight: duplicate key \"weight\"\n" +
				"vendor: unknown field\n",
		},
		"AnalysisOptions": {
			stdin: `{"criteria": [{"key": "q", "weight": 1}, {"key": "fcr", "weight": 1, "metric": {"better": "higher"}}],
			  "options": {"cost_criterion": "fcr", "robustness": {"samples": 100001, "spread": 1}}}`,
			want: "options.cost_criterion: \"fcr\" is better when higher; a cost criterion must be better when lower\n" +
				"options.robustness.samples: 100001 is outside 0–100000\n" +
				"options.robustness.spread: 1 is outside [0, 1): a weight moves by a factor between 1 − spread and 1 + spread, which must stay above 0\n",
		},
		"Empty": {
			want: "the input is empty; expected a JSON object\n",
		},
		"NoSuchFile": {
			args: []string{"/nonexistent/model.json"},
			want: "bpoeval score: open /nonexistent/model.json: no such file or directory\n",
		},
		"BadFormat": {
			args: []string{"--format", "yaml"},
			want: "bpoeval score: --format must be json or text, not \"yaml\"\n",
		},
		"BadLanguage": {
			args: []string{"--lang", "de"},
			want: "bpoeval score: --lang must be en or fr, not \"de\"\n",
		},
		"TwoFiles": {
			args: []string{"a.json", "b.json"},
			want: "bpoeval score: one model at a time, got 2 files\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, status := score(t, tc.stdin, tc.args...)
			if status != 2 {
				t.Errorf("status = %d, want 2", status)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if stderr != tc.want {
				t.Errorf("stderr =\n%s\nwant\n%s", stderr, tc.want)
			}
		})
	}

	_, stderr, status := score(t, "", "--colour")
	if status != 2 || !strings.Contains(stderr, "flag provided but not defined: -colour") || !strings.Contains(stderr, "usage: bpoeval score") {
		t.Errorf("unknown flag: status %d, stderr %q", status, stderr)
	}
}
