package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// CriterionService implements bpo.CriterionService.
type CriterionService struct{ db *DB }

// NewCriterionService returns the criterion service over db.
func NewCriterionService(db *DB) *CriterionService { return &CriterionService{db: db} }

var _ bpo.CriterionService = (*CriterionService)(nil)

const criterionColumns = `c.id, c.evaluation_id, c.parent_id, c.key, c.kind, c.name_en, c.name_fr,
	c.guidance_en, c.guidance_fr, c.weight, c.position, c.min_rating, c.unit, c.better,
	c.best, c.worst, c."limit", c.version`

func scanCriterion(row pgx.CollectableRow) (*bpo.Criterion, error) {
	var c bpo.Criterion
	err := row.Scan(&c.ID, &c.EvaluationID, &c.ParentID, &c.Key, &c.Kind, &c.NameEN, &c.NameFR,
		&c.GuidanceEN, &c.GuidanceFR, &c.Weight, &c.Position, &c.MinRating, &c.Unit, &c.Better,
		&c.Best, &c.Worst, &c.Limit, &c.Version)
	return &c, err
}

// weightSnapshot is the audit log's picture of a weight change.
func weightSnapshot(c *bpo.Criterion) bpo.WeightSnapshot {
	return bpo.WeightSnapshot{Key: c.Key, Weight: c.Weight, Version: c.Version}
}

// criteriaTree is a recursive CTE over the criteria of evaluation $1: the
// path of (position, id) pairs from the root, ORDER BY tree.path, lists
// them depth first, as the tree shows them.
const criteriaTree = `RECURSIVE tree AS (
	SELECT c.id, ARRAY[c.position::bigint, c.id] AS path
	FROM criteria c WHERE c.evaluation_id = $1 AND c.parent_id IS NULL
	UNION ALL
	SELECT c.id, tree.path || ARRAY[c.position::bigint, c.id]
	FROM criteria c JOIN tree ON c.parent_id = tree.id
	WHERE c.evaluation_id = $1 -- through the evaluation's index, not every evaluation's criteria
)`

// criteriaSQL reads an evaluation's criteria ($1), siblings by position:
// inTreeOrder then lists them depth first. Every page of an evaluation and
// every autosave reads them, and the ordering by a recursive query (see
// criteriaTree) took the database twice as long as the reading.
const criteriaSQL = `SELECT ` + criterionColumns + ` FROM criteria c
	WHERE c.evaluation_id = $1 ORDER BY c.position, c.id`

// inTreeOrder lists the criteria of criteriaSQL depth first, siblings by
// position, as the tree shows them. As with criteriaTree, a criterion that
// no path from the top reaches is left out.
func inTreeOrder(list []*bpo.Criterion) []*bpo.Criterion {
	children := map[int64][]*bpo.Criterion{} // by parent, 0 for the top level
	for _, c := range list {
		var parent int64
		if c.ParentID != nil {
			parent = *c.ParentID
		}
		children[parent] = append(children[parent], c)
	}
	out := make([]*bpo.Criterion, 0, len(list))
	var walk func(parent int64)
	walk = func(parent int64) {
		for _, c := range children[parent] {
			out = append(out, c)
			walk(c.ID)
		}
	}
	walk(0)
	return out
}

// findCriteria returns an evaluation's criteria depth first, by position.
func findCriteria(ctx context.Context, q querier, evaluationID int64) ([]*bpo.Criterion, error) {
	rows, _ := q.Query(ctx, criteriaSQL, evaluationID)
	list, err := pgx.CollectRows(rows, scanCriterion)
	if err != nil {
		return nil, fmt.Errorf("find criteria: %w", err)
	}
	return inTreeOrder(list), nil
}

// queueCriteria queues the reading of an evaluation's criteria into *dst,
// depth first, by position.
func queueCriteria(b *pgx.Batch, dst *[]*bpo.Criterion, evaluationID int64) {
	b.Queue(criteriaSQL, evaluationID).Query(func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, scanCriterion)
		*dst = inTreeOrder(list)
		return err
	})
}

