package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// ParticipantService implements bpo.ParticipantService.
type ParticipantService struct{ db *DB }

// NewParticipantService returns the participant service over db.
func NewParticipantService(db *DB) *ParticipantService { return &ParticipantService{db: db} }

var _ bpo.ParticipantService = (*ParticipantService)(nil)

const participantColumns = `p.evaluation_id, p.vendor_id, p.key, v.name, v.country, p.stage, p.reject_reason, p.version`

func scanParticipant(row pgx.CollectableRow) (*bpo.Participant, error) {
	var p bpo.Participant
	err := row.Scan(&p.EvaluationID, &p.VendorID, &p.Key, &p.Name, &p.Country, &p.Stage, &p.RejectReason, &p.Version)
	return &p, err
}

// slugFolds spells the letters that Unicode does not decompose into a base
// letter and an accent.
var slugFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i",
}

// slugMax keeps keys short enough to read in the scoring model and leaves
// room for a "-N" suffix.
const slugMax = 48

// slug turns a vendor name into a key for the scoring model: lowercase
// ASCII letters and digits separated by single hyphens, accents folded
// ("Île Rouge" → "ile-rouge"). A name with nothing to keep becomes "vendor".
func slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		var s string
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			s = string(r)
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a decomposed letter
		default:
			s = slugFolds[r]
		}
		if s == "" {
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteString(s)
	}
	out := b.String()
	if len(out) > slugMax {
		out = strings.TrimRight(out[:slugMax], "-")
	}
	if out == "" {
		return "vendor"
	}
	return out
}

// FindParticipants implements bpo.ParticipantService.
func (s *ParticipantService) FindParticipants(ctx context.Context, evaluationID int64) ([]*bpo.Participant, error) {
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, participantsSQL, evaluationID)
	list, err := pgx.CollectRows(rows, scanParticipant)
	if err != nil {
		return nil, fmt.Errorf("find participants: %w", err)
	}
	return list, nil
}

// participantsSQL reads an evaluation's ($1) vendors by name.
const participantsSQL = `SELECT ` + participantColumns + `
	FROM participants p JOIN vendors v ON v.id = p.vendor_id
	WHERE p.evaluation_id = $1 ORDER BY lower(v.name), p.vendor_id`

// participantSQL is participantsSQL's row of one vendor ($2): a page of one
// vendor, read at every autosave, need not read the forty others.
const participantSQL = `SELECT ` + participantColumns + `
	FROM participants p JOIN vendors v ON v.id = p.vendor_id
	WHERE p.evaluation_id = $1 AND p.vendor_id = $2`

// AddParticipant implements bpo.ParticipantService.
func (s *ParticipantService) AddParticipant(ctx context.Context, evaluationID, vendorID int64) (*bpo.Participant, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var p *bpo.Participant
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		// The exclusive lock serialises additions to one evaluation, so that
		// two vendors with the same slug cannot both take the same key.
		if _, err := setUpEvaluation(ctx, tx, evaluationID, lockExclusive); err != nil {
			return err
		}
		var (
			name     string
			archived bool
			taken    []string
			joined   bool
		)
		err := tx.QueryRow(ctx, `SELECT v.name, v.archived,
				EXISTS (SELECT 1 FROM participants WHERE evaluation_id = $1 AND vendor_id = v.id),
				ARRAY(SELECT key FROM participants WHERE evaluation_id = $1)
			FROM vendors v WHERE v.id = $2 FOR KEY SHARE`, evaluationID, vendorID).Scan(&name, &archived, &joined, &taken)
		if err != nil {
			return notFound(err, "error.vendor.not_found")
		}
		switch {
		case joined:
			return bpo.Errorf(bpo.EINVALID, "error.participant.exists", name)
		case archived:
			return bpo.Errorf(bpo.EINVALID, "error.participant.archived", name)
		}
		key := slug(name)
		for n := 2; slices.Contains(taken, key); n++ {
			key = slug(name) + "-" + strconv.Itoa(n)
		}
		rows, _ := tx.Query(ctx, `
			WITH p AS (
				INSERT INTO participants (evaluation_id, vendor_id, key) VALUES ($1, $2, $3) RETURNING *
			)
			SELECT `+participantColumns+` FROM p JOIN vendors v ON v.id = p.vendor_id`, evaluationID, vendorID, key)
		if p, err = pgx.CollectExactlyOneRow(rows, scanParticipant); err != nil {
			return fmt.Errorf("add participant: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityParticipant, vendorID, bpo.ActionCreate, nil, bpo.SnapshotOfParticipant(p))
	})
	return p, err
}

