package server

import (
	"context"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
)

// frameCacheBytes bounds the process's cache of evaluation frames: a frame
// is the evaluation's settings, criteria and vendors, tens of kilobytes for
// a large evaluation, so this holds the frames of every evaluation being
// rated at once on a busy server.
const frameCacheBytes = 4 << 20

// evaluationFrame is what an evaluator's answers show their ratings with:
// the evaluation, its criteria and its vendors, as FindEvaluationDetail
// reads them with no optional part. It is the same for everyone who may see
// the evaluation and changes only with its revision, so it is kept per
// revision when the credential check read the revision (see
// withRevisionRead), in a cache of its own: the cache of scored evaluations
// serves managers only.
//
// Call it once the caller is known to see the evaluation, as an autosave's
// checks establish: a miss reads the frame as the caller, with the
// service's checks.
func (s *Server) evaluationFrame(ctx context.Context, id int64) (*bpo.EvaluationDetail, error) {
	load := func() (*bpo.EvaluationDetail, error) { return s.loadEvaluation(ctx, id, 0) }
	rev, ok := bpo.Revision(ctx, id)
	if !ok || rev == 0 {
		return load()
	}
	return s.frames.Detail(id, rev, 0, load)
}

// cachedScorecardBase is newScorecardBase for a frame read at the request's
// revision of the evaluation, kept beside the frame in the same cache.
func (s *Server) cachedScorecardBase(ctx context.Context, frame *bpo.EvaluationDetail) *scorecardBase {
	build := func() (*scorecardBase, error) { return newScorecardBase(frame.Evaluation, frame.Criteria), nil }
	rev, ok := bpo.Revision(ctx, frame.Evaluation.ID)
	if !ok || rev == 0 {
		b, _ := build()
		return b
	}
	b, _ := evalmodel.Derived(s.frames, frame.Evaluation.ID, rev, "scorecard-base", build)
	return b
}
