package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// The steps that cannot be undone by the person taking them (opening or
// closing scoring, submitting a scorecard, deleting a draft) are asked for
// on a page of their own first, which works without a script; the step
// itself is the POST the page sends, unchanged.

// confirmStatus asks before opening or closing scoring (?status=open or
// closed, at ?version=). Closing names the scorecards still pending.
func (s *Server) confirmStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	q, lang := r.URL.Query(), s.lang(r)
	version, err := parseVersion(q.Get("version"))
	var d *bpo.EvaluationDetail
	if err == nil {
		d, err = s.loadEvaluation(r.Context(), id, bpo.WithAssignments|bpo.WithProgress)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	base := fmt.Sprintf("/evaluations/%d", id)
	v := pages.ConfirmView{Parent: d.Evaluation.Title, ParentURL: templ.URL(base), Action: templ.URL(base + "/status"),
		Fields: map[string]string{"status": q.Get("status"), "version": strconv.Itoa(version)}}
	switch bpo.EvaluationStatus(q.Get("status")) {
	case bpo.StatusOpen:
		v.Title, v.Button = i18n.T(lang, "confirm.open_title"), i18n.T(lang, "evaluation.open_action")
		v.Message = []string{i18n.T(lang, "confirm.open_message")}
	case bpo.StatusClosed:
		v.Title, v.Button = i18n.T(lang, "confirm.close_title"), i18n.T(lang, "evaluation.close_action")
		v.Items = pendingScorecards(lang, d)
		v.Message = []string{i18n.T(lang, "confirm.close_message")}
		if len(v.Items) > 0 {
			v.ItemsTitle = i18n.T(lang, "confirm.pending", len(v.Items))
		}
		if err := s.confirmUnmoderated(r, &v, id); err != nil {
			s.Error(w, r, err)
			return
		}
	default:
		s.Error(w, r, bpo.Errorf(bpo.EINVALID, "error.evaluation.transition"))
		return
	}
	s.render(w, r, pages.Confirm(v))
}

// pendingScorecards names the scorecards expected and not submitted:
// "Élodie Martin — Atlas: in progress, 5 of 8 rated".
func pendingScorecards(lang i18n.Lang, d *bpo.EvaluationDetail) []string {
	byPair := progressByPair(d.Progress)
	rated := countRated(d.Criteria)
	var out []string
	for _, a := range d.Assignments {
		for _, p := range d.Participants {
			if p.Stage == bpo.StageRejected {
				continue
			}
			c := scorecardCell(a, p.VendorID, byPair, rated)
			switch c.State {
			case "conflict", "withdrawn", string(bpo.ScorecardSubmitted):
				continue
			case string(bpo.ScorecardDraft):
				out = append(out, i18n.T(lang, "confirm.pending_draft", a.Name, p.Name, c.Rated, c.Total))
			default:
				out = append(out, i18n.T(lang, "confirm.pending_not_started", a.Name, p.Name))
			}
		}
	}
	return out
}

// confirmSubmit asks an evaluator before their scorecard is submitted and
// locked (?version= is the scorecard's, as the page last saved it).
func (s *Server) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	u := bpo.UserFromContext(r.Context())
	sc, err := s.loadScorecard(r, u.ID)
	var version int
	if err == nil {
		err = sc.scoringBarrier(r)
	}
	if err == nil {
		version, err = parseVersion(r.URL.Query().Get("version"))
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang, card := s.lang(r), scorecardURL(sc.evaluation.ID, sc.vendor.VendorID)
	s.render(w, r, pages.Confirm(pages.ConfirmView{
		Title: i18n.T(lang, "confirm.submit_title"), Parent: sc.vendor.Name, ParentURL: templ.URL(card),
		Message: []string{i18n.T(lang, "confirm.submit_message", sc.vendor.Name)},
		Action:  templ.URL(card + "/submit"), Fields: map[string]string{"version": strconv.Itoa(version)},
		Button: i18n.T(lang, "scorecard.submit"),
	}))
}

// confirmDelete asks before a draft is deleted (?version= is the draft's as
// the evaluation page showed it). Only a draft can be: for any other the
// page says why, with a 409, as the deletion itself would.
func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	version, err := parseVersion(r.URL.Query().Get("version"))
	var e *bpo.Evaluation
	if err == nil {
		e, err = s.evaluations.FindEvaluationByID(r.Context(), id)
	}
	if err == nil && e.Status != bpo.StatusDraft {
		err = bpo.Errorf(bpo.ECONFLICT, "error.evaluation.not_draft")
	}
	if err != nil {
		s.evaluationDone(w, r, id, err, "")
		return
	}
	lang, base := s.lang(r), fmt.Sprintf("/evaluations/%d", id)
	s.render(w, r, pages.Confirm(pages.ConfirmView{
		Title: i18n.T(lang, "confirm.delete_title"), Parent: e.Title, ParentURL: templ.URL(base),
		Message: []string{i18n.T(lang, "confirm.delete_message", e.Title)},
		Action:  templ.URL(base + "/delete"), Fields: map[string]string{"version": strconv.Itoa(version)},
		Button: i18n.T(lang, "evaluation.delete"),
	}))
}
