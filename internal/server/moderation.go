package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/pages"
)

func moderationURL(evaluationID, vendorID int64) string {
	return fmt.Sprintf("/evaluations/%d/moderation/%d", evaluationID, vendorID)
}

// showModerationIndex lists the vendors with their disputed criteria left
// to moderate, and the evaluation's "moderation required" option.
func (s *Server) showModerationIndex(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	view, err := s.moderationIndexView(r, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.ModerationIndex(view))
}

func (s *Server) moderationIndexView(r *http.Request, id int64) (pages.ModerationIndexView, error) {
	d, err := s.loadEvaluation(r.Context(), id, 0)
	if err != nil {
		return pages.ModerationIndexView{}, err
	}
	left, err := s.moderation.FindUnmoderated(r.Context(), id)
	if err != nil {
		return pages.ModerationIndexView{}, err
	}
	required, err := s.moderation.ModerationRequired(r.Context(), id)
	if err != nil {
		return pages.ModerationIndexView{}, err
	}
	e := d.Evaluation
	v := pages.ModerationIndexView{EvaluationID: e.ID, EvaluationTitle: e.Title, Version: e.Version,
		Required: required, Editable: e.Status != bpo.StatusClosed, Unmoderated: len(left)}
	count := map[int64]int{}
	for _, u := range left {
		count[u.VendorID]++
	}
	for _, p := range d.Participants {
		if p.Stage != bpo.StageRejected {
			v.Vendors = append(v.Vendors, pages.ModerationVendor{VendorID: p.VendorID, Name: p.Name, Unmoderated: count[p.VendorID]})
		}
	}
	return v, nil
}

// showModeration is the chair's view of one vendor: every rated
// criterion's individual ratings, spread and disputed flag, with the
// consensus recorded so far, disputed criteria first.
func (s *Server) showModeration(w http.ResponseWriter, r *http.Request) {
	eid, vid, err := scorecardPath(r)
	var mv *bpo.ModerationView
	if err == nil {
		mv, err = s.moderation.FindModeration(r.Context(), eid, vid)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := moderationView(s.lang(r), mv)
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.Moderation(view))
}

// consensusForm is what one criterion's consensus form carries.
type consensusForm struct {
	criterionID int64
	in          bpo.ConsensusInput
	value       string // as typed
}

// saveConsensus records or changes one criterion's consensus; with
// clear=1 it clears it instead. A refusal re-renders the view with the
// criterion's form as typed and its fields explained.
func (s *Server) saveConsensus(w http.ResponseWriter, r *http.Request) {
	eid, vid, err := scorecardPath(r)
	var cf consensusForm
	var form url.Values
	if err == nil {
		cf.criterionID, err = pathID(r, "criterionID")
	}
	if err == nil {
		form, err = parseForm(r)
	}
	if err == nil {
		cf.in.Version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var p bpo.Problems
	cf.in.VendorID, cf.in.CriterionID = vid, cf.criterionID
	cf.value, cf.in.Reason = strings.TrimSpace(form.Get("value")), form.Get("reason")
	cf.in.Value = formInt(&p, form, "value")
	flash := "moderation.saved"
	switch {
	case form.Get("clear") == "1":
		flash = "moderation.cleared"
		err = s.moderation.ClearConsensus(r.Context(), eid, vid, cf.criterionID, cf.in.Version)
	case len(p) > 0:
		err = p.Err()
	default:
		_, err = s.moderation.RecordConsensus(r.Context(), eid, cf.in)
	}
	code := bpo.ErrorCode(err)
	switch code {
	case "":
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, moderationURL(eid, vid), http.StatusSeeOther)
		return
	case bpo.EINVALID, bpo.ECONFLICT:
		mv, lerr := s.moderation.FindModeration(r.Context(), eid, vid)
		if lerr != nil {
			s.Error(w, r, lerr)
			return
		}
		view := moderationView(s.lang(r), mv)
		view.Alert = tr(s.lang(r), bpo.ErrorMessage(err))
		keepConsensusInput(&view, &cf, s.fieldErrors(r, err))
		s.renderStatus(w, r, statusOf(code), pages.Moderation(view))
	default:
		s.Error(w, r, err)
	}
}

// setModerationRequired turns the evaluation's "moderation required"
// option on (required=1) or off, at the evaluation's version.
func (s *Server) setModerationRequired(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	_, err := s.moderation.SetModerationRequired(r.Context(), id, version, form.Get("required") == "1")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "moderation.required_saved")
	http.Redirect(w, r, fmt.Sprintf("/evaluations/%d/moderation", id), http.StatusSeeOther)
}

