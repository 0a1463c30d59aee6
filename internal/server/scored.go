package server

import (
	"context"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// scoredEvaluation is an evaluation read for a view of its scores, with
// the revision it was read at: 0 when it was read around the cache.
type scoredEvaluation struct {
	*bpo.EvaluationDetail
	revision int64
	cache    *evalmodel.Cache
}

// loadScored reads evaluation id with parts for a manager's view of its
// scores: from the process's cache when the credential check read the
// evaluation's revision (see withRevisionRead), else as loadEvaluation
// does. What the cache holds may be read by whoever may read every
// evaluator's ratings, so the cache serves managers only, and only once
// the revision has shown the evaluation exists: that is what the services
// check for a manager. Anyone else reads through the services, whose
// checks answer them as before.
func (s *Server) loadScored(ctx context.Context, id int64, parts bpo.EvaluationParts) (*scoredEvaluation, error) {
	rev, ok := bpo.Revision(ctx, id)
	if !ok || !bpo.CanSeeOthersRatings(bpo.UserFromContext(ctx)) {
		d, err := s.loadEvaluation(ctx, id, parts)
		if err != nil {
			return nil, err
		}
		return &scoredEvaluation{EvaluationDetail: d}, nil
	}
	if rev == 0 {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
	}
	d, err := s.scored.Detail(id, rev, parts, func() (*bpo.EvaluationDetail, error) {
		return s.loadEvaluation(ctx, id, parts)
	})
	if err != nil {
		return nil, err
	}
	return &scoredEvaluation{EvaluationDetail: d, revision: rev, cache: s.scored}, nil
}

// score is evalmodel.Score of the evaluation, kept in the cache when it
// was read from it. d must have been read with evalmodel.Parts.
func (d *scoredEvaluation) score(lang i18n.Lang, weights map[int64]float64) (*scoring.Model, *scoring.Result, error) {
	if d.revision == 0 {
		return evalmodel.Score(d.EvaluationDetail, lang, weights)
	}
	return d.cache.Score(d.revision, d.EvaluationDetail, lang, weights)
}

// derived is the value name (with what it varies by) made from the
// evaluation, kept in the cache when it was read from it.
func derived[T any](d *scoredEvaluation, name string, build func() (T, error)) (T, error) {
	if d.revision == 0 {
		return build()
	}
	return evalmodel.Derived(d.cache, d.Evaluation.ID, d.revision, name, build)
}
