package bpo

import (
	"context"
	"time"
)

// ScorecardStatus is whether an evaluator's scorecard for a vendor is done.
type ScorecardStatus string

// Scorecard statuses. A scorecard that does not exist yet is "not started".
const (
	ScorecardDraft     ScorecardStatus = "draft"
	ScorecardSubmitted ScorecardStatus = "submitted"
)

// Scorecard is one evaluator's ratings of one vendor.
type Scorecard struct {
	ID           int64
	EvaluationID int64
	VendorID     int64
	EvaluatorID  int64
	Status       ScorecardStatus
	SubmittedAt  *time.Time
	Version      int
	Ratings      map[int64]*Rating // by criterion id
	UpdatedAt    time.Time
}

// Rating is one evaluator's rating of one criterion for one vendor.
type Rating struct {
	CriterionID   int64
	Value         *int // nil while only the justification has been written
	Justification string
	Version       int // 0 for a rating never saved
	UpdatedAt     time.Time
}

// RatingInput is one autosave: a criterion's value and justification, based
// on the version of the rating the evaluator's page last saw.
type RatingInput struct {
	CriterionID   int64
	Value         *int
	Justification string
	Version       int
}

// ScorecardService is what evaluators do: declare conflicts of interest,
// rate, submit; and what managers do with scorecards: watch progress and
// reopen. An evaluator only ever reads their own ratings.
type ScorecardService interface {
	// DeclareConflicts records the caller's conflict-of-interest declaration
	// for an evaluation (an empty list declares none). Once made, a
	// declaration is final: a second one returns EINVALID.
	DeclareConflicts(ctx context.Context, evaluationID int64, conflicts []Conflict) error

	// DeclareVendor adds to the caller's declaration for one vendor: a
	// vendor added after it (with a conflict or none), or a conflict found
	// later with a vendor declared without one. A later conflict withdraws
	// the caller's ratings of that vendor from scoring, submitted or not:
	// they are kept, and the audit event counts them; withdrawn is their
	// number. EINVALID before the first declaration, once the evaluation is
	// closed, when the vendor is already declared for and no conflict is
	// declared, or when a conflict with it is already declared; ENOTFOUND
	// for a vendor not taking part.
	DeclareVendor(ctx context.Context, evaluationID, vendorID int64, conflict bool, note string) (withdrawn int, err error)

	// FindScorecard returns the caller's scorecard for a vendor, empty (ID 0)
	// if not started. Managers may pass another evaluatorID.
	FindScorecard(ctx context.Context, evaluationID, vendorID, evaluatorID int64) (*Scorecard, error)

	// SaveRating autosaves one rating on the caller's scorecard. EINVALID for
	// a value outside the scale or an unknown or measured criterion;
	// EFORBIDDEN before the declaration, with a declared conflict, or when
	// the evaluation is not open or the scorecard is submitted; ECONFLICT
	// when the rating changed since in.Version.
	SaveRating(ctx context.Context, evaluationID, vendorID int64, in RatingInput) (*Rating, error)

	// FindMyScorecards lists the caller's scorecards in the open evaluations
	// they are assigned to, soonest due first: one per vendor they may
	// score, or, before their declaration, one without a vendor. Empty for
	// callers who are not evaluators.
	FindMyScorecards(ctx context.Context) ([]*MyScorecard, error)

	// FindScorecardDetail is FindScorecard with what the scorecard's page is
	// built from, in one round trip; the same errors.
	FindScorecardDetail(ctx context.Context, evaluationID, vendorID, evaluatorID int64) (*ScorecardDetail, error)

	// AutosaveRating is SaveRating followed by a read of the caller's
	// scorecard, both in one round trip: the save's outcome, and the
	// scorecard as it stands after it, also when the save was refused as
	// invalid (EINVALID) or stale (ECONFLICT). Its ratings of the other
	// criteria come without their justifications, which the answer to a
	// save does not show: a save as the evaluator types does not re-read
	// them all. The scorecard is nil when the caller may not see it; then
	// the error says why. What the scorecard is
	// shown with (the evaluation, its criteria and vendors) changes only with
	// the evaluation's revision: see EvaluationService.FindEvaluationDetail.
	AutosaveRating(ctx context.Context, evaluationID, vendorID int64, in RatingInput) (*Rating, *Scorecard, error)

	// SubmitScorecard locks the caller's scorecard, at version. EINVALID when
	// a rated criterion has no rating or a rating lacks a justification the
	// policy requires (Fields name the criteria).
	SubmitScorecard(ctx context.Context, evaluationID, vendorID int64, version int) (*Scorecard, error)

	// ReopenScorecard unlocks a submitted scorecard of the evaluation
	// (managers, audited). ENOTFOUND for a scorecard of another evaluation.
	ReopenScorecard(ctx context.Context, evaluationID, scorecardID int64, version int) (*Scorecard, error)

	// FindProgress returns, for the evaluation, every scorecard's status and
	// how many rated criteria it has rated. Evaluators see their own only.
	FindProgress(ctx context.Context, evaluationID int64) ([]*ScorecardProgress, error)

	// ExportRatings calls fn with each rating the scoring model counts (those
	// of submitted scorecards of vendors not rejected), and with f.Drafts
	// those of draft scorecards too, as they are read,
	// ordered by vendor, evaluator and the criteria tree: an export streams
	// them without holding them all. Managers only. It stops at the first
	// error fn returns and returns it.
	ExportRatings(ctx context.Context, evaluationID int64, f RatingFilter, fn func(*RatingRecord) error) error
}

