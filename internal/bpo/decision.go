package bpo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Outcome is what a decision does with the work.
type Outcome string

// The outcomes of a decision.
const (
	OutcomeAward   Outcome = "award"    // to one vendor of the evaluation
	OutcomeInHouse Outcome = "in_house" // keep the work in-house
)

// The engine's decisions, as the result JSON names them. bpo does not import
// the engine; these are the words of its output contract.
const (
	RecommendAward      = "award"
	RecommendCloseCall  = "close_call"
	RecommendNoAward    = "no_award"
	RecommendIncomplete = "incomplete"
)

// Decision is the evaluation's current decision, as evaluation lists and
// pages show it. The full record, with what it was made on and its history,
// is a DecisionRecord.
type Decision struct {
	InHouse   bool   // keep the work in-house: no vendor selected
	VendorID  *int64 // the selected vendor, when not in-house
	Rationale string
	DecidedBy int64
	DecidedAt time.Time
}

// Recommendation is the engine's recommendation a decision was recorded
// against: its decision and the vendor it names (the leader, provisional or
// narrow for incomplete and close_call), "" when it names none.
type Recommendation struct {
	Decision string
	Vendor   string // the vendor's key in the model
}

// DecisionSnapshot is what a decision is made on: the exact bytes of the
// evaluation's scoring model (GET …/model) and the result the engine
// computed from them (GET …/result), both built at the version the
// decision is recorded at.
type DecisionSnapshot struct {
	Model  []byte
	Result []byte
}

// ResultFacts is what the decision rules need from a scoring result.
type ResultFacts struct {
	Recommendation Recommendation
	// KnockedOut holds the keys of the vendors that failed a minimum or a limit.
	KnockedOut map[string]bool
}

// ReadResultFacts reads the recommendation and the knocked-out vendors from
// a result in the engine's output schema. Reading them from the stored bytes,
// rather than taking them from the caller, keeps what the record says about
// the recommendation identical to the result stored with it.
func ReadResultFacts(result []byte) (*ResultFacts, error) {
	var doc struct {
		Vendors []struct {
			Key      string `json:"key"`
			Eligible bool   `json:"eligible"`
		} `json:"vendors"`
		Recommendation *struct {
			Decision string  `json:"decision"`
			Vendor   *string `json:"vendor"`
		} `json:"recommendation"`
	}
	if err := json.Unmarshal(result, &doc); err != nil {
		return nil, fmt.Errorf("read result: %w", err)
	}
	if doc.Recommendation == nil {
		return nil, fmt.Errorf("read result: no recommendation")
	}
	switch doc.Recommendation.Decision {
	case RecommendAward, RecommendCloseCall, RecommendNoAward, RecommendIncomplete:
	default:
		return nil, fmt.Errorf("read result: unknown decision %q", doc.Recommendation.Decision)
	}
	f := &ResultFacts{Recommendation: Recommendation{Decision: doc.Recommendation.Decision}, KnockedOut: map[string]bool{}}
	if v := doc.Recommendation.Vendor; v != nil {
		f.Recommendation.Vendor = *v
	}
	for _, v := range doc.Vendors {
		if !v.Eligible {
			f.KnockedOut[v.Key] = true
		}
	}
	return f, nil
}

// Departs reports whether a decision departs from the engine's
// recommendation. It follows it only when the engine said award and the
// same vendor is awarded, or said no_award and the work stays in-house; a
// close call or an incomplete result is always a departure, and so is
// awarding a vendor that was knocked out.
func Departs(rec Recommendation, outcome Outcome, vendorKey string, knockedOut bool) bool {
	switch {
	case outcome == OutcomeAward && knockedOut:
		return true
	case rec.Decision == RecommendAward:
		return outcome != OutcomeAward || vendorKey != rec.Vendor
	case rec.Decision == RecommendNoAward:
		return outcome != OutcomeInHouse
	}
	return true
}

// DecisionInput is what a manager records on a closed evaluation, from the
// form of POST /evaluations/{id}/decision.
type DecisionInput struct {
	Version         int // the evaluation's version the form was built at
	Outcome         Outcome
	VendorID        int64 // the awarded vendor; 0 with OutcomeInHouse
	Rationale       string
	DepartureReason string // required when the decision departs from the recommendation
	Change          bool   // replaces the current decision, which moves to the history
	ChangeReason    string // required with Change
	Snapshot        DecisionSnapshot
}

