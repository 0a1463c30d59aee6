package scoring_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// TestPropertyRankReversals checks rule 12 against its definition: each
// vendor is removed from the model in turn and the rest rescored from
// scratch. Without a relative leaf the list is empty.
func TestPropertyRankReversals(t *testing.T) {
	reversals := 0
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		relative := false
		for _, l := range m.Leaves() {
			relative = relative || (l.Metric != nil && l.Metric.Best == nil)
		}
		if !relative {
			if len(res.RankReversals) != 0 {
				t.Errorf("rank reversals %+v without a relative leaf", res.RankReversals)
			}
			return
		}
		var want []scoring.RankReversal
		for x := range m.Vendors {
			without := m.Clone()
			without.Vendors = append(without.Vendors[:x], without.Vendors[x+1:]...)
			without.Options.Robustness = noRobustness()
			after, err := scoring.Evaluate(without)
			if err != nil {
				continue // e.g. the only figure above 0 of a "higher" leaf
			}
			rr := scoring.RankReversal{Removed: m.Vendors[x].Key}
			for _, b := range res.Vendors {
				for _, a := range res.Vendors {
					if !a.Eligible || !b.Eligible || a.Key == rr.Removed || b.Key == rr.Removed {
						continue
					}
					if a.Score-b.Score > 1e-9 && after.Vendor(b.Key).Score-after.Vendor(a.Key).Score > 1e-9 {
						rr.Pairs = append(rr.Pairs, [2]string{b.Key, a.Key})
					}
				}
			}
			if len(after.Vendors) > 0 && after.Vendors[0].Eligible {
				rr.Leader = after.Vendors[0].Key
			}
			if len(rr.Pairs) > 0 {
				want = append(want, rr)
			}
		}
		got := res.RankReversals
		// The engine lists them in rank order of the removed vendor.
		order := map[string]int{}
		for i, v := range res.Vendors {
			order[v.Key] = i
		}
		sortBy(want, func(a scoring.RankReversal) int { return order[a.Removed] })
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("rank reversals =\n%+v\nremoving each vendor gives\n%+v", got, want)
		}
		reversals += len(got)
	})
	t.Logf("%d rank reversals checked", reversals)
	if reversals < 5 {
		t.Errorf("only %d rank reversals: the generator no longer exercises rule 12", reversals)
	}
}

func sortBy[T any](s []T, key func(T) int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && key(s[j]) < key(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestPropertyValueForMoney: rule 13's points are the eligible vendors with
// the cost figure, each benefit is the score rescored with the cost leaf at
// weight 0, and the frontier is exactly the set of points nobody dominates.
func TestPropertyValueForMoney(t *testing.T) {
	checked := 0
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		vfm, cost := res.ValueForMoney, m.Options.CostCriterion
		if cost == "" {
			if vfm != nil {
				t.Errorf("value for money %+v without a cost criterion", vfm)
			}
			return
		}
		withCost := 0
		for _, v := range res.Vendors {
			if c := leaf(t, res, v.Key, cost); v.Eligible && !c.Missing {
				withCost++
			}
		}
		var w float64
		for _, l := range m.Leaves() {
			if l.Key == cost {
				w = l.Weight
			}
		}
		if withCost == 0 || w >= 1-1e-12 {
			if vfm != nil {
				t.Errorf("value for money %+v, want nil", vfm)
			}
			return
		}
		if vfm == nil || len(vfm.Points) != withCost {
			t.Fatalf("value for money %+v, want %d points", vfm, withCost)
		}
		for i, p := range vfm.Points {
			v := res.Vendor(p.Vendor)
			c := leaf(t, res, p.Vendor, cost)
			if !v.Eligible || p.Cost != c.Value {
				t.Errorf("%s: eligible %v, cost %v, figure %v", p.Vendor, v.Eligible, p.Cost, c.Value)
			}
			// S_i(0) of rule 10: the score with the cost leaf's weight at 0.
			if want := (v.Score - c.Contribution) / (1 - w); !near(p.Benefit, want, 1e-7) {
				t.Errorf("%s: benefit %v, want %v", p.Vendor, p.Benefit, want)
			}
			dominated := false
			for k, q := range vfm.Points {
				if k != i && q.Cost <= p.Cost && q.Benefit >= p.Benefit-1e-9 && (q.Cost < p.Cost || q.Benefit > p.Benefit+1e-9) {
					dominated = true
				}
			}
			if p.Frontier == dominated {
				t.Errorf("%s: frontier %v, dominated %v (%+v)", p.Vendor, p.Frontier, dominated, vfm.Points)
			}
		}
		checked++
	})
	if checked < models/4 {
		t.Errorf("only %d models with value for money: the generator no longer exercises rule 13", checked)
	}
}

