package bpo

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Consensus is the panel's agreed rating of one rated criterion for one
// vendor, recorded by the chair (a manager) at the moderation meeting. In
// scoring it replaces the mean or median of the individual ratings (rule 11
// of the scoring model), which stay on record beside it.
type Consensus struct {
	ID             int64
	EvaluationID   int64
	VendorID       int64
	CriterionID    int64
	Value          int
	Reason         string
	RecordedBy     int64
	RecordedByName string
	RecordedAt     time.Time
	Version        int
}

// ConsensusInput records or changes a consensus. Version is 0 to record the
// first one for the vendor and criterion, else the version being changed.
type ConsensusInput struct {
	VendorID    int64
	CriterionID int64
	Value       *int // nil when the form left it empty
	Reason      string
	Version     int
}

// Validate checks the value against the scale and that a reason is given.
// Fields are "value" and "reason".
func (in *ConsensusInput) Validate(scaleMin, scaleMax int) error {
	var p Problems
	switch {
	case in.Value == nil:
		p.Add("value", "error.field.required")
	case *in.Value < scaleMin || *in.Value > scaleMax:
		p.Add("value", "error.field.range", scaleMin, scaleMax)
	}
	in.Reason = strings.TrimSpace(in.Reason)
	checkText(&p, "reason", in.Reason, 5000, true, true)
	return p.Err()
}

// Spread is max − min of a criterion's ratings, 0 for fewer than two.
func Spread(values []int) int {
	if len(values) == 0 {
		return 0
	}
	return slices.Max(values) - slices.Min(values)
}

// Disputed reports whether ratings disagree enough to need moderation: their
// spread reaches half the scale's range, as the scoring engine flags it.
func Disputed(values []int, scaleMin, scaleMax int) bool {
	return len(values) > 1 && 2*Spread(values) >= scaleMax-scaleMin
}

// ModeratedRating is one evaluator's submitted rating as moderation shows it.
type ModeratedRating struct {
	EvaluatorID   int64
	EvaluatorName string
	Value         int
	Justification string
}

// ModerationItem is one rated criterion of the moderation view.
type ModerationItem struct {
	Criterion *Criterion
	Ratings   []ModeratedRating // by evaluator name
	Spread    int
	Disputed  bool
	Consensus *Consensus // nil when none is recorded
}

// ModerationView is what the chair sees of one vendor at moderation.
type ModerationView struct {
	Evaluation *Evaluation
	Vendor     *Participant
	// Required is the evaluation's "moderation required" option.
	Required bool
	// Missing names the evaluators whose scorecard for the vendor is not
	// submitted yet: consensus waits for them.
	Missing []string
	// Items are the rated criteria, disputed first, in tree order otherwise.
	Items []*ModerationItem
}

// SortModeration puts disputed criteria first, keeping the tree order
// within each part.
func SortModeration(items []*ModerationItem) {
	slices.SortStableFunc(items, func(a, b *ModerationItem) int {
		switch {
		case a.Disputed == b.Disputed:
			return 0
		case a.Disputed:
			return -1
		}
		return 1
	})
}

// Unmoderated is a disputed criterion of a vendor without a consensus.
type Unmoderated struct {
	VendorID    int64
	VendorName  string
	CriterionID int64
	CriterionEN string
	CriterionFR string
}

// ModerationService is the chair's moderation of an evaluation. Every
// method is for managers: others get EFORBIDDEN before anything is read, so
// an evaluator learns nothing of other evaluators' ratings (independence).
// Evaluations and vendors that do not exist are ENOTFOUND.
type ModerationService interface {
	// FindModeration returns the moderation view of a vendor of the evaluation.
	FindModeration(ctx context.Context, evaluationID, vendorID int64) (*ModerationView, error)

	// RecordConsensus records (in.Version 0) or changes a consensus, audited
	// with before and after. EINVALID with fields "value" and "reason" for a
	// value off the scale or a missing reason; EINVALID
	// "error.moderation.not_rated" for a criterion that is not rated,
	// "error.moderation.not_open" unless the evaluation is open, and
	// "error.moderation.unsubmitted" (naming the evaluators) while a
	// scorecard of the vendor is not submitted; ECONFLICT when a consensus
	// exists and in.Version is not its version (or 0), or none exists and
	// in.Version is not 0.
	RecordConsensus(ctx context.Context, evaluationID int64, in ConsensusInput) (*Consensus, error)

	// ClearConsensus removes a consensus at version, audited. ECONFLICT when
	// it changed or was cleared since; EINVALID unless the evaluation is open.
	ClearConsensus(ctx context.Context, evaluationID, vendorID, criterionID int64, version int) error

	// FindConsensus lists the evaluation's consensus values, by vendor and
	// criterion id, for the scoring model, the comparison and the report.
	FindConsensus(ctx context.Context, evaluationID int64) ([]*Consensus, error)

	// FindUnmoderated lists the disputed criteria (among submitted ratings
	// of vendors not rejected) that have no consensus, by vendor name and
	// tree order.
	FindUnmoderated(ctx context.Context, evaluationID int64) ([]*Unmoderated, error)

	// ModerationRequired reports the evaluation's "moderation required" option.
	ModerationRequired(ctx context.Context, evaluationID int64) (bool, error)

	// SetModerationRequired turns the option on or off at the evaluation's
	// version, audited; it bumps that version. ECONFLICT if stale; EINVALID
	// once the evaluation is closed.
	SetModerationRequired(ctx context.Context, evaluationID int64, version int, required bool) (*Evaluation, error)
}

// The audit log's entity and actions of moderation: a consensus is
// recorded with ActionRecord and changed with ActionChange, as a decision is.
const (
	EntityConsensus = "consensus"
	ActionClear     = "clear" // a consensus removed
	// ActionModerationRequired is the evaluation's option turned on or off.
	ActionModerationRequired = "moderation_required"
)

// ConsensusSnapshot is a consensus as the audit log keeps it.
type ConsensusSnapshot struct {
	VendorID    int64  `json:"vendor_id"`
	CriterionID int64  `json:"criterion_id"`
	Value       int    `json:"value"`
	Reason      string `json:"reason"`
	Version     int    `json:"version"`
}

// SnapshotOfConsensus is c as the audit log keeps it.
func SnapshotOfConsensus(c *Consensus) ConsensusSnapshot {
	return ConsensusSnapshot{VendorID: c.VendorID, CriterionID: c.CriterionID, Value: c.Value, Reason: c.Reason, Version: c.Version}
}

// ModerationOptionSnapshot is the "moderation required" option as the
// audit log keeps it.
type ModerationOptionSnapshot struct {
	Required bool `json:"moderation_required"`
	Version  int  `json:"version"`
}
