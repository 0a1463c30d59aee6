package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

func roundURL(evaluationID, roundID int64) string {
	return fmt.Sprintf("/evaluations/%d/pairwise/%d", evaluationID, roundID)
}

// groupParam reads ?group= or the group field: a group criterion's id, or
// 0 for the top level. Anything else is not found.
func groupParam(s string) (*int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
	}
	if id == 0 {
		return nil, nil
	}
	return &id, nil
}

// showNewRound is the form that starts a comparison round for a sibling
// group: whom to invite.
func (s *Server) showNewRound(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	group, err := groupParam(r.URL.Query().Get("group"))
	var view pages.PairwiseNewView
	if err == nil {
		view, err = s.newRoundView(r, id, group, nil)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.PairwiseNew(view))
}

// newRoundView lists the group's criteria and the people who can be
// invited: the evaluation's evaluators and managers first, then everyone
// else with an account. chosen are those ticked.
func (s *Server) newRoundView(r *http.Request, id int64, group *int64, chosen map[int64]bool) (pages.PairwiseNewView, error) {
	lang := s.lang(r)
	d, err := s.loadEvaluation(r.Context(), id, bpo.WithAssignments)
	if err != nil {
		return pages.PairwiseNewView{}, err
	}
	var parent *bpo.Criterion
	if group != nil {
		if parent = d.Criterion(*group); parent == nil || parent.Kind != bpo.KindGroup {
			return pages.PairwiseNewView{}, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
		}
	}
	v := pages.PairwiseNewView{EvaluationID: id, EvaluationTitle: d.Evaluation.Title, GroupName: groupName(lang, parent)}
	if group != nil {
		v.Group = *group
	}
	for _, c := range d.Tree().Children(v.Group) {
		v.Items = append(v.Items, c.Name(string(lang)))
	}
	users, err := s.users.FindUsers(r.Context())
	if err != nil {
		return pages.PairwiseNewView{}, err
	}
	var others []pages.PairwiseUser
	for _, u := range users {
		pu := pages.PairwiseUser{ID: u.ID, Name: u.Name, Email: u.Email, Checked: chosen[u.ID]}
		switch {
		case d.Assignment(u.ID) != nil:
			pu.Note = "pairwise.invite.evaluator"
		case bpo.IsManager(u):
			pu.Note = "pairwise.invite.manager"
		default:
			others = append(others, pu)
			continue
		}
		v.Users = append(v.Users, pu)
	}
	v.Users = append(v.Users, others...)
	return v, nil
}

// groupName names a sibling group: its parent criterion, or the top level.
func groupName(lang i18n.Lang, parent *bpo.Criterion) string {
	if parent == nil {
		return i18n.T(lang, "pairwise.top_level")
	}
	return parent.Name(string(lang))
}

// startRound starts a round for the group with the people ticked (field
// user, repeated), and opens it.
func (s *Server) startRound(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	group, err := groupParam(form.Get("group"))
	var users []int64
	chosen := map[int64]bool{}
	for _, v := range form["user"] {
		uid, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			err = errBadRequest
		}
		users, chosen[uid] = append(users, uid), true
	}
	var round *bpo.PairwiseRound
	if err == nil {
		round, err = s.pairwise.StartRound(r.Context(), id, group, users)
	}
	code := bpo.ErrorCode(err)
	switch {
	case code == "":
		s.sessions.Put(r.Context(), "flash", "pairwise.started")
		http.Redirect(w, r, roundURL(id, round.ID), http.StatusSeeOther)
	case code == bpo.EINVALID || code == bpo.ECONFLICT:
		view, verr := s.newRoundView(r, id, group, chosen)
		if verr != nil {
			s.Error(w, r, verr)
			return
		}
		view.Error = tr(s.lang(r), bpo.ErrorMessage(err))
		s.renderStatus(w, r, statusOf(code), pages.PairwiseNew(view))
	default:
		s.Error(w, r, err)
	}
}

// roundInPath reads the evaluation and round of the path and loads the
// round as the caller may see it; a round of another evaluation is not
// found.
func (s *Server) roundInPath(r *http.Request) (*bpo.PairwiseRoundDetail, error) {
	eid, err := evaluationID(r)
	var rid int64
	if err == nil {
		rid, err = pathID(r, "roundID")
	}
	if err != nil {
		return nil, err
	}
	d, err := s.pairwise.FindRound(r.Context(), rid)
	if err != nil {
		return nil, err
	}
	if d.Round.EvaluationID != eid {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.pairwise.not_found")
	}
	return d, nil
}

