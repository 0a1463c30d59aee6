package evalmodel_test

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// loader counts the loads of a detail.
type loader struct {
	d     *bpo.EvaluationDetail
	loads int
}

func (l *loader) load() (*bpo.EvaluationDetail, error) {
	l.loads++
	return l.d, nil
}

func TestCacheKeysByRevision(t *testing.T) {
	c := evalmodel.NewCache(evalmodel.DefaultCacheBytes)
	d := randomDetail(rand.New(rand.NewPCG(3, 7)))
	d.Evaluation.ID = 7
	l := &loader{d: d}

	for range 3 {
		if got, err := c.Detail(7, 1, evalmodel.Parts, l.load); err != nil || got != d {
			t.Fatalf("detail %p, %v", got, err)
		}
	}
	if l.loads != 1 {
		t.Errorf("%d loads at one revision, want 1", l.loads)
	}
	if _, err := c.Detail(7, 2, evalmodel.Parts, l.load); err != nil || l.loads != 2 {
		t.Errorf("a new revision: %d loads, %v; want it loaded again", l.loads, err)
	}
	if _, err := c.Detail(7, 2, evalmodel.Parts|bpo.WithAssignments, l.load); err != nil || l.loads != 3 {
		t.Errorf("other parts: %d loads, %v; want them loaded", l.loads, err)
	}
	failed := errors.New("database away")
	for range 2 {
		if _, err := c.Detail(8, 1, evalmodel.Parts, func() (*bpo.EvaluationDetail, error) { return nil, failed }); !errors.Is(err, failed) {
			t.Fatalf("error %v, want the load's", err)
		}
	}
	if s := c.Stats(); s.Hits != 2 || s.Misses != 5 || s.Entries != 3 || s.Bytes <= 0 {
		t.Errorf("stats %+v, want 2 hits, 5 misses, 3 entries: errors are never kept", s)
	}

	_, first, err := c.Score(1, d, i18n.EN, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]float64{}
	for _, cr := range d.Criteria {
		stored[cr.ID] = cr.Weight
	}
	if _, again, _ := c.Score(1, d, i18n.EN, stored); again != first {
		t.Error("the stored weights sent back scored again, want the kept result")
	}
	if _, fr, _ := c.Score(1, d, i18n.FR, nil); fr == first {
		t.Error("French served the English result")
	}
	if _, later, _ := c.Score(2, d, i18n.EN, nil); later == first {
		t.Error("a new revision served the old result")
	}
	whatIf := map[int64]float64{1: stored[1] + 40}
	before := c.Stats()
	_, other, err := c.Score(1, d, i18n.EN, whatIf)
	if s := c.Stats(); s.Entries != before.Entries || s.Bytes != before.Bytes {
		t.Errorf("a what-if's scoring was kept: %+v, then %+v", before, s)
	}
	if err != nil || other == first {
		t.Fatalf("what-if served the stored weights' result (%v)", err)
	}
	want, _, _ := evalmodel.Score(d, i18n.EN, whatIf)
	got, _, _ := c.Score(1, d, i18n.EN, whatIf)
	if got.Criteria[0].Weight != want.Criteria[0].Weight {
		t.Errorf("what-if weight %v, want %v", got.Criteria[0].Weight, want.Criteria[0].Weight)
	}

	calls := 0
	build := func() ([]byte, error) { calls++; return []byte(`{"ok":true}`), nil }
	for range 2 {
		if b, err := evalmodel.Derived(c, 7, 1, "result.json/en", build); err != nil || string(b) != `{"ok":true}` {
			t.Fatalf("derived %s, %v", b, err)
		}
	}
	if calls != 1 {
		t.Errorf("derived bytes made %d times, want 1", calls)
	}
}

