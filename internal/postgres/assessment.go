package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// AssessmentService implements bpo.AssessmentService.
type AssessmentService struct{ db *DB }

// NewAssessmentService returns the assessment service over db.
func NewAssessmentService(db *DB) *AssessmentService { return &AssessmentService{db: db} }

var _ bpo.AssessmentService = (*AssessmentService)(nil)

func loadAssessments(ctx context.Context, q querier, where string, args ...any) ([]*bpo.Assessment, error) {
	rows, _ := q.Query(ctx, `SELECT a.id, a.title, a.evaluation_id, coalesce(e.title, ''), a.version, a.created_at, a.updated_at
		FROM assessments a LEFT JOIN evaluations e ON e.id = a.evaluation_id `+where+` ORDER BY a.created_at DESC, a.id DESC`, args...)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.Assessment, error) {
		var a bpo.Assessment
		err := row.Scan(&a.ID, &a.Title, &a.EvaluationID, &a.EvaluationTitle, &a.Version, &a.CreatedAt, &a.UpdatedAt)
		return &a, err
	})
	if err != nil || len(list) == 0 {
		return list, wrap(err, "load assessments")
	}
	byID := map[int64]*bpo.Assessment{}
	ids := make([]int64, len(list))
	for i, a := range list {
		byID[a.ID], ids[i] = a, a.ID
	}
	rows, _ = q.Query(ctx, `SELECT assessment_id, id, name, cx_influence, differentiation, risk, codifiability
		FROM assessment_activities WHERE assessment_id = ANY($1) ORDER BY position, id`, ids)
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var (
			aid int64
			act bpo.Activity
		)
		err := row.Scan(&aid, &act.ID, &act.Name, &act.CXInfluence, &act.Differentiation, &act.Risk, &act.Codifiability)
		if err == nil {
			byID[aid].Activities = append(byID[aid].Activities, &act)
		}
		return struct{}{}, err
	})
	return list, wrap(err, "load activities")
}

func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func findAssessment(ctx context.Context, q querier, where string, arg any) (*bpo.Assessment, error) {
	list, err := loadAssessments(ctx, q, where, arg)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.assessment.not_found")
	}
	return list[0], nil
}

// FindAssessments implements bpo.AssessmentService.
func (s *AssessmentService) FindAssessments(ctx context.Context) ([]*bpo.Assessment, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	return loadAssessments(ctx, s.db.Pool, "")
}

// FindAssessmentByID implements bpo.AssessmentService.
func (s *AssessmentService) FindAssessmentByID(ctx context.Context, id int64) (*bpo.Assessment, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	return findAssessment(ctx, s.db.Pool, "WHERE a.id = $1", id)
}

// FindAssessmentForEvaluation implements bpo.AssessmentService.
func (s *AssessmentService) FindAssessmentForEvaluation(ctx context.Context, evaluationID int64) (*bpo.Assessment, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	return findAssessment(ctx, s.db.Pool, "WHERE a.evaluation_id = $1", evaluationID)
}

// CreateAssessment implements bpo.AssessmentService.
func (s *AssessmentService) CreateAssessment(ctx context.Context, in bpo.AssessmentInput) (*bpo.Assessment, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if err := checkLinkable(ctx, tx, in.EvaluationID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO assessments (title, evaluation_id, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, in.Title, in.EvaluationID, bpo.UserFromContext(ctx).ID, now).Scan(&id)
		if err := linkError(err); err != nil {
			return err
		}
		if err := insertActivities(ctx, tx, id, in.Activities); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, in.EvaluationID, bpo.EntityAssessment, id, bpo.ActionCreate, nil, bpo.SnapshotOfAssessment(in, 1))
	})
	if err != nil {
		return nil, err
	}
	return findAssessment(ctx, s.db.Pool, "WHERE a.id = $1", id)
}

// UpdateAssessment implements bpo.AssessmentService.
func (s *AssessmentService) UpdateAssessment(ctx context.Context, id int64, version int, in bpo.AssessmentInput) (*bpo.Assessment, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var current int
		if err := tx.QueryRow(ctx, `SELECT version FROM assessments WHERE id = $1 FOR UPDATE`, id).Scan(&current); err != nil {
			return notFound(err, "error.assessment.not_found")
		}
		if current != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.assessment.stale")
		}
		if err := checkLinkable(ctx, tx, in.EvaluationID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE assessments SET title = $2, evaluation_id = $3, version = version + 1, updated_at = $4
			WHERE id = $1`, id, in.Title, in.EvaluationID, now)
		if err := linkError(err); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM assessment_activities WHERE assessment_id = $1`, id); err != nil {
			return fmt.Errorf("update assessment: %w", err)
		}
		if err := insertActivities(ctx, tx, id, in.Activities); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, in.EvaluationID, bpo.EntityAssessment, id, bpo.ActionUpdate, nil, bpo.SnapshotOfAssessment(in, version+1))
	})
	if err != nil {
		return nil, err
	}
	return findAssessment(ctx, s.db.Pool, "WHERE a.id = $1", id)
}

// checkLinkable refuses a link to an evaluation that does not exist.
func checkLinkable(ctx context.Context, tx pgx.Tx, evaluationID *int64) error {
	if evaluationID == nil {
		return nil
	}
	if _, _, err := loadEvaluation(ctx, tx, *evaluationID, lockShare); err != nil {
		return &bpo.Error{Code: bpo.EINVALID, Message: bpo.Message{Key: "error.invalid"},
			Fields: []bpo.FieldError{{Field: "evaluation", Message: bpo.Message{Key: "error.evaluation.not_found"}}}}
	}
	return nil
}

func linkError(err error) error {
	if isUniqueViolation(err, "assessments_evaluation_id_key") {
		return &bpo.Error{Code: bpo.EINVALID, Message: bpo.Message{Key: "error.invalid"},
			Fields: []bpo.FieldError{{Field: "evaluation", Message: bpo.Message{Key: "error.assessment.linked"}}}}
	}
	return wrap(err, "store assessment")
}

func insertActivities(ctx context.Context, tx pgx.Tx, id int64, acts []bpo.Activity) error {
	for i, a := range acts {
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_activities (assessment_id, position, name, cx_influence,
			differentiation, risk, codifiability) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, i, a.Name, a.CXInfluence, a.Differentiation, a.Risk, a.Codifiability); err != nil {
			return fmt.Errorf("insert activity: %w", err)
		}
	}
	return nil
}
