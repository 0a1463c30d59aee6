package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/ahp"
	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/web/pages"
)

// roundView lays a round out for the caller: typed holds the answers just
// refused (nil shows the stored ones), err the refusal to explain.
func (s *Server) roundView(r *http.Request, d *bpo.PairwiseRoundDetail, typed []bpo.AnswerInput, err error) (pages.PairwiseRoundView, error) {
	lang, u := s.lang(r), bpo.UserFromContext(r.Context())
	rr, cerr := evalmodel.ScoreRound(d)
	if cerr != nil {
		return pages.PairwiseRoundView{}, cerr
	}
	v := pages.PairwiseRoundView{EvaluationID: d.Round.EvaluationID, EvaluationTitle: d.Evaluation.Title,
		RoundID: d.Round.ID, GroupName: groupName(lang, d.Parent), Status: string(d.Round.Status),
		Version: d.Round.Version, IsManager: bpo.IsManager(u), Started: i18n.DateTime(lang, d.Round.CreatedAt)}
	if err != nil {
		v.Alert = tr(lang, bpo.ErrorMessage(err))
	}
	errs := s.fieldErrors(r, err)
	steps := map[[2]int64]int{}
	for _, a := range d.Answers {
		if a.UserID == u.ID {
			steps[[2]int64{a.A, a.B}] = a.Step
		}
	}
	if typed != nil {
		steps = map[[2]int64]int{}
		for _, a := range typed {
			steps[[2]int64{a.A, a.B}] = a.Step
		}
	}
	for _, p := range d.Participants {
		if p.UserID == u.ID {
			v.Invited, v.MyVersion = true, p.Version
		}
	}
	v.Pairs = pairQuestions(lang, d.Items, steps, errs)
	for _, p := range rr.People {
		if p.Participant.UserID == u.ID {
			v.Mine = personView(lang, d.Items, p)
		}
	}
	if v.IsManager {
		addManagerView(lang, &v, d, rr)
		if err := s.addInvitable(r, &v, d); err != nil {
			return pages.PairwiseRoundView{}, err
		}
	}
	return v, nil
}

// pairQuestions are the pairs of items, each with the 17 steps of the
// scale written out, the stored (or typed) answer checked.
func pairQuestions(lang i18n.Lang, items []*bpo.Criterion, steps map[[2]int64]int, errs map[string]string) []pages.PairQuestion {
	var out []pages.PairQuestion
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			a, b := items[i], items[j]
			q := pages.PairQuestion{Field: bpo.PairField(a.ID, b.ID), A: a.Name(string(lang)), B: b.Name(string(lang)),
				Error: errs[bpo.PairField(a.ID, b.ID)]}
			step, answered := steps[[2]int64{a.ID, b.ID}]
			for k := bpo.MaxStep; k >= -bpo.MaxStep; k-- {
				q.Options = append(q.Options, pages.StepOption{Value: strconv.Itoa(k), Label: stepLabel(lang, q.A, q.B, k),
					Checked: answered && k == step})
			}
			out = append(out, q)
		}
	}
	return out
}

// stepLabel writes a step out: "A is strongly more important than B (5×)".
func stepLabel(lang i18n.Lang, a, b string, step int) string {
	switch {
	case step == 0:
		return i18n.T(lang, "pairwise.equal", a, b)
	case step < 0:
		a, b, step = b, a, -step
	}
	return i18n.T(lang, "pairwise.more", a, i18n.T(lang, "pairwise.intensity."+strconv.Itoa(step+1)), b, step+1)
}

// personView is one participant's own outcome: weights, CR and, above
// 0.10, the three pairs to revise first.
func personView(lang i18n.Lang, items []*bpo.Criterion, p *evalmodel.PersonResult) *pages.PersonView {
	pv := &pages.PersonView{Name: p.Participant.Name, CR: i18n.Number(lang, p.Result.CR, 3), Consistent: p.Result.Consistent,
		Weights: weightLines(lang, items, p.Result)}
	if p.Participant.AnsweredAt != nil {
		pv.Answered = i18n.DateTime(lang, *p.Participant.AnsweredAt)
	}
	for _, pair := range p.Worst(items, 3) {
		pv.Worst = append(pv.Worst, i18n.T(lang, "pairwise.revise_pair", pair[0].Name(string(lang)), pair[1].Name(string(lang))))
	}
	return pv
}

