package evalmodel_test

import (
	"fmt"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// largeDetail is vendors × (4 groups of leaves/4 rated criteria) ×
// evaluators, every rating given.
func largeDetail(vendors, leaves, evaluators int) *bpo.EvaluationDetail {
	d := &bpo.EvaluationDetail{Evaluation: &bpo.Evaluation{ID: 1, ScaleMin: 1, ScaleMax: 5, Aggregation: "mean", AwardThreshold: 50, CloseCallMargin: 2}}
	for g := range 4 {
		group := int64(1000 + g)
		d.Criteria = append(d.Criteria, &bpo.Criterion{ID: group, Key: fmt.Sprintf("g%d", g), Kind: bpo.KindGroup, NameEN: "Group", NameFR: "Groupe", Weight: 25})
		for l := range leaves / 4 {
			d.Criteria = append(d.Criteria, &bpo.Criterion{ID: int64(g*100 + l), ParentID: &group, Key: fmt.Sprintf("c%d_%d", g, l),
				Kind: bpo.KindRated, NameEN: "Leaf", NameFR: "Feuille", Weight: float64(1 + l%5)})
		}
	}
	for v := range vendors {
		d.Participants = append(d.Participants, &bpo.Participant{VendorID: int64(v), Key: fmt.Sprintf("v%d", v), Name: fmt.Sprintf("Vendor %d", v), Stage: bpo.StageCandidate})
		for e := range evaluators {
			for _, c := range d.Criteria {
				if c.Kind == bpo.KindRated {
					d.Ratings = append(d.Ratings, &bpo.SubmittedRating{VendorID: int64(v), EvaluatorEmail: fmt.Sprintf("e%d@x.test", e),
						CriterionID: c.ID, Value: 1 + (v+e+int(c.ID))%5})
				}
			}
		}
	}
	return d
}

// BenchmarkScore scores 40 vendors × 40 criteria × 10 evaluators: what a
// comparison costs without the cache.
func BenchmarkScore(b *testing.B) {
	d := largeDetail(40, 40, 10)
	for b.Loop() {
		if _, _, err := evalmodel.Score(d, i18n.EN, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheScoreHit is the same comparison found in the cache, with
// the page's what-if weights (every criterion's) named in the key.
func BenchmarkCacheScoreHit(b *testing.B) {
	d := largeDetail(40, 40, 10)
	c := evalmodel.NewCache(evalmodel.DefaultCacheBytes)
	weights := map[int64]float64{}
	for _, cr := range d.Criteria {
		weights[cr.ID] = cr.Weight
	}
	weights[1000] = 40
	if _, _, err := c.Score(1, d, i18n.EN, weights); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := c.Score(1, d, i18n.EN, weights); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Stats().Bytes), "cached-bytes")
}
