package bpo

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// EvaluationStatus is where an evaluation is in its lifecycle.
type EvaluationStatus string

// The lifecycle: set up in draft, scored while open, decided once closed.
const (
	StatusDraft  EvaluationStatus = "draft"
	StatusOpen   EvaluationStatus = "open"
	StatusClosed EvaluationStatus = "closed"
)

// JustificationPolicy says which ratings need a written justification.
type JustificationPolicy string

// Justification policies.
const (
	JustifyNone     JustificationPolicy = "none"
	JustifyExtremes JustificationPolicy = "extremes" // the lowest and highest points of the scale
	JustifyAll      JustificationPolicy = "all"
)

// Evaluation is one vendor selection: its criteria, vendors, evaluators and decision.
type Evaluation struct {
	ID              int64
	Title           string
	Scope           string
	Services        []string // the activities to outsource, from ServiceKinds
	DueDate         *time.Time
	Status          EvaluationStatus
	ScaleMin        int
	ScaleMax        int
	ScaleLevels     []ScaleLevel
	Aggregation     string // "mean" or "median"
	AwardThreshold  float64
	CloseCallMargin float64
	Justification   JustificationPolicy
	Analysis        AnalysisOptions
	Decision        *Decision
	CreatedBy       int64
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
	OpenedAt        *time.Time
	ClosedAt        *time.Time
}

// LacksJustification reports whether a rating of value, justified as
// written, still needs a justification before its scorecard is submitted:
// the autosave says so at once, the submission refuses it.
func (e *Evaluation) LacksJustification(value *int, justification string) bool {
	return value != nil && e.NeedsJustification(*value) && Blank(justification)
}

// NeedsJustification reports whether a rating of value needs a justification.
func (e *Evaluation) NeedsJustification(value int) bool {
	switch e.Justification {
	case JustifyAll:
		return true
	case JustifyExtremes:
		return value == e.ScaleMin || value == e.ScaleMax
	}
	return false
}

// EvaluationInput is what the evaluation set-up form edits.
type EvaluationInput struct {
	Title           string
	Scope           string
	Services        []string
	DueDate         *time.Time
	ScaleMin        int
	ScaleMax        int
	Aggregation     string
	AwardThreshold  float64
	CloseCallMargin float64
	Justification   JustificationPolicy
	// ScaleLevels, when not nil, replaces the descriptors of the scale's
	// points (one per point, lowest first). nil keeps them, or picks the
	// defaults when the scale itself changes.
	ScaleLevels []ScaleLevel
	// Analysis, when not nil, sets the options of the decision analyses;
	// nil keeps them. A new evaluation takes the template's price as its
	// cost criterion whatever is asked (its criteria do not exist yet), and
	// the default spread unless one is given.
	Analysis *AnalysisOptions
}

// AnalysisOptions tune the decision analyses of the comparison and the
// report (scoring rules 13 and 14).
type AnalysisOptions struct {
	// CostCriterionID is the measured criterion, lower is better, plotted
	// as the cost against the rest of the score; nil for none.
	CostCriterionID *int64
	// RobustnessSpread is how far, as a share, each weight moves when the
	// robustness analysis draws plausible weightings: 0…1 (excluded).
	RobustnessSpread float64
}

// DefaultRobustnessSpread is the spread of a new evaluation: ±25%.
const DefaultRobustnessSpread = 0.25

