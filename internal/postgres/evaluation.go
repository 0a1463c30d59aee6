package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// EvaluationService implements bpo.EvaluationService.
type EvaluationService struct{ db *DB }

// NewEvaluationService returns the evaluation service over db.
func NewEvaluationService(db *DB) *EvaluationService { return &EvaluationService{db: db} }

var _ bpo.EvaluationService = (*EvaluationService)(nil)

// querier is what the pool and a transaction have in common, so that the
// read helpers serve both.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Row locks taken on an evaluation. Scoring and set-up writes hold lockShare
// so that the evaluation cannot open or close under them; status changes and
// edits take lockUpdate; reshaping the tree or the participant keys takes
// lockExclusive, which also serialises concurrent reshapes of one evaluation.
const (
	lockNone      = ""
	lockShare     = "FOR SHARE"
	lockExclusive = "FOR NO KEY UPDATE"
	lockUpdate    = "FOR UPDATE"
)

const evaluationColumns = `e.id, e.title, e.scope, e.services, e.due_date, e.status, e.scale_min, e.scale_max,
	e.scale_levels, e.aggregation, e.award_threshold, e.close_call_margin, e.justification,
	(` + currentDecisionSQL + `),
	e.created_by, e.version, e.created_at, e.updated_at, e.opened_at, e.closed_at,
	e.cost_criterion_id, e.robustness_spread`

// storedLevel is a scale level as stored in evaluations.scale_levels: the
// shape the audit log keeps, whose JSON names never change, so that
// renaming a Go field cannot orphan stored data.
type storedLevel = bpo.LevelSnapshot

// evaluationDest returns the scan targets for evaluationColumns and a
// function that finishes e once the row is scanned.
func evaluationDest(e *bpo.Evaluation) ([]any, func()) {
	var (
		levels    []storedLevel
		decision  *storedDecision
		createdBy *int64
	)
	dest := []any{&e.ID, &e.Title, &e.Scope, &e.Services, &e.DueDate, &e.Status, &e.ScaleMin, &e.ScaleMax,
		&levels, &e.Aggregation, &e.AwardThreshold, &e.CloseCallMargin, &e.Justification,
		&decision,
		&createdBy, &e.Version, &e.CreatedAt, &e.UpdatedAt, &e.OpenedAt, &e.ClosedAt}
	dest = append(dest, &e.Analysis.CostCriterionID, &e.Analysis.RobustnessSpread)
	return dest, func() {
		e.ScaleLevels = make([]bpo.ScaleLevel, len(levels))
		for i, l := range levels {
			e.ScaleLevels[i] = bpo.ScaleLevel(l)
		}
		if decision != nil {
			e.Decision = decision.domain()
		}
		if createdBy != nil {
			e.CreatedBy = *createdBy
		}
	}
}

func scanEvaluation(row pgx.CollectableRow) (*bpo.Evaluation, error) {
	var e bpo.Evaluation
	dest, finish := evaluationDest(&e)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	finish()
	return &e, nil
}

// scaleLevels describes the points of a scale: the default descriptors for
// the default 1–5 scale, bare numbers for any other, since the default words
// would not fit it.
func scaleLevels(lo, hi int) []storedLevel {
	var levels []storedLevel
	if lo == 1 && hi == 5 {
		for _, l := range bpo.DefaultScale() {
			levels = append(levels, storedLevel(l))
		}
		return levels
	}
	for v := lo; v <= hi; v++ {
		levels = append(levels, storedLevel{Value: v, LabelEN: strconv.Itoa(v), LabelFR: strconv.Itoa(v)})
	}
	return levels
}

func storedLevels(levels []bpo.ScaleLevel) []storedLevel { return bpo.SnapshotOfLevels(levels) }

// loadEvaluation reads an evaluation as the caller may see it, with lock
// (one of the lock* constants) held when q is a transaction. It reports
// whether the caller is assigned to it. An evaluation the caller may not see
// is ENOTFOUND, exactly like one that does not exist.
func loadEvaluation(ctx context.Context, q querier, id int64, lock string) (*bpo.Evaluation, bool, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, false, forbiddenUnless(false)
	}
	rows, _ := q.Query(ctx, evaluationSQL+lock, id, u.ID)
	return visibleEvaluation(u, rows)
}

