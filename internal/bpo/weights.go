package bpo

import "strconv"

// ZeroGroupProblems refuses every group of siblings among criteria whose
// weights, as weight gives them, sum to 0 or less: the engine needs a
// positive sum to share a group's weight among its members. criteria must
// hold whole sibling groups. A problem's field is group_<parent id>,
// group_0 for the top level.
func ZeroGroupProblems(criteria []*Criterion, weight func(*Criterion) float64) Problems {
	sums := map[int64]float64{}
	var order []int64
	for _, c := range criteria {
		var parent int64
		if c.ParentID != nil {
			parent = *c.ParentID
		}
		if _, seen := sums[parent]; !seen {
			order = append(order, parent)
		}
		sums[parent] += weight(c)
	}
	var p Problems
	for _, parent := range order {
		if sums[parent] > 0 {
			continue
		}
		key := "criteria.error.group_zero"
		if parent == 0 {
			key = "criteria.error.top_zero"
		}
		p.Add("group_"+strconv.FormatInt(parent, 10), key)
	}
	return p
}