// normalizeCriterion clears the fields that do not apply to the kind, so
// that a form that posts them anyway stores nothing misleading.
func normalizeCriterion(in *bpo.CriterionInput) {
	switch in.Kind {
	case bpo.KindGroup:
		in.Unit, in.Better = "", ""
	case bpo.KindRated:
		in.Unit, in.Better, in.Best, in.Worst, in.Limit = "", "", nil, nil, nil
	case bpo.KindMeasured:
		in.MinRating = nil
	}
}

// FindCriteria implements bpo.CriterionService.
func (s *CriterionService) FindCriteria(ctx context.Context, evaluationID int64) ([]*bpo.Criterion, error) {
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	return findCriteria(ctx, s.db.Pool, evaluationID)
}

// CreateCriterion implements bpo.CriterionService.
func (s *CriterionService) CreateCriterion(ctx context.Context, evaluationID int64, in bpo.CriterionInput) (*bpo.Criterion, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	normalizeCriterion(&in)
	var c *bpo.Criterion
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, err := setUpEvaluation(ctx, tx, evaluationID, lockExclusive)
		if err != nil {
			return err
		}
		if e.Status != bpo.StatusDraft {
			return bpo.Errorf(bpo.EINVALID, "error.criterion.frozen")
		}
		if err := in.Validate(e.ScaleMin, e.ScaleMax); err != nil {
			return err
		}
		if in.ParentID != nil {
			if err := checkParent(ctx, tx, evaluationID, 0, *in.ParentID); err != nil {
				return err
			}
		}
		if err := checkTreeLimits(ctx, tx, evaluationID, 0, in.ParentID); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `
			INSERT INTO criteria AS c (evaluation_id, parent_id, key, kind, name_en, name_fr, guidance_en, guidance_fr,
				weight, position, min_rating, unit, better, best, worst, "limit")
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
				(SELECT coalesce(max(position) + 1, 0) FROM criteria
					WHERE evaluation_id = $1 AND parent_id IS NOT DISTINCT FROM $2),
				$10, $11, $12, $13, $14, $15)
			RETURNING `+criterionColumns,
			evaluationID, in.ParentID, in.Key, in.Kind, in.NameEN, in.NameFR, in.GuidanceEN, in.GuidanceFR,
			in.Weight, in.MinRating, in.Unit, in.Better, in.Best, in.Worst, in.Limit)
		if c, err = collectCriterion(rows); err != nil {
			return err
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityCriterion, c.ID, bpo.ActionCreate, nil, bpo.SnapshotOfCriterion(c))
	})
	return c, err
}

// checkParent makes sure parentID is a group of the same evaluation and,
// when moving criterion id, not id itself or one of its descendants.
func checkParent(ctx context.Context, tx pgx.Tx, evaluationID, id, parentID int64) error {
	criteria, err := findCriteria(ctx, tx, evaluationID)
	if err != nil {
		return err
	}
	return bpo.NewCriteriaTree(criteria).CheckParent(id, parentID)
}

func collectCriterion(rows pgx.Rows) (*bpo.Criterion, error) {
	c, err := pgx.CollectExactlyOneRow(rows, scanCriterion)
	if isUniqueViolation(err, "criteria_evaluation_id_key_key") {
		var p bpo.Problems
		p.Add("key", "error.criterion.key_taken")
		return nil, p.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("save criterion: %w", err)
	}
	return c, nil
}