// RatingFilter selects the ratings ExportRatings passes on.
type RatingFilter struct {
	// Drafts adds the ratings of scorecards not submitted yet, which the
	// scoring model does not count. A criterion with only a justification
	// has no rating yet.
	Drafts bool
}

// RatingRecord is a rating with the names an export shows beside it.
type RatingRecord struct {
	SubmittedRating
	VendorName      string
	EvaluatorName   string
	CriterionKey    string
	CriterionNameEN string
	CriterionNameFR string
	Status          ScorecardStatus // the scorecard's
}

// CriterionName is the criterion's name in lang, as Criterion.Name gives it.
func (r *RatingRecord) CriterionName(lang string) string {
	c := Criterion{NameEN: r.CriterionNameEN, NameFR: r.CriterionNameFR}
	return c.Name(lang)
}

// ScorecardProgress is one cell of the vendor × evaluator progress matrix.
type ScorecardProgress struct {
	ScorecardID int64 // 0 when not started
	VendorID    int64
	EvaluatorID int64
	Status      ScorecardStatus // "" when not started
	Rated       int
	SubmittedAt *time.Time
	Version     int
}

// SubmittedRating is a rating as the scoring model and the exports see it.
type SubmittedRating struct {
	VendorID       int64
	EvaluatorID    int64
	EvaluatorEmail string
	CriterionID    int64
	Value          int
	Justification  string
	UpdatedAt      time.Time
}

// ScorecardDetail is a scorecard with what its page is built from.
type ScorecardDetail struct {
	Evaluation *Evaluation
	Criteria   []*Criterion // tree order
	Vendor     *Participant
	Evaluator  *Assignment
	Scorecard  *Scorecard
}

// MyScorecard is one line of an evaluator's work in an open evaluation.
type MyScorecard struct {
	EvaluationID    int64
	EvaluationTitle string
	DueDate         *time.Time
	Declared        bool // false: the conflict-of-interest declaration comes first, and there is no vendor yet
	// VendorDeclared is false for a vendor added after the declaration:
	// the evaluator declares for it before rating it.
	VendorDeclared bool
	VendorID       int64
	VendorName     string
	Status         ScorecardStatus // "" when not started
	Rated          int             // rated criteria with a rating
	Total          int             // rated criteria of the evaluation
}
