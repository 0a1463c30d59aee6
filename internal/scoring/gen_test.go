package scoring_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// shape sets the size of a generated model; zero fields are drawn at random.
type shape struct {
	vendors, evaluators, leaves int
	// complete makes every evaluator rate every rated leaf and every vendor
	// give every figure.
	complete bool
	// allRated makes every leaf a rated one: the most work per leaf.
	allRated bool
}

// randomModel builds a valid model: a criteria tree up to three levels deep
// with rated and measured leaves, knock-outs, missing data, and every option.
func randomModel(r *rand.Rand, sh shape) *scoring.Model {
	g := &gen{r: r, sh: sh}
	m := &scoring.Model{}
	switch r.IntN(4) {
	case 0:
		g.scale = scoring.Scale{Min: 1, Max: 5}
	case 1:
		g.scale = scoring.Scale{Min: 0, Max: 10}
		m.Scale = &g.scale
	case 2:
		g.scale = scoring.Scale{Min: 1, Max: 7}
		m.Scale = &g.scale
	case 3:
		g.scale = scoring.Scale{Min: 0, Max: 100}
		m.Scale = &g.scale
	}
	if sh.leaves > 0 {
		// A fixed number of leaves: categories of ten.
		for c := 0; c*10 < sh.leaves; c++ {
			cat := scoring.Criterion{Key: fmt.Sprintf("cat%d", c), Weight: g.weight()}
			for range min(10, sh.leaves-c*10) {
				cat.Children = append(cat.Children, g.leaf())
			}
			g.ensurePositive(cat.Children)
			m.Criteria = append(m.Criteria, cat)
		}
	} else {
		m.Criteria = g.group(0, 1+r.IntN(4))
	}
	g.ensurePositive(m.Criteria)

	nv := sh.vendors
	if nv == 0 {
		nv = 1 + r.IntN(8)
	}
	ne := sh.evaluators
	if ne == 0 {
		ne = 1 + r.IntN(5)
	}
	for i := range nv {
		v := scoring.Vendor{Key: fmt.Sprintf("v%02d", i), Name: fmt.Sprintf("Vendor %d", i)}
		for e := range ne {
			rs := map[string]float64{}
			for _, l := range g.rated {
				if sh.complete || r.Float64() < 0.9 {
					rs[l.Key] = g.rating()
				}
			}
			if len(rs) > 0 {
				if v.Ratings == nil {
					v.Ratings = map[string]map[string]float64{}
				}
				v.Ratings[fmt.Sprintf("e%d", e)] = rs
			}
		}
		for _, l := range g.measured {
			if sh.complete || i == 0 || r.Float64() < 0.9 {
				if v.Metrics == nil {
					v.Metrics = map[string]float64{}
				}
				v.Metrics[l.Key] = g.figure(l.Metric, i == 0)
			}
		}
		m.Vendors = append(m.Vendors, v)
	}

	g.analysis(m)
	if r.IntN(2) == 0 {
		m.Options.Aggregation = scoring.Median
	}
	if r.IntN(2) == 0 {
		t := float64(r.IntN(80))
		m.Options.AwardThreshold = &t
	}
	if r.IntN(2) == 0 {
		c := 0.5 + 10*r.Float64()
		m.Options.CloseCallMargin = &c
	}
	return m
}

type gen struct {
	r               *rand.Rand
	sh              shape
	scale           scoring.Scale
	n               int
	rated, measured []*scoring.Criterion
}

func (g *gen) group(depth, n int) []scoring.Criterion {
	cs := make([]scoring.Criterion, n)
	for i := range cs {
		if depth < 2 && g.r.IntN(3) == 0 {
			g.n++
			cs[i] = scoring.Criterion{Key: fmt.Sprintf("g%d", g.n), Name: fmt.Sprintf("Group %d", g.n), Weight: g.weight(), Children: g.group(depth+1, 1+g.r.IntN(4))}
			continue
		}
		cs[i] = g.leaf()
	}
	g.ensurePositive(cs)
	return cs
}