// Validate returns EINVALID with a message per offending field.
func (in *EvaluationInput) Validate() error {
	var p Problems
	checkText(&p, "title", in.Title, 200, true, false)
	checkText(&p, "scope", in.Scope, 5000, false, true)
	for _, s := range in.Services {
		if !slices.Contains(ServiceKinds, s) {
			p.Add("services", "error.field.choice")
			break
		}
	}
	if in.ScaleMin < 0 || in.ScaleMax > 10 || in.ScaleMax-in.ScaleMin < 2 {
		p.Add("scale_max", "error.evaluation.scale")
	}
	if in.Aggregation != "mean" && in.Aggregation != "median" {
		p.Add("aggregation", "error.field.choice")
	}
	if !(in.AwardThreshold >= 0 && in.AwardThreshold <= 100) {
		p.Add("award_threshold", "error.field.range", 0, 100)
	}
	// A margin of 0 would award a dead heat to whichever vendor sorts first.
	if !(in.CloseCallMargin > 0 && in.CloseCallMargin <= 100) {
		p.Add("close_call_margin", "error.evaluation.margin")
	}
	switch in.Justification {
	case JustifyNone, JustifyExtremes, JustifyAll:
	default:
		p.Add("justification", "error.field.choice")
	}
	if in.ScaleLevels != nil && !p.Has("scale_max") {
		checkLevels(&p, in.ScaleLevels, in.ScaleMin, in.ScaleMax)
	}
	// That the cost criterion is a measured "lower" criterion of this
	// evaluation is the service's check, which sees the criteria.
	if a := in.Analysis; a != nil && !(a.RobustnessSpread >= 0 && a.RobustnessSpread < 1) {
		p.Add("robustness_spread", "error.evaluation.spread")
	}
	return p.Err()
}

// checkLevels wants one descriptor per point of the scale, in order, each
// with a label in both languages. Field names are those of the set-up form.
func checkLevels(p *Problems, levels []ScaleLevel, lo, hi int) {
	if len(levels) != hi-lo+1 {
		p.Add("scale_levels", "error.evaluation.levels")
		return
	}
	for i, l := range levels {
		if l.Value != lo+i {
			p.Add("scale_levels", "error.evaluation.levels")
			return
		}
		v := strconv.Itoa(l.Value)
		checkText(p, "level_en_"+v, l.LabelEN, 60, true, false)
		checkText(p, "level_fr_"+v, l.LabelFR, 60, true, false)
		checkText(p, "help_en_"+v, l.HelpEN, 300, false, false)
		checkText(p, "help_fr_"+v, l.HelpFR, 300, false, false)
	}
}

// NewEvaluationInput is a blank evaluation with the product's defaults.
func NewEvaluationInput() EvaluationInput {
	return EvaluationInput{ScaleMin: 1, ScaleMax: 5, Aggregation: "mean", AwardThreshold: 60,
		CloseCallMargin: 3, Justification: JustifyExtremes, Analysis: &AnalysisOptions{RobustnessSpread: DefaultRobustnessSpread}}
}

// EvaluationFilter selects evaluations for lists.
type EvaluationFilter struct {
	Status EvaluationStatus // "" for any
	Offset int
	Limit  int
}

// EvaluationSummary is an evaluation in a list, with its progress.
type EvaluationSummary struct {
	Evaluation
	Vendors    int // vendors not rejected
	Evaluators int
	// Expected is the scorecards expected: vendors × evaluators, less
	// declared conflicts; for an evaluator, their own only.
	Expected  int
	Submitted int // scorecards submitted; for an evaluator, their own only
}

// Progress is the share of expected scorecards submitted, 0…1.
func (s *EvaluationSummary) Progress() float64 {
	if s.Expected == 0 {
		return 0
	}
	return float64(s.Submitted) / float64(s.Expected)
}

