package bpo

import (
	"context"
	"strconv"
	"time"
)

// Ratings of an activity in a suitability assessment run from RatingLow to
// RatingHigh. A rating of HighFrom or more is high; LowUpTo or less is low.
const (
	RatingLow  = 1
	RatingHigh = 5
	HighFrom   = 4
	LowUpTo    = 2
)

// Limits on assessment fields.
const (
	AssessmentTitleMax = 200
	ActivityMax        = 30
	ActivityNameMax    = 200
)

// Verdict is where an activity belongs.
type Verdict string

// Verdicts of the suitability rule, most outsourceable first.
const (
	VerdictOutsource Verdict = "outsource"
	VerdictOversight Verdict = "oversight" // outsource with close oversight
	VerdictInHouse   Verdict = "in_house"
)

// Activity is one activity in the scope of an assessment, rated 1…5 on
// each of the four questions.
type Activity struct {
	ID              int64
	Name            string
	CXInfluence     int // how much it shapes what customers experience
	Differentiation int // how much it sets the company apart from competitors
	Risk            int // regulatory and data risk if it goes wrong
	Codifiability   int // how far its quality can be written down and measured
}

// RatingFields name the four ratings in forms, in the order of ratings.
var RatingFields = []string{"cx", "differentiation", "risk", "codifiability"}

func (a *Activity) ratings() []int {
	return []int{a.CXInfluence, a.Differentiation, a.Risk, a.Codifiability}
}

// Suitability is the verdict on one activity with its reasons, as i18n
// messages that name the ratings that decided it.
type Suitability struct {
	Verdict Verdict
	Reasons []Message
}

// Suitable places an activity by the suitability rule:
//
//   - keep in-house when differentiation is high (a competitive edge is not
//     handed over), when customer-experience influence and risk are both
//     high, or when either is high while quality is hard to codify (so no
//     contract could hold a vendor to it);
//   - otherwise outsource with close oversight when customer-experience
//     influence is high, risk is high, or quality is hard to codify;
//   - otherwise outsource.
//
// So high CX influence or high risk is never "outsource". "High" is 4 or 5,
// "hard to codify" is a codifiability of 1 or 2.
func Suitable(a Activity) Suitability {
	high := func(v int) bool { return v >= HighFrom }
	low := func(v int) bool { return v <= LowUpTo }
	var reasons []Message
	add := func(key string, v int) { reasons = append(reasons, Message{Key: key, Args: []any{v}}) }
	if high(a.Differentiation) {
		add("suitability.reason.differentiation_high", a.Differentiation)
	}
	if high(a.CXInfluence) {
		add("suitability.reason.cx_high", a.CXInfluence)
	}
	if high(a.Risk) {
		add("suitability.reason.risk_high", a.Risk)
	}
	if low(a.Codifiability) {
		add("suitability.reason.codifiability_low", a.Codifiability)
	}
	exposed := high(a.CXInfluence) || high(a.Risk)
	switch {
	case high(a.Differentiation), high(a.CXInfluence) && high(a.Risk), exposed && low(a.Codifiability):
		return Suitability{Verdict: VerdictInHouse, Reasons: reasons}
	case len(reasons) > 0:
		return Suitability{Verdict: VerdictOversight, Reasons: reasons}
	}
	return Suitability{Verdict: VerdictOutsource, Reasons: []Message{{Key: "suitability.reason.none_high"}}}
}

// Assessment is an outsourcing suitability check: the activities in scope,
// each placed by Suitable. It may be linked to the evaluation it prepares.
type Assessment struct {
	ID              int64
	Title           string
	EvaluationID    *int64
	EvaluationTitle string
	Activities      []*Activity
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// AssessmentInput is what the assessment form edits.
type AssessmentInput struct {
	Title        string
	EvaluationID *int64
	Activities   []Activity
}

// Validate returns EINVALID with a message per offending field; activity
// fields carry their row ("cx_2").
func (in *AssessmentInput) Validate() error {
	var p Problems
	checkText(&p, "title", in.Title, AssessmentTitleMax, true, false)
	if len(in.Activities) == 0 {
		p.Add("activities", "error.assessment.no_activity")
	}
	if len(in.Activities) > ActivityMax {
		p.Add("activities", "error.field.too_many", ActivityMax)
	}
	for i, a := range in.Activities {
		row := "_" + strconv.Itoa(i)
		checkText(&p, "name"+row, a.Name, ActivityNameMax, true, false)
		for j, v := range a.ratings() {
			if v < RatingLow || v > RatingHigh {
				p.Add(RatingFields[j]+row, "error.field.range", RatingLow, RatingHigh)
			}
		}
	}
	return p.Err()
}

// AssessmentService stores suitability assessments. Managers only
// (EFORBIDDEN otherwise); every change is audited.
type AssessmentService interface {
	// FindAssessments lists assessments, newest first.
	FindAssessments(ctx context.Context) ([]*Assessment, error)

	// FindAssessmentByID returns ENOTFOUND if it does not exist.
	FindAssessmentByID(ctx context.Context, id int64) (*Assessment, error)

	// FindAssessmentForEvaluation returns the assessment linked to an
	// evaluation, ENOTFOUND when none is.
	FindAssessmentForEvaluation(ctx context.Context, evaluationID int64) (*Assessment, error)

	// CreateAssessment validates and stores an assessment. EINVALID on bad
	// input, an unknown evaluation or one already linked to another.
	CreateAssessment(ctx context.Context, in AssessmentInput) (*Assessment, error)

	// UpdateAssessment replaces an assessment at version; ECONFLICT if stale.
	UpdateAssessment(ctx context.Context, id int64, version int, in AssessmentInput) (*Assessment, error)
}
