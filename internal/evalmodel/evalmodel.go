// Package evalmodel turns an evaluation, as the domain stores it, into the
// scoring engine's model and result. It is the one mapping from bpo to
// scoring: the API's /model and /result, the pages, the what-if weights and
// the PDF report all score through it, so they cannot disagree.
package evalmodel

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// Parts are the parts of an EvaluationDetail the model is built from.
const Parts = bpo.WithMeasurements | bpo.WithRatings

// Build turns d into the engine's model: every vendor not rejected, the
// ratings of submitted scorecards keyed by the evaluator's e-mail, and the
// measured figures. weights (by criterion id) replace the stored weights of
// the criteria they name, for a what-if; nil scores the stored weights.
// Names are in lang; they are for display only and never change a score.
func Build(d *bpo.EvaluationDetail, lang i18n.Lang, weights map[int64]float64) (*scoring.Model, error) {
	e := d.Evaluation
	threshold, margin := e.AwardThreshold, e.CloseCallMargin
	m := &scoring.Model{
		Scale: &scoring.Scale{Min: float64(e.ScaleMin), Max: float64(e.ScaleMax)},
		Options: scoring.Options{
			Aggregation:     scoring.Aggregation(e.Aggregation),
			AwardThreshold:  &threshold,
			CloseCallMargin: &margin,
		},
		Criteria: criteria(d.Tree(), 0, string(lang), weights),
		Vendors:  []scoring.Vendor{},
	}
	addVendors(m, d)
	addAnalysis(m, d)
	return m, nil
}

// addAnalysis passes the options of the decision analyses. The cost
// criterion is passed only while it is a measured criterion where lower is
// better: a manager may have changed it since, and the engine would refuse
// the whole model for an option of one chart.
func addAnalysis(m *scoring.Model, d *bpo.EvaluationDetail) {
	a := d.Evaluation.Analysis
	spread := a.RobustnessSpread
	m.Options.Robustness = &scoring.Robustness{Spread: &spread}
	if a.CostCriterionID == nil {
		return
	}
	for _, c := range d.Criteria {
		if c.ID == *a.CostCriterionID && c.Kind == bpo.KindMeasured && c.Better == string(scoring.Lower) {
			m.Options.CostCriterion = c.Key
		}
	}
}

// addVendors adds the vendors still in the running with their ratings,
// the consensus values agreed at moderation, and their figures.
func addVendors(m *scoring.Model, d *bpo.EvaluationDetail) {
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
	for _, c := range d.Consensus {
		i, ok := index[c.VendorID]
		if !ok {
			continue
		}
		v := &m.Vendors[i]
		if v.Consensus == nil {
			v.Consensus = map[string]scoring.Consensus{}
		}
		v.Consensus[keyOf[c.CriterionID]] = scoring.Consensus{Value: float64(c.Value), Reason: c.Reason}
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
}

// criteria are the engine's criteria under parent (0: the top level).
func criteria(t *bpo.CriteriaTree, parent int64, lang string, weights map[int64]float64) []scoring.Criterion {
	var out []scoring.Criterion
	for _, c := range t.Children(parent) {
		sc := scoring.Criterion{Key: c.Key, Name: c.Name(lang), Weight: c.Weight}
		if w, ok := weights[c.ID]; ok {
			sc.Weight = w
		}
		switch c.Kind {
		case bpo.KindGroup:
			sc.Children = criteria(t, c.ID, lang, weights)
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

// Score builds d's model (as Build) and runs the engine on it. The model
// is returned even when the engine refuses it, for pages that show its
// weights regardless; the refusal is an EINVALID error (see Error).
func Score(d *bpo.EvaluationDetail, lang i18n.Lang, weights map[int64]float64) (*scoring.Model, *scoring.Result, error) {
	m, err := Build(d, lang, weights)
	if err != nil {
		return nil, nil, err
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		return m, nil, Error(err)
	}
	return m, res, nil
}

// Error explains why an evaluation cannot be scored yet (its criteria
// break a rule of the engine): the manager can fix that, so it is EINVALID.
// Other errors are returned as they are.
func Error(err error) error {
	var ie *scoring.InputError
	if errors.As(err, &ie) {
		return bpo.Errorf(bpo.EINVALID, "error.evaluation.not_scorable", err.Error())
	}
	return err
}

// ModelJSON is the exact body of GET /api/v1/evaluations/{id}/model for m:
// what `bpoeval score` reads back, and what a record of the model keeps.
func ModelJSON(m *scoring.Model) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
