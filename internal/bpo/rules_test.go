package bpo_test

import (
	"errors"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestTransition(t *testing.T) {
	for name, tc := range map[string]struct {
		from, to bpo.EvaluationStatus
		want     string
	}{
		"Open":        {bpo.StatusDraft, bpo.StatusOpen, "open"},
		"Close":       {bpo.StatusOpen, bpo.StatusClosed, "close"},
		"Reopen":      {bpo.StatusClosed, bpo.StatusOpen, ""},
		"SkipOpening": {bpo.StatusDraft, bpo.StatusClosed, ""},
		"Same":        {bpo.StatusOpen, bpo.StatusOpen, ""},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := bpo.Transition(tc.from, tc.to)
			if got != tc.want || (tc.want == "") != (bpo.ErrorCode(err) == bpo.EINVALID) {
				t.Errorf("Transition(%s, %s) = %q, %v", tc.from, tc.to, got, err)
			}
		})
	}
}

// fields are the fields an EINVALID error names.
func fields(err error) []string {
	var e *bpo.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, fe := range e.Fields {
		out = append(out, fe.Field)
	}
	return out
}

func TestEvaluationCheckFrozen(t *testing.T) {
	open := &bpo.Evaluation{Status: bpo.StatusOpen, ScaleMin: 1, ScaleMax: 5, Aggregation: "mean",
		AwardThreshold: 60, CloseCallMargin: 3, Justification: bpo.JustifyExtremes, ScaleLevels: bpo.DefaultScale()}
	same := func() bpo.EvaluationInput {
		return bpo.EvaluationInput{Title: "New title", ScaleMin: 1, ScaleMax: 5, Aggregation: "mean",
			AwardThreshold: 60, CloseCallMargin: 3, Justification: bpo.JustifyExtremes}
	}
	for name, tc := range map[string]struct {
		change func(*bpo.EvaluationInput)
		draft  bool
		want   []string
	}{
		"TitleOnly":        {change: func(*bpo.EvaluationInput) {}},
		"Scale":            {change: func(in *bpo.EvaluationInput) { in.ScaleMax = 10 }, want: []string{"scale_max"}},
		"Options":          {change: func(in *bpo.EvaluationInput) { in.Aggregation, in.CloseCallMargin = "median", 5 }, want: []string{"aggregation", "close_call_margin"}},
		"Descriptors":      {change: func(in *bpo.EvaluationInput) { in.ScaleLevels = bpo.DefaultScale()[:4] }, want: []string{"scale_levels"}},
		"SameLevels":       {change: func(in *bpo.EvaluationInput) { in.ScaleLevels = bpo.DefaultScale() }},
		"DraftIsNotFrozen": {change: func(in *bpo.EvaluationInput) { in.ScaleMax = 10 }, draft: true},
	} {
		t.Run(name, func(t *testing.T) {
			e := *open
			if tc.draft {
				e.Status = bpo.StatusDraft
			}
			in := same()
			tc.change(&in)
			got := fields(in.CheckFrozen(&e))
			if len(got) != len(tc.want) {
				t.Fatalf("frozen fields = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("frozen fields = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestCriterionCheckFrozen(t *testing.T) {
	group := int64(1)
	c := &bpo.Criterion{ID: 2, ParentID: &group, Key: "price", Kind: bpo.KindMeasured, Unit: "EUR", Better: "lower", Weight: 10}
	in := bpo.CriterionInput{ParentID: &group, Key: "price", Kind: bpo.KindMeasured, Unit: "EUR", Better: "lower", Weight: 30}
	open, draft := &bpo.Evaluation{Status: bpo.StatusOpen}, &bpo.Evaluation{Status: bpo.StatusDraft}
	if err := in.CheckFrozen(open, c); err != nil {
		t.Errorf("a weight change is refused: %v", err)
	}
	moved := in
	moved.ParentID = nil
	renamed := in
	renamed.Key = "cost"
	for _, changed := range []bpo.CriterionInput{moved, renamed} {
		if err := changed.CheckFrozen(open, c); bpo.ErrorCode(err) != bpo.EINVALID {
			t.Errorf("reshaping an open evaluation's criterion: %v, want EINVALID", err)
		}
		if err := changed.CheckFrozen(draft, c); err != nil {
			t.Errorf("reshaping a draft's criterion: %v", err)
		}
	}
}

func TestBlank(t *testing.T) {
	for s, want := range map[string]bool{"": true, " \r\n\t": true, " x ": false, "\u00a0": false} {
		if got := bpo.Blank(s); got != want {
			t.Errorf("Blank(%q) = %v, want %v", s, got, want)
		}
	}
}
