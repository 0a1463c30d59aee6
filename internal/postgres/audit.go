package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// AuditService implements bpo.AuditService.
type AuditService struct{ db *DB }

// NewAuditService returns the audit service over db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

var _ bpo.AuditService = (*AuditService)(nil)

// FindEvaluationHistory implements bpo.AuditService.
func (s *AuditService) FindEvaluationHistory(ctx context.Context, evaluationID int64, f bpo.AuditFilter) ([]*bpo.AuditEvent, int, error) {
	if err := requireManager(ctx); err != nil {
		return nil, 0, err
	}
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, 0, err
	}
	f.Offset = max(f.Offset, 0)
	if f.Limit <= 0 {
		f.Limit = 50
	}
	where := `ae.evaluation_id = @evaluation_id
		AND (@actor::bigint IS NULL OR ae.actor_id = @actor)
		AND (@entity = '' OR ae.entity = @entity)`
	args := pgx.NamedArgs{"evaluation_id": evaluationID, "actor": f.ActorID, "entity": f.Entity,
		"limit": f.Limit, "offset": f.Offset}
	rows, _ := s.db.Pool.Query(ctx, `
		SELECT ae.id, ae.at, ae.actor_id, coalesce(u.name, ''), ae.evaluation_id, ae.entity, ae.entity_id,
			ae.action, ae.before, ae.after, count(*) OVER ()
		FROM audit_events ae LEFT JOIN users u ON u.id = ae.actor_id
		WHERE `+where+`
		ORDER BY ae.at DESC, ae.id DESC LIMIT @limit OFFSET @offset`, args)
	total := 0
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.AuditEvent, error) {
		var ev bpo.AuditEvent
		err := row.Scan(&ev.ID, &ev.At, &ev.ActorID, &ev.ActorName, &ev.EvaluationID, &ev.Entity, &ev.EntityID,
			&ev.Action, &ev.Before, &ev.After, &total)
		return &ev, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find evaluation history: %w", err)
	}
	if len(events) == 0 && f.Offset > 0 {
		// Past the last page the window count is lost with the rows.
		if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events ae WHERE `+where, args).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count evaluation history: %w", err)
		}
	}
	return events, total, nil
}