// evaluationSQL reads evaluation $1 and whether user $2 is assigned to it.
const evaluationSQL = `SELECT ` + evaluationColumns + `,
		EXISTS (SELECT 1 FROM assignments a WHERE a.evaluation_id = e.id AND a.user_id = $2)
	FROM evaluations e WHERE e.id = $1 `

// visibleEvaluation scans the result of evaluationSQL and refuses an
// evaluation u may not see as if it did not exist.
func visibleEvaluation(u *bpo.User, rows pgx.Rows) (*bpo.Evaluation, bool, error) {
	var (
		e        bpo.Evaluation
		assigned bool
	)
	dest, finish := evaluationDest(&e)
	_, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (struct{}, error) {
		return struct{}{}, row.Scan(append(dest, &assigned)...)
	})
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !bpo.CanSeeEvaluation(u, assigned)) {
		return nil, false, bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
	}
	if err != nil {
		return nil, false, fmt.Errorf("load evaluation: %w", err)
	}
	finish()
	return &e, assigned, nil
}

// setUpEvaluation authorizes a set-up change and locks the evaluation: the
// caller must be a manager and the evaluation not closed.
func setUpEvaluation(ctx context.Context, tx pgx.Tx, id int64, lock string) (*bpo.Evaluation, error) {
	e, _, err := loadEvaluation(ctx, tx, id, lock)
	if err != nil {
		return nil, err
	}
	if e.Status == bpo.StatusClosed {
		return nil, bpo.Errorf(bpo.EINVALID, "error.evaluation.closed")
	}
	return e, nil
}

// requireManager is the first check of every set-up method. It runs before
// any query, so that refusing an evaluator says nothing about what exists.
func requireManager(ctx context.Context) error {
	return forbiddenUnless(bpo.CanSetUp(bpo.UserFromContext(ctx)))
}

// CreateEvaluation implements bpo.EvaluationService.
func (s *EvaluationService) CreateEvaluation(ctx context.Context, in bpo.EvaluationInput) (*bpo.Evaluation, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var e *bpo.Evaluation
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var err error
		if e, err = insertEvaluation(ctx, tx, now, in, scaleLevels(in.ScaleMin, in.ScaleMax)); err != nil {
			return err
		}
		if err := seedCriteria(ctx, tx, e.ID, bpo.DefaultCriteria()); err != nil {
			return err
		}
		if e, err = createAnalysis(ctx, tx, e.ID, in.Analysis); err != nil {
			return err
		}
		return auditEval(ctx, tx, now, e.ID, bpo.EntityEvaluation, e.ID, bpo.ActionCreate, nil, bpo.SnapshotOfEvaluation(e))
	})
	return e, err
}

// insertEvaluation stores a draft evaluation set up as in, with levels as
// its scale's descriptors and no criteria yet.
func insertEvaluation(ctx context.Context, tx pgx.Tx, now time.Time, in bpo.EvaluationInput, levels []storedLevel) (*bpo.Evaluation, error) {
	rows, _ := tx.Query(ctx, `
		INSERT INTO evaluations AS e (title, scope, services, due_date, scale_min, scale_max, scale_levels,
			aggregation, award_threshold, close_call_margin, justification, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
		RETURNING `+evaluationColumns,
		in.Title, in.Scope, nonNil(in.Services), in.DueDate, in.ScaleMin, in.ScaleMax, levels,
		in.Aggregation, in.AwardThreshold, in.CloseCallMargin, in.Justification, bpo.UserFromContext(ctx).ID, now)
	e, err := pgx.CollectExactlyOneRow(rows, scanEvaluation)
	if err != nil {
		return nil, fmt.Errorf("create evaluation: %w", err)
	}
	return e, nil
}

