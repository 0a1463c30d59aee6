package bpo

import "math"

// CriteriaTree is an evaluation's criteria, in tree order, with the
// lookups the pages and the scoring model need. It is the one place that
// knows how the flat list stored (each criterion naming its parent) makes
// a tree.
type CriteriaTree struct {
	list     []*Criterion
	byID     map[int64]*Criterion
	children map[int64][]*Criterion // by parent id, 0 for the top level
}

// NewCriteriaTree indexes criteria, which are in tree order: depth first,
// each parent before its children, siblings by position.
func NewCriteriaTree(criteria []*Criterion) *CriteriaTree {
	t := &CriteriaTree{list: criteria, byID: make(map[int64]*Criterion, len(criteria)),
		children: map[int64][]*Criterion{}}
	for _, c := range criteria {
		t.byID[c.ID] = c
		p := ParentOf(c)
		t.children[p] = append(t.children[p], c)
	}
	return t
}

// ParentOf is a criterion's parent id, 0 at the top level.
func ParentOf(c *Criterion) int64 {
	if c.ParentID == nil {
		return 0
	}
	return *c.ParentID
}

// All is every criterion in tree order.
func (t *CriteriaTree) All() []*Criterion { return t.list }

// Criterion is the criterion with id, or nil when the tree has none.
func (t *CriteriaTree) Criterion(id int64) *Criterion { return t.byID[id] }

// Parent is c's parent, or nil at the top level.
func (t *CriteriaTree) Parent(c *Criterion) *Criterion {
	if c.ParentID == nil {
		return nil
	}
	return t.byID[*c.ParentID]
}

// Children are the criteria under the group with id parent (0: the top
// level), in order.
func (t *CriteriaTree) Children(parent int64) []*Criterion { return t.children[parent] }

// Path is c's ancestors, outermost first; empty at the top level.
func (t *CriteriaTree) Path(c *Criterion) []*Criterion {
	var out []*Criterion
	for p := t.Parent(c); p != nil; p = t.Parent(p) {
		out = append([]*Criterion{p}, out...)
	}
	return out
}

// Depth is how deep c sits: 0 at the top level.
func (t *CriteriaTree) Depth(c *Criterion) int {
	n := 0
	for p := t.Parent(c); p != nil; p = t.Parent(p) {
		n++
	}
	return n
}

// Descendants counts the criteria under the group with id, at every level.
func (t *CriteriaTree) Descendants(id int64) int {
	n := 0
	for _, c := range t.children[id] {
		n += 1 + t.Descendants(c.ID)
	}
	return n
}

// Within reports whether the criterion with id is group or lies under it.
func (t *CriteriaTree) Within(id, group int64) bool {
	for c := t.byID[id]; c != nil; c = t.Parent(c) {
		if c.ID == group {
			return true
		}
	}
	return false
}

// Weights are the stored weights, by criterion id.
func (t *CriteriaTree) Weights() map[int64]float64 {
	out := make(map[int64]float64, len(t.list))
	for _, c := range t.list {
		out[c.ID] = c.Weight
	}
	return out
}

// Shares computes every criterion's share of its sibling group and of the
// total score from weight (by id). A share is NaN where a sibling has no
// weight in weight or the group's weights sum to 0.
func (t *CriteriaTree) Shares(weight map[int64]float64) (share, effective map[int64]float64) {
	sum := map[int64]float64{}
	for _, c := range t.list {
		w, ok := weight[c.ID]
		if !ok {
			w = math.NaN()
		}
		sum[ParentOf(c)] += w
	}
	share, effective = map[int64]float64{}, map[int64]float64{0: 1}
	for _, c := range t.list { // tree order: a parent comes before its children
		p := ParentOf(c)
		sh := math.NaN()
		if w, ok := weight[c.ID]; ok && sum[p] > 0 {
			sh = w / sum[p]
		}
		share[c.ID], effective[c.ID] = sh, effective[p]*sh
	}
	return share, effective
}

// ZeroGroups are the parents (0 for the top level) whose children's
// weights, all in weight, sum to 0 or less: the engine cannot share a
// score among them. In tree order.
func (t *CriteriaTree) ZeroGroups(weight map[int64]float64) []int64 {
	sum, readable, order := map[int64]float64{}, map[int64]bool{}, []int64{}
	for _, c := range t.list {
		p := ParentOf(c)
		if _, seen := readable[p]; !seen {
			readable[p] = true
			order = append(order, p)
		}
		w, ok := weight[c.ID]
		readable[p] = readable[p] && ok
		sum[p] += w
	}
	var out []int64
	for _, p := range order {
		if readable[p] && sum[p] <= 0 {
			out = append(out, p)
		}
	}
	return out
}

// Problems are the rules of the tree that span criteria, checked before an
// evaluation opens: groups have children, every set of siblings has a
// positive total weight, and there is something for the evaluators to rate.
func (t *CriteriaTree) Problems() Problems {
	var p Problems
	sums := t.sums()
	if len(t.list) > 0 && sums[0] <= 0 {
		p.Add("criteria", "error.evaluation.zero_weights_top")
	}
	rated := 0
	for _, c := range t.list {
		switch {
		case c.Kind == KindRated:
			rated++
		case c.Kind != KindGroup:
		case len(t.children[c.ID]) == 0:
			p.Add(c.Key, "error.evaluation.empty_group", c.Key)
		case sums[c.ID] <= 0:
			p.Add(c.Key, "error.evaluation.zero_weights", c.Key)
		}
	}
	if rated == 0 {
		p.Add("criteria", "error.evaluation.no_rated")
	}
	return p
}

// sums are the stored weights of each parent's children, by parent id.
func (t *CriteriaTree) sums() map[int64]float64 {
	out := map[int64]float64{}
	for _, c := range t.list {
		out[ParentOf(c)] += c.Weight
	}
	return out
}

// CheckParent says whether the criterion with id (0 for a new one) may go
// under the criterion with parent: a group of the tree, and neither the
// criterion itself nor one of its descendants. ENOTFOUND when the tree has
// no such criterion.
func (t *CriteriaTree) CheckParent(id, parent int64) error {
	g := t.byID[parent]
	if g == nil {
		return Errorf(ENOTFOUND, "error.criterion.not_found")
	}
	var p Problems
	if g.Kind != KindGroup {
		p.Add("parent_id", "error.criterion.parent_not_group")
	} else if id != 0 && t.Within(parent, id) {
		p.Add("parent_id", "error.criterion.parent_cycle")
	}
	return p.Err()
}
