package server

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) showEvaluationList(w http.ResponseWriter, r *http.Request) {
	list, _, err := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Limit: 200})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view := pages.EvaluationListView{CanSetUp: bpo.CanSetUp(bpo.UserFromContext(r.Context()))}
	for _, e := range list {
		view.Rows = append(view.Rows, evaluationRow(lang, e))
	}
	s.render(w, r, pages.EvaluationList(view))
}

func evaluationRow(lang i18n.Lang, e *bpo.EvaluationSummary) pages.EvaluationRow {
	return pages.EvaluationRow{
		ID: e.ID, Title: e.Title, Status: string(e.Status), Due: dueText(lang, e.DueDate),
		Vendors: e.Vendors, Evaluators: e.Evaluators, Submitted: e.Submitted, Expected: e.Expected,
	}
}

func dueText(lang i18n.Lang, d *time.Time) string {
	if d == nil {
		return "—"
	}
	return i18n.Date(lang, *d)
}

func (s *Server) showNewEvaluationPage(w http.ResponseWriter, r *http.Request) {
	if !bpo.CanSetUp(bpo.UserFromContext(r.Context())) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
		return
	}
	in := bpo.NewEvaluationInput()
	s.render(w, r, pages.EvaluationForm(s.evaluationFormView(r, in, evaluationFormText(in), nil)))
}

func (s *Server) createEvaluation(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in, problems := decodeEvaluationForm(form)
	var e *bpo.Evaluation
	if err = problems.Err(); err == nil {
		e, err = s.evaluations.CreateEvaluation(r.Context(), in)
	}
	if bpo.ErrorCode(err) == bpo.EINVALID {
		s.renderStatus(w, r, http.StatusUnprocessableEntity,
			pages.EvaluationForm(s.evaluationFormView(r, in, form, mergeProblems(problems, err))))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "evaluation.created")
	http.Redirect(w, r, fmt.Sprintf("/evaluations/%d", e.ID), http.StatusSeeOther)
}

// decodeEvaluationForm reads the set-up form; malformed numbers and dates
// are field problems, reported together with the domain's validation.
func decodeEvaluationForm(form url.Values) (bpo.EvaluationInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.EvaluationInput{
		Title:         strings.TrimSpace(form.Get("title")),
		Scope:         strings.TrimSpace(form.Get("scope")),
		Services:      form["services"],
		Aggregation:   form.Get("aggregation"),
		Justification: bpo.JustificationPolicy(form.Get("justification")),
	}
	if d := strings.TrimSpace(form.Get("due_date")); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			p.Add("due_date", "error.field.date")
		} else {
			in.DueDate = &t
		}
	}
	in.ScaleMin = formIntOr(&p, form, "scale_min", 0)
	in.ScaleMax = formIntOr(&p, form, "scale_max", 0)
	in.AwardThreshold = formFloat(&p, form, "award_threshold")
	in.CloseCallMargin = formFloat(&p, form, "close_call_margin")
	in.ScaleLevels = decodeLevels(form, in.ScaleMin, in.ScaleMax)
	if err := in.Validate(); err != nil {
		p = mergeProblems(p, err)
	}
	return in, p
}

// decodeLevels reads the scale's descriptors when the form carries one for
// every point of the scale; otherwise (a new evaluation, or a scale just
// changed) nil lets the defaults apply.
func decodeLevels(form url.Values, lo, hi int) []bpo.ScaleLevel {
	if hi < lo || hi-lo > 10 {
		return nil
	}
	var levels []bpo.ScaleLevel
	for v := lo; v <= hi; v++ {
		n := strconv.Itoa(v)
		if !form.Has("level_en_" + n) {
			return nil
		}
		levels = append(levels, bpo.ScaleLevel{Value: v,
			LabelEN: strings.TrimSpace(form.Get("level_en_" + n)), LabelFR: strings.TrimSpace(form.Get("level_fr_" + n)),
			HelpEN: strings.TrimSpace(form.Get("help_en_" + n)), HelpFR: strings.TrimSpace(form.Get("help_fr_" + n))})
	}
	return levels
}

func formIntOr(p *bpo.Problems, form url.Values, field string, def int) int {
	if n := formInt(p, form, field); n != nil {
		return *n
	}
	if !p.Has(field) && strings.TrimSpace(form.Get(field)) == "" {
		p.Add(field, "error.field.required")
	}
	return def
}