// seedCriteria copies the template tree into an evaluation in two
// statements whatever its size: the rows first, then each child's parent
// found by key, since keys are unique within an evaluation.
func seedCriteria(ctx context.Context, tx pgx.Tx, evaluationID int64, tree []bpo.TemplateCriterion) error {
	var (
		keys, parents, kinds, nameEN, nameFR, guideEN, guideFR, units, betters []string
		weights                                                                []float64
		positions                                                              []int32
	)
	var walk func(parent string, list []bpo.TemplateCriterion)
	walk = func(parent string, list []bpo.TemplateCriterion) {
		for i, c := range list {
			kind := bpo.KindRated
			switch {
			case len(c.Children) > 0:
				kind = bpo.KindGroup
			case c.Unit != "":
				kind = bpo.KindMeasured
			}
			keys, parents, kinds = append(keys, c.Key), append(parents, parent), append(kinds, string(kind))
			nameEN, nameFR = append(nameEN, c.NameEN), append(nameFR, c.NameFR)
			guideEN, guideFR = append(guideEN, c.GuidanceEN), append(guideFR, c.GuidanceFR)
			units, betters = append(units, c.Unit), append(betters, c.Better)
			weights, positions = append(weights, c.Weight), append(positions, int32(i))
			walk(c.Key, c.Children)
		}
	}
	walk("", tree)
	_, err := tx.Exec(ctx, `
		INSERT INTO criteria (evaluation_id, key, kind, name_en, name_fr, guidance_en, guidance_fr, weight, position, unit, better)
		SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::float8[], $9::int[], $10::text[], $11::text[])`,
		evaluationID, keys, kinds, nameEN, nameFR, guideEN, guideFR, weights, positions, units, betters)
	if err != nil {
		return fmt.Errorf("seed criteria: %w", err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE criteria c SET parent_id = p.id
		FROM unnest($2::text[], $3::text[]) AS t (key, parent_key)
		JOIN criteria p ON p.evaluation_id = $1 AND p.key = t.parent_key
		WHERE c.evaluation_id = $1 AND c.key = t.key`, evaluationID, keys, parents)
	if err != nil {
		return fmt.Errorf("seed criteria parents: %w", err)
	}
	return nil
}

// FindEvaluationByID implements bpo.EvaluationService.
func (s *EvaluationService) FindEvaluationByID(ctx context.Context, id int64) (*bpo.Evaluation, error) {
	e, _, err := loadEvaluation(ctx, s.db.Pool, id, lockNone)
	return e, err
}

// FindEvaluations implements bpo.EvaluationService.
func (s *EvaluationService) FindEvaluations(ctx context.Context, f bpo.EvaluationFilter) ([]*bpo.EvaluationSummary, int, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, 0, forbiddenUnless(false)
	}
	switch f.Status {
	case "", bpo.StatusDraft, bpo.StatusOpen, bpo.StatusClosed:
	default:
		return nil, 0, bpo.Errorf(bpo.EINVALID, "error.field.choice")
	}
	f.Offset = max(f.Offset, 0)
	if f.Limit <= 0 {
		f.Limit = 25
	}
	where := `(@status = '' OR e.status = @status)
		AND (@all OR EXISTS (SELECT 1 FROM assignments a WHERE a.evaluation_id = e.id AND a.user_id = @user))`
	args := pgx.NamedArgs{"status": string(f.Status), "all": bpo.IsManager(u), "user": u.ID,
		"limit": f.Limit, "offset": f.Offset}
	// An evaluator's counts are of their own scorecards only: the
	// evaluation's would tell them when colleagues submit and how many
	// conflicts they declared, which independence forbids.
	// One round trip for the page: the counts are correlated sub-selects
	// over indexed keys, evaluated for the page's rows only, and the total
	// rides along as a window count.
	rows, _ := s.db.Pool.Query(ctx, `
		SELECT `+evaluationColumns+`,
			(SELECT count(*) FROM participants p WHERE p.evaluation_id = e.id AND p.stage <> 'rejected'),
			(SELECT count(*) FROM assignments a WHERE a.evaluation_id = e.id),
			(SELECT count(*) FROM participants p JOIN assignments a ON a.evaluation_id = p.evaluation_id
				WHERE p.evaluation_id = e.id AND p.stage <> 'rejected' AND (@all OR a.user_id = @user)
				AND NOT EXISTS (SELECT 1 FROM conflicts c
					WHERE c.evaluation_id = e.id AND c.user_id = a.user_id AND c.vendor_id = p.vendor_id)),
			(SELECT count(*) FROM scorecards sc JOIN participants p
					ON p.evaluation_id = sc.evaluation_id AND p.vendor_id = sc.vendor_id
				WHERE sc.evaluation_id = e.id AND sc.status = 'submitted' AND p.stage <> 'rejected'
				AND (@all OR sc.evaluator_id = @user)
				AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.evaluation_id = e.id
					AND c.user_id = sc.evaluator_id AND c.vendor_id = sc.vendor_id)),
			count(*) OVER ()
		FROM evaluations e WHERE `+where+`
		ORDER BY e.created_at DESC, e.id DESC LIMIT @limit OFFSET @offset`, args)
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.EvaluationSummary, error) {
		var sum bpo.EvaluationSummary
		dest, finish := evaluationDest(&sum.Evaluation)
		if err := row.Scan(append(dest, &sum.Vendors, &sum.Evaluators, &sum.Expected, &sum.Submitted, &total)...); err != nil {
			return nil, err
		}
		finish()
		return &sum, nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find evaluations: %w", err)
	}
	if len(list) == 0 && f.Offset > 0 {
		// Past the last page the window count is lost with the rows.
		if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM evaluations e WHERE `+where, args).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count evaluations: %w", err)
		}
	}
	return list, total, nil
}