// lockCriterion authorizes a change to criterion id and locks it and its
// evaluation (with evalLock). It returns ENOTFOUND when it does not exist,
// ECONFLICT when it is no longer at version (version < 0 skips the check).
func lockCriterion(ctx context.Context, tx pgx.Tx, id int64, version int, evalLock string) (*bpo.Evaluation, *bpo.Criterion, error) {
	var evaluationID int64
	if err := tx.QueryRow(ctx, `SELECT evaluation_id FROM criteria WHERE id = $1`, id).Scan(&evaluationID); err != nil {
		return nil, nil, notFound(err, "error.criterion.not_found")
	}
	// The evaluation is locked before the criterion, in the order every
	// other write takes them, so that the two cannot deadlock.
	e, err := setUpEvaluation(ctx, tx, evaluationID, evalLock)
	if err != nil {
		return nil, nil, err
	}
	// FOR NO KEY UPDATE leaves the key-share locks of the autosaves'
	// foreign keys free: a weight can change while evaluators rate.
	rows, _ := tx.Query(ctx, `SELECT `+criterionColumns+` FROM criteria c
		WHERE c.id = $1 AND c.evaluation_id = $2 FOR NO KEY UPDATE`, id, evaluationID)
	c, err := pgx.CollectExactlyOneRow(rows, scanCriterion)
	if err != nil {
		return nil, nil, notFound(err, "error.criterion.not_found")
	}
	if version >= 0 && c.Version != version {
		return nil, nil, bpo.Errorf(bpo.ECONFLICT, "error.criterion.stale")
	}
	return e, c, nil
}

// UpdateCriterion implements bpo.CriterionService. While the evaluation is
// open only what leaves the tree's shape alone may change: names, guidance,
// weight, minimum rating and the anchors and limit of a measured criterion.
func (s *CriterionService) UpdateCriterion(ctx context.Context, id int64, version int, in bpo.CriterionInput) (*bpo.Criterion, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	normalizeCriterion(&in)
	var after *bpo.Criterion
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, before, err := lockCriterion(ctx, tx, id, version, lockExclusive)
		if err != nil {
			return err
		}
		if err := in.Validate(e.ScaleMin, e.ScaleMax); err != nil {
			return err
		}
		if err := s.checkReshape(ctx, tx, e, before, &in); err != nil {
			return err
		}
		// As in SetWeights: once scoring has started, a weight may not
		// empty its group.
		if e.Status != bpo.StatusDraft && in.Weight != before.Weight {
			group, err := lockSiblingGroups(ctx, tx, e.ID, []int64{id})
			if err != nil {
				return err
			}
			if err := checkGroupSums(group, map[int64]float64{id: in.Weight}); err != nil {
				return err
			}
		}
		position := before.Position
		moved := !equalPtr(in.ParentID, before.ParentID)
		if moved {
			// A criterion moved under another parent goes last among its new siblings.
			err := tx.QueryRow(ctx, `SELECT coalesce(max(position) + 1, 0) FROM criteria
				WHERE evaluation_id = $1 AND parent_id IS NOT DISTINCT FROM $2`, e.ID, in.ParentID).Scan(&position)
			if err != nil {
				return fmt.Errorf("update criterion: %w", err)
			}
		}
		rows, _ := tx.Query(ctx, `
			UPDATE criteria c SET parent_id = $2, key = $3, kind = $4, name_en = $5, name_fr = $6,
				guidance_en = $7, guidance_fr = $8, weight = $9, position = $10, min_rating = $11, unit = $12,
				better = $13, best = $14, worst = $15, "limit" = $16, version = version + 1
			WHERE id = $1 RETURNING `+criterionColumns,
			id, in.ParentID, in.Key, in.Kind, in.NameEN, in.NameFR, in.GuidanceEN, in.GuidanceFR, in.Weight,
			position, in.MinRating, in.Unit, in.Better, in.Best, in.Worst, in.Limit)
		if after, err = collectCriterion(rows); err != nil {
			return err
		}
		// A weight change has an event of its own, so that the history of
		// weights, the ones that can move the ranking, reads at a glance.
		if after.Weight != before.Weight {
			if err := auditEval(ctx, tx, now, e.ID, bpo.EntityCriterion, id, bpo.ActionWeight, weightSnapshot(before), weightSnapshot(after)); err != nil {
				return err
			}
		}
		if sameApartFromWeight(before, after) {
			return nil
		}
		return auditEval(ctx, tx, now, e.ID, bpo.EntityCriterion, id, bpo.ActionUpdate, bpo.SnapshotOfCriterion(before), bpo.SnapshotOfCriterion(after))
	})
	return after, err
}

