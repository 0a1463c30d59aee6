package bpo

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEvent is one entry of the append-only audit log.
type AuditEvent struct {
	ID           int64
	At           time.Time
	ActorID      *int64
	ActorName    string
	EvaluationID *int64
	Entity       string // "evaluation", "criterion", "participant", "rating", "scorecard", "vendor", …
	EntityID     int64
	Action       string // "create", "update", "weight", "submit", "reopen", …
	Before       json.RawMessage
	After        json.RawMessage
}

// AuditFilter selects an evaluation's history.
type AuditFilter struct {
	ActorID *int64
	Entity  string
	Offset  int
	Limit   int
}

// AuditService reads the audit log; nothing can change it.
type AuditService interface {
	// FindEvaluationHistory returns an evaluation's events, newest first,
	// and the total. Managers only.
	FindEvaluationHistory(ctx context.Context, evaluationID int64, f AuditFilter) ([]*AuditEvent, int, error)
}