// EvaluationService manages evaluations and their set-up. Evaluators see
// only the evaluations they are assigned to: for any other, methods return
// ENOTFOUND, so the existence of an evaluation is not disclosed. Set-up
// methods return EFORBIDDEN to non-managers. Every change is audited.
type EvaluationService interface {
	// CreateEvaluation stores a draft evaluation with the default criteria and scale.
	CreateEvaluation(ctx context.Context, in EvaluationInput) (*Evaluation, error)

	// FindEvaluationByID returns ENOTFOUND if it does not exist or is not visible.
	FindEvaluationByID(ctx context.Context, id int64) (*Evaluation, error)

	// FindEvaluationDetail returns the evaluation with its criteria (tree
	// order) and vendors, plus the parts asked for, in one round trip.
	// ENOTFOUND as FindEvaluationByID; EFORBIDDEN for measurements, ratings
	// (with or without justifications) or the decision record unless the
	// caller is a manager.
	FindEvaluationDetail(ctx context.Context, id int64, parts EvaluationParts) (*EvaluationDetail, error)

	// FindEvaluations lists the visible evaluations, newest first, and the total.
	FindEvaluations(ctx context.Context, f EvaluationFilter) ([]*EvaluationSummary, int, error)

	// UpdateEvaluation changes the evaluation at version; ECONFLICT if stale.
	// The scale and options are frozen once the evaluation is open (EINVALID).
	UpdateEvaluation(ctx context.Context, id int64, version int, in EvaluationInput) (*Evaluation, error)

	// CopyEvaluation stores a draft evaluation set up as in, whose criteria
	// (tree, keys, names, guidance, kinds, weights, minimums and measured
	// settings), scale descriptors (when in keeps the source's scale), cost
	// criterion and moderation setting come from evaluation sourceID, with
	// its vendors still in the running (as candidates, or shortlisted when
	// they had gone further) and its evaluators who are still evaluators.
	// Nothing scored comes with them: no rating, declaration, figure,
	// consensus or decision. ENOTFOUND if the source is not visible;
	// EINVALID as CreateEvaluation, or when a copied minimum rating falls
	// outside in's scale.
	CopyEvaluation(ctx context.Context, sourceID int64, in EvaluationInput) (*Evaluation, error)

	// DeleteEvaluation removes a draft evaluation at version with everything
	// set up in it; the audit log keeps its history and records the removal.
	// ECONFLICT if stale or no longer a draft.
	DeleteEvaluation(ctx context.Context, id int64, version int) error

	// SetEvaluationStatus moves draft → open (EINVALID unless the criteria are
	// valid and there are vendors and evaluators) or open → closed.
	SetEvaluationStatus(ctx context.Context, id int64, version int, status EvaluationStatus) (*Evaluation, error)
}

// EvaluationParts selects the optional parts of an EvaluationDetail.
type EvaluationParts uint8

// The optional parts of an EvaluationDetail.
const (
	WithAssignments    EvaluationParts = 1 << iota // evaluators and their conflicts
	WithMeasurements                               // measured figures: managers only
	WithRatings                                    // ratings of submitted scorecards, values only: managers only
	WithJustifications                             // the same with their justifications and times
	WithProgress                                   // every scorecard's status: an evaluator's own only
	WithDecision                                   // the decision record: managers only
)

// EvaluationDetail is an evaluation with what pages and the scoring model are
// built from. Which optional parts are there depends on the EvaluationParts
// asked for.
type EvaluationDetail struct {
	Evaluation   *Evaluation
	Criteria     []*Criterion // tree order
	Participants []*Participant
	Assignments  []*Assignment
	Measurements []*Measurement
	Ratings      []*SubmittedRating
	// Consensus are the values agreed at moderation, read with the ratings
	// they settle (WithRatings or WithJustifications).
	Consensus []*Consensus
	Progress  []*ScorecardProgress // as ScorecardService.FindProgress
	Decision  *DecisionState       // as DecisionService.FindDecision
}

// Tree is the detail's criteria as a tree.
func (d *EvaluationDetail) Tree() *CriteriaTree { return NewCriteriaTree(d.Criteria) }

// Criterion is the evaluation's criterion with id, or nil.
func (d *EvaluationDetail) Criterion(id int64) *Criterion {
	for _, c := range d.Criteria {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Participant is the vendor's place in the evaluation, or nil when it does
// not take part.
func (d *EvaluationDetail) Participant(vendorID int64) *Participant {
	for _, p := range d.Participants {
		if p.VendorID == vendorID {
			return p
		}
	}
	return nil
}

// Assignment is the user's assignment to the evaluation, or nil when they
// are not assigned (or the detail was read without WithAssignments).
func (d *EvaluationDetail) Assignment(userID int64) *Assignment {
	for _, a := range d.Assignments {
		if a.UserID == userID {
			return a
		}
	}
	return nil
}