// TestCacheStaysWithinItsBudget fills a cache with room for two details:
// the least recently used goes first, and the bytes never pass the budget.
func TestCacheStaysWithinItsBudget(t *testing.T) {
	d := randomDetail(rand.New(rand.NewPCG(5, 7)))
	probe := evalmodel.NewCache(1 << 30)
	if _, err := probe.Detail(1, 1, evalmodel.Parts, (&loader{d: d}).load); err != nil {
		t.Fatal(err)
	}
	one := probe.Stats().Bytes
	if one < 1000 {
		t.Fatalf("a detail estimated at %d bytes: too little to be honest", one)
	}
	c := evalmodel.NewCache(2*one + one/2)
	loaders := map[int64]*loader{1: {d: d}, 2: {d: d}, 3: {d: d}}
	get := func(id int64) {
		t.Helper()
		if _, err := c.Detail(id, 1, evalmodel.Parts, loaders[id].load); err != nil {
			t.Fatal(err)
		}
		if s := c.Stats(); s.Bytes > 2*one+one/2 {
			t.Fatalf("%d bytes held, budget %d", s.Bytes, 2*one+one/2)
		}
	}
	get(1)
	get(2)
	get(1) // 2 is now the least recently used
	get(3) // evicts 2
	get(1)
	get(3)
	if loaders[1].loads != 1 || loaders[3].loads != 1 {
		t.Errorf("loads %d and %d, want the recently used kept", loaders[1].loads, loaders[3].loads)
	}
	get(2)
	if loaders[2].loads != 2 {
		t.Errorf("evaluation 2 loaded %d times, want it evicted and loaded again", loaders[2].loads)
	}
	if s := c.Stats(); s.Entries != 2 {
		t.Errorf("%d entries, want 2", s.Entries)
	}

	tiny := evalmodel.NewCache(one / 2)
	l := &loader{d: d}
	for range 2 {
		if _, err := tiny.Detail(1, 1, evalmodel.Parts, l.load); err != nil {
			t.Fatal(err)
		}
	}
	if s := tiny.Stats(); l.loads != 2 || s.Entries != 0 || s.Bytes != 0 {
		t.Errorf("a value over the whole budget: %d loads, stats %+v; want it never kept", l.loads, s)
	}
}

// TestCacheConcurrentUse reads and fills one cache from many goroutines
// (run with -race).
func TestCacheConcurrentUse(t *testing.T) {
	d := randomDetail(rand.New(rand.NewPCG(9, 7)))
	c := evalmodel.NewCache(64 << 10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				rev := int64(i % 5)
				if _, err := c.Detail(int64(g%3), rev, evalmodel.Parts, func() (*bpo.EvaluationDetail, error) { return d, nil }); err != nil {
					t.Error(err)
					return
				}
				c.Score(rev, d, i18n.Langs[i%len(i18n.Langs)], nil)
			}
		}()
	}
	wg.Wait()
	if s := c.Stats(); s.Bytes > 64<<10 || s.Hits == 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestCacheMakesEachValueOnce: requests missing one key together wait for
// the first to make it; when it fails, the next one tries for itself.
func TestCacheMakesEachValueOnce(t *testing.T) {
	c := evalmodel.NewCache(evalmodel.DefaultCacheBytes)
	release := make(chan struct{})
	var (
		mu     sync.Mutex
		builds int
	)
	build := func() ([]byte, error) {
		mu.Lock()
		builds++
		n := builds
		mu.Unlock()
		<-release
		if n == 1 {
			return nil, errors.New("the first request's client went away")
		}
		return []byte("scored"), nil
	}
	var wg sync.WaitGroup
	results := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := evalmodel.Derived(c, 1, 1, "result.json/en", build)
			results <- err
		})
	}
	for c.Stats().Misses == 0 { // the first is building
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	close(results)
	failed := 0
	for err := range results {
		if err != nil {
			failed++
		}
	}
	if builds != 2 || failed != 1 {
		t.Errorf("%d builds, %d failures; want the failed one, then one for all the others", builds, failed)
	}
}
