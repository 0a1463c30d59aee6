package bpo

import (
	"time"
)

// The entities of the audit log: AuditEvent.Entity.
const (
	EntityEvaluation  = "evaluation"
	EntityCriterion   = "criterion"
	EntityParticipant = "participant"
	EntityMeasurement = "measurement"
	EntityAssignment  = "assignment"
	EntityDecision    = "decision"
	EntityRating      = "rating"
	EntityScorecard   = "scorecard"
	EntityVendor      = "vendor"
	EntityUser        = "user"
	EntityAPIToken    = "api_token"
)

// The actions of the audit log: AuditEvent.Action.
const (
	ActionCreate        = "create"
	ActionUpdate        = "update"
	ActionDelete        = "delete"
	ActionWeight        = "weight"         // a criterion's weight alone
	ActionMove          = "move"           // a criterion among its siblings
	ActionOpen          = "open"           // an evaluation, draft → open
	ActionClose         = "close"          // an evaluation, open → closed
	ActionDecide        = "decide"         // an evaluation's decision, as recorded before decisions had rows of their own
	ActionRecord        = "record"         // a decision recorded
	ActionChange        = "change"         // a decision replaced by another, with a reason
	ActionStage         = "stage"          // a participant's stage
	ActionSet           = "set"            // a measured figure
	ActionDeclare       = "declare"        // an evaluator's conflicts of interest
	ActionDeclareVendor = "declare_vendor" // an evaluator's declaration for one vendor, later
	ActionSubmit        = "submit"         // a scorecard
	ActionReopen        = "reopen"         // a scorecard
	ActionArchive       = "archive"        // a vendor
	ActionUnarchive     = "unarchive"      // a vendor
	ActionRevoke        = "revoke"         // an API token
)

// The snapshots below are what the audit log keeps before and after a
// change, as JSON. Their field names are the stored format: rows written
// years ago are read with them, so a name never changes.

// EvaluationSnapshot is an evaluation's set-up (create, update).
type EvaluationSnapshot struct {
	Title           string              `json:"title"`
	Scope           string              `json:"scope"`
	Services        []string            `json:"services"`
	DueDate         *time.Time          `json:"due_date"`
	Status          EvaluationStatus    `json:"status"`
	ScaleMin        int                 `json:"scale_min"`
	ScaleMax        int                 `json:"scale_max"`
	Aggregation     string              `json:"aggregation"`
	AwardThreshold  float64             `json:"award_threshold"`
	CloseCallMargin float64             `json:"close_call_margin"`
	Justification   JustificationPolicy `json:"justification"`
	Version         int                 `json:"version"`
	ScaleLevels     []LevelSnapshot     `json:"scale_levels"`
	// The options of the decision analyses.
	CostCriterionID  *int64  `json:"cost_criterion_id"`
	RobustnessSpread float64 `json:"robustness_spread"`
	// The evaluation a copy was started from (create), by title and id.
	CopiedFrom   string `json:"copied_from,omitempty"`
	CopiedFromID *int64 `json:"copied_from_id,omitempty"`
}

// LevelSnapshot is one point of an evaluation's scale.
type LevelSnapshot struct {
	Value   int    `json:"value"`
	LabelEN string `json:"label_en"`
	LabelFR string `json:"label_fr"`
	HelpEN  string `json:"help_en,omitempty"`
	HelpFR  string `json:"help_fr,omitempty"`
}

// SnapshotOfEvaluation is e as the audit log keeps it.
func SnapshotOfEvaluation(e *Evaluation) EvaluationSnapshot {
	return EvaluationSnapshot{Title: e.Title, Scope: e.Scope, Services: e.Services, DueDate: e.DueDate,
		Status: e.Status, ScaleMin: e.ScaleMin, ScaleMax: e.ScaleMax, Aggregation: e.Aggregation,
		AwardThreshold: e.AwardThreshold, CloseCallMargin: e.CloseCallMargin, Justification: e.Justification,
		Version: e.Version, ScaleLevels: SnapshotOfLevels(e.ScaleLevels),
		CostCriterionID: e.Analysis.CostCriterionID, RobustnessSpread: e.Analysis.RobustnessSpread}
}

