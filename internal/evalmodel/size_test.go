package evalmodel

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestSizeOfIsHonest compares the estimate of a large detail with the heap
// it keeps alive: the budget must hold about what it says.
func TestSizeOfIsHonest(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := &bpo.EvaluationDetail{Evaluation: &bpo.Evaluation{Title: "Large"}}
	for v := range 40 {
		d.Participants = append(d.Participants, &bpo.Participant{VendorID: int64(v), Key: fmt.Sprintf("vendor-%d", v), Name: fmt.Sprintf("Vendor %d", v)})
		for e := range 10 {
			email := fmt.Sprintf("evaluator-%d@example.test", e)
			for c := range 40 {
				d.Ratings = append(d.Ratings, &bpo.SubmittedRating{VendorID: int64(v), EvaluatorEmail: email, CriterionID: int64(c),
					Value: 3, Justification: fmt.Sprintf("Seen at the site visit, point %d.", c), UpdatedAt: time.Now()})
			}
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	got := sizeOf(d)
	runtime.KeepAlive(d)
	// The allocator rounds each object up to its size class, which the
	// estimate leaves out: it may fall short by that much.
	if got < live*7/10 || got > live*13/10 {
		t.Errorf("estimated %d bytes for %d live", got, live)
	}
	t.Logf("estimated %d bytes, %d live", got, live)
	if sizeOf(map[string]int{"a": 1}) <= sizeOf(map[string]int{}) {
		t.Error("a map entry counted nothing")
	}
	shared := "shared text"
	if sizeOf([]string{shared, shared}) != sizeOf([]string{shared, ""}) {
		t.Error("a string shared by two fields counted twice")
	}
}
