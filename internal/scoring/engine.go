package scoring

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Evaluate validates m and scores it. A model that breaks a rule gets an
// *InputError listing every problem; Evaluate never panics on bad input and
// never returns a partial result.
func Evaluate(m *Model) (*Result, error) {
	return Prepare(m).Evaluate(m.Vendors)
}

// evaluate scores vendors, which p was prepared with.
func (p *prepared) evaluate(vendors []Vendor) *Result {
	res := &Result{Vendors: p.score(vendors)}
	rankVendors(res.Vendors)
	eligible := make([]*VendorResult, 0, len(res.Vendors))
	for i := range res.Vendors {
		if res.Vendors[i].Eligible {
			eligible = append(eligible, &res.Vendors[i])
		}
	}
	res.Sensitivity = p.sensitivity(eligible)
	res.RankReversals = p.rankReversals(res, eligible)
	res.ValueForMoney = p.valueForMoney(eligible)
	res.Robustness = p.robustness(res, eligible)
	res.Recommendation = p.recommend(res, eligible)
	return res
}

// score computes every vendor's result, in model order.
func (p *prepared) score(vendors []Vendor) []VendorResult {
	nl := len(p.leaves)
	out := make([]VendorResult, len(vendors))
	// One backing array for all the criteria keeps the allocations per
	// evaluation independent of the number of vendors.
	crs := make([]CriterionResult, len(vendors)*nl)
	halfRange := (p.scale.Max - p.scale.Min) / 2
	for i := range vendors {
		v := &vendors[i]
		vr := &out[i]
		*vr = VendorResult{Key: v.Key, Name: v.Name, Eligible: true, Criteria: crs[i*nl : (i+1)*nl : (i+1)*nl]}
		present, incomplete := 0.0, false
		for j := range p.leaves {
			lf := &p.leaves[j]
			c := p.cells[i*nl+j]
			// crs is fresh, so only the fields that are not zero are set:
			// writing whole structs was most of the cost of this loop.
			cr := &vr.Criteria[j]
			cr.Key, cr.Weight, cr.Measured, cr.Missing = lf.c.Key, lf.weight, lf.c.Metric != nil, !c.present
			if !cr.Measured {
				cr.Raters, cr.Spread, cr.Consensus = c.raters, c.spread, c.consensus
				// A consensus settles the disagreement (rule 11).
				cr.Disputed = c.raters > 0 && c.spread >= halfRange && !c.consensus
			}
			if !c.present {
				incomplete = incomplete || lf.weight > 0
				continue
			}
			present += lf.weight
			cr.Value = c.value
			cr.Normalized = p.normalize(lf, c.value)
			cr.Contribution = lf.weight * cr.Normalized
			vr.Score += cr.Contribution
			if ko, failed := knockOut(lf, c.value); failed {
				vr.Eligible = false
				vr.KnockOuts = append(vr.KnockOuts, ko)
			}
		}
		// Rounding can push a sum of shares a hair past its bounds.
		vr.Score = min(max(vr.Score, 0), 100)
		vr.Completeness = 1
		if incomplete {
			// Below 1 even when the missing weight is lost in rounding, so
			// that completeness < 1 always means "a weighted leaf is missing".
			vr.Completeness = min(present, math.Nextafter(1, 0))
		}
	}
	return out
}

// normalize puts a present value of a leaf on 0…100.
func (p *prepared) normalize(lf *leafInfo, v float64) float64 {
	mt := lf.c.Metric
	switch {
	case mt == nil:
		return percent(v-p.scale.Min, p.scale.Max-p.scale.Min)
	case !lf.relative:
		return percent(*mt.Worst-v, *mt.Worst-*mt.Best)
	case mt.Better == Lower:
		return percent(lf.ref, v)
	default:
		return percent(v, lf.ref)
	}
}

// percent returns num/den as a percentage clamped to 0…100. It multiplies
// first so that round figures stay exact (80 on a 0–100 scale is 80, not
// 80.00000000000001), and divides first when multiplying would overflow.
func percent(num, den float64) float64 {
	r := num * 100 / den
	if math.IsInf(r, 0) {
		r = num / den * 100
	}
	return min(max(r, 0), 100)
}

// knockOut applies a leaf's knock-out rule to a present value.
func knockOut(lf *leafInfo, v float64) (KnockOut, bool) {
	c := lf.c
	ref := Ref{Key: c.Key, Name: c.Name}
	switch {
	case c.Metric == nil && c.MinRating != nil && v < *c.MinRating:
		return KnockOut{Criterion: ref, Rule: RuleMinRating, Value: v, Threshold: *c.MinRating}, true
	case c.Metric != nil && c.Metric.Limit != nil:
		limit := *c.Metric.Limit
		if (c.Metric.Better == Lower && v > limit) || (c.Metric.Better == Higher && v < limit) {
			return KnockOut{Criterion: ref, Rule: RuleLimit, Value: v, Threshold: limit, Unit: c.Metric.Unit, Better: c.Metric.Better}, true
		}
	}
	return KnockOut{}, false
}

