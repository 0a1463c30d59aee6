package demo

import (
	"fmt"
	"math"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
)

// compareQuality runs a finished comparison round for the Service quality
// group: Élodie and Karim compare its criteria, and the group's weights are
// applied through the audited weight save.
func (l *loader) compareQuality(ev *bpo.Evaluation, criteria map[string]*bpo.Criterion) error {
	quality := criteria["quality"].ID
	people := []int{elodie, karim}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = bpo.UserFromContext(l.evaluators[p]).ID
	}
	round, err := l.svc.Pairwise.StartRound(l.manager, ev.ID, &quality, ids)
	if err != nil {
		return fmt.Errorf("start round: %w", err)
	}
	d, err := l.svc.Pairwise.FindRound(l.manager, round.ID)
	if err != nil {
		return err
	}
	// Both judge from the weights typed in, Karim holding cultural fit and
	// communication a step higher than Élodie does.
	lean := map[int]map[string]int{elodie: {}, karim: {"cultural_fit": 1, "communication": 1}}
	for _, p := range people {
		var answers []bpo.AnswerInput
		for i, a := range d.Items {
			for _, b := range d.Items[i+1:] {
				answers = append(answers, bpo.AnswerInput{A: a.ID, B: b.ID,
					Step: nearestStep(a.Weight/b.Weight) + lean[p][a.Key] - lean[p][b.Key]})
			}
		}
		if _, err := l.svc.Pairwise.SaveAnswers(l.evaluators[p], round.ID, 1, answers); err != nil {
			return fmt.Errorf("answer round: %w", err)
		}
	}
	if d, err = l.svc.Pairwise.FindRound(l.manager, round.ID); err != nil {
		return err
	}
	rr, err := evalmodel.ScoreRound(d)
	if err != nil {
		return err
	}
	if err := l.svc.Criteria.SetWeights(l.manager, ev.ID, rr.WeightChanges()); err != nil {
		return fmt.Errorf("apply round: %w", err)
	}
	_, err = l.svc.Pairwise.EndRound(l.manager, round.ID, d.Round.Version, true)
	return err
}

// nearestStep is the step of Saaty's scale nearest to ratio, in logarithms.
func nearestStep(ratio float64) int {
	best, gap := 0, math.Inf(1)
	for step := -bpo.MaxStep; step <= bpo.MaxStep; step++ {
		v, _ := bpo.StepValue(step)
		if g := math.Abs(math.Log(v / ratio)); g < gap {
			best, gap = step, g
		}
	}
	return best
}