// TestPropertyAcceptabilitiesSumToOne: one share per eligible vendor, in
// rank order, each in 0…1, summing to 1.
func TestPropertyAcceptabilitiesSumToOne(t *testing.T) {
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		var eligible []string
		for _, v := range res.Vendors {
			if v.Eligible {
				eligible = append(eligible, v.Key)
			}
		}
		rob := res.Robustness
		samples := scoring.DefaultSamples
		if o := m.Options.Robustness; o != nil && o.Samples != nil {
			samples = *o.Samples
		}
		if samples == 0 || len(eligible) == 0 {
			if rob != nil {
				t.Errorf("robustness %+v, want nil", rob)
			}
			return
		}
		if rob == nil || rob.Samples != samples || len(rob.Acceptability) != len(eligible) {
			t.Fatalf("robustness %+v, want %d samples over %v", rob, samples, eligible)
		}
		sum := 0.0
		for i, a := range rob.Acceptability {
			if a.Vendor != eligible[i] || !(a.Share >= 0 && a.Share <= 1) {
				t.Errorf("acceptability %d = %+v, want %s with a share in 0…1", i, a, eligible[i])
			}
			sum += a.Share
		}
		if !near(sum, 1, 1e-9) {
			t.Errorf("acceptabilities sum to %v", sum)
		}
	})
}

