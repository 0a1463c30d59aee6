package scoring_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// models is how many random models each property is checked on.
const models = 300

// forRandomModels runs check on random models from fixed seeds, so that a
// failure names a model that can be rebuilt.
func forRandomModels(t *testing.T, check func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result)) {
	for seed := range uint64(models) {
		r := rand.New(rand.NewPCG(seed, 0x5c0e))
		m := randomModel(r, shape{})
		res, err := scoring.Evaluate(m)
		if err != nil {
			t.Fatalf("seed %d: the generator built an invalid model: %v", seed, err)
		}
		check(t, r, m, res)
		if t.Failed() {
			b, _ := json.Marshal(m)
			t.Fatalf("seed %d, model:\n%s", seed, b)
		}
	}
}

func TestPropertyScalingASiblingGroupChangesNothing(t *testing.T) {
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		groups := siblingGroups(m.Criteria)
		group := groups[r.IntN(len(groups))]
		c := []float64{1e-3, 0.37, 3, 7.5, 1e6}[r.IntN(5)]
		scaled := m.Clone()
		for _, k := range group {
			scaled.Find(k).Weight *= c
		}
		got, err := scoring.Evaluate(scaled)
		if err != nil {
			t.Fatal(err)
		}
		sameOutcome(t, got, res)
	})
}

func TestPropertyRaisingARatingNeverLowersTheScore(t *testing.T) {
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		scale := scoring.Scale{Min: 1, Max: 5}
		if m.Scale != nil {
			scale = *m.Scale
		}
		for i := range m.Vendors {
			for e, rs := range m.Vendors[i].Ratings {
				for k, v := range rs {
					if v == scale.Max {
						continue
					}
					raised := m.Clone()
					raised.Vendors[i].Ratings[e][k] = v + (scale.Max-v)*(0.1+0.9*r.Float64())
					got, err := scoring.Evaluate(raised)
					if err != nil {
						t.Fatal(err)
					}
					key := m.Vendors[i].Key
					if before, after := res.Vendor(key), got.Vendor(key); after.Score < before.Score-1e-12 {
						t.Errorf("raising %s's %s rating from %s from %v: score %v → %v", key, k, e, v, before.Score, after.Score)
					} else if before.Eligible && !after.Eligible {
						t.Errorf("raising %s's %s rating from %s knocked it out", key, k, e)
					}
					return // one rating per vendor is enough
				}
			}
		}
	})
}

func TestPropertyBounds(t *testing.T) {
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		leaves := m.Leaves()
		sum := 0.0
		for _, l := range leaves {
			sum += l.Weight
		}
		if !near(sum, 1, 1e-12) {
			t.Errorf("effective weights sum to %v", sum)
		}
		for i, v := range res.Vendors {
			if !(v.Score >= 0 && v.Score <= 100) {
				t.Errorf("%s: score %v outside 0…100", v.Key, v.Score)
			}
			if !(v.Completeness >= 0 && v.Completeness <= 1) {
				t.Errorf("%s: completeness %v outside 0…1", v.Key, v.Completeness)
			}
			if i > 0 {
				prev := res.Vendors[i-1]
				switch {
				case v.Eligible && !prev.Eligible:
					t.Errorf("eligible %s is listed after knocked-out %s", v.Key, prev.Key)
				case v.Eligible == prev.Eligible && v.Score > prev.Score+1e-9:
					t.Errorf("%s is out of score order", v.Key)
				case v.Eligible && v.Rank < prev.Rank:
					t.Errorf("%s is out of rank order", v.Key)
				}
			}
			// Rule 7: a knocked-out vendor is never ranked.
			if (v.Rank > 0) != v.Eligible {
				t.Errorf("%s: rank %d, eligible %v", v.Key, v.Rank, v.Eligible)
			}
			contributions := 0.0
			for j, c := range v.Criteria {
				contributions += c.Contribution
				if c.Key != leaves[j].Key || c.Weight != leaves[j].Weight {
					t.Errorf("%s: criterion %d is %s (%v), Leaves says %s (%v)", v.Key, j, c.Key, c.Weight, leaves[j].Key, leaves[j].Weight)
				}
				if !c.Missing && !(c.Normalized >= 0 && c.Normalized <= 100) {
					t.Errorf("%s/%s: normalized %v outside 0…100", v.Key, c.Key, c.Normalized)
				}
			}
			if !near(contributions, v.Score, 1e-9) {
				t.Errorf("%s: score %v, contributions sum to %v", v.Key, v.Score, contributions)
			}
		}
	})
}

