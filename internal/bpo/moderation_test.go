package bpo_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestConsensusInputValidate(t *testing.T) {
	v := func(n int) *int { return &n }
	for name, tc := range map[string]struct {
		in     bpo.ConsensusInput
		fields []string
	}{
		"OK":            {bpo.ConsensusInput{Value: v(3), Reason: "Agreed at the meeting."}, nil},
		"ErrNoValue":    {bpo.ConsensusInput{Reason: "x"}, []string{"value"}},
		"ErrBelowScale": {bpo.ConsensusInput{Value: v(0), Reason: "x"}, []string{"value"}},
		"ErrAboveScale": {bpo.ConsensusInput{Value: v(6), Reason: "x"}, []string{"value"}},
		"ErrNoReason":   {bpo.ConsensusInput{Value: v(1), Reason: " \n "}, []string{"reason"}},
		"ErrLongReason": {bpo.ConsensusInput{Value: v(5), Reason: strings.Repeat("é", 5001)}, []string{"reason"}},
		"ErrBoth":       {bpo.ConsensusInput{}, []string{"value", "reason"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.in.Validate(1, 5)
			if got := fieldsOf(err); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v", fieldsOf(err), tc.fields)
			}
		})
	}
}

func TestDisputed(t *testing.T) {
	for name, tc := range map[string]struct {
		values   []int
		lo, hi   int
		spread   int
		disputed bool
	}{
		"None":            {nil, 1, 5, 0, false},
		"OneRater":        {[]int{1}, 1, 5, 0, false},
		"HalfTheRange":    {[]int{2, 4}, 1, 5, 2, true},
		"BelowHalf":       {[]int{3, 4, 4}, 1, 5, 1, false},
		"OddRange":        {[]int{0, 2}, 0, 5, 2, false},
		"OddRangeReached": {[]int{0, 3}, 0, 5, 3, true},
	} {
		t.Run(name, func(t *testing.T) {
			if got := bpo.Spread(tc.values); got != tc.spread {
				t.Errorf("spread %d, want %d", got, tc.spread)
			}
			if got := bpo.Disputed(tc.values, tc.lo, tc.hi); got != tc.disputed {
				t.Errorf("disputed %v, want %v", got, tc.disputed)
			}
		})
	}
}

func TestSortModerationPutsDisputedFirst(t *testing.T) {
	item := func(key string, disputed bool) *bpo.ModerationItem {
		return &bpo.ModerationItem{Criterion: &bpo.Criterion{Key: key}, Disputed: disputed}
	}
	items := []*bpo.ModerationItem{item("a", false), item("b", true), item("c", false), item("d", true)}
	bpo.SortModeration(items)
	var keys []string
	for _, it := range items {
		keys = append(keys, it.Criterion.Key)
	}
	if got := strings.Join(keys, ""); got != "bdac" {
		t.Errorf("order %s, want bdac", got)
	}
}

// fieldsOf lists the fields an EINVALID error names.
func fieldsOf(err error) []string {
	var got []string
	if e, ok := err.(*bpo.Error); ok {
		for _, f := range e.Fields {
			got = append(got, f.Field)
		}
	}
	return got
}