// formFloat reads a required decimal number, accepting a decimal comma as
// French speakers type it.
func formFloat(p *bpo.Problems, form url.Values, field string) float64 {
	v, ok, err := parseDecimal(form.Get(field))
	switch {
	case err != nil:
		p.Add(field, bpo.ErrorMessage(err).Key)
	case !ok:
		p.Add(field, "error.field.required")
	}
	return v
}

// evaluationFormText is the form's text for an input, when there is no
// submitted form to echo.
func evaluationFormText(in bpo.EvaluationInput) url.Values {
	v := url.Values{
		"title": {in.Title}, "scope": {in.Scope}, "services": in.Services,
		"scale_min": {strconv.Itoa(in.ScaleMin)}, "scale_max": {strconv.Itoa(in.ScaleMax)},
		"aggregation": {in.Aggregation}, "justification": {string(in.Justification)},
		"award_threshold":   {strconv.FormatFloat(in.AwardThreshold, 'f', -1, 64)},
		"close_call_margin": {strconv.FormatFloat(in.CloseCallMargin, 'f', -1, 64)},
	}
	if in.DueDate != nil {
		v.Set("due_date", in.DueDate.Format(time.DateOnly))
	}
	for _, l := range in.ScaleLevels {
		n := strconv.Itoa(l.Value)
		v.Set("level_en_"+n, l.LabelEN)
		v.Set("level_fr_"+n, l.LabelFR)
		v.Set("help_en_"+n, l.HelpEN)
		v.Set("help_fr_"+n, l.HelpFR)
	}
	return v
}

func (s *Server) evaluationFormView(r *http.Request, in bpo.EvaluationInput, form url.Values, problems bpo.Problems) pages.EvaluationFormView {
	lang := s.lang(r)
	errs := s.fieldErrors(r, problems.Err())
	field := func(name, labelKey string) components.Field {
		return components.Field{Name: name, Label: i18n.T(lang, labelKey), Value: form.Get(name), Error: errs[name]}
	}
	f := pages.EvaluationFields{
		Title:           field("title", "evaluation.title"),
		Scope:           field("scope", "evaluation.scope"),
		Services:        field("services", "evaluation.services"),
		DueDate:         field("due_date", "evaluation.due_date"),
		ScaleMin:        field("scale_min", "evaluation.scale_min"),
		ScaleMax:        field("scale_max", "evaluation.scale_max"),
		Aggregation:     field("aggregation", "evaluation.aggregation"),
		AwardThreshold:  field("award_threshold", "evaluation.award_threshold"),
		CloseCallMargin: field("close_call_margin", "evaluation.close_call_margin"),
		Justification:   field("justification", "evaluation.justification"),
	}
	f.Title.Required, f.Title.Max = true, 200
	f.Scope.Help = i18n.T(lang, "evaluation.scope_help")
	f.Services.Options, f.Services.Values = serviceOptions(lang), nonEmpty(in.Services)
	f.DueDate.Type = "date"
	f.ScaleMin.Type, f.ScaleMax.Type = "number", "number"
	f.Aggregation.Options = []components.Option{
		{Value: "mean", Label: i18n.T(lang, "aggregation.mean")},
		{Value: "median", Label: i18n.T(lang, "aggregation.median")},
	}
	f.AwardThreshold.Help = i18n.T(lang, "evaluation.award_threshold_help")
	f.CloseCallMargin.Help = i18n.T(lang, "evaluation.close_call_margin_help")
	f.Justification.Options = []components.Option{
		{Value: "none", Label: i18n.T(lang, "justification.none")},
		{Value: "extremes", Label: i18n.T(lang, "justification.extremes")},
		{Value: "all", Label: i18n.T(lang, "justification.all")},
	}
	return pages.EvaluationFormView{Fields: f, HasError: len(problems) > 0}
}

// evaluationID reads the evaluation id from the path.
func evaluationID(r *http.Request) (int64, error) { return pathID(r, "evaluationID") }

// managedEvaluationID reads the evaluation of a page for managers only. An
// evaluator is refused before any lookup, so that they learn nothing about
// which evaluations exist.
func (s *Server) managedEvaluationID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if !bpo.IsManager(bpo.UserFromContext(r.Context())) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
		return 0, false
	}
	id, err := evaluationID(r)
	if err != nil {
		s.Error(w, r, err)
		return 0, false
	}
	return id, true
}