// moderationView lays the moderation of one vendor out for the page.
func moderationView(lang i18n.Lang, mv *bpo.ModerationView) pages.ModerationView {
	e := mv.Evaluation
	v := pages.ModerationView{EvaluationID: e.ID, EvaluationTitle: e.Title, VendorID: mv.Vendor.VendorID,
		VendorName: mv.Vendor.Name, Open: e.Status == bpo.StatusOpen, Missing: strings.Join(mv.Missing, ", ")}
	for n := e.ScaleMin; n <= e.ScaleMax; n++ {
		v.Scale = append(v.Scale, strconv.Itoa(n))
	}
	for _, it := range mv.Items {
		row := pages.ModerationRow{CriterionID: it.Criterion.ID, Name: it.Criterion.Name(string(lang)),
			Disputed: it.Disputed, Spread: strconv.Itoa(it.Spread), Raters: len(it.Ratings)}
		for _, rt := range it.Ratings {
			row.Ratings = append(row.Ratings, pages.ModerationRating{Evaluator: rt.EvaluatorName, Value: strconv.Itoa(rt.Value), Justification: rt.Justification})
		}
		if c := it.Consensus; c != nil {
			row.Consensus = &pages.ConsensusCell{Value: strconv.Itoa(c.Value), Reason: c.Reason, By: c.RecordedByName,
				At: i18n.DateTime(lang, c.RecordedAt), Version: c.Version}
			row.Value, row.Reason, row.Version = strconv.Itoa(c.Value), c.Reason, c.Version
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// keepConsensusInput puts what the user typed back in the criterion's
// form, with the fields' messages.
func keepConsensusInput(v *pages.ModerationView, cf *consensusForm, errs map[string]string) {
	for i := range v.Rows {
		row := &v.Rows[i]
		if row.CriterionID != cf.criterionID {
			continue
		}
		row.Value, row.Reason = cf.value, cf.in.Reason
		row.ValueError, row.ReasonError = errs["value"], errs["reason"]
		row.Focus = true
	}
}

// moderationSummary is the evaluation page's moderation box: how many
// disputed criteria have no consensus, and, when moderation is required,
// those left, which closing must confirm by name (see confirmUnmoderated).
// Nil before scoring opens.
func (s *Server) moderationSummary(ctx context.Context, lang i18n.Lang, e *bpo.Evaluation) (*pages.ModerationSummary, error) {
	if e.Status == bpo.StatusDraft {
		return nil, nil
	}
	left, err := s.moderation.FindUnmoderated(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	required, err := s.moderation.ModerationRequired(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	sum := &pages.ModerationSummary{Unmoderated: len(left), Required: required, Open: e.Status == bpo.StatusOpen}
	for _, u := range left {
		sum.Left = append(sum.Left, unmoderatedName(lang, u))
	}
	return sum, nil
}

func unmoderatedName(lang i18n.Lang, u *bpo.Unmoderated) string {
	c := bpo.Criterion{NameEN: u.CriterionEN, NameFR: u.CriterionFR}
	return u.VendorName + " — " + c.Name(string(lang))
}

// unmoderatedToken names the disputed criteria left, so that a confirmation
// to close covers exactly those the manager was shown.
func unmoderatedToken(left []*bpo.Unmoderated) string {
	parts := make([]string, len(left))
	for i, u := range left {
		parts[i] = strconv.FormatInt(u.VendorID, 10) + "-" + strconv.FormatInt(u.CriterionID, 10)
	}
	return strings.Join(parts, ",")
}

// confirmUnmoderated adds to the confirmation of closing, when moderation
// is required, the disputed criteria left without a consensus, by name,
// and the field that confirms closing without them.
func (s *Server) confirmUnmoderated(r *http.Request, v *pages.ConfirmView, id int64) error {
	required, err := s.moderation.ModerationRequired(r.Context(), id)
	if err != nil || !required {
		return err
	}
	left, err := s.moderation.FindUnmoderated(r.Context(), id)
	if err != nil || len(left) == 0 {
		return err
	}
	names := make([]string, len(left))
	for i, u := range left {
		names[i] = unmoderatedName(s.lang(r), u)
	}
	v.Message = append(v.Message, i18n.T(s.lang(r), "moderation.close_left_named", strings.Join(names, "; ")))
	v.Fields["confirm_unmoderated"] = unmoderatedToken(left)
	return nil
}

// checkModeratedBeforeClose holds the "moderation required" option: an
// evaluation closes only once every disputed criterion is moderated, or
// with confirm_unmoderated naming exactly those left (EINVALID otherwise,
// listing them).
func (s *Server) checkModeratedBeforeClose(r *http.Request, id int64, status bpo.EvaluationStatus, form url.Values) error {
	if status != bpo.StatusClosed {
		return nil
	}
	ctx := r.Context()
	required, err := s.moderation.ModerationRequired(ctx, id)
	if err != nil || !required {
		return err
	}
	left, err := s.moderation.FindUnmoderated(ctx, id)
	if err != nil || len(left) == 0 {
		return err
	}
	if form.Get("confirm_unmoderated") == unmoderatedToken(left) {
		return nil
	}
	lang := s.lang(r)
	names := make([]string, len(left))
	for i, u := range left {
		names[i] = unmoderatedName(lang, u)
	}
	return bpo.Errorf(bpo.EINVALID, "error.moderation.close_unmoderated", strings.Join(names, "; "))
}

// unmoderated counts the disputed cells of a result: the engine flags no
// cell settled by consensus as disputed.
func unmoderated(res *scoring.Result) int {
	n := 0
	for _, v := range res.Vendors {
		for _, c := range v.Criteria {
			if c.Disputed {
				n++
			}
		}
	}
	return n
}

// consensusCell is the consensus of a vendor and criterion in d, or nil.
func consensusCell(lang i18n.Lang, d *bpo.EvaluationDetail, vendorID, criterionID int64) *pages.ConsensusCell {
	for _, c := range d.Consensus {
		if c.VendorID == vendorID && c.CriterionID == criterionID {
			return &pages.ConsensusCell{Value: strconv.Itoa(c.Value), Reason: c.Reason, By: c.RecordedByName,
				At: i18n.DateTime(lang, c.RecordedAt), Version: c.Version}
		}
	}
	return nil
}
