package scoring_test

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// A Prepared, shared by goroutines scoring sets of vendors of their own,
// gives each what Evaluate gives for the model with those vendors: the same
// result, or the same problems in the same order; Score, the same vendors'
// scores.
func TestPreparedMatchesEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for range 40 {
		m := randomModel(r, shape{})
		prepared := scoring.Prepare(m)
		var sets [][]scoring.Vendor
		for k := range 6 {
			vs := append([]scoring.Vendor(nil), m.Vendors[:r.IntN(len(m.Vendors)+1)]...)
			if k == 5 && len(vs) > 0 { // a vendor the engine refuses
				vs[0].Key = ""
			}
			sets = append(sets, vs)
		}
		var wg sync.WaitGroup
		for _, vs := range sets {
			wg.Go(func() {
				want, wantErr := scoring.Evaluate(&scoring.Model{Scale: m.Scale, Criteria: m.Criteria, Vendors: vs, Options: m.Options})
				got, err := prepared.Evaluate(vs)
				if !reflect.DeepEqual(err, wantErr) || !reflect.DeepEqual(got, want) {
					t.Errorf("%d vendors: prepared gives %v, %v; Evaluate %v, %v", len(vs), got, err, want, wantErr)
				}
				scores, err := prepared.Score(vs)
				if !reflect.DeepEqual(err, wantErr) {
					t.Errorf("%d vendors: Score's error %v, Evaluate's %v", len(vs), err, wantErr)
				}
				for _, v := range scores {
					if w := want.Vendor(v.Key); w == nil || w.Score != v.Score || w.Eligible != v.Eligible || !reflect.DeepEqual(w.Criteria, v.Criteria) {
						t.Errorf("vendor %s: Score gives %+v, Evaluate %+v", v.Key, v, w)
					}
				}
			})
		}
		wg.Wait()
	}
}

// The problems of the criteria, of the vendors and of the options keep
// the order of the JSON form.
func TestPreparedProblemsOrder(t *testing.T) {
	zero := 0.0
	m := &scoring.Model{
		Criteria: []scoring.Criterion{{Key: "a", Weight: 1}, {Key: "a", Weight: 1}},
		Vendors:  []scoring.Vendor{{Key: ""}},
		Options:  scoring.Options{CloseCallMargin: &zero},
	}
	_, err := scoring.Prepare(m).Evaluate(m.Vendors)
	ie, ok := err.(*scoring.InputError)
	if !ok {
		t.Fatalf("error %v", err)
	}
	var paths []string
	for _, p := range ie.Problems {
		paths = append(paths, p.Path)
	}
	if want := []string{"criteria[1].key", "vendors[0].key", "options.close_call_margin"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("problems at %v, want %v", paths, want)
	}
}
