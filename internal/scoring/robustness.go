package scoring

import (
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"math"
	"slices"
)

// robustness applies rule 14, stochastic multicriteria acceptability
// analysis: it draws p.samples weightings, each weight of the tree
// multiplied by an independent uniform factor in [1 − spread, 1 + spread],
// and counts how often each eligible vendor leads. Knock-outs do not depend
// on weights, and normalized values do not either, so they are taken once
// from the result; each sample only redoes the weighted sums.
func (p *prepared) robustness(res *Result, eligible []*VendorResult) *RobustnessResult {
	if p.samples == 0 || len(eligible) == 0 {
		return nil
	}
	out := &RobustnessResult{Samples: p.samples, Spread: p.spread, Acceptability: make([]Acceptability, len(eligible))}
	for i, v := range eligible {
		out.Acceptability[i].Vendor = v.Key
	}
	if len(eligible) == 1 {
		out.Acceptability[0].Share = 1
		return out
	}
	t := p.weightTree()
	t.spread = p.spread
	// Only leaves that carry weight can move a score: a weight of 0 stays 0
	// whatever its factor.
	var active []int
	for j, lf := range p.leaves {
		if lf.weight > 0 {
			active = append(active, j)
		}
	}
	// Only vendors that can lead in some weighting are scored in the loop;
	// the others keep a share of 0, exactly as if they had been scored.
	contenders := allIndexes(len(eligible))
	if pruneContenders {
		contenders = t.contenders(eligible)
	}
	nl := len(active)
	norm := make([]float64, len(contenders)*nl)
	for i, c := range contenders {
		for k, j := range active {
			norm[i*nl+k] = eligible[c].Criteria[j].Normalized
		}
	}
	w := make([]float64, nl)
	scores := make([]float64, len(contenders))
	wins := make([]float64, len(eligible))
	rng := splitmix(p.seed(res))
	lo, width := 1-p.spread, 2*p.spread
	for range p.samples {
		t.sample(&rng, lo, width)
		for k, j := range active {
			w[k] = t.leafWeight[j]
		}
		best := math.Inf(-1)
		for i := range scores {
			scores[i] = dot(w, norm[i*nl:(i+1)*nl])
			best = max(best, scores[i])
		}
		// Ties are at the level of the ranking; only scores within a hair
		// of the best can be level with it.
		top, tied := level(best), 0.0
		for _, s := range scores {
			if best-s < 1e-8 && level(s) == top {
				tied++
			}
		}
		share := 1 / tied
		for i, s := range scores {
			if best-s < 1e-8 && level(s) == top {
				wins[contenders[i]] += share
			}
		}
	}
	for i := range wins {
		out.Acceptability[i].Share = wins[i] / float64(p.samples)
	}
	return out
}

