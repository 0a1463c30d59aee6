package scoring

// valueForMoney applies rule 13: each eligible vendor with a figure on the
// cost criterion, its cost against its benefit (the score with the cost
// leaf's weight removed and the others renormalized, which is S_i(0) of
// rule 10), and whether it is on the Pareto frontier.
func (p *prepared) valueForMoney(eligible []*VendorResult) *ValueForMoney {
	if p.cost < 0 {
		return nil
	}
	// The other leaves' weights, summed rather than taken as 1 − w, so that
	// a cost leaf that carries all the weight is told apart from rounding.
	rest := 0.0
	for j := range p.leaves {
		if j != p.cost {
			rest += p.leaves[j].weight
		}
	}
	if !(rest > 0) {
		return nil
	}
	vfm := &ValueForMoney{CostCriterion: p.leaves[p.cost].c.Key}
	for _, v := range eligible {
		c := &v.Criteria[p.cost]
		if c.Missing {
			continue
		}
		benefit := 0.0
		for j := range v.Criteria {
			if j != p.cost {
				benefit += v.Criteria[j].Contribution
			}
		}
		vfm.Points = append(vfm.Points, ValuePoint{Vendor: v.Key, Cost: c.Value, Benefit: min(max(benefit/rest, 0), 100)})
	}
	if len(vfm.Points) == 0 {
		return nil
	}
	for i := range vfm.Points {
		vfm.Points[i].Frontier = !dominated(vfm.Points, i)
	}
	return vfm
}

// dominated reports whether another point costs no more and gives no less
// benefit than point i, and is strictly better on one of the two. Benefits
// are compared at the level of the ranking (1e-9 points), costs exactly.
func dominated(ps []ValuePoint, i int) bool {
	a := ps[i]
	for k, b := range ps {
		if k == i {
			continue
		}
		if b.Cost <= a.Cost && level(b.Benefit) >= level(a.Benefit) && (b.Cost < a.Cost || level(b.Benefit) > level(a.Benefit)) {
			return true
		}
	}
	return false
}
