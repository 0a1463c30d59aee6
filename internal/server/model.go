package server

import (
	"context"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// evaluationData is an evaluation with its parts, as handlers use it.
type evaluationData = bpo.EvaluationDetail

// forScoring are the parts the scoring model is built from.
const forScoring = bpo.WithMeasurements | bpo.WithRatings

// loadEvaluation is the one way handlers read an evaluation with its
// criteria and vendors, plus the parts asked for: one round trip.
func (s *Server) loadEvaluation(ctx context.Context, id int64, parts bpo.EvaluationParts) (*evaluationData, error) {
	return s.evaluations.FindEvaluationDetail(ctx, id, parts)
}

// scoringModel turns an evaluation into the engine's model: every vendor not
// rejected, the ratings of submitted scorecards keyed by the evaluator's
// e-mail, and the measured figures. Names are in lang; they are for display
// only and never change a score.
func scoringModel(d *evaluationData, lang string) *scoring.Model {
	e := d.Evaluation
	threshold, margin := e.AwardThreshold, e.CloseCallMargin
	m := &scoring.Model{
		Scale: &scoring.Scale{Min: float64(e.ScaleMin), Max: float64(e.ScaleMax)},
		Options: scoring.Options{
			Aggregation:     scoring.Aggregation(e.Aggregation),
			AwardThreshold:  &threshold,
			CloseCallMargin: &margin,
		},
		Criteria: criteriaTree(d.Criteria, nil, lang),
		Vendors:  []scoring.Vendor{},
	}

	keyOf := make(map[int64]string, len(d.Criteria))
	for _, c := range d.Criteria {
		keyOf[c.ID] = c.Key
	}
	index := map[int64]int{}
	for _, p := range d.Participants {
		if p.Stage == bpo.StageRejected {
			continue
		}
		index[p.VendorID] = len(m.Vendors)
		m.Vendors = append(m.Vendors, scoring.Vendor{Key: p.Key, Name: p.Name})
	}
	for _, r := range d.Ratings {
		i, ok := index[r.VendorID]
		if !ok {
			continue
		}
		v := &m.Vendors[i]
		if v.Ratings == nil {
			v.Ratings = map[string]map[string]float64{}
		}
		if v.Ratings[r.EvaluatorEmail] == nil {
			v.Ratings[r.EvaluatorEmail] = map[string]float64{}
		}
		v.Ratings[r.EvaluatorEmail][keyOf[r.CriterionID]] = float64(r.Value)
	}
	for _, ms := range d.Measurements {
		i, ok := index[ms.VendorID]
		if !ok {
			continue
		}
		v := &m.Vendors[i]
		if v.Metrics == nil {
			v.Metrics = map[string]float64{}
		}
		v.Metrics[keyOf[ms.CriterionID]] = ms.Value
	}
	return m
}

// criteriaTree rebuilds the children of parent from the flat, tree-ordered list.
func criteriaTree(all []*bpo.Criterion, parent *int64, lang string) []scoring.Criterion {
	var out []scoring.Criterion
	for _, c := range all {
		if !sameParent(c.ParentID, parent) {
			continue
		}
		sc := scoring.Criterion{Key: c.Key, Name: c.Name(lang), Weight: c.Weight}
		switch c.Kind {
		case bpo.KindGroup:
			id := c.ID
			sc.Children = criteriaTree(all, &id, lang)
		case bpo.KindRated:
			sc.MinRating = c.MinRating
		case bpo.KindMeasured:
			sc.Metric = &scoring.Metric{Unit: c.Unit, Better: scoring.Direction(c.Better),
				Best: c.Best, Worst: c.Worst, Limit: c.Limit}
		}
		out = append(out, sc)
	}
	return out
}

func sameParent(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
