package bpo_test

import (
	"errors"
	"math"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func id(v int64) *int64 { return &v }

// sampleTree is quality (policies, fit, service (sla)) and cost (price).
func sampleTree() *bpo.CriteriaTree {
	return bpo.NewCriteriaTree([]*bpo.Criterion{
		{ID: 1, Key: "quality", Kind: bpo.KindGroup, NameEN: "Quality", Weight: 60},
		{ID: 2, ParentID: id(1), Key: "policies", Kind: bpo.KindRated, Weight: 1},
		{ID: 3, ParentID: id(1), Key: "fit", Kind: bpo.KindRated, Weight: 1},
		{ID: 4, ParentID: id(1), Key: "service", Kind: bpo.KindGroup, NameEN: "Service", Weight: 2},
		{ID: 5, ParentID: id(4), Key: "sla", Kind: bpo.KindRated, Weight: 1},
		{ID: 6, Key: "cost", Kind: bpo.KindGroup, Weight: 40},
		{ID: 7, ParentID: id(6), Key: "price", Kind: bpo.KindMeasured, Weight: 1},
	})
}

func TestCriteriaTreeShape(t *testing.T) {
	tr := sampleTree()
	sla := tr.Criterion(5)
	if got := tr.Parent(sla); got == nil || got.ID != 4 {
		t.Errorf("parent of sla = %v", got)
	}
	if tr.Parent(tr.Criterion(1)) != nil || tr.Criterion(99) != nil {
		t.Error("a top-level criterion has a parent, or an unknown id is found")
	}
	path := tr.Path(sla)
	if len(path) != 2 || path[0].ID != 1 || path[1].ID != 4 {
		t.Errorf("path of sla = %v", path)
	}
	if got, want := tr.Depth(sla), 2; got != want {
		t.Errorf("depth of sla = %d, want %d", got, want)
	}
	if got := len(tr.Children(0)); got != 2 {
		t.Errorf("%d top-level criteria, want 2", got)
	}
	if got, want := tr.Descendants(1), 4; got != want {
		t.Errorf("quality has %d descendants, want %d", got, want)
	}
	if !tr.Within(5, 1) || !tr.Within(4, 4) || tr.Within(7, 1) {
		t.Error("Within is wrong")
	}
}

func TestCriteriaTreeShares(t *testing.T) {
	tr := sampleTree()
	share, effective := tr.Shares(tr.Weights())
	if got := share[4]; math.Abs(got-0.5) > 1e-12 {
		t.Errorf("share of service = %v, want 0.5", got)
	}
	if got := effective[5]; math.Abs(got-0.3) > 1e-12 {
		t.Errorf("effective weight of sla = %v, want 0.3", got)
	}
	w := tr.Weights()
	delete(w, 2) // a weight that does not parse
	share, effective = tr.Shares(w)
	if !math.IsNaN(share[3]) || !math.IsNaN(effective[5]) || math.IsNaN(share[1]) {
		t.Errorf("an unreadable sibling: shares %v, effective %v", share, effective)
	}
}

func TestCriteriaTreeZeroGroups(t *testing.T) {
	tr := sampleTree()
	w := tr.Weights()
	w[1], w[6] = 0, 0
	w[7] = 0
	if got := tr.ZeroGroups(w); len(got) != 2 || got[0] != 0 || got[1] != 6 {
		t.Errorf("zero groups = %v, want [0 6]", got)
	}
	delete(w, 1) // unreadable: not known to sum to 0
	if got := tr.ZeroGroups(w); len(got) != 1 || got[0] != 6 {
		t.Errorf("zero groups = %v, want [6]", got)
	}
}

func TestCriteriaTreeProblems(t *testing.T) {
	for name, tc := range map[string]struct {
		criteria []*bpo.Criterion
		want     []string
	}{
		"Valid": {criteria: sampleTree().All()},
		"EmptyGroupAndNothingRated": {
			criteria: []*bpo.Criterion{{ID: 1, Key: "quality", Kind: bpo.KindGroup, Weight: 1}},
			want:     []string{"error.evaluation.empty_group", "error.evaluation.no_rated"},
		},
		"ZeroWeights": {
			criteria: []*bpo.Criterion{
				{ID: 1, Key: "quality", Kind: bpo.KindGroup, Weight: 0},
				{ID: 2, ParentID: id(1), Key: "policies", Kind: bpo.KindRated, Weight: 0},
			},
			want: []string{"error.evaluation.zero_weights_top", "error.evaluation.zero_weights"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := bpo.NewCriteriaTree(tc.criteria).Problems()
			if len(p) != len(tc.want) {
				t.Fatalf("problems = %v, want %v", p, tc.want)
			}
			for i, fe := range p {
				if fe.Key != tc.want[i] {
					t.Errorf("problem %d = %s, want %s", i, fe.Key, tc.want[i])
				}
			}
		})
	}
}

func TestCriteriaTreeCheckParent(t *testing.T) {
	tr := sampleTree()
	for name, tc := range map[string]struct {
		id, parent int64
		want       string
	}{
		"NewUnderGroup":      {0, 4, ""},
		"MoveUnderOtherTree": {2, 6, ""},
		"UnderALeaf":         {0, 2, "error.criterion.parent_not_group"},
		"UnderItself":        {4, 4, "error.criterion.parent_cycle"},
		"UnderItsDescendant": {1, 4, "error.criterion.parent_cycle"},
		"UnknownParent":      {0, 99, "error.criterion.not_found"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tr.CheckParent(tc.id, tc.parent)
			got := ""
			if err != nil {
				got = bpo.ErrorMessage(err).Key
				var e *bpo.Error
				if errors.As(err, &e) && len(e.Fields) > 0 {
					got = e.Fields[0].Key
				}
			}
			if got != tc.want {
				t.Errorf("CheckParent(%d, %d) = %q, want %q", tc.id, tc.parent, got, tc.want)
			}
		})
	}
}