// showRound is a round's page: the caller's own answers with their
// consistency for a participant, everyone's with the group's weights for
// a manager.
func (s *Server) showRound(w http.ResponseWriter, r *http.Request) {
	d, err := s.roundInPath(r)
	var view pages.PairwiseRoundView
	if err == nil {
		view, err = s.roundView(r, d, nil, nil)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.PairwiseRound(view))
}

// saveAnswers saves the caller's answers: one field per pair (PairField),
// each a step of the scale. A refusal re-renders the form as answered.
func (s *Server) saveAnswers(w http.ResponseWriter, r *http.Request) {
	d, err := s.roundInPath(r)
	var form url.Values
	var version int
	if err == nil {
		form, err = parseForm(r)
	}
	if err == nil {
		version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	answers := decodeAnswers(d.Items, form)
	_, err = s.pairwise.SaveAnswers(r.Context(), d.Round.ID, version, answers)
	s.roundDone(w, r, d, err, "pairwise.answers_saved", "#consistency", answers)
}

// decodeAnswers reads one answer per pair of items. A missing or
// unreadable step is sent as off the scale, so that the domain's
// validation names the pair.
func decodeAnswers(items []*bpo.Criterion, form url.Values) []bpo.AnswerInput {
	var out []bpo.AnswerInput
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			a, b := items[i].ID, items[j].ID
			field := bpo.PairField(a, b)
			if !form.Has(field) {
				continue
			}
			step, err := strconv.Atoi(form.Get(field))
			if err != nil {
				step = bpo.MaxStep + 1
			}
			out = append(out, bpo.AnswerInput{A: a, B: b, Step: step})
		}
	}
	return out
}

// inviteToRound adds the people ticked (field user) to an open round.
func (s *Server) inviteToRound(w http.ResponseWriter, r *http.Request) {
	d, err := s.roundInPath(r)
	var form url.Values
	var version int
	if err == nil {
		form, err = parseForm(r)
	}
	if err == nil {
		version, err = formVersion(form)
	}
	var users []int64
	for _, v := range form["user"] {
		uid, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil && err == nil {
			err = errBadRequest
		}
		users = append(users, uid)
	}
	if err == nil {
		_, err = s.pairwise.InviteParticipants(r.Context(), d.Round.ID, version, users)
	}
	s.roundDone(w, r, d, err, "pairwise.invited", "", nil)
}

// endRound ends a round: with apply=1 its group weights are saved as the
// group's through the audited weight save first.
func (s *Server) endRound(w http.ResponseWriter, r *http.Request) {
	d, err := s.roundInPath(r)
	var form url.Values
	var version int
	if err == nil {
		form, err = parseForm(r)
	}
	if err == nil {
		version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	apply, flash := form.Get("apply") == "1", "pairwise.closed"
	if apply {
		flash = "pairwise.applied"
		err = s.applyRound(r, d)
	}
	if err == nil {
		_, err = s.pairwise.EndRound(r.Context(), d.Round.ID, version, apply)
	}
	s.roundDone(w, r, d, err, flash, "", nil)
}

// applyRound saves the group's geometric-mean weights as the criteria's,
// each at the version the round's page showed.
func (s *Server) applyRound(r *http.Request, d *bpo.PairwiseRoundDetail) error {
	if !bpo.IsManager(bpo.UserFromContext(r.Context())) {
		return bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden")
	}
	if d.Round.Status != bpo.RoundOpen {
		return bpo.Errorf(bpo.EINVALID, "error.pairwise.ended")
	}
	rr, err := evalmodel.ScoreRound(d)
	if err != nil {
		return err
	}
	if rr.Group == nil {
		return bpo.Errorf(bpo.EINVALID, "error.pairwise.no_answers")
	}
	return s.criteria.SetWeights(r.Context(), d.Round.EvaluationID, rr.WeightChanges())
}

// roundDone finishes an action on a round: back to it (at fragment) with
// a notice, or the page again with the refusal explained and the answers
// typed (kept) still on it. The round is read again, so that after a
// conflict the page carries the current version.
func (s *Server) roundDone(w http.ResponseWriter, r *http.Request, d *bpo.PairwiseRoundDetail, err error, flash, fragment string, kept []bpo.AnswerInput) {
	code := bpo.ErrorCode(err)
	switch code {
	case "":
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, roundURL(d.Round.EvaluationID, d.Round.ID)+fragment, http.StatusSeeOther)
	case bpo.EINVALID, bpo.ECONFLICT:
		fresh, lerr := s.roundInPath(r)
		var view pages.PairwiseRoundView
		if lerr == nil {
			view, lerr = s.roundView(r, fresh, kept, err)
		}
		if lerr != nil {
			s.Error(w, r, lerr)
			return
		}
		s.renderStatus(w, r, statusOf(code), pages.PairwiseRound(view))
	default:
		s.Error(w, r, err)
	}
}