func TestPropertyOrderOfVendorsAndEvaluatorsChangesNothing(t *testing.T) {
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		shuffled := m.Clone()
		r.Shuffle(len(shuffled.Vendors), func(i, j int) {
			shuffled.Vendors[i], shuffled.Vendors[j] = shuffled.Vendors[j], shuffled.Vendors[i]
		})
		// Evaluators swap names, the same way for every vendor: each vendor
		// gets the same set of ratings from differently named people.
		rename := map[string]string{}
		for _, e := range r.Perm(5) {
			rename["e"+string(rune('0'+len(rename)))] = "e" + string(rune('0'+e))
		}
		for i := range shuffled.Vendors {
			old := shuffled.Vendors[i].Ratings
			if old == nil {
				continue
			}
			shuffled.Vendors[i].Ratings = map[string]map[string]float64{}
			for e, rs := range old {
				shuffled.Vendors[i].Ratings[rename[e]] = rs
			}
		}
		got, err := scoring.Evaluate(shuffled)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, res) {
			t.Errorf("shuffled vendors and evaluators give a different result")
		}
	})
}

func TestPropertyMarshalledModelScoresTheSame(t *testing.T) {
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := scoring.Evaluate(decode(t, string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, res) {
			t.Errorf("the model read back from its JSON scores differently")
		}
	})
}

// TestPropertyFlipWeight rescores each model with one leaf's weight moved to
// just short of and just beyond its flip_weight (the other weights scaled to
// fill the rest, as rule 10 says), and checks that the leader changes
// exactly there; where there is no flip, that no weight in 0…1 changes the
// leader.
func TestPropertyFlipWeight(t *testing.T) {
	const delta = 1e-6
	flips, stable := 0, 0
	forRandomModels(t, func(t *testing.T, r *rand.Rand, m *scoring.Model, res *scoring.Result) {
		leader := ""
		for _, v := range res.Vendors {
			if v.Eligible {
				leader = v.Key
				break
			}
		}
		for _, s := range res.Sensitivity {
			leaderAt := func(t *testing.T, weight float64) (string, bool) {
				return leaderWithWeight(t, m, s.Criterion, weight)
			}
			if s.FlipWeight == nil {
				for _, w := range []float64{0, s.Weight / 2, (1 + s.Weight) / 2, 1} {
					if got, clear := leaderAt(t, w); clear && leader != "" && got != leader {
						t.Errorf("%s: no flip reported, but at weight %v the leader is %s, not %s", s.Criterion, w, got, leader)
					}
				}
				stable++
				continue
			}
			f := *s.FlipWeight
			dir := math.Copysign(1, f-s.Weight)
			// Rule 10: the overtake happens inside 0…1, so the crossing is
			// never at (or within 1e-9 of) the endpoint it moves towards.
			if (dir > 0 && f >= 1-1e-9) || (dir < 0 && f <= 1e-9) {
				t.Errorf("%s: flip at %v (from %v), at the end of 0…1: nobody can lead beyond it", s.Criterion, f, s.Weight)
			}
			if f == s.Weight {
				// A tie today: the new leader must lead on one side.
				up, clearUp := leaderAt(t, f+delta)
				down, clearDown := leaderAt(t, f-delta)
				if clearUp && clearDown && up != s.NewLeader && down != s.NewLeader {
					t.Errorf("%s: flip at the current weight %v, but %s leads on neither side", s.Criterion, f, s.NewLeader)
				}
				continue
			}
			if math.Abs(f-s.Weight) > 2*delta {
				if got, clear := leaderAt(t, f-dir*delta); clear && got != leader {
					t.Errorf("%s: flip at %v (from %v), but just short of it the leader is %s, not %s", s.Criterion, f, s.Weight, got, leader)
				}
			}
			if beyond := f + dir*delta; beyond >= 0 && beyond <= 1 {
				if got, clear := leaderAt(t, beyond); clear && got != s.NewLeader {
					t.Errorf("%s: flip at %v (from %v), but just beyond it the leader is %s, not %s", s.Criterion, f, s.Weight, got, s.NewLeader)
				}
				flips++
			}
		}
	})
	t.Logf("%d flips and %d stable weights checked", flips, stable)
	if flips < models || stable < models {
		t.Errorf("only %d flips and %d stable weights checked: the generator no longer exercises rule 10", flips, stable)
	}
}

