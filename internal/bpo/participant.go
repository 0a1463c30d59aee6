package bpo

import (
	"context"
	"math"
	"slices"
	"time"
)

// VendorStage is how far a vendor has come in one evaluation.
type VendorStage string

// Vendor stages: every vendor starts as a candidate.
const (
	StageCandidate   VendorStage = "candidate"
	StageShortlisted VendorStage = "shortlisted"
	StageRejected    VendorStage = "rejected" // with a reason; left out of the scoring
	StageSelected    VendorStage = "selected" // set by the decision
)

// Participant is a vendor taking part in an evaluation.
type Participant struct {
	EvaluationID int64
	VendorID     int64
	Key          string // stable slug, the vendor's key in the scoring model
	Name         string
	Country      string
	Stage        VendorStage
	RejectReason string
	Version      int
}

// Measurement is a measured figure of a vendor for a measured criterion.
type Measurement struct {
	VendorID    int64
	CriterionID int64
	Value       float64
	UpdatedAt   time.Time
}

// Figure is a measured criterion's new value for one vendor; nil clears it.
type Figure struct {
	VendorID    int64
	CriterionID int64
	Value       *float64
}

// ValidMeasurement reports whether v can be stored as a measured figure.
func ValidMeasurement(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) < 1e12
}

// Assignment is an evaluator assigned to an evaluation, with their
// conflict-of-interest declaration.
type Assignment struct {
	EvaluationID  int64
	UserID        int64
	Name          string
	Email         string
	COIDeclaredAt *time.Time // nil until the evaluator has declared
	// Declared lists the vendors the evaluator's declarations cover: every
	// vendor taking part at the first declaration, and each vendor added
	// later once declared for on its own.
	Declared  []int64
	Conflicts []Conflict
}

// DeclaredFor reports whether the evaluator has declared, conflict or not,
// for vendorID: a vendor added after their declaration needs one of its own
// before they may rate it.
func (a *Assignment) DeclaredFor(vendorID int64) bool {
	return slices.Contains(a.Declared, vendorID)
}

// HasConflict reports whether the evaluator declared a conflict with vendorID.
func (a *Assignment) HasConflict(vendorID int64) bool {
	for _, c := range a.Conflicts {
		if c.VendorID == vendorID {
			return true
		}
	}
	return false
}

// Conflict is a declared conflict of interest with one vendor; it bars the
// evaluator from scoring that vendor.
type Conflict struct {
	VendorID   int64
	Note       string
	DeclaredAt time.Time
	// Withdrawn counts the evaluator's ratings of the vendor made before the
	// conflict was declared: kept, but withdrawn from scoring.
	Withdrawn int
}

// ParticipantService manages who takes part in an evaluation: the vendors,
// their measured figures, and the evaluators. Managers only (EFORBIDDEN),
// except FindParticipants and FindAssignments, which assigned evaluators may
// read. Every change is audited.
type ParticipantService interface {
	// FindParticipants lists the evaluation's vendors by name.
	FindParticipants(ctx context.Context, evaluationID int64) ([]*Participant, error)

	// AddParticipant adds a registry vendor as a candidate. EINVALID if it
	// is archived or already taking part, or the evaluation is closed.
	AddParticipant(ctx context.Context, evaluationID, vendorID int64) (*Participant, error)

	// SetStage moves a vendor to shortlisted, rejected (a reason is required)
	// or back to candidate, at version; ECONFLICT if stale.
	SetStage(ctx context.Context, evaluationID, vendorID int64, version int, stage VendorStage, reason string) (*Participant, error)

	// SetMeasurement stores (or, with nil, clears) a vendor's figure for a
	// measured criterion. EINVALID for a non-finite value, one the
	// criterion cannot score (Criterion.FigureProblem), or a criterion that
	// is not measured.
	SetMeasurement(ctx context.Context, evaluationID, vendorID, criterionID int64, value *float64) error

	// SetMeasurements stores figures of any of the evaluation's vendors
	// together, as SetMeasurement stores one: all of them, or none when one
	// is refused.
	SetMeasurements(ctx context.Context, evaluationID int64, figures []Figure) error

	// FindAssignments lists the evaluation's evaluators by name, with their declarations.
	FindAssignments(ctx context.Context, evaluationID int64) ([]*Assignment, error)

	// AssignEvaluator assigns a user with the evaluator role (EINVALID otherwise).
	AssignEvaluator(ctx context.Context, evaluationID, userID int64) error

	// UnassignEvaluator removes an evaluator who has not submitted any scorecard (EINVALID otherwise).
	UnassignEvaluator(ctx context.Context, evaluationID, userID int64) error
}