func (s *Server) showEvaluation(w http.ResponseWriter, r *http.Request) {
	id, err := evaluationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view, err := s.evaluationView(r.Context(), s.lang(r), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.EvaluationShow(*view))
}

// evaluationDone finishes a set-up action: back to the evaluation page with
// a notice, or the page again with the refusal explained (422 or 409).
func (s *Server) evaluationDone(w http.ResponseWriter, r *http.Request, id int64, err error, flash string) {
	code := bpo.ErrorCode(err)
	if code == "" {
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, fmt.Sprintf("/evaluations/%d", id), http.StatusSeeOther)
		return
	}
	if code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	view, verr := s.evaluationView(r.Context(), s.lang(r), id)
	if verr != nil {
		s.Error(w, r, verr)
		return
	}
	view.Alert = formAlert(s.lang(r), err, nil)
	s.renderStatus(w, r, statusOf(code), pages.EvaluationShow(*view))
}

func tr(lang i18n.Lang, m bpo.Message) string { return i18n.T(lang, m.Key, m.Args...) }

func (s *Server) setEvaluationStatus(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	status := bpo.EvaluationStatus(form.Get("status"))
	_, err := s.evaluations.SetEvaluationStatus(r.Context(), id, version, status)
	s.evaluationDone(w, r, id, err, "evaluation.status_changed."+string(status))
}

// evaluationPost reads the evaluation id from the path and the submitted form.
func (s *Server) evaluationPost(w http.ResponseWriter, r *http.Request) (id int64, form url.Values, ok bool) {
	id, err := evaluationID(r)
	if err == nil {
		form, err = parseForm(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return 0, nil, false
	}
	return id, form, true
}

// evaluationForm is evaluationPost plus the form's version field.
func (s *Server) evaluationForm(w http.ResponseWriter, r *http.Request) (id int64, form url.Values, version int, ok bool) {
	if id, form, ok = s.evaluationPost(w, r); !ok {
		return 0, nil, 0, false
	}
	version, err := formVersion(form)
	if err != nil {
		s.Error(w, r, err)
		return 0, nil, 0, false
	}
	return id, form, version, true
}

// formID reads a numeric id from a form field (a choice from a list).
func formID(form url.Values, field string) (int64, error) {
	id, err := strconv.ParseInt(form.Get(field), 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadRequest
	}
	return id, nil
}

func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	vendorID, err := formID(form, "vendor")
	if err == nil {
		_, err = s.participants.AddParticipant(r.Context(), id, vendorID)
	}
	s.evaluationDone(w, r, id, err, "evaluation.vendor_added")
}