// leaderWithWeight rescores m with leaf key's effective weight set to w and
// the other leaves' scaled by (1 − w)/(1 − w_key), by flattening the tree into
// top-level leaves. It returns the eligible leader, and whether the lead is
// clear of the 1e-9 within which the engine counts scores as equal.
func leaderWithWeight(t *testing.T, m *scoring.Model, key string, w float64) (string, bool) {
	t.Helper()
	flat := m.Clone()
	flat.Criteria = nil
	leaves := m.Leaves()
	var wj float64
	for _, l := range leaves {
		if l.Key == key {
			wj = l.Weight
		}
	}
	for _, l := range leaves {
		c := scoring.Criterion{Key: l.Key, Weight: l.Weight * (1 - w) / (1 - wj), MinRating: l.MinRating, Metric: l.Metric}
		if l.Key == key {
			c.Weight = w
		}
		flat.Criteria = append(flat.Criteria, c)
	}
	flat.Options.Robustness = noRobustness()
	res, err := scoring.Evaluate(flat)
	if err != nil {
		t.Fatalf("rescoring with %s at %v: %v", key, w, err)
	}
	var eligible []scoring.VendorResult
	for _, v := range res.Vendors {
		if v.Eligible {
			eligible = append(eligible, v)
		}
	}
	if len(eligible) == 0 {
		return "", false
	}
	clear := len(eligible) == 1 || eligible[0].Score-eligible[1].Score > 1e-8
	return eligible[0].Key, clear
}

// siblingGroups lists the keys of every group of siblings in the tree.
func siblingGroups(cs []scoring.Criterion) [][]string {
	var keys []string
	var groups [][]string
	for _, c := range cs {
		keys = append(keys, c.Key)
		if len(c.Children) > 0 {
			groups = append(groups, siblingGroups(c.Children)...)
		}
	}
	return append(groups, keys)
}

// sameOutcome compares two results that should agree up to rounding.
func sameOutcome(t *testing.T, got, want *scoring.Result) {
	t.Helper()
	if ranking(got) != ranking(want) {
		t.Errorf("ranking = %s, want %s", ranking(got), ranking(want))
		return
	}
	for i, v := range got.Vendors {
		w := want.Vendors[i]
		if !near(v.Score, w.Score, 1e-9) || !near(v.Completeness, w.Completeness, 1e-12) {
			t.Errorf("%s: score %v, completeness %v; want %v, %v", v.Key, v.Score, v.Completeness, w.Score, w.Completeness)
		}
	}
	gr, wr := got.Recommendation, want.Recommendation
	if gr.Decision != wr.Decision || gr.Vendor != wr.Vendor || gr.RunnerUp != wr.RunnerUp || (gr.Margin == nil) != (wr.Margin == nil) ||
		(gr.Margin != nil && !near(*gr.Margin, *wr.Margin, 1e-9)) || codes(got) != codes(want) {
		t.Errorf("recommendation = %s (%s), want %s (%s)", decision(got), codes(got), decision(want), codes(want))
	}
	if len(got.Sensitivity) != len(want.Sensitivity) {
		t.Fatalf("%d sensitivities, want %d", len(got.Sensitivity), len(want.Sensitivity))
	}
	for i, s := range got.Sensitivity {
		w := want.Sensitivity[i]
		if s.Criterion != w.Criterion || !near(s.Weight, w.Weight, 1e-12) || s.NewLeader != w.NewLeader || (s.FlipWeight == nil) != (w.FlipWeight == nil) ||
			(s.FlipWeight != nil && !near(*s.FlipWeight, *w.FlipWeight, 1e-9)) {
			t.Errorf("sensitivity %d = %+v, want %+v", i, s, w)
		}
	}
}

func noRobustness() *scoring.Robustness {
	zero := 0
	return &scoring.Robustness{Samples: &zero}
}
