package bpo_test

import (
	"errors"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestCheckTreeLimits(t *testing.T) {
	for name, tc := range map[string]struct {
		parentLevel, height, count int
		field                      string // "" when accepted
	}{
		"TopLevel":              {0, 1, 1, ""},
		"DeepestLevel":          {7, 1, 10, ""},
		"BelowTheDeepestLevel":  {8, 1, 10, "parent_id"},
		"SubtreeMovedTooDeep":   {5, 4, 10, "parent_id"},
		"SubtreeMovedJustRight": {4, 4, 10, ""},
		"LastCriterion":         {1, 1, bpo.MaxCriteria, ""},
		"OneTooMany":            {1, 1, bpo.MaxCriteria + 1, "key"},
	} {
		t.Run(name, func(t *testing.T) {
			err := bpo.CheckTreeLimits(tc.parentLevel, tc.height, tc.count)
			if tc.field == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			var e *bpo.Error
			if !errors.As(err, &e) || e.Code != bpo.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			if len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
				t.Errorf("fields %v, want one on %s", e.Fields, tc.field)
			}
		})
	}
}