// checkReshape refuses the changes an edit may not make to the tree: any
// change of key, kind, parent, unit or direction once the evaluation is
// open, and, in a draft, a change that would orphan children or figures.
func (s *CriterionService) checkReshape(ctx context.Context, tx pgx.Tx, e *bpo.Evaluation, c *bpo.Criterion, in *bpo.CriterionInput) error {
	if e.Status != bpo.StatusDraft {
		return in.CheckFrozen(e, c)
	}
	if in.ParentID != nil && !equalPtr(in.ParentID, c.ParentID) {
		if err := checkParent(ctx, tx, e.ID, c.ID, *in.ParentID); err != nil {
			return err
		}
		if err := checkTreeLimits(ctx, tx, e.ID, c.ID, in.ParentID); err != nil {
			return err
		}
	}
	if in.Kind == c.Kind {
		return nil
	}
	var children, measurements int
	err := tx.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM criteria WHERE parent_id = $1),
			(SELECT count(*) FROM measurements WHERE criterion_id = $1)`, c.ID).Scan(&children, &measurements)
	if err != nil {
		return fmt.Errorf("update criterion: %w", err)
	}
	var p bpo.Problems
	if children > 0 {
		p.Add("kind", "error.criterion.has_children", children)
	} else if measurements > 0 {
		p.Add("kind", "error.criterion.has_measurements", measurements)
	}
	return p.Err()
}

// sameApartFromWeight reports whether an edit changed nothing but the weight
// (or nothing at all), comparing the values the audit log would record.
func sameApartFromWeight(before, after *bpo.Criterion) bool {
	b, a := bpo.SnapshotOfCriterion(before), bpo.SnapshotOfCriterion(after)
	b.Weight, b.Version, a.Weight, a.Version = 0, 0, 0, 0
	// encoding/json follows pointers, so equal values encode to equal bytes.
	jb, errB := json.Marshal(b)
	ja, errA := json.Marshal(a)
	return errB == nil && errA == nil && bytes.Equal(jb, ja)
}

func equalPtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// RemoveCriterion implements bpo.CriterionService.
func (s *CriterionService) RemoveCriterion(ctx context.Context, id int64, version int) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, c, err := lockCriterion(ctx, tx, id, version, lockExclusive)
		if err != nil {
			return err
		}
		if e.Status != bpo.StatusDraft {
			return bpo.Errorf(bpo.EINVALID, "error.criterion.frozen")
		}
		// The children go with it (ON DELETE CASCADE); their keys are kept
		// in the audit event so that the history says what disappeared.
		var removed []string
		err = tx.QueryRow(ctx, `
			WITH RECURSIVE sub AS (
				SELECT id, key FROM criteria WHERE parent_id = $1
				UNION ALL
				SELECT c.id, c.key FROM criteria c JOIN sub ON c.parent_id = sub.id
			)
			SELECT coalesce(array_agg(key ORDER BY key), '{}') FROM sub`, id).Scan(&removed)
		if err != nil {
			return fmt.Errorf("remove criterion: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM criteria WHERE id = $1`, id); err != nil {
			return fmt.Errorf("remove criterion: %w", err)
		}
		before := bpo.RemovedCriterionSnapshot{CriterionSnapshot: bpo.SnapshotOfCriterion(c), Children: removed}
		return auditEval(ctx, tx, now, e.ID, bpo.EntityCriterion, id, bpo.ActionDelete, before, nil)
	})
}