// textMax is the longest free text of a decision, in characters.
const textMax = 5000

// Validate checks the input on its own. Whether the vendor may be awarded
// and whether a departure reason is needed are the service's checks, since
// they depend on the evaluation.
func (in *DecisionInput) Validate() error {
	var p Problems
	switch {
	case in.Outcome == OutcomeAward && in.VendorID > 0:
	case in.Outcome == OutcomeInHouse && in.VendorID == 0:
	default:
		p.Add("vendor", "error.decision.choice")
	}
	in.Rationale = strings.TrimSpace(in.Rationale)
	in.DepartureReason = strings.TrimSpace(in.DepartureReason)
	in.ChangeReason = strings.TrimSpace(in.ChangeReason)
	checkText(&p, "rationale", in.Rationale, textMax, true, true)
	checkText(&p, "departure_reason", in.DepartureReason, textMax, false, true)
	checkText(&p, "change_reason", in.ChangeReason, textMax, in.Change, true)
	return p.Err()
}

// CheckDeparture returns EINVALID naming departure_reason when the decision
// departs from the recommendation without a reason.
func (in *DecisionInput) CheckDeparture(departs bool) error {
	if departs && in.DepartureReason == "" {
		var p Problems
		p.Add("departure_reason", "error.decision.departure_reason")
		return p.Err()
	}
	return nil
}

// CanAward reports whether a vendor at stage may be awarded: only one that
// was shortlisted, or is already the selected one.
func CanAward(stage VendorStage) bool {
	return stage == StageShortlisted || stage == StageSelected
}

// DecisionRecord is one recorded decision: the current one, or one of the
// history when SupersededAt is set.
type DecisionRecord struct {
	ID           int64
	EvaluationID int64
	Outcome      Outcome
	VendorID     *int64 // with OutcomeAward
	VendorKey    string // the vendor's key in the model at recording; "" in-house
	VendorName   string
	Rationale    string
	// Recommendation is nil for a decision recorded before the
	// recommendation was kept with it.
	Recommendation  *Recommendation
	Departs         bool
	DepartureReason string
	RecordedBy      int64
	RecordedByEmail string
	RecordedByName  string
	RecordedAt      time.Time
	ModelSHA256     string // "" when no model was kept (decisions recorded before snapshots)
	SupersededAt    *time.Time
	ChangeReason    string // why it was superseded
}

// DecisionState is an evaluation's decision record: the current decision
// (nil before any) and the superseded ones, most recently superseded first.
type DecisionState struct {
	Current *DecisionRecord
	History []*DecisionRecord
}

// DecisionService records and reads decisions. Managers only: every method
// returns EFORBIDDEN to other callers, before any query, and ENOTFOUND for
// an evaluation that does not exist.
type DecisionService interface {
	// FindDecision returns the evaluation's decision record.
	FindDecision(ctx context.Context, evaluationID int64) (*DecisionState, error)

	// FindDecisionSnapshot returns the model and result stored with the
	// current decision; ENOTFOUND when there is no decision, or when it was
	// recorded before snapshots were kept.
	FindDecisionSnapshot(ctx context.Context, evaluationID int64) (*DecisionSnapshot, error)

	// RecordDecision records the decision of a closed evaluation, with its
	// snapshot and the snapshot's SHA-256, in one transaction that holds the
	// evaluation's row: the awarded vendor becomes selected (a vendor
	// selected before goes back to the shortlist), the evaluation's version
	// moves on, and the recording is audited. Errors:
	//   - ECONFLICT when in.Version is stale (another recording, or any
	//     other change, came first), when the evaluation already has a
	//     decision and in.Change is not set, or when in.Change is set and
	//     there is no decision to change;
	//   - EINVALID when the evaluation is not closed; when the vendor is not
	//     shortlisted or selected (field vendor: candidates, rejected and
	//     unknown vendors alike); when the decision departs from the
	//     snapshot's recommendation without a departure reason (field
	//     departure_reason); or as DecisionInput.Validate.
	// A change moves the current decision to the history with its
	// superseded_at and in.ChangeReason; nothing is overwritten in place.
	RecordDecision(ctx context.Context, evaluationID int64, in DecisionInput) (*DecisionRecord, error)
}