// SetStage implements bpo.ParticipantService.
func (s *ParticipantService) SetStage(ctx context.Context, evaluationID, vendorID int64, version int, stage bpo.VendorStage, reason string) (*bpo.Participant, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var problems bpo.Problems
	switch stage {
	case bpo.StageCandidate, bpo.StageShortlisted:
		reason = ""
	case bpo.StageRejected:
		reason = strings.TrimSpace(reason)
		if reason == "" {
			problems.Add("reason", "error.participant.reason_required")
		} else {
			bpo.CheckFreeText(&problems, "reason", reason, bpo.RejectReasonMax)
		}
	default:
		// Selecting a vendor is the decision's job, not a stage change.
		problems.Add("stage", "error.field.choice")
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	var after *bpo.Participant
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := setUpEvaluation(ctx, tx, evaluationID, lockShare); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+participantColumns+`
			FROM participants p JOIN vendors v ON v.id = p.vendor_id
			WHERE p.evaluation_id = $1 AND p.vendor_id = $2 FOR NO KEY UPDATE OF p`, evaluationID, vendorID)
		before, err := pgx.CollectExactlyOneRow(rows, scanParticipant)
		if err != nil {
			return notFound(err, "error.participant.not_found")
		}
		if before.Version != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.participant.stale", before.Name)
		}
		rows, _ = tx.Query(ctx, `
			WITH p AS (
				UPDATE participants SET stage = $3, reject_reason = $4, version = version + 1
				WHERE evaluation_id = $1 AND vendor_id = $2 RETURNING *
			)
			SELECT `+participantColumns+` FROM p JOIN vendors v ON v.id = p.vendor_id`,
			evaluationID, vendorID, stage, reason)
		if after, err = pgx.CollectExactlyOneRow(rows, scanParticipant); err != nil {
			return fmt.Errorf("set stage: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityParticipant, vendorID, bpo.ActionStage,
			bpo.SnapshotOfParticipant(before), bpo.SnapshotOfParticipant(after))
	})
	return after, err
}

// measurementsSQL reads an evaluation's ($1) measured figures.
const measurementsSQL = `SELECT vendor_id, criterion_id, value, updated_at
	FROM measurements WHERE evaluation_id = $1 ORDER BY vendor_id, criterion_id`

func scanMeasurement(row pgx.CollectableRow) (*bpo.Measurement, error) {
	var m bpo.Measurement
	err := row.Scan(&m.VendorID, &m.CriterionID, &m.Value, &m.UpdatedAt)
	return &m, err
}

// SetMeasurement implements bpo.ParticipantService.
func (s *ParticipantService) SetMeasurement(ctx context.Context, evaluationID, vendorID, criterionID int64, value *float64) error {
	return s.SetMeasurements(ctx, evaluationID, []bpo.Figure{{VendorID: vendorID, CriterionID: criterionID, Value: value}})
}

// SetMeasurements implements bpo.ParticipantService.
func (s *ParticipantService) SetMeasurements(ctx context.Context, evaluationID int64, figures []bpo.Figure) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	for _, f := range figures {
		if f.Value != nil && !bpo.ValidMeasurement(*f.Value) {
			var p bpo.Problems
			p.Add("value", "error.field.number")
			return p.Err()
		}
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := setUpEvaluation(ctx, tx, evaluationID, lockShare); err != nil {
			return err
		}
		for _, f := range figures {
			if err := setMeasurement(ctx, tx, now, evaluationID, f); err != nil {
				return err
			}
		}
		return nil
	})
}