// level is the score as the ranking and the decision compare it: scores that
// agree to 1e-9 points are equal. Sums of the same figures taken in a
// different order can differ in the last bits; without this, two vendors with
// equal marks could get ranks 1 and 2, or a leader at exactly the award
// threshold could miss it by 1e-14.
func level(score float64) float64 { return math.Round(score * 1e9) }

// rankVendors applies rule 7: eligible vendors first, by score, ties by
// key, sharing a rank when tied (1, 1, 3); then the knocked-out vendors, by
// score and key, with rank 0: a vendor that failed a minimum is never ranked.
func rankVendors(vs []VendorResult) {
	slices.SortFunc(vs, func(a, b VendorResult) int {
		if a.Eligible != b.Eligible {
			if a.Eligible {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(level(b.Score), level(a.Score)); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	for i := range vs {
		switch {
		case !vs[i].Eligible:
			vs[i].Rank = 0
		case i > 0 && level(vs[i].Score) == level(vs[i-1].Score):
			vs[i].Rank = vs[i-1].Rank
		default:
			vs[i].Rank = i + 1
		}
	}
}

func refOf(v *VendorResult) Ref { return Ref{Key: v.Key, Name: v.Name} }

// margin is a's lead over b, 0 when the ranking counts them as tied.
func margin(a, b *VendorResult) float64 {
	if level(a.Score) == level(b.Score) {
		return 0
	}
	return a.Score - b.Score
}

// recommend applies rule 8 and gathers the reasons.
func (p *prepared) recommend(res *Result, eligible []*VendorResult) Recommendation {
	var rec Recommendation
	var decisive Reason
	var leader, runnerUp *VendorResult
	if len(eligible) > 0 {
		leader = eligible[0]
	}
	if len(eligible) > 1 {
		runnerUp = eligible[1]
	}
	anyIncomplete := slices.ContainsFunc(eligible, func(v *VendorResult) bool { return v.Completeness < 1 })
	switch {
	case len(res.Vendors) == 0:
		rec.Decision, decisive = NoAward, Reason{Code: ReasonNoVendors}
	case leader == nil:
		rec.Decision, decisive = NoAward, Reason{Code: ReasonAllKnockedOut, Count: len(res.Vendors)}
	case anyIncomplete:
		rec.Decision, decisive = Incomplete, Reason{Code: ReasonIncomplete}
	case level(leader.Score) < level(p.awardThreshold):
		rec.Decision, decisive = NoAward, Reason{Code: ReasonBelowThreshold, AwardThreshold: p.awardThreshold}
	case runnerUp == nil:
		rec.Decision, decisive = Award, Reason{Code: ReasonSoleEligible, AwardThreshold: p.awardThreshold}
	case level(leader.Score)-level(runnerUp.Score) >= level(p.closeCallMargin):
		rec.Decision, decisive = Award, Reason{Code: ReasonClearLead, CloseCallMargin: p.closeCallMargin}
	default:
		rec.Decision, decisive = CloseCall, Reason{Code: ReasonCloseCall, CloseCallMargin: p.closeCallMargin}
	}
	if leader != nil {
		decisive.Vendor, decisive.Score = refOf(leader), leader.Score
		if rec.Decision != NoAward {
			rec.Vendor = leader.Key
			if runnerUp != nil {
				m := margin(leader, runnerUp)
				rec.RunnerUp, rec.Margin = runnerUp.Key, &m
				decisive.RunnerUp, decisive.Margin = refOf(runnerUp), m
			}
		}
	}
	rec.Reasons = append(rec.Reasons, decisive)
	for _, v := range eligible {
		if v.Completeness < 1 {
			rec.Reasons = append(rec.Reasons, Reason{Code: ReasonMissingData, Vendor: refOf(v), Completeness: v.Completeness, Criteria: p.leafRefs(v, func(c *CriterionResult) bool { return c.Missing && c.Weight > 0 })})
		}
	}
	for i := range res.Vendors {
		if v := &res.Vendors[i]; !v.Eligible {
			rec.Reasons = append(rec.Reasons, Reason{Code: ReasonKnockedOut, Vendor: refOf(v), KnockOuts: v.KnockOuts})
		}
	}
	for _, v := range []*VendorResult{leader, runnerUp} {
		if v == nil {
			continue
		}
		if disputed := p.leafRefs(v, func(c *CriterionResult) bool { return c.Disputed }); len(disputed) > 0 {
			rec.Reasons = append(rec.Reasons, Reason{Code: ReasonDisputed, Vendor: refOf(v), Criteria: disputed})
		}
	}
	if (rec.Decision == Award || rec.Decision == CloseCall) && runnerUp != nil {
		rec.Reasons = append(rec.Reasons, p.stability(res, leader))
	}
	if leader != nil {
		rec.Reasons = append(rec.Reasons, p.reversalReasons(res, leader)...)
	}
	if (rec.Decision == Award || rec.Decision == CloseCall) && runnerUp != nil && res.Robustness != nil {
		rec.Reasons = append(rec.Reasons, robustnessReason(res, leader))
	}
	return rec
}

// leafRefs names the leaves of v that match keep, in tree order.
func (p *prepared) leafRefs(v *VendorResult, keep func(*CriterionResult) bool) []Ref {
	var refs []Ref
	for j := range v.Criteria {
		if keep(&v.Criteria[j]) {
			c := p.leaves[j].c
			refs = append(refs, Ref{Key: c.Key, Name: c.Name})
		}
	}
	return refs
}

// stability names the smallest single weight change that changes the
// leader, or says that none does.
func (p *prepared) stability(res *Result, leader *VendorResult) Reason {
	best := -1
	for j, s := range res.Sensitivity {
		if s.FlipWeight != nil && (best < 0 || math.Abs(*s.FlipWeight-s.Weight) < math.Abs(*res.Sensitivity[best].FlipWeight-res.Sensitivity[best].Weight)) {
			best = j
		}
	}
	if best < 0 {
		return Reason{Code: ReasonStable, Vendor: refOf(leader)}
	}
	s := res.Sensitivity[best]
	c := p.leaves[p.index[s.Criterion]].c
	return Reason{
		Code:      ReasonNearestFlip,
		Vendor:    refOf(res.Vendor(s.NewLeader)),
		Criterion: Ref{Key: c.Key, Name: c.Name},
		Weight:    s.Weight, FlipWeight: *s.FlipWeight,
	}
}

// sensitivity applies rule 10 to every leaf whose weight is strictly between
// 0 and 1; eligible is in rank order, so eligible[0] is the leader.
func (p *prepared) sensitivity(eligible []*VendorResult) []Sensitivity {
	out := make([]Sensitivity, 0, len(p.leaves))
	for j := range p.leaves {
		w := p.leaves[j].weight
		if !(w > 0 && w < 1) {
			continue
		}
		s := Sensitivity{Criterion: p.leaves[j].c.Key, Weight: w}
		if t, k := flip(eligible, j, w); k != nil {
			s.FlipWeight, s.NewLeader = &t, k.Key
		}
		out = append(out, s)
	}
	return out
}

// flip returns the effective weight t of leaf j nearest to its weight w at
// which an eligible vendor overtakes the leader, and that vendor; nil when
// none does inside 0…1.
//
// With S_i(t) = t·n_ij + (1−t)·R_i, vendor k's lead over the leader L is
// linear in t: D(t) = −a + (t−w)·(Δn + a)/(1−w), where a = S_L − S_k ≥ 0 and
// Δn = n_kj − n_Lj. It reaches 0 at t = w + a·(1−w)/(Δn + a), and k leads
// beyond that point when D(1) = Δn > 0 (a heavier weight) or
// D(0) = (−a − w·Δn)/(1−w) > 0 (a lighter one). Working from the scores
// themselves rather than from R_i keeps the result exact when k ties L today
// (t = w) and never divides by 1−w, which is small for a heavy leaf.
//
// Rule 10 asks for a strict overtake inside 0…1: a crossing within
// endpointTolerance of 0 or 1 counts as the endpoint itself, beyond which
// there is no weight, so it is no flip. Rounding puts the crossing of vendors
// that tie only at an endpoint (equal bids on every other leaf, and the
// weight of the one that separates them taken to 0) a few ulps inside.
func flip(eligible []*VendorResult, j int, w float64) (float64, *VendorResult) {
	if len(eligible) < 2 {
		return 0, nil
	}
	lead := eligible[0]
	nL := lead.Criteria[j].Normalized
	var who *VendorResult
	var bestT, bestSlope float64
	for _, k := range eligible[1:] {
		nk := k.Criteria[j].Normalized
		// A vendor listed after the leader scores no higher at the level the
		// ranking sees; a hair above it is a tie.
		a := max(lead.Score-k.Score, 0)
		dn := nk - nL
		up, down := dn > 0, -a-w*dn > 0
		if !up && !down {
			continue
		}
		t := min(max(w+a*(1-w)/(dn+a), 0), 1)
		if (up && t >= 1-endpointTolerance) || (!up && t <= endpointTolerance) {
			continue
		}
		// Where two vendors cross the leader at the same weight, the one that
		// leads just beyond it is the one whose score moves fastest that way.
		slope := nk - k.Score
		if !up {
			slope = -slope
		}
		if who == nil || math.Abs(t-w) < math.Abs(bestT-w) || (t == bestT && slope > bestSlope) {
			who, bestT, bestSlope = k, t, slope
		}
	}
	return bestT, who
}

// endpointTolerance is how close to 0 or 1 a crossing counts as the
// endpoint (rule 10).
const endpointTolerance = 1e-9
