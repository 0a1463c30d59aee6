package scoring_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// problemsOf returns the problem lines of an *InputError, failing on any
// other error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ie *scoring.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want an *InputError", err, err)
	}
	lines := strings.Split(ie.Error(), "\n")
	if len(lines) != len(ie.Problems) {
		t.Errorf("Error() has %d lines for %d problems", len(lines), len(ie.Problems))
	}
	return lines
}

func TestDecodeRefuses(t *testing.T) {
	tests := map[string]struct {
		input string
		want  []string
	}{
		"Empty": {
			input: " \n",
			want:  []string{"the input is empty; expected a JSON object"},
		},
		"NotAnObject": {
			input: `[1]`,
			want:  []string{"expected an object, got an array"},
		},
		"SyntaxError": {
			input: "{\"criteria\": [\n  {\"key\": \"q\" \"weight\": 1}]}",
			want:  []string{`criteria[0]: invalid JSON at line 2, column 15: invalid character '"' after object key:value pair`},
		},
		"Truncated": {
			input: `{"criteria": [{"key": "q", "weight": 1}`,
			want:  []string{"criteria: the input ends before the model is complete"},
		},
		"TrailingData": {
			input: `{"criteria": [{"key": "q", "weight": 1}]} {}`,
			want:  []string{"unexpected data after the model at line 1, column 43"},
		},
		"InvalidUTF8": {
			input: "{\"criteria\": [{\"key\": \"q\xff\", \"weight\": 1}]}",
			want:  []string{"the input is not valid UTF-8"},
		},
		"UnknownFields": {
			input: `{"criteria": [{"key": "q", "weight": 1, "wieght": 2}], "vendors": [{"key": "a", "colour": "red"}], "extra": {"a": [1, {"b": 2}]}}`,
			want: []string{
				"criteria[0].wieght: unknown field",
				"vendors[0].colour: unknown field",
				"extra: unknown field",
			},
		},
		"ConsensusAndRobustnessForm": {
			input: `{"criteria": [{"key": "q", "weight": 1}], "vendors": [{"key": "a", "consensus": {"q": {"value": "4", "why": "x"}}}],
			  "options": {"cost_criterion": 3, "robustness": {"samples": 20.5, "spread": "wide", "seed": 1}}}`,
			want: []string{
				`vendors[0].consensus.q.value: expected a number, got the string "4"`,
				"vendors[0].consensus.q.why: unknown field",
				"vendors[0].consensus.q.reason: is required",
				"options.cost_criterion: expected a string, got the number 3",
				"options.robustness.samples: 20.5 must be a whole number",
				`options.robustness.spread: expected a number, got the string "wide"`,
				"options.robustness.seed: unknown field",
			},
		},
		"EmptyCostCriterion": {
			input: `{"criteria": [{"key": "q", "weight": 1}], "options": {"cost_criterion": ""}}`,
			want:  []string{"options.cost_criterion: must name a criterion; leave it out, or null, for none"},
		},
		"HugeSamples": {
			input: `{"criteria": [{"key": "q", "weight": 1}], "options": {"robustness": {"samples": 1e300}}}`,
			want:  []string{"options.robustness.samples: 1e+300 is outside 0–100000"},
		},
		"FieldNamesAreCaseSensitive": {
			input: `{"criteria": [{"Key": "q", "weight": 1}]}`,
			want:  []string{"criteria[0].Key: unknown field", "criteria[0].key: is required"},
		},
		"DuplicateKeys": {
			input: `{"criteria": [{"key": "q", "weight": 1, "weight": 2}],
			  "vendors": [{"key": "a", "ratings": {"alice": {"q": 3, "q": 4}, "alice": {}}, "metrics": {"m": 1, "m": 2}}],
			  "vendors": []}`,
			want: []string{
				`criteria[0].weight: duplicate key "weight"`,
				`vendors[0].ratings.alice.q: duplicate key "q"`,
				`vendors[0].ratings.alice: duplicate key "alice"`,
				`vendors[0].metrics.m: duplicate key "m"`,
				`vendors: duplicate key "vendors"`,
			},
		},
		"WrongTypes": {
			input: `{"scale": [1, 5], "criteria": [{"key": 7, "weight": "60", "children": {}}],
			  "vendors": [{"key": "a", "ratings": {"alice": {"q": "4"}, "bob": 3}, "metrics": {"price": null}}],
			  "options": {"award_threshold": true}}`,
			want: []string{
				"scale: expected an object, got an array",
				"criteria[0].key: expected a string, got the number 7",
				`criteria[0].weight: expected a number, got the string "60"`,
				"criteria[0].children: expected an array, got an object",
				`vendors[0].ratings.alice.q: expected a number, got the string "4"`,
				"vendors[0].ratings.bob: expected an object, got the number 3",
				"vendors[0].metrics.price: expected a number, got null",
				"options.award_threshold: expected a number, got true",
			},
		},
		"MissingRequiredFields": {
			input: `{"scale": {"min": 0}, "criteria": [{"name": "Q"}, {"key": "m", "weight": 1, "metric": {"unit": "s"}}], "vendors": [{"name": "Acme"}]}`,
			want: []string{
				"scale.max: is required",
				"criteria[0].key: is required",
				"criteria[0].weight: is required",
				"criteria[1].metric.better: is required",
				"vendors[0].key: is required",
			},
		},
		"NoCriteria": {
			input: `{"vendors": []}`,
			want:  []string{"criteria: is required"},
		},
		"NumberOutOfRange": {
			input: `{"criteria": [{"key": "q", "weight": 1e400}]}`,
			want:  []string{"criteria[0].weight: 1e400 is out of range"},
		},
		"AwkwardKeysAreQuotedInPaths": {
			input: `{"criteria": [{"key": "q", "weight": 1}], "vendors": [{"key": "a", "ratings": {"a.b": {"x y": "1"}}}]}`,
			want:  []string{`vendors[0].ratings["a.b"]["x y"]: expected a number, got the string "1"`},
		},
		"DeepNesting": {
			input: `{"criteria": ` + strings.Repeat(`[{"key": "k", "weight": 1, "children": `, 40) + `[]` + strings.Repeat(`}]`, 40) + `}`,
			want:  []string{"criteria" + strings.Repeat("[0].children", 32) + ": criteria are nested more than 32 levels deep"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := scoring.Decode(strings.NewReader(tc.input))
			if m != nil {
				t.Errorf("Decode returned a model with its error")
			}
			if got := problemsOf(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestDecodeAcceptsNullForOptionalFields(t *testing.T) {
	m := decode(t, `{"scale": null, "criteria": [{"key": "q", "name": null, "weight": 1, "min_rating": null, "metric": null, "children": null}],
	  "vendors": [{"key": "a", "ratings": {"alice": null}, "metrics": null, "consensus": null}], "options": null}`)
	want := &scoring.Model{
		Criteria: []scoring.Criterion{{Key: "q", Weight: 1}},
		Vendors:  []scoring.Vendor{{Key: "a", Ratings: map[string]map[string]float64{"alice": nil}}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("model = %+v, want %+v", m, want)
	}
	o := decode(t, `{"criteria": [{"key": "q", "weight": 1}], "options": {"cost_criterion": null, "robustness": {"samples": null, "spread": null}}}`).Options
	if o.CostCriterion != "" || o.Robustness == nil || o.Robustness.Samples != nil || o.Robustness.Spread != nil {
		t.Errorf("options = %+v, want the defaults", o)
	}
}

// TestMarshalledModelDecodesToTheSameModel is the contract of GET /model: the
// web app marshals a Model built in Go, and `bpoeval score` must read it back
// and score it identically.
func TestMarshalledModelDecodesToTheSameModel(t *testing.T) {
	five, three, ten, sixty, limit := 5.0, 3.0, 10.0, 60.0, 3000.0
	samples, spread := 500, 0.1
	m := &scoring.Model{
		Scale: &scoring.Scale{Min: 1, Max: 5},
		Criteria: []scoring.Criterion{
			{Key: "quality", Name: "Service quality", Weight: 60, Children: []scoring.Criterion{
				{Key: "policies", Name: "Policies & procedures", Weight: 20, MinRating: &three},
				{Key: "fit", Name: "Cultural fit", Weight: 15},
			}},
			{Key: "price", Name: "Price", Weight: 20, Metric: &scoring.Metric{Unit: "EUR", Better: scoring.Lower, Limit: &limit}},
			{Key: "asa", Name: "ASA", Weight: 20, Metric: &scoring.Metric{Unit: "s", Better: scoring.Lower, Best: &ten, Worst: &sixty}},
		},
		Vendors: []scoring.Vendor{
			{Key: "acme", Name: "Acme <BPO> & Co", Ratings: map[string]map[string]float64{"alice": {"policies": 4, "fit": 5}, "bob": {"policies": 3}}, Metrics: map[string]float64{"price": 2100, "asa": 25},
				Consensus: map[string]scoring.Consensus{"fit": {Value: 4, Reason: "Agreed at moderation: \"fit\" & tone"}}},
			{Key: "beta", Ratings: map[string]map[string]float64{"alice": {}}},
		},
		Options: scoring.Options{Aggregation: scoring.Median, CloseCallMargin: &five, CostCriterion: "price",
			Robustness: &scoring.Robustness{Samples: &samples, Spread: &spread}},
	}
	for name, m := range map[string]*scoring.Model{"Full": m, "Minimal": {Criteria: []scoring.Criterion{{Key: "q", Weight: 1}}}} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			back := decode(t, string(b))
			want, err := scoring.Evaluate(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := scoring.Evaluate(back)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the decoded model scores differently:\n%+v\nwant\n%+v", got, want)
			}
			again, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(b) {
				t.Errorf("re-marshalled model differs:\n%s\nwant\n%s", again, b)
			}
		})
	}
}

func TestEvaluateRefuses(t *testing.T) {
	const criteria = `[{"key": "quality", "weight": 60, "children": [{"key": "policies", "weight": 20}, {"key": "fit", "weight": 15}]},
	  {"key": "price", "weight": 20, "metric": {"better": "lower"}}, {"key": "asa", "weight": 20, "metric": {"better": "lower", "best": 10, "worst": 60}}]`
	tests := map[string]struct {
		model string
		want  []string
	}{
		"RatingOutsideTheScale": {
			model: `{"criteria": ` + criteria + `, "vendors": [{"key": "a"}, {"key": "b"},
			  {"key": "c", "ratings": {"alice": {"policies": 7, "fit": 0.5}, "bob": {"fit": 5}}}]}`,
			want: []string{
				"vendors[2].ratings.alice.fit: 0.5 is outside the scale 1–5",
				"vendors[2].ratings.alice.policies: 7 is outside the scale 1–5",
			},
		},
		"RatingsForUnknownMeasuredOrGroupCriteria": {
			model: `{"criteria": ` + criteria + `, "vendors": [{"key": "a", "ratings": {"alice": {"polices": 3, "price": 3, "quality": 3}, "": {"fit": 3}}}]}`,
			want: []string{
				`vendors[0].ratings.alice.polices: there is no criterion "polices"`,
				`vendors[0].ratings.alice.price: "price" is a measured criterion; its figure belongs in metrics, not ratings`,
				`vendors[0].ratings.alice.quality: "quality" is a category; rate the criteria under it`,
				`vendors[0].ratings[""]: the evaluator key must not be empty`,
			},
		},
		"MetricsForUnknownRatedOrGroupCriteria": {
			model: `{"criteria": ` + criteria + `, "vendors": [{"key": "a", "metrics": {"prise": 1, "fit": 3, "quality": 3}}]}`,
			want: []string{
				`vendors[0].metrics.fit: "fit" is a rated criterion; its value comes from the ratings`,
				`vendors[0].metrics.prise: there is no criterion "prise"`,
				`vendors[0].metrics.quality: "quality" is a category; give figures for the criteria under it`,
			},
		},
		"RelativeFormulaNeedsPositiveFigures": {
			model: `{"criteria": [{"key": "price", "weight": 1, "metric": {"better": "lower"}}, {"key": "fcr", "weight": 1, "metric": {"better": "higher"}}],
			  "vendors": [{"key": "a", "metrics": {"price": 0, "fcr": -1}}, {"key": "b", "metrics": {"price": -5}}]}`,
			want: []string{
				`vendors[0].metrics.fcr: -1 must be 0 or more: without best and worst, a "higher" figure is scored as a share of the highest`,
				`vendors[0].metrics.price: 0 must be above 0: without best and worst, a "lower" figure is scored as the lowest figure divided by it`,
				`vendors[1].metrics.price: -5 must be above 0: without best and worst, a "lower" figure is scored as the lowest figure divided by it`,
			},
		},
		"RelativeHigherNeedsOneFigureAboveZero": {
			model: `{"criteria": [{"key": "fcr", "weight": 1, "metric": {"better": "higher"}}], "vendors": [{"key": "a", "metrics": {"fcr": 0}}, {"key": "b", "metrics": {"fcr": 0}}]}`,
			want:  []string{`criteria[0].metric: every vendor's figure is 0; a "higher" metric without best and worst needs one above 0`},
		},
		"BadWeights": {
			model: `{"criteria": [{"key": "a", "weight": -1}, {"key": "g", "weight": 1, "children": [{"key": "b", "weight": 0}, {"key": "c", "weight": 0}]}]}`,
			want: []string{
				"criteria[0].weight: -1 is negative; a weight must be 0 or more",
				"criteria[1].children: every weight here is 0; at least one must be above 0",
			},
		},
		"TopLevelWeightsSumToZero": {
			model: `{"criteria": [{"key": "a", "weight": 0}]}`,
			want:  []string{"criteria: every weight here is 0; at least one must be above 0"},
		},
		"EmptyCriteria": {
			model: `{"criteria": []}`,
			want:  []string{"criteria: at least one criterion is required"},
		},
		"Keys": {
			model: `{"criteria": [{"key": "q", "weight": 1, "children": [{"key": "", "weight": 1}, {"key": "r", "weight": 1}]}, {"key": "r", "weight": 1}, {"key": "q", "weight": 1}],
			  "vendors": [{"key": "a"}, {"key": ""}, {"key": "a"}]}`,
			want: []string{
				"criteria[0].children[0].key: must not be empty",
				`criteria[1].key: "r" is already the key of criteria[0].children[1]; keys must be unique across the criteria`,
				`criteria[2].key: "q" is already the key of criteria[0]; keys must be unique across the criteria`,
				"vendors[1].key: must not be empty",
				`vendors[2].key: "a" is already the key of vendors[0]; vendor keys must be unique`,
			},
		},
		"BestAndWorstInTheWrongDirection": {
			model: `{"criteria": [
			  {"key": "asa", "weight": 1, "metric": {"better": "lower", "best": 60, "worst": 10}},
			  {"key": "fcr", "weight": 1, "metric": {"better": "higher", "best": 50, "worst": 90}},
			  {"key": "aht", "weight": 1, "metric": {"better": "lower", "best": 5, "worst": 5}},
			  {"key": "abn", "weight": 1, "metric": {"better": "lower", "best": 5}},
			  {"key": "tat", "weight": 1, "metric": {"better": "faster"}}]}`,
			want: []string{
				`criteria[0].metric.best: 60 is above worst 10, but lower is better here; best must be below worst`,
				`criteria[1].metric.best: 50 is below worst 90, but higher is better here; best must be above worst`,
				`criteria[2].metric.best: 5 equals worst; best must be better than worst`,
				`criteria[3].metric.worst: is required when best is given`,
				`criteria[4].metric.better: "faster" must be "lower" or "higher"`,
			},
		},
		"KnockOutsInTheWrongPlace": {
			model: `{"criteria": [
			  {"key": "g", "weight": 1, "min_rating": 3, "metric": {"better": "lower"}, "children": [{"key": "r", "weight": 1, "min_rating": 6}]},
			  {"key": "m", "weight": 1, "min_rating": 3, "metric": {"better": "lower"}}]}`,
			want: []string{
				"criteria[0].metric: a criterion with children cannot have a metric; its children are measured or rated",
				"criteria[0].min_rating: only a rated criterion without children can have a minimum rating",
				"criteria[0].children[0].min_rating: 6 is outside the scale 1–5",
				"criteria[1].min_rating: a measured criterion has no rating; knock out with metric.limit instead",
			},
		},
		"Consensus": {
			model: `{"criteria": ` + criteria + `, "vendors": [{"key": "a", "consensus": {
			  "policies": {"value": 6, "reason": "agreed at moderation"}, "fit": {"value": 3, "reason": "  "},
			  "price": {"value": 3, "reason": "r"}, "quality": {"value": 3, "reason": "r"}, "polices": {"value": 3, "reason": "r"}}}]}`,
			want: []string{
				`vendors[0].consensus.fit.reason: is required: say why the panel agreed this value`,
				`vendors[0].consensus.polices: there is no criterion "polices"`,
				`vendors[0].consensus.policies.value: 6 is outside the scale 1–5`,
				`vendors[0].consensus.price: "price" is a measured criterion; its figure is not moderated`,
				`vendors[0].consensus.quality: "quality" is a category; agree a value for the criteria under it`,
			},
		},
		"CostCriterionIsARatedCriterion": {
			model: `{"criteria": ` + criteria + `, "options": {"cost_criterion": "fit"}}`,
			want:  []string{`options.cost_criterion: "fit" is a rated criterion; name a measured criterion where lower is better, such as the price`},
		},
		"CostCriterionIsACategory": {
			model: `{"criteria": ` + criteria + `, "options": {"cost_criterion": "quality"}}`,
			want:  []string{`options.cost_criterion: "quality" is a category; name a measured criterion where lower is better, such as the price`},
		},
		"CostCriterionIsUnknown": {
			model: `{"criteria": ` + criteria + `, "options": {"cost_criterion": "prise"}}`,
			want:  []string{`options.cost_criterion: there is no criterion "prise"`},
		},
		"CostCriterionIsBetterWhenHigher": {
			model: `{"criteria": [{"key": "fcr", "weight": 1, "metric": {"better": "higher"}}], "options": {"cost_criterion": "fcr"}}`,
			want:  []string{`options.cost_criterion: "fcr" is better when higher; a cost criterion must be better when lower`},
		},
		"RobustnessOutOfRange": {
			model: `{"criteria": ` + criteria + `, "options": {"robustness": {"samples": 100001, "spread": 1}}}`,
			want: []string{
				"options.robustness.samples: 100001 is outside 0–100000",
				"options.robustness.spread: 1 is outside [0, 1): a weight moves by a factor between 1 − spread and 1 + spread, which must stay above 0",
			},
		},
		"RobustnessNegative": {
			model: `{"criteria": ` + criteria + `, "options": {"robustness": {"samples": -1, "spread": -0.1}}}`,
			want: []string{
				"options.robustness.samples: -1 is outside 0–100000",
				"options.robustness.spread: -0.1 is outside [0, 1): a weight moves by a factor between 1 − spread and 1 + spread, which must stay above 0",
			},
		},
		"ScaleAndOptions": {
			model: `{"scale": {"min": 5, "max": 5}, "criteria": [{"key": "q", "weight": 1}],
			  "options": {"aggregation": "average", "award_threshold": 120, "close_call_margin": 0}}`,
			want: []string{
				"scale.max: 5 must be greater than scale.min 5",
				`options.aggregation: "average" must be "mean" or "median"`,
				"options.award_threshold: 120 is outside 0–100",
				"options.close_call_margin: 0 must be above 0 and at most 100",
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := scoring.Evaluate(decode(t, tc.model))
			if res != nil {
				t.Errorf("Evaluate returned a result with its error")
			}
			if got := problemsOf(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestEvaluateRefusesWhatOnlyGoCanBuild covers values that JSON cannot carry
// but a Model built in Go can.
func TestEvaluateRefusesWhatOnlyGoCanBuild(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	m := &scoring.Model{
		Scale: &scoring.Scale{Min: 1, Max: inf},
		Criteria: []scoring.Criterion{
			{Key: "a", Weight: nan},
			{Key: "b", Weight: inf},
			{Key: "c", Weight: 1, Metric: &scoring.Metric{Better: scoring.Lower, Limit: &nan}},
		},
		Vendors: []scoring.Vendor{{Key: "v", Ratings: map[string]map[string]float64{"e": {"a": nan}}, Metrics: map[string]float64{"c": -inf}}},
		Options: scoring.Options{AwardThreshold: &nan},
	}
	want := []string{
		"scale.max: +Inf is not a finite number",
		"criteria[0].weight: NaN is not a number",
		"criteria[1].weight: +Inf is not a finite number",
		"criteria[2].metric.limit: NaN is not a number",
		"vendors[0].metrics.c: -Inf is not a finite number",
		"vendors[0].ratings.e.a: NaN is not a number",
		"options.award_threshold: NaN is not a number",
	}
	_, err := scoring.Evaluate(m)
	if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := m.Validate(); err == nil {
		t.Errorf("Validate accepted what Evaluate refuses")
	}
}