// weight draws a weight: often a round number, sometimes 0, sometimes not
// round at all.
func (g *gen) weight() float64 {
	switch g.r.IntN(6) {
	case 0:
		return 0
	case 1:
		return g.r.Float64() * 50
	}
	return float64(1 + g.r.IntN(20))
}

func (g *gen) ensurePositive(cs []scoring.Criterion) {
	for _, c := range cs {
		if c.Weight > 0 {
			return
		}
	}
	cs[g.r.IntN(len(cs))].Weight = float64(1 + g.r.IntN(5))
}

// leaf returns a new leaf. The generator keeps pointers to the leaves'
// metrics (shared by the copies), not to the leaves, which are copied.
func (g *gen) leaf() scoring.Criterion {
	g.n++
	c := scoring.Criterion{Key: fmt.Sprintf("c%d", g.n), Name: fmt.Sprintf("Criterion %d", g.n), Weight: g.weight()}
	if g.r.IntN(3) == 0 && !g.sh.allRated {
		mt := &scoring.Metric{Unit: "s", Better: scoring.Lower}
		if g.r.IntN(2) == 0 {
			mt.Better = scoring.Higher
		}
		if g.r.IntN(2) == 0 {
			a, b := float64(1+g.r.IntN(50)), float64(60+g.r.IntN(100))
			if mt.Better == scoring.Higher {
				a, b = b, a
			}
			mt.Best, mt.Worst = &a, &b
		}
		if g.r.IntN(4) == 0 {
			l := float64(40 + g.r.IntN(100))
			mt.Limit = &l
		}
		c.Metric = mt
		g.measured = append(g.measured, &scoring.Criterion{Key: c.Key, Metric: mt})
		return c
	}
	if g.r.IntN(4) == 0 {
		mr := g.scale.Min + math.Floor((g.scale.Max-g.scale.Min)*0.3*g.r.Float64())
		c.MinRating = &mr
	}
	g.rated = append(g.rated, &scoring.Criterion{Key: c.Key})
	return c
}

// rating draws a rating on the scale: whole points, sometimes halves.
func (g *gen) rating() float64 {
	steps := int(g.scale.Max-g.scale.Min) * 2
	v := g.scale.Min + float64(g.r.IntN(steps+1))/2
	if g.r.IntN(3) > 0 {
		v = math.Floor(v)
	}
	return v
}

// figure draws a measured figure that the metric accepts, sometimes beyond
// its anchors. The first vendor never has a 0, which a "higher" metric
// without anchors refuses when every vendor has it.
func (g *gen) figure(mt *scoring.Metric, first bool) float64 {
	if mt.Best == nil {
		if mt.Better == scoring.Higher && !first && g.r.IntN(10) == 0 {
			return 0
		}
		return 1 + float64(g.r.IntN(2000))/4
	}
	lo, hi := min(*mt.Best, *mt.Worst), max(*mt.Best, *mt.Worst)
	return lo - 20 + (hi-lo+40)*g.r.Float64()
}

// analysis adds what rules 11, 13 and 14 read: a consensus on some rated
// leaves of some vendors, often a cost criterion, and robustness options
// (the defaults a third of the time).
func (g *gen) analysis(m *scoring.Model) {
	r := g.r
	for i := range m.Vendors {
		for _, l := range g.rated {
			if r.IntN(12) == 0 {
				if m.Vendors[i].Consensus == nil {
					m.Vendors[i].Consensus = map[string]scoring.Consensus{}
				}
				m.Vendors[i].Consensus[l.Key] = scoring.Consensus{Value: g.rating(), Reason: "Agreed at moderation"}
			}
		}
	}
	var lower []string
	for _, l := range g.measured {
		if l.Metric.Better == scoring.Lower {
			lower = append(lower, l.Key)
		}
	}
	if len(lower) > 0 && r.IntN(3) > 0 {
		m.Options.CostCriterion = lower[r.IntN(len(lower))]
	}
	switch r.IntN(3) {
	case 1:
		n := r.IntN(500)
		m.Options.Robustness = &scoring.Robustness{Samples: &n}
	case 2:
		n, d := 1+r.IntN(300), 0.9*r.Float64()
		m.Options.Robustness = &scoring.Robustness{Samples: &n, Spread: &d}
	}
}
