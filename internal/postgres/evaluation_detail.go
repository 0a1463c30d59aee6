package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// FindEvaluationDetail implements bpo.EvaluationService.
//
// Every query goes out in one pipelined batch, so the whole read is one
// round trip however many parts are asked for. The parts are read before
// the evaluation's visibility is known and are dropped, never returned,
// when the caller may not see it; the role checks need no query and come
// first.
func (s *EvaluationService) FindEvaluationDetail(ctx context.Context, id int64, parts bpo.EvaluationParts) (*bpo.EvaluationDetail, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, forbiddenUnless(false)
	}
	if parts&(bpo.WithMeasurements|bpo.WithRatings|bpo.WithJustifications|bpo.WithDecision) != 0 {
		if err := requireManager(ctx); err != nil {
			return nil, err
		}
	}

	var (
		d       bpo.EvaluationDetail
		visible error
		b       pgx.Batch
	)
	b.Queue(evaluationSQL, id, u.ID).Query(func(rows pgx.Rows) error {
		d.Evaluation, _, visible = visibleEvaluation(u, rows)
		return nil
	})
	queueCriteria(&b, &d.Criteria, id)
	queueList(&b, participantsSQL, scanParticipant, &d.Participants, id)
	if parts&bpo.WithAssignments != 0 {
		queueList(&b, assignmentsSQL, scanAssignment, &d.Assignments, id)
	}
	if parts&bpo.WithMeasurements != 0 {
		queueList(&b, measurementsSQL, scanMeasurement, &d.Measurements, id)
	}
	switch {
	case parts&bpo.WithJustifications != 0:
		queueList(&b, ratingTextsSQL, scanRatingText, &d.Ratings, id, false)
	case parts&bpo.WithRatings != 0:
		queueList(&b, ratingValuesSQL, scanRatingValue, &d.Ratings, id, false)
	}
	if parts&(bpo.WithRatings|bpo.WithJustifications) != 0 {
		queueList(&b, consensusSQL, scanConsensus, &d.Consensus, id, nil)
	}
	if parts&bpo.WithProgress != 0 {
		queueList(&b, progressSQL, scanProgress, &d.Progress, id, progressOf(u))
	}
	var decisions []*bpo.DecisionRecord
	if parts&bpo.WithDecision != 0 {
		queueList(&b, decisionsSQL, scanDecision, &decisions, id)
	}
	if err := s.db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, fmt.Errorf("find evaluation detail: %w", err)
	}
	if visible != nil {
		return nil, visible
	}
	if parts&bpo.WithDecision != 0 {
		d.Decision = decisionState(decisions)
	}
	return &d, nil
}

// queueList queues a query whose rows are collected into *dst.
func queueList[T any](b *pgx.Batch, sql string, scan pgx.RowToFunc[*T], dst *[]*T, args ...any) {
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, scan)
		*dst = list
		return err
	})
}