// TestPropertyAheadOnEveryLeafAlwaysLeads adds to each random model a vendor
// that is strictly ahead of every other on every leaf: the best rating from
// every evaluator, the best figure, while the others' best ratings and
// figures are pulled back. It leads in every sampled weighting.
func TestPropertyAheadOnEveryLeafAlwaysLeads(t *testing.T) {
	for seed := range uint64(models) {
		r := rand.New(rand.NewPCG(seed, 0xa11))
		m := randomModel(r, shape{})
		scale := scoring.Scale{Min: 1, Max: 5}
		if m.Scale != nil {
			scale = *m.Scale
		}
		top := scoring.Vendor{Key: "top", Ratings: map[string]map[string]float64{"e0": {}}, Metrics: map[string]float64{}}
		for i := range m.Vendors {
			v := &m.Vendors[i]
			for _, rs := range v.Ratings {
				for k, x := range rs {
					rs[k] = min(x, scale.Max-0.5)
				}
			}
			for k, c := range v.Consensus {
				c.Value = min(c.Value, scale.Max-0.5)
				v.Consensus[k] = c
			}
		}
		for _, l := range m.Leaves() {
			mt := l.Metric
			if mt == nil {
				top.Ratings["e0"][l.Key] = scale.Max
				continue
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for i := range m.Vendors {
				if x, ok := m.Vendors[i].Metrics[l.Key]; ok {
					lo, hi = min(lo, x), max(hi, x)
				}
			}
			switch {
			case mt.Best != nil && mt.Better == scoring.Lower:
				pull(m, l.Key, func(x float64) float64 { return max(x, *mt.Best+(*mt.Worst-*mt.Best)/10) })
				top.Metrics[l.Key] = *mt.Best
			case mt.Best != nil:
				pull(m, l.Key, func(x float64) float64 { return min(x, *mt.Best-(*mt.Best-*mt.Worst)/10) })
				top.Metrics[l.Key] = *mt.Best
			case mt.Better == scoring.Lower:
				top.Metrics[l.Key] = min(lo, 1) / 2
			default:
				top.Metrics[l.Key] = max(hi, 1) * 2
			}
			if mt.Limit != nil { // top must stay eligible
				mt.Limit = nil
			}
		}
		m.Vendors = append(m.Vendors, top)
		res, err := scoring.Evaluate(m)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if res.Vendors[0].Key != "top" {
			t.Fatalf("seed %d: top is not the leader: %s", seed, ranking(res))
		}
		if rob := res.Robustness; rob != nil && (rob.Acceptability[0].Vendor != "top" || rob.Acceptability[0].Share != 1) {
			t.Errorf("seed %d: acceptability %+v, want top at 1", seed, rob.Acceptability)
		}
	}
}

func pull(m *scoring.Model, key string, f func(float64) float64) {
	for i := range m.Vendors {
		if x, ok := m.Vendors[i].Metrics[key]; ok {
			m.Vendors[i].Metrics[key] = f(x)
		}
	}
}

// TestPropertyConsensusOverridesTheAggregate: a consensus value scores as
// if every evaluator had given it, and knocks out the same way; only the
// description of the ratings (raters, spread, disputed) differs.
func TestPropertyConsensusOverridesTheAggregate(t *testing.T) {
	checked := 0
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		for i, v := range m.Vendors {
			for k, c := range v.Consensus {
				got := leaf(t, res, v.Key, k)
				if !got.Consensus || got.Missing || got.Value != c.Value || got.Disputed {
					t.Errorf("%s/%s: %+v, want the consensus %v", v.Key, k, got, c.Value)
				}
				as := m.Clone()
				delete(as.Vendors[i].Consensus, k)
				for e, rs := range as.Vendors[i].Ratings {
					if _, rated := rs[k]; rated || e == "e0" {
						rs[k] = c.Value
					}
				}
				if as.Vendors[i].Ratings == nil {
					as.Vendors[i].Ratings = map[string]map[string]float64{"e0": {k: c.Value}}
				}
				if _, ok := as.Vendors[i].Ratings["e0"]; !ok {
					as.Vendors[i].Ratings["e0"] = map[string]float64{k: c.Value}
				}
				as.Options.Robustness = noRobustness()
				want, err := scoring.Evaluate(as)
				if err != nil {
					t.Fatal(err)
				}
				a, b := res.Vendor(v.Key), want.Vendor(v.Key)
				if !near(a.Score, b.Score, 1e-9) || a.Eligible != b.Eligible || !reflect.DeepEqual(a.KnockOuts, b.KnockOuts) {
					t.Errorf("%s/%s: consensus %v gives score %v, eligible %v, knock-outs %+v; the same rating from all gives %v, %v, %+v",
						v.Key, k, c.Value, a.Score, a.Eligible, a.KnockOuts, b.Score, b.Eligible, b.KnockOuts)
				}
				checked++
				return // one per model
			}
		}
	})
	if checked < models/4 {
		t.Errorf("only %d consensus values checked", checked)
	}
}

// TestPropertyPruningChangesNothing: the robustness analysis leaves out the
// vendors that cannot lead; scoring all of them gives the same shares, to
// the bit.
func TestPropertyPruningChangesNothing(t *testing.T) {
	pruned := 0
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		*scoring.PruneContenders = false
		defer func() { *scoring.PruneContenders = true }()
		all, err := scoring.Evaluate(m)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(all.Robustness, res.Robustness) {
			t.Errorf("robustness with every vendor scored %+v, with the shortcut %+v", all.Robustness, res.Robustness)
		}
		if res.Robustness != nil {
			for _, a := range res.Robustness.Acceptability {
				if a.Share == 0 {
					pruned++
				}
			}
		}
	})
	m := benchModel(t, 50, scoring.DefaultSamples)
	res, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	*scoring.PruneContenders = false
	all, err := scoring.Evaluate(m)
	*scoring.PruneContenders = true
	if err != nil || !reflect.DeepEqual(all.Robustness, res.Robustness) {
		t.Errorf("the benchmark model: robustness with every vendor scored %+v, with the shortcut %+v (%v)", all.Robustness, res.Robustness, err)
	}
	t.Logf("%d vendors that never lead", pruned)
}