// SnapshotOfLevels is a scale's descriptors as the audit log keeps them.
func SnapshotOfLevels(levels []ScaleLevel) []LevelSnapshot {
	out := make([]LevelSnapshot, len(levels))
	for i, l := range levels {
		out[i] = LevelSnapshot(l)
	}
	return out
}

// StatusSnapshot is an evaluation's status (open, close).
type StatusSnapshot struct {
	Status  EvaluationStatus `json:"status"`
	Version int              `json:"version"`
	// Pending counts, at closing, the scorecards expected and not submitted.
	Pending *int `json:"pending_scorecards,omitempty"`
}

// DecisionRecordSnapshot is a recorded decision (record, change: the
// decision replaced is the before of a change, with the reason for it).
type DecisionRecordSnapshot struct {
	Outcome           Outcome `json:"outcome"`
	VendorID          *int64  `json:"vendor_id"`
	VendorKey         string  `json:"vendor_key,omitempty"`
	Rationale         string  `json:"rationale"`
	Recommendation    string  `json:"recommendation,omitempty"`
	RecommendedVendor string  `json:"recommended_vendor,omitempty"`
	Departs           bool    `json:"departs_from_recommendation"`
	DepartureReason   string  `json:"departure_reason,omitempty"`
	ModelSHA256       string  `json:"model_sha256,omitempty"`
	ChangeReason      string  `json:"change_reason,omitempty"`
}

// SnapshotOfDecision is d as the audit log keeps it.
func SnapshotOfDecision(d *DecisionRecord) DecisionRecordSnapshot {
	s := DecisionRecordSnapshot{Outcome: d.Outcome, VendorID: d.VendorID, VendorKey: d.VendorKey, Rationale: d.Rationale,
		Departs: d.Departs, DepartureReason: d.DepartureReason, ModelSHA256: d.ModelSHA256, ChangeReason: d.ChangeReason}
	if r := d.Recommendation; r != nil {
		s.Recommendation, s.RecommendedVendor = r.Decision, r.Vendor
	}
	return s
}

// VendorDeclarationSnapshot is an evaluator's declaration for one vendor
// after their first declaration (declare_vendor).
type VendorDeclarationSnapshot struct {
	VendorID  int64  `json:"vendor_id"`
	Conflict  bool   `json:"conflict"`
	Note      string `json:"note,omitempty"`
	Late      bool   `json:"late_vendor"`         // the vendor was added after the first declaration
	Withdrawn int    `json:"withdrawn_ratings"`   // ratings withdrawn from scoring by the conflict
	Submitted bool   `json:"scorecard_submitted"` // whether the scorecard withdrawn had been submitted
}

// CriterionSnapshot is a criterion in full (create, update, delete).
type CriterionSnapshot struct {
	Key        string        `json:"key"`
	Kind       CriterionKind `json:"kind"`
	ParentID   *int64        `json:"parent_id"`
	NameEN     string        `json:"name_en"`
	NameFR     string        `json:"name_fr"`
	GuidanceEN string        `json:"guidance_en"`
	GuidanceFR string        `json:"guidance_fr"`
	Weight     float64       `json:"weight"`
	Position   int           `json:"position"`
	MinRating  *float64      `json:"min_rating"`
	Unit       string        `json:"unit"`
	Better     string        `json:"better"`
	Best       *float64      `json:"best"`
	Worst      *float64      `json:"worst"`
	Limit      *float64      `json:"limit"`
	Version    int           `json:"version"`
}

// SnapshotOfCriterion is c as the audit log keeps it.
func SnapshotOfCriterion(c *Criterion) CriterionSnapshot {
	return CriterionSnapshot{Key: c.Key, Kind: c.Kind, ParentID: c.ParentID, NameEN: c.NameEN, NameFR: c.NameFR,
		GuidanceEN: c.GuidanceEN, GuidanceFR: c.GuidanceFR, Weight: c.Weight, Position: c.Position,
		MinRating: c.MinRating, Unit: c.Unit, Better: c.Better, Best: c.Best, Worst: c.Worst, Limit: c.Limit,
		Version: c.Version}
}

// RemovedCriterionSnapshot is a criterion removed (delete) with the keys
// of the criteria removed with it.
type RemovedCriterionSnapshot struct {
	CriterionSnapshot
	Children []string `json:"children"`
}

