package evalmodel

import (
	"container/list"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// DefaultCacheBytes is the most a server's cache of scored evaluations
// holds by default: a few large evaluations with their views.
const DefaultCacheBytes = 32 << 20

// DefaultBudget is the byte budget of a server's cache: an eighth of the
// process's soft memory limit (GOMEMLIMIT, or the server's default), at
// most DefaultCacheBytes, so that the cache never crowds out the reports
// and password checks the limit is sized for. The garbage collector lets
// the heap grow to about twice what is live, so what the cache holds
// counts double against the limit.
func DefaultBudget() int64 {
	return min(DefaultCacheBytes, debug.SetMemoryLimit(-1)/8)
}

// Cache keeps, in one process, what an evaluation is scored from and what
// scoring it gives: the detail loaded from the database, the model and
// result for a language with the stored weights, and views derived from
// them.
// Entries are keyed by the evaluation's revision, which every committed
// change to what they derive from raises (see bpo.RevisionRead), so an
// entry is never stale: a change makes new keys and the old entries age
// out. Several processes need not talk to each other, as long as each reads
// the revision from the database for every request.
//
// It holds data, and views made from it (a JSON document, a report, the
// content of a page without the page's frame, which names the reader):
// what a view shows of its reader is in its name. Whoever reads from it
// must have been authorized to read what it holds first: a server keeps
// scored evaluations in one cache, for managers, and the frames its
// evaluators' answers are shown with (details without optional parts) in
// another. The values returned are shared between requests and must not be
// changed.
//
// The cache is bounded by an estimate of the bytes its entries hold, and
// evicts the least recently used first. The zero value is not usable: see
// NewCache.
type Cache struct {
	budget int64

	mu       sync.Mutex
	bytes    int64
	order    *list.List // of *cacheEntry, most recently used first
	entries  map[cacheKey]*list.Element
	inFlight map[cacheKey]chan struct{} // closed when the value is made
	scoring  chan struct{}              // a slot per evaluation being scored
	hits     uint64
	misses   uint64
}

type cacheKey struct {
	evaluation, revision int64
	what                 string // which value: see detailKey, scoreKey, derivedKey
}

type cacheEntry struct {
	key   cacheKey
	value any
	bytes int64
}

// CacheStats are a cache's counters since it was made.
type CacheStats struct {
	Hits, Misses uint64
	Bytes        int64 // estimated bytes held now
	Entries      int
}

// NewCache returns an empty cache holding at most budget estimated bytes.
func NewCache(budget int64) *Cache {
	return &Cache{budget: budget, order: list.New(), entries: map[cacheKey]*list.Element{},
		inFlight: map[cacheKey]chan struct{}{}, scoring: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits, Misses: c.misses, Bytes: c.bytes, Entries: len(c.entries)}
}

// Detail returns the detail of evaluation id with parts at revision rev,
// calling load on a miss. load's errors are returned and never kept.
func (c *Cache) Detail(id, rev int64, parts bpo.EvaluationParts, load func() (*bpo.EvaluationDetail, error)) (*bpo.EvaluationDetail, error) {
	return remember(c, cacheKey{id, rev, "detail/" + strconv.Itoa(int(parts))}, load)
}

// scored is a kept Score: the engine's refusal is kept too, since the same
// revision is always refused the same way.
type scored struct {
	model  *scoring.Model
	result *scoring.Result
	err    error
}

// Score is Score(d, lang, weights) for d read at revision rev with at
// least Parts, kept for the stored weights. What-if weights are scored for
// the request alone: each move of a slider asks for weights of its own, so
// kept, their scorings would only push out of the cache what is asked
// again, the evaluation itself first when it is large.
func (c *Cache) Score(rev int64, d *bpo.EvaluationDetail, lang i18n.Lang, weights map[int64]float64) (*scoring.Model, *scoring.Result, error) {
	score := func() (*scored, error) {
		// Scoring is CPU-bound and each scoring holds megabytes until it
		// is done: more at once than there are cores would not finish
		// sooner, only hold more memory (32 what-if re-ranks at once, each
		// with weights of its own), so the others wait for a core.
		c.scoring <- struct{}{}
		defer func() { <-c.scoring }()
		m, res, err := Score(d, lang, weights)
		return &scored{model: m, result: res, err: err}, nil
	}
	var s *scored
	if whatIf := weightsKey(d, weights); whatIf != "" {
		s, _ = score()
	} else {
		s, _ = remember(c, cacheKey{d.Evaluation.ID, rev, "score/" + string(lang)}, score)
	}
	return s.model, s.result, s.err
}

// Derived returns the value named name (with what it varies by in it, such
// as the language) made from evaluation id at revision rev, calling build
// on a miss: the bytes of a document, or parts of a page. A name always
// holds values of one type. build's errors are returned and never kept.
func Derived[T any](c *Cache, id, rev int64, name string, build func() (T, error)) (T, error) {
	return remember(c, cacheKey{id, rev, "derived/" + name}, build)
}

// weightsKey names a set of what-if weights: only those differing from the
// stored weights count, so the stored weights sent back unchanged are no
// what-if at all ("").
func weightsKey(d *bpo.EvaluationDetail, weights map[int64]float64) string {
	stored := make(map[int64]float64, len(d.Criteria))
	for _, c := range d.Criteria {
		stored[c.ID] = c.Weight
	}
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(weights)) {
		if w, ok := stored[id]; ok && w == weights[id] {
			continue
		}
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte('=')
		b.WriteString(strconv.FormatFloat(weights[id], 'g', -1, 64))
		b.WriteByte(';')
	}
	return b.String()
}

// remember returns the value kept under k, or makes it and keeps it. The
// requests that miss a key while it is being made wait for it rather than
// build it again: after a change, a busy evaluation is scored once, not once
// per request. When making it fails, each waiter tries for itself: the
// error may be the first request's own (its client went away).
func remember[T any](c *Cache, k cacheKey, build func() (T, error)) (T, error) {
	c.mu.Lock()
	for {
		if el, ok := c.entries[k]; ok {
			c.order.MoveToFront(el)
			c.hits++
			v := el.Value.(*cacheEntry).value.(T)
			c.mu.Unlock()
			return v, nil
		}
		done, ok := c.inFlight[k]
		if !ok {
			break
		}
		c.mu.Unlock()
		<-done
		c.mu.Lock()
	}
	c.misses++
	done := make(chan struct{})
	c.inFlight[k] = done
	c.mu.Unlock()

	v, err := build()
	var size int64
	if err == nil {
		size = sizeOf(v) + entryOverhead + int64(len(k.what))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.inFlight, k)
	close(done)
	if err != nil {
		return v, err
	}
	c.put(k, v, size)
	return v, nil
}

// entryOverhead is what an entry costs beside its value: the list element,
// the entry, and the map slot.
const entryOverhead = 160

// put keeps v under k, which it does not hold (remember makes each key
// once at a time), and evicts the least recently used entries until the
// cache is within its budget. A value larger than the whole budget is not
// kept.
func (c *Cache) put(k cacheKey, v any, size int64) {
	if size > c.budget {
		return
	}
	c.entries[k] = c.order.PushFront(&cacheEntry{key: k, value: v, bytes: size})
	c.bytes += size
	for c.bytes > c.budget {
		c.remove(c.order.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= e.bytes
}
