package bpo

import (
	"context"
	"strconv"
	"time"
)

// MaxStep is the largest step of a pairwise judgment: Saaty's scale has 17
// steps, −8…8, from "B is 9 times as important as A" through "equal" (0) to
// "A is 9 times as important as B".
const MaxStep = 8

// MaxPairwiseItems is the most criteria one round compares: Saaty's random
// index, which the consistency ratio needs, stops at 15.
const MaxPairwiseItems = 15

// StepValue is the ratio a step says: how many times A is as important as B
// (k+1 for step k ≥ 0, 1/(1−k) below). ok is false off the scale.
func StepValue(step int) (value float64, ok bool) {
	switch {
	case step < -MaxStep || step > MaxStep:
		return 0, false
	case step >= 0:
		return float64(step + 1), true
	}
	return 1 / float64(1-step), true
}

// RoundStatus is where a comparison round is.
type RoundStatus string

// Round statuses: answers are taken while open; a round ends closed, or
// applied when its weights were saved as the group's.
const (
	RoundOpen    RoundStatus = "open"
	RoundClosed  RoundStatus = "closed"
	RoundApplied RoundStatus = "applied"
)

// PairwiseRound is a "weigh by comparison" round for one sibling group of
// criteria.
type PairwiseRound struct {
	ID           int64
	EvaluationID int64
	ParentID     *int64 // the group: the children of ParentID, or the top level when nil
	Status       RoundStatus
	CreatedBy    int64
	CreatedAt    time.Time
	EndedBy      *int64
	EndedAt      *time.Time
	Version      int
}

// PairwiseParticipant is one person invited to answer a round.
type PairwiseParticipant struct {
	UserID     int64
	Name       string
	Email      string
	InvitedAt  time.Time
	AnsweredAt *time.Time // the last save of their answers
	Version    int
}

// PairwiseAnswer is one participant's judgment of one pair, read from A to B
// (A before B in the round's order).
type PairwiseAnswer struct {
	UserID   int64
	A, B     int64 // criterion ids
	Step     int
	JudgedAt time.Time
}

// PairwiseRoundDetail is a round with what its page is built from.
type PairwiseRoundDetail struct {
	Round        *PairwiseRound
	Evaluation   *Evaluation
	Parent       *Criterion   // the group's criterion, nil for the top level
	Items        []*Criterion // the compared criteria, in the round's order
	Participants []*PairwiseParticipant
	// Answers are every participant's for managers, the caller's own for a
	// participant, ordered by participant and pair.
	Answers []*PairwiseAnswer
}

// AnswerInput is one pair of a participant's answers.
type AnswerInput struct {
	A, B int64
	Step int
}

// PairField names a pair's form field: "pair_<a>_<b>".
func PairField(a, b int64) string {
	return "pair_" + strconv.FormatInt(a, 10) + "_" + strconv.FormatInt(b, 10)
}

// ValidateAnswers checks a participant's answers against the round's items
// (in order): every pair exactly once, read from the earlier item to the
// later, each step on the scale. The fields are PairField of each pair.
func ValidateAnswers(items []int64, answers []AnswerInput) error {
	pos := make(map[int64]int, len(items))
	for i, id := range items {
		pos[id] = i
	}
	var p Problems
	seen := map[[2]int64]bool{}
	for _, a := range answers {
		i, okA := pos[a.A]
		j, okB := pos[a.B]
		field := PairField(a.A, a.B)
		switch {
		case !okA || !okB || i >= j:
			p.Add(field, "error.pairwise.unknown_pair")
		case seen[[2]int64{a.A, a.B}]:
			p.Add(field, "error.pairwise.duplicate_pair")
		default:
			seen[[2]int64{a.A, a.B}] = true
			if _, ok := StepValue(a.Step); !ok {
				p.Add(field, "error.pairwise.step")
			}
		}
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if !seen[[2]int64{items[i], items[j]}] && !p.Has(PairField(items[i], items[j])) {
				p.Add(PairField(items[i], items[j]), "error.pairwise.unanswered")
			}
		}
	}
	return p.Err()
}

