package scoring_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// FuzzScore feeds arbitrary bytes to the decoder and the engine, as
// `bpoeval score` does. Whatever the input: no panic; a refusal is always an
// *InputError; an accepted model gives a result within bounds that the
// result JSON can carry, and the model's own JSON scores the same. The seed
// corpus is in testdata/fuzz/FuzzScore.
func FuzzScore(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := scoring.Decode(bytes.NewReader(data))
		if err != nil {
			mustBeInputError(t, err)
			return
		}
		res, err := scoring.Evaluate(m)
		if err != nil {
			mustBeInputError(t, err)
			return
		}
		for _, v := range res.Vendors {
			if !(v.Score >= 0 && v.Score <= 100 && v.Completeness >= 0 && v.Completeness <= 1 && (v.Rank >= 1) == v.Eligible && v.Rank >= 0) {
				t.Fatalf("%s: score %v, completeness %v, rank %d", v.Key, v.Score, v.Completeness, v.Rank)
			}
		}
		for _, s := range res.Sensitivity {
			if s.FlipWeight != nil && !(*s.FlipWeight >= 0 && *s.FlipWeight <= 1) {
				t.Fatalf("%s: flip weight %v outside 0…1", s.Criterion, *s.FlipWeight)
			}
		}
		out, err := explain.MarshalResult(res, i18n.FR)
		if err != nil || !json.Valid(out) {
			t.Fatalf("MarshalResult: %v\n%s", err, out)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("json.Marshal(model): %v", err)
		}
		back, err := scoring.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("the model's own JSON is refused: %v\n%s", err, b)
		}
		again, err := scoring.Evaluate(back)
		if err != nil || !reflect.DeepEqual(again, res) {
			t.Fatalf("the model's own JSON scores differently (%v)\n%s", err, b)
		}
	})
}

func mustBeInputError(t *testing.T, err error) {
	t.Helper()
	var ie *scoring.InputError
	if !errors.As(err, &ie) || len(ie.Problems) == 0 {
		t.Fatalf("refused with %v (%T), want an *InputError with problems", err, err)
	}
}
