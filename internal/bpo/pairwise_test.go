package bpo_test

import (
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestStepValue(t *testing.T) {
	for step, want := range map[int]float64{-8: 1.0 / 9, -2: 1.0 / 3, -1: 0.5, 0: 1, 1: 2, 4: 5, 8: 9} {
		if got, ok := bpo.StepValue(step); !ok || got != want {
			t.Errorf("StepValue(%d) = %v, %v; want %v", step, got, ok, want)
		}
	}
	for _, step := range []int{-9, 9, 100} {
		if _, ok := bpo.StepValue(step); ok {
			t.Errorf("StepValue(%d) is on the scale", step)
		}
	}
}

func TestValidateAnswers(t *testing.T) {
	items := []int64{10, 20, 30}
	all := []bpo.AnswerInput{{A: 10, B: 20, Step: 1}, {A: 10, B: 30, Step: -8}, {A: 20, B: 30, Step: 8}}
	for name, tc := range map[string]struct {
		answers []bpo.AnswerInput
		fields  []string
	}{
		"OK":            {all, nil},
		"ErrOffScale":   {[]bpo.AnswerInput{all[0], all[1], {A: 20, B: 30, Step: 9}}, []string{"pair_20_30"}},
		"ErrMissing":    {all[:2], []string{"pair_20_30"}},
		"ErrReversed":   {[]bpo.AnswerInput{all[0], all[1], {A: 30, B: 20, Step: 1}}, []string{"pair_30_20", "pair_20_30"}},
		"ErrUnknown":    {append(slices.Clone(all), bpo.AnswerInput{A: 10, B: 40}), []string{"pair_10_40"}},
		"ErrSelf":       {append(slices.Clone(all), bpo.AnswerInput{A: 10, B: 10}), []string{"pair_10_10"}},
		"ErrDuplicated": {append(slices.Clone(all), all[0]), []string{"pair_10_20"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := bpo.ValidateAnswers(items, tc.answers)
			if got := fieldsOf(err); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v", fieldsOf(err), tc.fields)
			}
		})
	}
}