// MoveCriterion implements bpo.CriterionService. Moving the first sibling
// up, or the last one down, changes nothing.
func (s *CriterionService) MoveCriterion(ctx context.Context, id int64, delta int) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	if delta != -1 && delta != 1 {
		return bpo.Errorf(bpo.EINVALID, "error.criterion.move")
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, c, err := lockCriterion(ctx, tx, id, -1, lockExclusive)
		if err != nil {
			return err
		}
		if e.Status != bpo.StatusDraft {
			return bpo.Errorf(bpo.EINVALID, "error.criterion.frozen")
		}
		// Siblings are renumbered from 0 on the way, which closes the gaps
		// that removals leave.
		rows, _ := tx.Query(ctx, `SELECT id FROM criteria
			WHERE evaluation_id = $1 AND parent_id IS NOT DISTINCT FROM $2
			ORDER BY position, id FOR NO KEY UPDATE`, e.ID, c.ParentID)
		siblings, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("move criterion: %w", err)
		}
		i := slices.Index(siblings, c.ID)
		j := i + delta
		if i < 0 || j < 0 || j >= len(siblings) {
			return nil
		}
		siblings[i], siblings[j] = siblings[j], siblings[i]
		_, err = tx.Exec(ctx, `UPDATE criteria c SET position = t.position - 1
			FROM unnest($1::bigint[]) WITH ORDINALITY AS t (id, position) WHERE c.id = t.id`, siblings)
		if err != nil {
			return fmt.Errorf("move criterion: %w", err)
		}
		return auditEval(ctx, tx, now, e.ID, bpo.EntityCriterion, id, bpo.ActionMove,
			bpo.PositionSnapshot{Key: c.Key, Position: c.Position}, bpo.PositionSnapshot{Key: c.Key, Position: j})
	})
}

// SetWeights implements bpo.CriterionService.
func (s *CriterionService) SetWeights(ctx context.Context, evaluationID int64, weights []bpo.WeightChange) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	ids := make([]int64, len(weights))
	for i, w := range weights {
		if slices.Contains(ids[:i], w.CriterionID) {
			return bpo.Errorf(bpo.EINVALID, "error.criterion.duplicate")
		}
		ids[i] = w.CriterionID
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, err := setUpEvaluation(ctx, tx, evaluationID, lockShare)
		if err != nil {
			return err
		}
		// Rows are locked in id order, as any concurrent SetWeights on the
		// same evaluation locks them, so that two of them cannot deadlock;
		// the whole sibling group of each, so that its sum is checked on
		// the weights as they are.
		group, err := lockSiblingGroups(ctx, tx, evaluationID, ids)
		if err != nil {
			return fmt.Errorf("set weights: %w", err)
		}
		byID := make(map[int64]*bpo.Criterion, len(group))
		for _, c := range group {
			byID[c.ID] = c
		}
		for _, id := range ids {
			if byID[id] == nil {
				return bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
			}
		}
		var p bpo.Problems
		var changed []bpo.WeightChange
		for _, w := range weights {
			c := byID[w.CriterionID]
			if c.Version != w.Version {
				return bpo.Errorf(bpo.ECONFLICT, "error.criterion.stale_weights", c.Key)
			}
			if math.IsNaN(w.Weight) || math.IsInf(w.Weight, 0) || w.Weight < 0 || w.Weight > 1e6 {
				p.Add(c.Key, "error.criterion.weight")
			} else if w.Weight != c.Weight {
				changed = append(changed, w)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		// Once scoring has started, the engine must be able to score the
		// tree after every save (a draft is checked when it opens).
		if e.Status != bpo.StatusDraft {
			next := make(map[int64]float64, len(changed))
			for _, w := range changed {
				next[w.CriterionID] = w.Weight
			}
			if err := checkGroupSums(group, next); err != nil {
				return err
			}
		}
		for _, w := range changed {
			before := byID[w.CriterionID]
			rows, _ := tx.Query(ctx, `UPDATE criteria c SET weight = $2, version = version + 1
				WHERE id = $1 RETURNING `+criterionColumns, w.CriterionID, w.Weight)
			after, err := pgx.CollectExactlyOneRow(rows, scanCriterion)
			if err != nil {
				return fmt.Errorf("set weights: %w", err)
			}
			if err := auditEval(ctx, tx, now, evaluationID, bpo.EntityCriterion, after.ID, bpo.ActionWeight, weightSnapshot(before), weightSnapshot(after)); err != nil {
				return err
			}
		}
		return nil
	})
}
