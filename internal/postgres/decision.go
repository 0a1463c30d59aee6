package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// DecisionService implements bpo.DecisionService.
type DecisionService struct{ db *DB }

// NewDecisionService returns the decision service over db.
func NewDecisionService(db *DB) *DecisionService { return &DecisionService{db: db} }

var _ bpo.DecisionService = (*DecisionService)(nil)

// currentDecisionSQL reads the current decision of evaluation e as one JSON
// value, so that every query reading evaluations, RETURNING clauses
// included, gets it as one column.
const currentDecisionSQL = `SELECT jsonb_build_object('outcome', d.outcome, 'vendor_id', d.vendor_id,
		'rationale', d.rationale, 'recorded_by', d.recorded_by, 'recorded_at', d.recorded_at)
	FROM decisions d WHERE d.evaluation_id = e.id AND d.superseded_at IS NULL`

// storedDecision is the JSON of currentDecisionSQL.
type storedDecision struct {
	Outcome    bpo.Outcome `json:"outcome"`
	VendorID   *int64      `json:"vendor_id"`
	Rationale  string      `json:"rationale"`
	RecordedBy *int64      `json:"recorded_by"`
	RecordedAt time.Time   `json:"recorded_at"`
}

func (d *storedDecision) domain() *bpo.Decision {
	out := &bpo.Decision{InHouse: d.Outcome == bpo.OutcomeInHouse, VendorID: d.VendorID,
		Rationale: d.Rationale, DecidedAt: d.RecordedAt.UTC()}
	if d.RecordedBy != nil {
		out.DecidedBy = *d.RecordedBy
	}
	return out
}

// decisionsSQL reads the decisions of evaluation $1, the current one first,
// then the history, most recently superseded first.
const decisionsSQL = `
	SELECT d.id, d.evaluation_id, d.outcome, d.vendor_id, coalesce(d.vendor_key, ''), coalesce(v.name, ''),
		d.rationale, d.recommendation, coalesce(d.recommended_key, ''), d.departs, d.departure_reason,
		coalesce(d.recorded_by, 0), coalesce(u.email, ''), coalesce(u.name, ''), d.recorded_at,
		coalesce(d.model_sha256, ''), d.superseded_at, d.change_reason
	FROM decisions d
	LEFT JOIN vendors v ON v.id = d.vendor_id
	LEFT JOIN users u ON u.id = d.recorded_by
	WHERE d.evaluation_id = $1
	ORDER BY d.superseded_at DESC NULLS FIRST, d.id DESC`

func scanDecision(row pgx.CollectableRow) (*bpo.DecisionRecord, error) {
	var (
		d        bpo.DecisionRecord
		decision *string
		vendor   string
	)
	err := row.Scan(&d.ID, &d.EvaluationID, &d.Outcome, &d.VendorID, &d.VendorKey, &d.VendorName,
		&d.Rationale, &decision, &vendor, &d.Departs, &d.DepartureReason,
		&d.RecordedBy, &d.RecordedByEmail, &d.RecordedByName, &d.RecordedAt,
		&d.ModelSHA256, &d.SupersededAt, &d.ChangeReason)
	if decision != nil {
		d.Recommendation = &bpo.Recommendation{Decision: *decision, Vendor: vendor}
	}
	return &d, err
}

func findDecisions(ctx context.Context, q querier, evaluationID int64) (*bpo.DecisionState, error) {
	rows, _ := q.Query(ctx, decisionsSQL, evaluationID)
	list, err := pgx.CollectRows(rows, scanDecision)
	if err != nil {
		return nil, fmt.Errorf("find decisions: %w", err)
	}
	return decisionState(list), nil
}

// decisionState sorts the rows of decisionsSQL into the current decision
// and the history.
func decisionState(list []*bpo.DecisionRecord) *bpo.DecisionState {
	st := &bpo.DecisionState{History: []*bpo.DecisionRecord{}}
	for _, d := range list {
		if d.SupersededAt == nil {
			st.Current = d
		} else {
			st.History = append(st.History, d)
		}
	}
	return st
}

// FindDecision implements bpo.DecisionService.
func (s *DecisionService) FindDecision(ctx context.Context, evaluationID int64) (*bpo.DecisionState, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	return findDecisions(ctx, s.db.Pool, evaluationID)
}

// FindDecisionSnapshot implements bpo.DecisionService.
func (s *DecisionService) FindDecisionSnapshot(ctx context.Context, evaluationID int64) (*bpo.DecisionSnapshot, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	var snap bpo.DecisionSnapshot
	err := s.db.Pool.QueryRow(ctx, `SELECT model, result FROM decisions
		WHERE evaluation_id = $1 AND superseded_at IS NULL AND model IS NOT NULL`, evaluationID).Scan(&snap.Model, &snap.Result)
	if err != nil {
		return nil, notFound(err, "error.decision.none")
	}
	return &snap, nil
}