// dot is Σ a[k]·b[k], four terms at a time: this loop is most of the cost
// of the analysis.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(a); k += 4 {
		s0 += a[k] * b[k]
		s1 += a[k+1] * b[k+1]
		s2 += a[k+2] * b[k+2]
		s3 += a[k+3] * b[k+3]
	}
	for ; k < len(a); k++ {
		s0 += a[k] * b[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// pruneContenders is off only in a test that checks that leaving out the
// vendors that cannot lead changes nothing.
var pruneContenders = true

func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// contenders returns the indexes of the eligible vendors that can lead in
// some sampled weighting: the others keep a share of 0, exactly as if they
// had been scored. Vendor v cannot lead when a vendor u of the first few
// (by score) is ahead of it by more than 1e-8 points under every weighting;
// least finds the smallest lead u can have over v.
func (t *weightTree) contenders(eligible []*VendorResult) []int {
	const rivals = 4
	delta := make([]float64, len(t.leafWeight))
	var out []int
	for vi, v := range eligible {
		beaten := false
		for ui := 0; ui < min(rivals, len(eligible)) && !beaten; ui++ {
			if ui == vi {
				continue
			}
			for j := range delta {
				delta[j] = eligible[ui].Criteria[j].Normalized - v.Criteria[j].Normalized
			}
			beaten = t.least(t.roots, delta, 0) > 1e-8
		}
		if !beaten {
			out = append(out, vi)
		}
	}
	return out
}

// least returns the smallest value, over the sampled factors, of the
// weighted mean of delta (by leaf) over the group of sibling nodes. A
// category's mean is bounded below by its own least, independently of the
// factors above it, so the recursion is exact. Within a group, the mean
// Σ w·f·x / Σ w·f over f in [1 − spread, 1 + spread] is least at a corner
// where the smallest x get the largest factor and the others the smallest:
// every split of the group sorted by x is tried.
func (t *weightTree) least(group []int, delta []float64, depth int) float64 {
	if depth == len(t.scratch) {
		t.scratch = append(t.scratch, nil)
	}
	items := t.scratch[depth][:0]
	for _, k := range group {
		if t.weight[k] == 0 {
			continue
		}
		x := 0.0
		if j := t.leaf[k]; j >= 0 {
			x = delta[j]
		} else {
			x = t.least(t.children[k], delta, depth+1)
		}
		items = append(items, meanItem{x, t.weight[k]})
	}
	t.scratch[depth] = items
	slices.SortFunc(items, func(a, b meanItem) int { return cmp.Compare(a.x, b.x) })
	a, b := 1-t.spread, 1+t.spread
	var num, den float64
	for _, it := range items {
		num, den = num+a*it.w*it.x, den+a*it.w
	}
	best := num / den
	for _, it := range items {
		num, den = num+(b-a)*it.w*it.x, den+(b-a)*it.w
		best = min(best, num/den)
	}
	return best
}

// meanItem is a term of the weighted mean that least bounds.
type meanItem struct{ x, w float64 }

// weightTree is the criteria tree flattened for sampling: its nodes in
// preorder, each with its weight, its parent and its sibling group.
type weightTree struct {
	weight []float64 // the node's own weight
	parent []int     // the parent's node index, -1 at the top
	group  []int     // the sibling group's index
	leaf   []int     // the leaf index, -1 for a category
	// children lists each node's children, roots the top-level nodes.
	children [][]int
	roots    []int
	spread   float64
	scratch  [][]meanItem // least's terms, by depth
	// Scratch, reused from sample to sample.
	drawn, sums, eff []float64
	leafWeight       []float64
}

func (p *prepared) weightTree() *weightTree {
	t := &weightTree{}
	groups, leaves := 0, 0
	var walk func(cs []Criterion, parent int)
	walk = func(cs []Criterion, parent int) {
		g := groups
		groups++
		for i := range cs {
			k := len(t.weight)
			t.weight = append(t.weight, cs[i].Weight)
			t.parent = append(t.parent, parent)
			t.children = append(t.children, nil)
			if parent < 0 {
				t.roots = append(t.roots, k)
			} else {
				t.children[parent] = append(t.children[parent], k)
			}
			t.group = append(t.group, g)
			if len(cs[i].Children) > 0 {
				t.leaf = append(t.leaf, -1)
				walk(cs[i].Children, k)
				continue
			}
			t.leaf = append(t.leaf, leaves)
			leaves++
		}
	}
	walk(p.criteria, -1)
	// Weights divided by their group's largest, as siblingShares does, so
	// that huge weights cannot overflow a group's sum; shares are unchanged.
	largest := make([]float64, groups)
	for k, w := range t.weight {
		largest[t.group[k]] = max(largest[t.group[k]], w)
	}
	for k := range t.weight {
		t.weight[k] /= largest[t.group[k]]
	}
	n := len(t.weight)
	t.drawn, t.eff, t.sums = make([]float64, n), make([]float64, n), make([]float64, groups)
	t.leafWeight = make([]float64, leaves)
	return t
}

// sample draws one weighting and puts the leaves' effective weights in
// t.leafWeight.
func (t *weightTree) sample(rng *splitmix, lo, width float64) {
	clear(t.sums)
	for k, w := range t.weight {
		t.drawn[k] = w * (lo + width*rng.float64())
		t.sums[t.group[k]] += t.drawn[k]
	}
	for k := range t.weight {
		share := t.drawn[k] / t.sums[t.group[k]]
		if pk := t.parent[k]; pk >= 0 {
			share *= t.eff[pk]
		}
		t.eff[k] = share
		if j := t.leaf[k]; j >= 0 {
			t.leafWeight[j] = share
		}
	}
}

// seed derives the generator's seed from what the analysis depends on: the
// options, the criteria tree and every vendor's values, the vendors in rank
// order (which depends on scores and keys only). The same model gives the
// same seed whatever the order of its vendors, evaluators or map entries.
func (p *prepared) seed(res *Result) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	putF := func(v float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	}
	putS := func(s string) {
		putF(float64(len(s)))
		h.Write([]byte(s))
	}
	putF(float64(p.samples))
	putF(p.spread)
	for _, lf := range p.leaves {
		putS(lf.path)
		putS(lf.c.Key)
		putF(lf.weight)
	}
	for _, v := range res.Vendors {
		putS(v.Key)
		for _, c := range v.Criteria {
			if c.Missing {
				putS("-")
				continue
			}
			putF(c.Value)
			putF(c.Normalized)
		}
	}
	return h.Sum64()
}

// splitmix is SplitMix64 (Steele, Lea and Flood, 2014): a small generator
// whose sequence is fixed by its definition, so that a stored result can be
// recomputed by any later build.
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float64 returns a uniform number in [0, 1).
func (s *splitmix) float64() float64 { return float64(s.next()>>11) / (1 << 53) }

// robustnessReason says how often each vendor leads under the sampled
// weightings, largest share first (rank order between equal shares).
func robustnessReason(res *Result, leader *VendorResult) Reason {
	r := Reason{Code: ReasonRobustness, Vendor: refOf(leader), Weight: res.Robustness.Spread}
	for _, a := range res.Robustness.Acceptability {
		if a.Share > 0 {
			r.Shares = append(r.Shares, Share{Vendor: refOf(res.Vendor(a.Vendor)), Share: a.Share})
		}
	}
	slices.SortStableFunc(r.Shares, func(a, b Share) int { return cmp.Compare(b.Share, a.Share) })
	return r
}