func weightLines(lang i18n.Lang, items []*bpo.Criterion, res *ahp.Result) []pages.WeightLine {
	out := make([]pages.WeightLine, len(items))
	for i, c := range items {
		out[i] = pages.WeightLine{Name: c.Name(string(lang)), Percent: i18n.Percent(lang, res.Weights[i], 1),
			Current: i18n.Number(lang, c.Weight, 2)}
	}
	return out
}

// addManagerView adds what managers see: each participant's answers,
// weights and CR, and the group's.
func addManagerView(lang i18n.Lang, v *pages.PairwiseRoundView, d *bpo.PairwiseRoundDetail, rr *evalmodel.RoundResult) {
	answered := map[int64]*evalmodel.PersonResult{}
	for _, p := range rr.People {
		answered[p.Participant.UserID] = p
		v.People = append(v.People, *personView(lang, d.Items, p))
	}
	for _, p := range d.Participants {
		if answered[p.UserID] == nil {
			v.Pending = append(v.Pending, p.Name)
		}
	}
	if rr.Group != nil {
		v.Group = &pages.GroupView{CR: i18n.Number(lang, rr.Group.CR, 3), Consistent: rr.Group.Consistent,
			Weights: weightLines(lang, d.Items, rr.Group), Participants: len(rr.People)}
		for i, w := range rr.WeightChanges() {
			v.Group.Weights[i].Applied = i18n.Number(lang, w.Weight, 2)
		}
	}
	names := map[int64]string{}
	for _, p := range d.Participants {
		names[p.UserID] = p.Name
	}
	byID := map[int64]*bpo.Criterion{}
	for _, c := range d.Items {
		byID[c.ID] = c
	}
	for _, a := range d.Answers {
		ca, cb := byID[a.A], byID[a.B]
		if ca == nil || cb == nil {
			continue
		}
		v.Answers = append(v.Answers, pages.AnswerLine{Participant: names[a.UserID],
			Pair:   i18n.T(lang, "pairwise.pair", ca.Name(string(lang)), cb.Name(string(lang))),
			Answer: stepLabel(lang, ca.Name(string(lang)), cb.Name(string(lang)), a.Step), When: i18n.DateTime(lang, a.JudgedAt)})
	}
}

// addInvitable lists the users who can still be invited.
func (s *Server) addInvitable(r *http.Request, v *pages.PairwiseRoundView, d *bpo.PairwiseRoundDetail) error {
	users, err := s.users.FindUsers(r.Context())
	if err != nil {
		return err
	}
	invited := map[int64]bool{}
	for _, p := range d.Participants {
		invited[p.UserID] = true
	}
	for _, u := range users {
		if !invited[u.ID] {
			v.Invitable = append(v.Invitable, pages.PairwiseUser{ID: u.ID, Name: u.Name, Email: u.Email})
		}
	}
	return nil
}

// roundLinks lists the evaluation's rounds for the criteria page.
func (s *Server) roundLinks(r *http.Request, d *bpo.EvaluationDetail) ([]pages.RoundLink, error) {
	rounds, err := s.pairwise.FindRounds(r.Context(), d.Evaluation.ID)
	if err != nil {
		return nil, err
	}
	lang := s.lang(r)
	out := make([]pages.RoundLink, len(rounds))
	for i, rd := range rounds {
		var parent *bpo.Criterion
		if rd.ParentID != nil {
			parent = d.Criterion(*rd.ParentID)
		}
		out[i] = pages.RoundLink{URL: roundURL(d.Evaluation.ID, rd.ID), Status: string(rd.Status),
			Label: i18n.T(lang, "pairwise.round_link", groupName(lang, parent), i18n.DateTime(lang, rd.CreatedAt))}
	}
	return out, nil
}

// weightOrigins are the evaluation's rounds whose weights were applied,
// with how many answered and the group's consistency, for the report.
func (s *Server) weightOrigins(ctx context.Context, evaluationID int64) ([]report.WeightOrigin, error) {
	rounds, err := s.pairwise.FindRounds(ctx, evaluationID)
	if err != nil {
		return nil, err
	}
	var out []report.WeightOrigin
	for _, rd := range rounds {
		if rd.Status != bpo.RoundApplied || rd.EndedAt == nil {
			continue
		}
		d, err := s.pairwise.FindRound(ctx, rd.ID)
		if err != nil {
			return nil, err
		}
		rr, err := evalmodel.ScoreRound(d)
		if err != nil {
			return nil, err
		}
		if rr.Group == nil {
			continue // nobody answered: nothing was applied from it
		}
		out = append(out, report.WeightOrigin{ParentID: rd.ParentID, Participants: len(rr.People), CR: rr.Group.CR, AppliedAt: *rd.EndedAt})
	}
	return out, nil
}