// setMeasurement stores one figure within tx, which holds the evaluation.
func setMeasurement(ctx context.Context, tx pgx.Tx, now time.Time, evaluationID int64, f bpo.Figure) error {
	vendorID, criterionID, value := f.VendorID, f.CriterionID, f.Value
	var (
		kind    *bpo.CriterionKind
		key     *string
		c       bpo.Criterion // its direction and anchors, which say what it can score
		joined  bool
		current *float64
	)
	err := tx.QueryRow(ctx, `SELECT c.kind, c.key, coalesce(c.better, ''), c.best, c.worst,
			EXISTS (SELECT 1 FROM participants WHERE evaluation_id = $1 AND vendor_id = $2),
			(SELECT value FROM measurements WHERE vendor_id = $2 AND criterion_id = $3 AND evaluation_id = $1 FOR UPDATE)
		FROM (SELECT 1) AS one LEFT JOIN criteria c ON c.id = $3 AND c.evaluation_id = $1`,
		evaluationID, vendorID, criterionID).Scan(&kind, &key, &c.Better, &c.Best, &c.Worst, &joined, &current)
	if err != nil {
		return fmt.Errorf("set measurement: %w", err)
	}
	switch {
	case kind == nil:
		return bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
	case !joined:
		return bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
	case *kind != bpo.KindMeasured:
		var p bpo.Problems
		p.Add("criterion", "error.criterion.not_measured", *key)
		return p.Err()
	case value != nil && c.FigureProblem(*value) != "":
		var p bpo.Problems
		p.Add("value", c.FigureProblem(*value))
		return p.Err()
	}
	if equalPtr(current, value) {
		return nil
	}
	if value == nil {
		_, err = tx.Exec(ctx, `DELETE FROM measurements WHERE vendor_id = $1 AND criterion_id = $2`, vendorID, criterionID)
	} else {
		_, err = tx.Exec(ctx, `
			INSERT INTO measurements (evaluation_id, vendor_id, criterion_id, value, updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (vendor_id, criterion_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			evaluationID, vendorID, criterionID, *value, now)
	}
	if err != nil {
		return fmt.Errorf("set measurement: %w", err)
	}
	return auditEval(ctx, tx, now, evaluationID, bpo.EntityMeasurement, criterionID, bpo.ActionSet,
		bpo.MeasurementSnapshot{VendorID: vendorID, Criterion: *key, Value: current},
		bpo.MeasurementSnapshot{VendorID: vendorID, Criterion: *key, Value: value})
}

// FindAssignments implements bpo.ParticipantService.
func (s *ParticipantService) FindAssignments(ctx context.Context, evaluationID int64) ([]*bpo.Assignment, error) {
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, assignmentsSQL, evaluationID)
	list, err := pgx.CollectRows(rows, scanAssignment)
	if err != nil {
		return nil, fmt.Errorf("find assignments: %w", err)
	}
	return list, nil
}

// assignmentsSQL reads an evaluation's ($1) evaluators with the vendors
// their declarations cover and their declared conflicts of interest, each
// with the ratings it withdrew from scoring.
const assignmentsSQL = assignmentSelect + `
	WHERE a.evaluation_id = $1 ORDER BY lower(u.name), a.user_id`

// assignmentSQL is assignmentsSQL's row of one evaluator ($2).
const assignmentSQL = assignmentSelect + `
	WHERE a.evaluation_id = $1 AND a.user_id = $2`

const assignmentSelect = `
	SELECT a.evaluation_id, a.user_id, u.name, u.email, a.coi_declared_at,
		ARRAY(SELECT d.vendor_id FROM vendor_declarations d
			WHERE d.evaluation_id = a.evaluation_id AND d.user_id = a.user_id ORDER BY d.vendor_id),
		ARRAY(SELECT c.vendor_id FROM conflicts c
			WHERE c.evaluation_id = a.evaluation_id AND c.user_id = a.user_id ORDER BY c.vendor_id),
		ARRAY(SELECT c.note FROM conflicts c
			WHERE c.evaluation_id = a.evaluation_id AND c.user_id = a.user_id ORDER BY c.vendor_id),
		ARRAY(SELECT c.declared_at FROM conflicts c
			WHERE c.evaluation_id = a.evaluation_id AND c.user_id = a.user_id ORDER BY c.vendor_id),
		ARRAY(SELECT (SELECT count(*) FROM scorecards s JOIN ratings r ON r.scorecard_id = s.id
				WHERE s.evaluation_id = c.evaluation_id AND s.evaluator_id = c.user_id
					AND s.vendor_id = c.vendor_id AND r.value IS NOT NULL)
			FROM conflicts c
			WHERE c.evaluation_id = a.evaluation_id AND c.user_id = a.user_id ORDER BY c.vendor_id)
	FROM assignments a JOIN users u ON u.id = a.user_id`

func scanAssignment(row pgx.CollectableRow) (*bpo.Assignment, error) {
	var (
		a         bpo.Assignment
		vendors   []int64
		notes     []string
		at        []time.Time
		withdrawn []int
	)
	if err := row.Scan(&a.EvaluationID, &a.UserID, &a.Name, &a.Email, &a.COIDeclaredAt, &a.Declared,
		&vendors, &notes, &at, &withdrawn); err != nil {
		return nil, err
	}
	for i, v := range vendors {
		a.Conflicts = append(a.Conflicts, bpo.Conflict{VendorID: v, Note: notes[i], DeclaredAt: at[i], Withdrawn: withdrawn[i]})
	}
	return &a, nil
}

// AssignEvaluator implements bpo.ParticipantService. Assigning someone
// already assigned changes nothing.
func (s *ParticipantService) AssignEvaluator(ctx context.Context, evaluationID, userID int64) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, err := setUpEvaluation(ctx, tx, evaluationID, lockShare)
		if err != nil {
			return err
		}
		var (
			role  bpo.Role
			email string
		)
		err = tx.QueryRow(ctx, `SELECT role, email FROM users WHERE id = $1 FOR KEY SHARE`, userID).Scan(&role, &email)
		if err != nil {
			return notFound(err, "error.user.not_found")
		}
		if role != bpo.RoleEvaluator {
			var p bpo.Problems
			p.Add("user", "error.participant.not_evaluator", email)
			return p.Err()
		}
		tag, err := tx.Exec(ctx, `INSERT INTO assignments (evaluation_id, user_id) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, evaluationID, userID)
		if err != nil {
			return fmt.Errorf("assign evaluator: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		if err := auditEval(ctx, tx, now, evaluationID, bpo.EntityAssignment, userID, bpo.ActionCreate, nil, bpo.AssignmentSnapshot{Email: email}); err != nil {
			return err
		}
		return queueAssigned(ctx, tx, now, e, userID)
	})
}