// UpdateEvaluation implements bpo.EvaluationService.
func (s *EvaluationService) UpdateEvaluation(ctx context.Context, id int64, version int, in bpo.EvaluationInput) (*bpo.Evaluation, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var after *bpo.Evaluation
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		before, err := setUpEvaluation(ctx, tx, id, lockUpdate)
		if err != nil {
			return err
		}
		if before.Version != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.evaluation.stale")
		}
		if err := in.CheckFrozen(before); err != nil {
			return err
		}
		scaleChanged := in.ScaleMin != before.ScaleMin || in.ScaleMax != before.ScaleMax
		if scaleChanged {
			if err := checkMinRatings(ctx, tx, id, in.ScaleMin, in.ScaleMax); err != nil {
				return err
			}
		}
		// The scale's descriptors are regenerated only when the scale itself
		// changes, so that levels edited for this evaluation survive other edits.
		var levels any
		switch {
		case scaleChanged:
			levels = scaleLevels(in.ScaleMin, in.ScaleMax)
		case in.ScaleLevels != nil && !slices.Equal(in.ScaleLevels, before.ScaleLevels):
			levels = storedLevels(in.ScaleLevels)
		}
		rows, _ := tx.Query(ctx, `
			UPDATE evaluations AS e SET title = $2, scope = $3, services = $4, due_date = $5, scale_min = $6,
				scale_max = $7, scale_levels = coalesce($8, scale_levels), aggregation = $9, award_threshold = $10,
				close_call_margin = $11, justification = $12, version = version + 1, updated_at = $13
			WHERE id = $1 RETURNING `+evaluationColumns,
			id, in.Title, in.Scope, nonNil(in.Services), in.DueDate, in.ScaleMin, in.ScaleMax, levels,
			in.Aggregation, in.AwardThreshold, in.CloseCallMargin, in.Justification, now)
		if after, err = pgx.CollectExactlyOneRow(rows, scanEvaluation); err != nil {
			return fmt.Errorf("update evaluation: %w", err)
		}
		if in.Analysis != nil {
			if after, err = updateAnalysis(ctx, tx, id, *in.Analysis); err != nil {
				return err
			}
		}
		return auditEval(ctx, tx, now, id, bpo.EntityEvaluation, id, bpo.ActionUpdate, bpo.SnapshotOfEvaluation(before), bpo.SnapshotOfEvaluation(after))
	})
	return after, err
}

// DeleteEvaluation implements bpo.EvaluationService. The audit log's rows
// name their evaluation by id without a foreign key, so they outlive it,
// with the removal as the last of them.
func (s *EvaluationService) DeleteEvaluation(ctx context.Context, id int64, version int) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, _, err := loadEvaluation(ctx, tx, id, lockUpdate)
		if err != nil {
			return err
		}
		switch {
		case e.Status != bpo.StatusDraft:
			return bpo.Errorf(bpo.ECONFLICT, "error.evaluation.not_draft")
		case e.Version != version:
			return bpo.Errorf(bpo.ECONFLICT, "error.evaluation.stale")
		}
		if err := auditEval(ctx, tx, now, id, bpo.EntityEvaluation, id, bpo.ActionDelete, bpo.SnapshotOfEvaluation(e), nil); err != nil {
			return err
		}
		// Criteria, vendors taking part, assignments and anything queued for
		// the evaluation go with it (ON DELETE CASCADE).
		if _, err := tx.Exec(ctx, `DELETE FROM evaluations WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete evaluation: %w", err)
		}
		return nil
	})
}

// checkMinRatings refuses a scale that would leave a knock-out minimum outside it.
func checkMinRatings(ctx context.Context, tx pgx.Tx, id int64, lo, hi int) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM criteria
		WHERE evaluation_id = $1 AND min_rating IS NOT NULL AND min_rating NOT BETWEEN $2 AND $3`, id, lo, hi).Scan(&n)
	if err != nil {
		return fmt.Errorf("check minimum ratings: %w", err)
	}
	if n > 0 {
		var p bpo.Problems
		p.Add("scale_max", "error.evaluation.scale_min_rating", n)
		return p.Err()
	}
	return nil
}