// WeightSnapshot is a criterion's weight (weight).
type WeightSnapshot struct {
	Key     string  `json:"key"`
	Weight  float64 `json:"weight"`
	Version int     `json:"version"`
}

// PositionSnapshot is a criterion's place among its siblings (move).
type PositionSnapshot struct {
	Key      string `json:"key"`
	Position int    `json:"position"`
}

// ParticipantSnapshot is a vendor's place in an evaluation (create, stage).
type ParticipantSnapshot struct {
	Key          string      `json:"key"`
	Name         string      `json:"name"`
	Stage        VendorStage `json:"stage"`
	RejectReason string      `json:"reject_reason"`
	Version      int         `json:"version"`
}

// SnapshotOfParticipant is p as the audit log keeps it.
func SnapshotOfParticipant(p *Participant) ParticipantSnapshot {
	return ParticipantSnapshot{Key: p.Key, Name: p.Name, Stage: p.Stage, RejectReason: p.RejectReason, Version: p.Version}
}

// MeasurementSnapshot is one vendor's figure on a measured criterion (set);
// the criterion is named by its key.
type MeasurementSnapshot struct {
	VendorID  int64    `json:"vendor_id"`
	Criterion string   `json:"criterion"`
	Value     *float64 `json:"value"`
}

// AssignmentSnapshot is an evaluator's assignment (create, delete). A
// removal counts the draft scorecards it dropped.
type AssignmentSnapshot struct {
	Email           string `json:"email"`
	DraftScorecards *int   `json:"draft_scorecards,omitempty"`
}

// DeclarationSnapshot is an evaluator's declaration of conflicts of
// interest (declare): empty when they declared none.
type DeclarationSnapshot struct {
	Conflicts []ConflictSnapshot `json:"conflicts"`
}

// ConflictSnapshot is one declared conflict.
type ConflictSnapshot struct {
	VendorID int64  `json:"vendor_id"`
	Note     string `json:"note"`
}

// RatingSnapshot is a rating (create, update). The "after" names the
// vendor and the criterion; the "before" of an update holds the value,
// justification and version alone. The rating's save writes it in SQL, in
// the same round trip as the save.
type RatingSnapshot struct {
	VendorID      int64  `json:"vendor_id,omitempty"`
	CriterionID   int64  `json:"criterion_id,omitempty"`
	Value         *int   `json:"value"`
	Justification string `json:"justification"`
	Version       int    `json:"version"`
}

// ScorecardSnapshot is a scorecard's status (submit, reopen). A reopening,
// done by a manager, names the evaluator too.
type ScorecardSnapshot struct {
	VendorID    int64           `json:"vendor_id"`
	EvaluatorID int64           `json:"evaluator_id,omitempty"`
	Status      ScorecardStatus `json:"status"`
	Version     int             `json:"version"`
}

// VendorSnapshot is a vendor of the registry (create, update, archive,
// unarchive).
type VendorSnapshot struct {
	Name         string   `json:"name"`
	Country      string   `json:"country"`
	Website      string   `json:"website"`
	ContactName  string   `json:"contact_name"`
	ContactEmail string   `json:"contact_email"`
	ContactPhone string   `json:"contact_phone"`
	Services     []string `json:"services"`
	Languages    []string `json:"languages"`
	Headcount    *int     `json:"headcount"`
	Notes        string   `json:"notes"`
	Archived     bool     `json:"archived"`
	Version      int      `json:"version"`
}

// SnapshotOfVendor is v as the audit log keeps it.
func SnapshotOfVendor(v *Vendor) VendorSnapshot {
	return VendorSnapshot{Name: v.Name, Country: v.Country, Website: v.Website, ContactName: v.ContactName,
		ContactEmail: v.ContactEmail, ContactPhone: v.ContactPhone, Services: v.Services, Languages: v.Languages,
		Headcount: v.Headcount, Notes: v.Notes, Archived: v.Archived, Version: v.Version}
}

// UserSnapshot is a user account (create).
type UserSnapshot struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
}

// TokenSnapshot is a personal API token (create).
type TokenSnapshot struct {
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"` // nil in rows from before tokens expired
}

// RevocationSnapshot is when a token was revoked (revoke): nil before.
type RevocationSnapshot struct {
	RevokedAt *time.Time `json:"revoked_at"`
}