// UnassignEvaluator implements bpo.ParticipantService. The evaluator's
// draft scorecards go with the assignment.
func (s *ParticipantService) UnassignEvaluator(ctx context.Context, evaluationID, userID int64) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		// The exclusive lock waits for submissions in flight (they hold the
		// evaluation FOR SHARE), so that the check below cannot miss one.
		if _, err := setUpEvaluation(ctx, tx, evaluationID, lockExclusive); err != nil {
			return err
		}
		var email string
		var submitted, drafts int
		err := tx.QueryRow(ctx, `SELECT u.email,
				(SELECT count(*) FROM scorecards WHERE evaluation_id = $1 AND evaluator_id = $2 AND status = 'submitted'),
				(SELECT count(*) FROM scorecards WHERE evaluation_id = $1 AND evaluator_id = $2 AND status = 'draft')
			FROM assignments a JOIN users u ON u.id = a.user_id
			WHERE a.evaluation_id = $1 AND a.user_id = $2 FOR UPDATE OF a`, evaluationID, userID).Scan(&email, &submitted, &drafts)
		if errors.Is(err, pgx.ErrNoRows) {
			return bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_assigned")
		}
		if err != nil {
			return fmt.Errorf("unassign evaluator: %w", err)
		}
		if submitted > 0 {
			return bpo.Errorf(bpo.EINVALID, "error.participant.has_submitted", email, submitted)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM assignments WHERE evaluation_id = $1 AND user_id = $2`, evaluationID, userID); err != nil {
			return fmt.Errorf("unassign evaluator: %w", err)
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityAssignment, userID, bpo.ActionDelete,
			bpo.AssignmentSnapshot{Email: email, DraftScorecards: &drafts}, nil)
	})
}