// RecordDecision implements bpo.DecisionService.
func (s *DecisionService) RecordDecision(ctx context.Context, evaluationID int64, in bpo.DecisionInput) (*bpo.DecisionRecord, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if len(in.Snapshot.Model) == 0 {
		return nil, errors.New("record decision: no model in the snapshot")
	}
	facts, err := bpo.ReadResultFacts(in.Snapshot.Result)
	if err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	var out *bpo.DecisionRecord
	err = s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		before, err := s.checkRecording(ctx, tx, evaluationID, &in)
		if err != nil {
			return err
		}
		key, err := awardableVendor(ctx, tx, evaluationID, &in)
		if err != nil {
			return err
		}
		departs := bpo.Departs(facts.Recommendation, in.Outcome, key, facts.KnockedOut[key])
		if err := in.CheckDeparture(departs); err != nil {
			return err
		}
		if !departs {
			in.DepartureReason = ""
		}
		if before != nil {
			if _, err := tx.Exec(ctx, `UPDATE decisions SET superseded_at = $2, change_reason = $3 WHERE id = $1`,
				before.ID, now, in.ChangeReason); err != nil {
				return fmt.Errorf("record decision: supersede: %w", err)
			}
		}
		if err := selectVendor(ctx, tx, evaluationID, &in); err != nil {
			return err
		}
		var vendorID *int64
		if in.Outcome == bpo.OutcomeAward {
			vendorID = &in.VendorID
		}
		sum := sha256.Sum256(in.Snapshot.Model)
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO decisions (evaluation_id, outcome, vendor_id, vendor_key, rationale, recommendation,
				recommended_key, departs, departure_reason, recorded_by, recorded_at, model, result, model_sha256)
			VALUES ($1, $2, $3, nullif($4, ''), $5, $6, nullif($7, ''), $8, $9, $10, $11, $12, $13, $14)
			RETURNING id`,
			evaluationID, in.Outcome, vendorID, key, in.Rationale, facts.Recommendation.Decision,
			facts.Recommendation.Vendor, departs, in.DepartureReason, bpo.UserFromContext(ctx).ID, now,
			in.Snapshot.Model, in.Snapshot.Result, hex.EncodeToString(sum[:])).Scan(&id)
		if isUniqueViolation(err, "decisions_current_key") {
			return bpo.Errorf(bpo.ECONFLICT, "error.decision.recorded")
		}
		if err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE evaluations SET version = version + 1, updated_at = $2 WHERE id = $1`,
			evaluationID, now); err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		st, err := findDecisions(ctx, tx, evaluationID)
		if err != nil {
			return err
		}
		out = st.Current
		if err := queueDecision(ctx, tx, now, evaluationID, id, out.VendorName); err != nil {
			return err
		}
		if before == nil {
			return auditEval(ctx, tx, now, evaluationID, bpo.EntityDecision, id, bpo.ActionRecord, nil, bpo.SnapshotOfDecision(out))
		}
		prev := bpo.SnapshotOfDecision(before)
		prev.ChangeReason = in.ChangeReason
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityDecision, id, bpo.ActionChange, prev, bpo.SnapshotOfDecision(out))
	})
	return out, err
}

// checkRecording locks the evaluation and checks that a decision may be
// recorded on it now: at the version the manager saw, closed, and either
// undecided or explicitly changed. It returns the current decision, if any.
func (s *DecisionService) checkRecording(ctx context.Context, tx pgx.Tx, evaluationID int64, in *bpo.DecisionInput) (*bpo.DecisionRecord, error) {
	// FOR UPDATE serialises two managers recording at once: the second
	// waits, then finds the version moved on.
	e, _, err := loadEvaluation(ctx, tx, evaluationID, lockUpdate)
	if err != nil {
		return nil, err
	}
	if e.Version != in.Version {
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.evaluation.stale")
	}
	if e.Status != bpo.StatusClosed {
		return nil, bpo.Errorf(bpo.EINVALID, "error.decision.not_closed")
	}
	st, err := findDecisions(ctx, tx, evaluationID)
	if err != nil {
		return nil, err
	}
	switch {
	case st.Current != nil && !in.Change:
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.decision.recorded")
	case st.Current == nil && in.Change:
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.decision.none")
	}
	return st.Current, nil
}

// awardableVendor returns the key of the vendor an award goes to, "" for
// in-house, and refuses a vendor that was not shortlisted: a candidate
// never assessed as a finalist, a rejected one, or one not taking part.
func awardableVendor(ctx context.Context, tx pgx.Tx, evaluationID int64, in *bpo.DecisionInput) (string, error) {
	if in.Outcome != bpo.OutcomeAward {
		return "", nil
	}
	var (
		key   string
		stage bpo.VendorStage
	)
	err := tx.QueryRow(ctx, `SELECT key, stage FROM participants WHERE evaluation_id = $1 AND vendor_id = $2`,
		evaluationID, in.VendorID).Scan(&key, &stage)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("record decision: vendor: %w", err)
	}
	if err != nil || !bpo.CanAward(stage) {
		var p bpo.Problems
		p.Add("vendor", "error.decision.vendor")
		return "", p.Err()
	}
	return key, nil
}

// selectVendor makes the awarded vendor the only selected one: a vendor
// selected by the decision being changed goes back to the shortlist.
func selectVendor(ctx context.Context, tx pgx.Tx, evaluationID int64, in *bpo.DecisionInput) error {
	var vendorID *int64
	if in.Outcome == bpo.OutcomeAward {
		vendorID = &in.VendorID
	}
	_, err := tx.Exec(ctx, `
		UPDATE participants
		SET stage = CASE WHEN vendor_id = $2 THEN 'selected' ELSE 'shortlisted' END, version = version + 1
		WHERE evaluation_id = $1 AND (stage = 'selected' OR vendor_id = $2)
			AND stage IS DISTINCT FROM CASE WHEN vendor_id = $2 THEN 'selected' ELSE 'shortlisted' END`,
		evaluationID, vendorID)
	if err != nil {
		return fmt.Errorf("record decision: select vendor: %w", err)
	}
	return nil
}