func (s *Server) setParticipantStage(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	vendorID, err := pathID(r, "vendorID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	stage := bpo.VendorStage(form.Get("stage"))
	_, err = s.participants.SetStage(r.Context(), id, vendorID, version, stage, strings.TrimSpace(form.Get("reason")))
	s.evaluationDone(w, r, id, err, "evaluation.stage_changed")
}

func (s *Server) assignEvaluator(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	userID, err := formID(form, "user")
	if err == nil {
		err = s.participants.AssignEvaluator(r.Context(), id, userID)
	}
	s.evaluationDone(w, r, id, err, "evaluation.evaluator_assigned")
}

func (s *Server) unassignEvaluator(w http.ResponseWriter, r *http.Request) {
	id, err := evaluationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	userID, err := pathID(r, "userID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	err = s.participants.UnassignEvaluator(r.Context(), id, userID)
	s.evaluationDone(w, r, id, err, "evaluation.evaluator_removed")
}

// saveMeasurements stores one vendor's measured figures: fields m_<criterionID>,
// an empty field clearing the figure.
func (s *Server) saveMeasurements(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	vendorID, err := pathID(r, "vendorID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Read every figure before saving any, so a typo saves nothing; the
	// service then saves them together, so a refused one saves nothing either.
	var figures []bpo.Figure
	for name, values := range form {
		criterionID, found := strings.CutPrefix(name, "m_")
		cid, perr := strconv.ParseInt(criterionID, 10, 64)
		if !found || perr != nil || len(values) != 1 {
			continue
		}
		v, present, derr := parseDecimal(values[0])
		if derr != nil {
			s.evaluationDone(w, r, id, derr, "")
			return
		}
		f := bpo.Figure{CriterionID: cid}
		if present {
			f.Value = &v
		}
		figures = append(figures, f)
	}
	// In the order of the criteria, not of the form, so the audit log is.
	slices.SortFunc(figures, func(a, b bpo.Figure) int { return cmp.Compare(a.CriterionID, b.CriterionID) })
	if err := s.participants.SetMeasurements(r.Context(), id, vendorID, figures); err != nil {
		s.evaluationDone(w, r, id, err, "")
		return
	}
	s.evaluationDone(w, r, id, nil, "evaluation.figures_saved")
}

func (s *Server) showEditEvaluationPage(w http.ResponseWriter, r *http.Request) {
	id, err := evaluationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.evaluations.FindEvaluationByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !bpo.CanSetUp(bpo.UserFromContext(r.Context())) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
		return
	}
	in := evaluationInputOf(e)
	s.render(w, r, pages.EvaluationForm(s.editEvaluationView(r, e, in, evaluationFormText(in), nil)))
}

func (s *Server) updateEvaluation(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	e, err := s.evaluations.FindEvaluationByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if e.Status != bpo.StatusDraft {
		// The options are frozen once scoring starts: the form does not send
		// them (its fieldsets are disabled), so keep the stored ones.
		stored := evaluationFormText(evaluationInputOf(e))
		for k, v := range stored {
			if k != "title" && k != "scope" && k != "services" && k != "due_date" && k != "justification" {
				form[k] = v
			}
		}
	}
	in, problems := decodeEvaluationForm(form)
	if err = problems.Err(); err == nil {
		_, err = s.evaluations.UpdateEvaluation(r.Context(), id, version, in)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "evaluation.saved")
		http.Redirect(w, r, fmt.Sprintf("/evaluations/%d", id), http.StatusSeeOther)
	case bpo.EINVALID:
		s.renderStatus(w, r, http.StatusUnprocessableEntity,
			pages.EvaluationForm(s.editEvaluationView(r, e, in, form, mergeProblems(problems, err))))
	case bpo.ECONFLICT:
		// Keep what the user typed, but on the current version, and say why.
		view := s.editEvaluationView(r, e, in, form, nil)
		view.Conflict = true
		s.renderStatus(w, r, http.StatusConflict, pages.EvaluationForm(view))
	default:
		s.Error(w, r, err)
	}
}

func (s *Server) editEvaluationView(r *http.Request, e *bpo.Evaluation, in bpo.EvaluationInput, form url.Values, problems bpo.Problems) pages.EvaluationFormView {
	view := s.evaluationFormView(r, in, form, problems)
	view.ID, view.Version, view.Frozen = e.ID, e.Version, e.Status != bpo.StatusDraft
	lang := s.lang(r)
	errs := s.fieldErrors(r, problems.Err())
	view.LevelsError = errs["scale_levels"]
	// Descriptors are edited for the stored scale; a new scale gets defaults first.
	for v := e.ScaleMin; v <= e.ScaleMax; v++ {
		n := strconv.Itoa(v)
		field := func(prefix, labelKey string, required bool) components.Field {
			name := prefix + n
			return components.Field{Name: name, Label: i18n.T(lang, labelKey), Value: form.Get(name),
				Error: errs[name], Required: required, Max: 60}
		}
		l := pages.LevelFields{Value: v,
			LabelEN: field("level_en_", "evaluation.level_en", true), LabelFR: field("level_fr_", "evaluation.level_fr", true),
			HelpEN: field("help_en_", "evaluation.help_en", false), HelpFR: field("help_fr_", "evaluation.help_fr", false)}
		l.HelpEN.Max, l.HelpFR.Max = 300, 300
		view.Levels = append(view.Levels, l)
	}
	return view
}

func evaluationInputOf(e *bpo.Evaluation) bpo.EvaluationInput {
	return bpo.EvaluationInput{
		Title: e.Title, Scope: e.Scope, Services: e.Services, DueDate: e.DueDate,
		ScaleMin: e.ScaleMin, ScaleMax: e.ScaleMax, Aggregation: e.Aggregation,
		AwardThreshold: e.AwardThreshold, CloseCallMargin: e.CloseCallMargin, Justification: e.Justification,
		ScaleLevels: e.ScaleLevels,
	}
}
