package bpo

// Coverage is, for one vendor, how many of the scorecards expected of its
// evaluators are in: completeness says how much of the weight has data,
// coverage says how many people that data comes from.
type Coverage struct {
	Submitted int // submitted scorecards whose ratings count
	Expected  int // assigned evaluators without a declared conflict
	Conflicts int // assigned evaluators who declared a conflict with the vendor
	Withdrawn int // of those, the ones who declared after rating: their ratings are withdrawn
}

// Pending is the number of expected scorecards not submitted.
func (c Coverage) Pending() int { return max(c.Expected-c.Submitted, 0) }

// CoverageByVendor counts each vendor's coverage from the evaluators'
// declarations and the scorecards' progress (FindProgress, which leaves
// out the cells of declared conflicts).
func CoverageByVendor(vendorIDs []int64, assignments []*Assignment, progress []*ScorecardProgress) map[int64]Coverage {
	out := make(map[int64]Coverage, len(vendorIDs))
	for _, v := range vendorIDs {
		var c Coverage
		for _, a := range assignments {
			if a.HasConflict(v) {
				c.Conflicts++
				for _, k := range a.Conflicts {
					if k.VendorID == v && k.Withdrawn > 0 {
						c.Withdrawn++
					}
				}
			} else {
				c.Expected++
			}
		}
		for _, p := range progress {
			if p.VendorID == v && p.Status == ScorecardSubmitted {
				c.Submitted++
			}
		}
		out[v] = c
	}
	return out
}