// SetEvaluationStatus implements bpo.EvaluationService.
func (s *EvaluationService) SetEvaluationStatus(ctx context.Context, id int64, version int, status bpo.EvaluationStatus) (*bpo.Evaluation, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var after *bpo.Evaluation
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		// FOR UPDATE waits for the autosaves and submissions in flight, which
		// hold the row FOR SHARE: none lands after the evaluation closes.
		before, _, err := loadEvaluation(ctx, tx, id, lockUpdate)
		if err != nil {
			return err
		}
		if before.Version != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.evaluation.stale")
		}
		action, err := bpo.Transition(before.Status, status)
		if err != nil {
			return err
		}
		stamp := "closed_at"
		var pending *int // scorecards still expected at closing
		if action == bpo.ActionOpen {
			if err := checkReadyToOpen(ctx, tx, id); err != nil {
				return err
			}
			stamp = "opened_at"
		} else if pending, err = pendingScorecards(ctx, tx, id); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `
			UPDATE evaluations AS e SET status = $2, `+stamp+` = $3, version = version + 1, updated_at = $3
			WHERE id = $1 RETURNING `+evaluationColumns, id, status, now)
		if after, err = pgx.CollectExactlyOneRow(rows, scanEvaluation); err != nil {
			return fmt.Errorf("set evaluation status: %w", err)
		}
		if err := auditEval(ctx, tx, now, id, bpo.EntityEvaluation, id, action,
			bpo.StatusSnapshot{Status: before.Status, Version: before.Version},
			bpo.StatusSnapshot{Status: after.Status, Version: after.Version, Pending: pending}); err != nil {
			return err
		}
		if action == bpo.ActionOpen {
			return queueScoringOpened(ctx, tx, now, after)
		}
		return nil

	})
	return after, err
}

// pendingScorecards counts the scorecards expected and not submitted: one
// per vendor in the running and evaluator without a declared conflict.
func pendingScorecards(ctx context.Context, tx pgx.Tx, id int64) (*int, error) {
	var n int
	err := tx.QueryRow(ctx, `
		SELECT count(*) FROM participants p JOIN assignments a ON a.evaluation_id = p.evaluation_id
		WHERE p.evaluation_id = $1 AND p.stage <> 'rejected'
			AND NOT EXISTS (SELECT 1 FROM conflicts c
				WHERE c.evaluation_id = $1 AND c.user_id = a.user_id AND c.vendor_id = p.vendor_id)
			AND NOT EXISTS (SELECT 1 FROM scorecards s WHERE s.evaluation_id = $1
				AND s.vendor_id = p.vendor_id AND s.evaluator_id = a.user_id AND s.status = 'submitted')`, id).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("count pending scorecards: %w", err)
	}
	return &n, nil
}

// checkReadyToOpen lists everything that keeps an evaluation from being
// scored. The first problem is the error's message; Fields hold them all.
func checkReadyToOpen(ctx context.Context, tx pgx.Tx, id int64) error {
	var vendors, evaluators int
	err := tx.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM participants WHERE evaluation_id = $1 AND stage <> 'rejected'),
			(SELECT count(*) FROM assignments WHERE evaluation_id = $1)`, id).Scan(&vendors, &evaluators)
	if err != nil {
		return fmt.Errorf("check evaluation: %w", err)
	}
	criteria, err := findCriteria(ctx, tx, id)
	if err != nil {
		return err
	}
	var p bpo.Problems
	if vendors == 0 {
		p.Add("vendors", "error.evaluation.no_vendors")
	}
	if evaluators == 0 {
		p.Add("evaluators", "error.evaluation.no_evaluators")
	}
	p = append(p, bpo.NewCriteriaTree(criteria).Problems()...)
	if len(p) == 0 {
		return nil
	}
	return &bpo.Error{Code: bpo.EINVALID, Message: p[0].Message, Fields: p}
}