// CanSeeRound reports whether u may see a round: managers, and the people
// invited to it (for their own answers).
func CanSeeRound(u *User, invited bool) bool { return IsManager(u) || (u != nil && invited) }

// PairwiseService runs comparison rounds. Rounds are visible to managers and
// to the invited participants only: for anyone else a round is ENOTFOUND.
// Every change is audited.
type PairwiseService interface {
	// StartRound starts a round for the children of parentID (the top level
	// when nil) with the invited users. Managers only (EFORBIDDEN).
	// EINVALID "error.evaluation.closed" once the evaluation is closed,
	// "error.pairwise.group" unless the group has 2…MaxPairwiseItems
	// criteria, "error.pairwise.participants" without participants or with
	// an unknown user; ECONFLICT "error.pairwise.already_open" while the
	// group has an open round.
	StartRound(ctx context.Context, evaluationID int64, parentID *int64, userIDs []int64) (*PairwiseRound, error)

	// InviteParticipants adds participants to an open round at version
	// (managers). ECONFLICT if stale; EINVALID unless open or for an
	// unknown user. Those already invited are left as they are.
	InviteParticipants(ctx context.Context, roundID int64, version int, userIDs []int64) (*PairwiseRound, error)

	// FindRounds lists the evaluation's rounds the caller may see, newest
	// first.
	FindRounds(ctx context.Context, evaluationID int64) ([]*PairwiseRound, error)

	// FindRound returns a round with its items, participants and the
	// answers the caller may see.
	FindRound(ctx context.Context, roundID int64) (*PairwiseRoundDetail, error)

	// SaveAnswers replaces the caller's answers to an open round at the
	// version of their participation, audited with before and after.
	// EINVALID as ValidateAnswers says, or unless the round is open;
	// ECONFLICT when the caller's answers changed since version.
	SaveAnswers(ctx context.Context, roundID int64, version int, answers []AnswerInput) (*PairwiseParticipant, error)

	// EndRound ends an open round at version (managers): applied says that
	// its weights were saved as the group's (through CriterionService.SetWeights),
	// else it is closed without them. ECONFLICT if stale; EINVALID unless open.
	EndRound(ctx context.Context, roundID int64, version int, applied bool) (*PairwiseRound, error)
}

// The audit log's entities and actions of comparison rounds. A round's end
// is recorded with its new status as the action (closed or applied).
const (
	EntityPairwiseRound   = "pairwise_round"
	EntityPairwiseAnswers = "pairwise_answers"
	ActionStart           = "start"
	ActionInvite          = "invite"
	ActionAnswer          = "answer"
)

// RoundSnapshot is a round as the audit log keeps it.
type RoundSnapshot struct {
	ParentID     *int64      `json:"parent_id"`
	Status       RoundStatus `json:"status"`
	Items        []int64     `json:"items,omitempty"`
	Participants []int64     `json:"participants,omitempty"`
	Version      int         `json:"version"`
}

// AnswersSnapshot is one participant's answers as the audit log keeps them.
type AnswersSnapshot struct {
	UserID  int64          `json:"user_id"`
	Answers []AnswerRecord `json:"answers"`
	Version int            `json:"version"`
}

// AnswerRecord is one answer in an AnswersSnapshot.
type AnswerRecord struct {
	A    int64 `json:"a"`
	B    int64 `json:"b"`
	Step int   `json:"step"`
}

// SnapshotOfAnswers is a participant's answers as the audit log keeps them.
func SnapshotOfAnswers(userID int64, version int, list []AnswerInput) AnswersSnapshot {
	out := AnswersSnapshot{UserID: userID, Version: version, Answers: make([]AnswerRecord, len(list))}
	for i, a := range list {
		out.Answers[i] = AnswerRecord(a)
	}
	return out
}
