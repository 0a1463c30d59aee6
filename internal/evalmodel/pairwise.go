package evalmodel

import (
	"math"

	"github.com/bpoeval/bpoeval/internal/ahp"
	"github.com/bpoeval/bpoeval/internal/bpo"
)

// RoundResult is what a comparison round's answers give: each
// participant's own weights and consistency, and the group's, from the
// geometric mean of everyone's judgments.
type RoundResult struct {
	Items []*bpo.Criterion
	// People are the participants who answered, in the round's order.
	People []*PersonResult
	// Group is nil until someone answered.
	Group *ahp.Result
}

// PersonResult is one participant's outcome.
type PersonResult struct {
	Participant *bpo.PairwiseParticipant
	Result      *ahp.Result
}

// Worst returns up to n of the person's judgments that disagree most with
// their weights, as criteria, when they are inconsistent (CR above 0.10):
// the pairs to revise first. None for a consistent person.
func (p *PersonResult) Worst(items []*bpo.Criterion, n int) [][2]*bpo.Criterion {
	if p.Result.Consistent {
		return nil
	}
	byKey := make(map[string]*bpo.Criterion, len(items))
	for _, c := range items {
		byKey[c.Key] = c
	}
	var out [][2]*bpo.Criterion
	for _, pair := range p.Result.Inconsistent {
		if len(out) == n {
			break
		}
		out = append(out, [2]*bpo.Criterion{byKey[pair.A], byKey[pair.B]})
	}
	return out
}

// ScoreRound computes a round's weights from the answers d holds: a
// manager's view has everyone's, a participant's their own. Items are
// identified by criterion key; a participant's judgments are named by
// their e-mail.
func ScoreRound(d *bpo.PairwiseRoundDetail) (*RoundResult, error) {
	rr := &RoundResult{Items: d.Items}
	keyOf := make(map[int64]string, len(d.Items))
	items := make([]string, len(d.Items))
	for i, c := range d.Items {
		keyOf[c.ID] = c.Key
		items[i] = c.Key
	}
	byUser := map[int64][]ahp.Judgment{}
	for _, a := range d.Answers {
		v, ok := bpo.StepValue(a.Step)
		if !ok {
			continue // the database's check keeps steps on the scale
		}
		byUser[a.UserID] = append(byUser[a.UserID], ahp.Judgment{A: keyOf[a.A], B: keyOf[a.B], Value: v})
	}
	var group []ahp.Judgment
	for _, p := range d.Participants {
		js := byUser[p.UserID]
		if len(js) == 0 {
			continue
		}
		res, err := ahp.Compute(ahp.Input{Items: items, Judgments: js})
		if err != nil {
			return nil, err
		}
		rr.People = append(rr.People, &PersonResult{Participant: p, Result: res})
		for _, j := range js {
			j.By = p.Email
			group = append(group, j)
		}
	}
	if len(group) == 0 {
		return rr, nil
	}
	res, err := ahp.Compute(ahp.Input{Items: items, Judgments: group})
	if err != nil {
		return nil, err
	}
	rr.Group = res
	return rr, nil
}

// WeightChanges turns the group's weights into the criteria's new weights,
// as percentages to two decimals, at the versions of d's items: what
// "Apply these weights" saves through the audited weight save.
func (rr *RoundResult) WeightChanges() []bpo.WeightChange {
	if rr.Group == nil {
		return nil
	}
	out := make([]bpo.WeightChange, len(rr.Items))
	for i, c := range rr.Items {
		out[i] = bpo.WeightChange{CriterionID: c.ID, Version: c.Version, Weight: math.Round(rr.Group.Weights[i]*10000) / 100}
	}
	return out
}
