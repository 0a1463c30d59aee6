package server

import (
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// scorecardFixture is an evaluation of two categories of rated criteria and
// a measured one, and a scorecard rating some of them.
func scorecardFixture(ratings map[int64]int) *scorecardScope {
	e := &bpo.Evaluation{ID: 1, ScaleMin: 1, ScaleMax: 5, Aggregation: "mean", AwardThreshold: 60, CloseCallMargin: 3}
	quality, service := int64(10), int64(20)
	criteria := []*bpo.Criterion{
		{ID: quality, Key: "quality", Kind: bpo.KindGroup, NameEN: "Quality", Weight: 60},
		{ID: 11, ParentID: &quality, Key: "policies", Kind: bpo.KindRated, NameEN: "Policies", Weight: 2},
		{ID: 12, ParentID: &quality, Key: "expertise", Kind: bpo.KindRated, NameEN: "Expertise", Weight: 1},
		{ID: service, Key: "service", Kind: bpo.KindGroup, NameEN: "Service", Weight: 40},
		{ID: 21, ParentID: &service, Key: "responsiveness", Kind: bpo.KindRated, NameEN: "Responsiveness", Weight: 1},
		{ID: 22, ParentID: &service, Key: "aht", Kind: bpo.KindMeasured, NameEN: "AHT", Weight: 1, Better: "lower"},
	}
	card := &bpo.Scorecard{Ratings: map[int64]*bpo.Rating{}}
	for id, v := range ratings {
		card.Ratings[id] = &bpo.Rating{CriterionID: id, Value: &v}
	}
	return &scorecardScope{evaluation: e, criteria: criteria, card: card,
		vendor: &bpo.Participant{VendorID: 7, Key: "acme", Name: "Acme", Stage: bpo.StageRejected}}
}

// A base shared by concurrent saves gives each the subtotal of its own
// ratings, as one built for it alone does, and is kept by the cache.
func TestScorecardBaseShared(t *testing.T) {
	shared := newScorecardBase(scorecardFixture(nil).evaluation, scorecardFixture(nil).criteria)
	if shared.weights["policies"] != 0.4 || shared.weights["aht"] != 0.2 {
		t.Fatalf("effective weights %v", shared.weights)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			sc := scorecardFixture(map[int64]int{11: 1 + i%5, 21: 1 + (i/5)%5})
			alone := scoreScorecard(i18n.FR, sc)
			sc.base = shared
			got := scoreScorecard(i18n.FR, sc)
			if got.summary != alone.summary {
				t.Errorf("ratings %d: shared base gives %+v, its own %+v", i, got.summary, alone.summary)
			}
		})
	}
	wg.Wait()

	// Policies rated 5 (0.4 of the weight, at 100) and responsiveness 3 (0.2, at 50).
	got := scoreScorecard(i18n.EN, &scorecardScope{evaluation: scorecardFixture(nil).evaluation, criteria: scorecardFixture(nil).criteria,
		card: scorecardFixture(map[int64]int{11: 5, 21: 3}).card, vendor: scorecardFixture(nil).vendor, base: shared})
	if got.summary.Score != "50.00" || got.summary.Max != "80.00" || got.summary.Rated != 2 || got.summary.Total != 3 ||
		got.summary.Completeness != i18n.Percent(i18n.EN, 0.75, 0) {
		t.Errorf("summary %+v, want 50.00 of 80.00, 2 of 3 rated, 75 %% complete", got.summary)
	}

	c := evalmodel.NewCache(1 << 20)
	build := func() (*scorecardBase, error) { return shared, nil }
	for range 2 {
		if b, err := evalmodel.Derived(c, 1, 3, "scorecard-base", build); err != nil || b != shared {
			t.Fatalf("Derived = %p, %v", b, err)
		}
	}
	if st := c.Stats(); st.Hits != 1 || st.Bytes == 0 {
		t.Errorf("cache stats %+v: the base was not kept", st)
	}
}
