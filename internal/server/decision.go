package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// decisionInput reads the decision form: vendor is a vendor id or
// "in_house", change=1 asks to replace the current decision.
func decisionInput(form url.Values, version int) (bpo.DecisionInput, error) {
	in := bpo.DecisionInput{Version: version, Rationale: form.Get("rationale"),
		DepartureReason: form.Get("departure_reason"), Change: form.Get("change") == "1",
		ChangeReason: form.Get("change_reason")}
	switch form.Get("vendor") {
	case "in_house":
		in.Outcome = bpo.OutcomeInHouse
	case "":
	default:
		in.Outcome = bpo.OutcomeAward
		id, err := formID(form, "vendor")
		if err != nil {
			var p bpo.Problems
			p.Add("vendor", "error.decision.choice")
			return in, p.Err()
		}
		in.VendorID = id
	}
	return in, in.Validate()
}

// recordDecision records, or with change=1 changes, the decision of a
// closed evaluation, on a snapshot of the evaluation as it stands.
func (s *Server) recordDecision(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	in, err := decisionInput(form, version)
	if err == nil {
		var d *bpo.EvaluationDetail
		if d, err = s.loadEvaluation(r.Context(), id, evalmodel.Parts); err == nil {
			in.Snapshot, _, err = evalmodel.Snapshot(d)
		}
	}
	if err == nil {
		_, err = s.decisions.RecordDecision(r.Context(), id, in)
	}
	if err == nil {
		s.sessions.Put(r.Context(), "flash", "decision.recorded_flash")
		http.Redirect(w, r, fmt.Sprintf("/evaluations/%d", id), http.StatusSeeOther)
		return
	}
	s.decisionRefused(w, r, id, form, err)
}

// decisionRefused answers a refused decision with the evaluation page: the
// decision as it now stands (a conflict is often another manager's
// decision), the form with what was typed and a message per field.
func (s *Server) decisionRefused(w http.ResponseWriter, r *http.Request, id int64, form url.Values, err error) {
	code := bpo.ErrorCode(err)
	if code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view, verr := s.evaluationView(r.Context(), lang, id)
	if verr != nil {
		s.Error(w, r, verr)
		return
	}
	errs := s.fieldErrors(r, err)
	if f := view.DecisionForm; f != nil {
		keepDecisionInput(f, form, errs)
	}
	view.Alert = formAlert(lang, err, nil)
	s.renderStatus(w, r, statusOf(code), pages.EvaluationShow(*view))
}

// decisionCheck is what the confirmation shows before a decision is
// recorded, with the refusals the service would answer found early.
func (s *Server) decisionCheck(ctx context.Context, lang i18n.Lang, id int64, in bpo.DecisionInput, form url.Values) (*pages.DecisionConfirmView, error) {
	d, err := s.loadEvaluation(ctx, id, evalmodel.Parts)
	if err != nil {
		return nil, err
	}
	st, err := s.decisions.FindDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	e := d.Evaluation
	switch {
	case e.Version != in.Version:
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.evaluation.stale")
	case e.Status != bpo.StatusClosed:
		return nil, bpo.Errorf(bpo.EINVALID, "error.decision.not_closed")
	case st.Current != nil && !in.Change:
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.decision.recorded")
	case st.Current == nil && in.Change:
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.decision.none")
	}
	_, res, err := evalmodel.Score(d, lang, nil)
	if err != nil {
		return nil, err
	}
	v := &pages.DecisionConfirmView{ID: id, Title: e.Title, Form: map[string]string{},
		Recommendation: recommendationWords(lang, d, string(res.Recommendation.Decision), res.Recommendation.Vendor),
		Summary:        i18n.T(lang, "decision.confirm_in_house")}
	for _, k := range []string{"version", "vendor", "rationale", "departure_reason", "change", "change_reason"} {
		if form.Has(k) {
			v.Form[k] = form.Get(k)
		}
	}
	key := ""
	if in.Outcome == bpo.OutcomeAward {
		p := d.Participant(in.VendorID)
		if p == nil || !bpo.CanAward(p.Stage) {
			var pr bpo.Problems
			pr.Add("vendor", "error.decision.vendor")
			return nil, pr.Err()
		}
		key, v.Summary = p.Key, i18n.T(lang, "decision.confirm_award", p.Name)
		v.Failed = failedMinimums(lang, d, res, p.Key)
	}
	rec := bpo.Recommendation{Decision: string(res.Recommendation.Decision), Vendor: res.Recommendation.Vendor}
	v.Departs = bpo.Departs(rec, in.Outcome, key, len(v.Failed) > 0)
	if err := in.CheckDeparture(v.Departs); err != nil {
		return nil, err
	}
	if st.Current != nil {
		v.Replaces = decisionHeadline(lang, d, st.Current)
	}
	return v, nil
}

// confirmDecision shows what will be recorded, before it is: the decision,
// the engine's recommendation, a departure and its reason, and the failed
// minimums of a knocked-out vendor. With edit=1 it goes back to the form,
// with what was typed.
func (s *Server) confirmDecision(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	if form.Get("edit") == "1" {
		s.decisionEdit(w, r, id, form)
		return
	}
	in, err := decisionInput(form, version)
	var v *pages.DecisionConfirmView
	if err == nil {
		v, err = s.decisionCheck(r.Context(), s.lang(r), id, in, form)
	}
	if err != nil {
		s.decisionRefused(w, r, id, form, err)
		return
	}
	s.render(w, r, pages.DecisionConfirm(*v))
}

// decisionEdit is the evaluation page with the decision form as it was
// typed, back from the confirmation.
func (s *Server) decisionEdit(w http.ResponseWriter, r *http.Request, id int64, form url.Values) {
	view, err := s.evaluationView(r.Context(), s.lang(r), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if f := view.DecisionForm; f != nil {
		keepDecisionInput(f, form, nil)
	}
	s.render(w, r, pages.EvaluationShow(*view))
}

// keepDecisionInput puts what the manager typed back into the form.
func keepDecisionInput(f *pages.DecisionForm, form url.Values, errs map[string]string) {
	f.Vendor.Value, f.Vendor.Error = form.Get("vendor"), errs["vendor"]
	f.Rationale.Value, f.Rationale.Error = form.Get("rationale"), errs["rationale"]
	f.Departure.Value, f.Departure.Error = form.Get("departure_reason"), errs["departure_reason"]
	f.ChangeReason.Value, f.ChangeReason.Error = form.Get("change_reason"), errs["change_reason"]
}
