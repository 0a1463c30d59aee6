package scoring

import "slices"

// rankReversals applies rule 12. Only a relative leaf (a measured leaf
// without best and worst) lets one vendor's presence move another's score,
// and only through its reference, the best figure in the field: removing x
// changes the others' scores only on the relative leaves where x alone holds
// that figure. Each such x is rescored without it on those leaves alone.
func (p *prepared) rankReversals(res *Result, eligible []*VendorResult) []RankReversal {
	out := []RankReversal{}
	var changed []int     // the relative leaves whose reference x holds alone
	var refs []float64    // their reference without x
	var without []float64 // the eligible vendors' scores without x
	for xi := range res.Vendors {
		x := &res.Vendors[xi]
		changed, refs = p.heldReferences(res, xi, changed[:0], refs[:0])
		if len(changed) == 0 {
			continue
		}
		without = without[:0]
		for _, v := range eligible {
			without = append(without, p.scoreWithRefs(v, changed, refs))
		}
		rr := RankReversal{Removed: x.Key}
		leader := -1
		for bi, b := range eligible {
			if b == x {
				continue
			}
			if leader < 0 || level(without[bi]) > level(without[leader]) ||
				(level(without[bi]) == level(without[leader]) && b.Key < eligible[leader].Key) {
				leader = bi
			}
			for ai, a := range eligible {
				if a != x && a.Score-b.Score > 1e-9 && without[bi]-without[ai] > 1e-9 {
					rr.Pairs = append(rr.Pairs, [2]string{b.Key, a.Key})
				}
			}
		}
		if leader >= 0 {
			rr.Leader = eligible[leader].Key
		}
		if len(rr.Pairs) > 0 {
			out = append(out, rr)
		}
	}
	return out
}

// heldReferences appends the relative leaves on which vendor xi of
// res.Vendors alone holds the best figure, and the best figure of the
// others there (the leaf's new reference; when nobody else has the figure,
// nobody's score changes and the leaf is left out).
func (p *prepared) heldReferences(res *Result, xi int, changed []int, refs []float64) ([]int, []float64) {
	x := &res.Vendors[xi]
	for j := range p.leaves {
		lf := &p.leaves[j]
		if !lf.relative || !(lf.weight > 0) || x.Criteria[j].Missing || x.Criteria[j].Value != lf.ref {
			continue
		}
		found, alone, ref := false, true, 0.0
		for i := range res.Vendors {
			c := &res.Vendors[i].Criteria[j]
			if i == xi || c.Missing {
				continue
			}
			if c.Value == lf.ref {
				alone = false
				break
			}
			if !found || (lf.c.Metric.Better == Lower && c.Value < ref) || (lf.c.Metric.Better == Higher && c.Value > ref) {
				ref = c.Value
			}
			found = true
		}
		if alone && found {
			changed, refs = append(changed, j), append(refs, ref)
		}
	}
	return changed, refs
}

// scoreWithRefs is v's score with the relative leaves in changed
// normalized against refs instead, summed in tree order as score does.
func (p *prepared) scoreWithRefs(v *VendorResult, changed []int, refs []float64) float64 {
	s, k := 0.0, 0
	for j := range v.Criteria {
		c := &v.Criteria[j]
		contribution := c.Contribution
		if k < len(changed) && changed[k] == j {
			if !c.Missing {
				lf := p.leaves[j]
				lf.ref = refs[k]
				contribution = lf.weight * p.normalize(&lf, c.Value)
			}
			k++
		}
		s += contribution
	}
	return min(max(s, 0), 100)
}

// reversalReasons adds a reason for each vendor other than the leader whose
// withdrawal would change the leader (rule 12), naming the relative leaves
// through which it does.
func (p *prepared) reversalReasons(res *Result, leader *VendorResult) []Reason {
	var out []Reason
	var changed []int
	for _, rr := range res.RankReversals {
		if rr.Removed == leader.Key || rr.Leader == "" || rr.Leader == leader.Key {
			continue
		}
		xi := slices.IndexFunc(res.Vendors, func(v VendorResult) bool { return v.Key == rr.Removed })
		changed, _ = p.heldReferences(res, xi, changed[:0], nil)
		r := Reason{Code: ReasonRankReversal, Vendor: refOf(leader), RunnerUp: refOf(res.Vendor(rr.Leader)), Removed: refOf(&res.Vendors[xi])}
		for _, j := range changed {
			r.Criteria = append(r.Criteria, Ref{Key: p.leaves[j].c.Key, Name: p.leaves[j].c.Name})
		}
		out = append(out, r)
	}
	return out
}
