package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// showNewEvaluationPage shows a blank set-up form, or with ?from= one
// filled in from a previous evaluation to copy.
func (s *Server) showNewEvaluationPage(w http.ResponseWriter, r *http.Request) {
	var (
		in  = bpo.NewEvaluationInput()
		src *bpo.Evaluation
		err error
	)
	if r.URL.Query().Has("from") {
		src, err = s.copySource(r, r.URL.Query())
		if err == nil {
			in = copyInput(s.lang(r), src)
		}
	}
	var view pages.EvaluationFormView
	if err == nil {
		view = s.evaluationFormView(r, in, evaluationFormText(s.lang(r), in), nil)
		err = s.startChoices(r, &view, src)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.EvaluationForm(view))
}

func (s *Server) createEvaluation(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var src *bpo.Evaluation
	if form.Get("from") != "" {
		if src, err = s.copySource(r, form); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	in, problems := decodeEvaluationForm(s.lang(r), form)
	var e *bpo.Evaluation
	switch err = problems.Err(); {
	case err != nil:
	case src != nil:
		e, err = s.evaluations.CopyEvaluation(r.Context(), src.ID, in)
	default:
		e, err = s.evaluations.CreateEvaluation(r.Context(), in)
	}
	if bpo.ErrorCode(err) == bpo.EINVALID {
		view := s.evaluationFormView(r, in, form, mergeProblems(problems, err))
		if err := s.startChoices(r, &view, src); err != nil {
			s.Error(w, r, err)
			return
		}
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.EvaluationForm(view))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	flash := "evaluation.created"
	if src != nil {
		flash = "evaluation.copied"
	}
	s.sessions.Put(r.Context(), "flash", flash)
	http.Redirect(w, r, fmt.Sprintf("/evaluations/%d", e.ID), http.StatusSeeOther)
}

// evaluationFormText is the form's text for an input, when there is no
// submitted form to echo.
func evaluationFormText(lang i18n.Lang, in bpo.EvaluationInput) url.Values {
	v := url.Values{
		"title": {in.Title}, "scope": {in.Scope}, "services": in.Services,
		"scale_min": {strconv.Itoa(in.ScaleMin)}, "scale_max": {strconv.Itoa(in.ScaleMax)},
		"aggregation": {in.Aggregation}, "justification": {string(in.Justification)},
		"award_threshold":   {inputNumber(lang, in.AwardThreshold)},
		"close_call_margin": {inputNumber(lang, in.CloseCallMargin)},
	}
	if in.DueDate != nil {
		v.Set("due_date", in.DueDate.Format(time.DateOnly))
	}
	setAnalysisText(lang, v, in.Analysis)
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
	f.CostCriterion, f.RobustnessSpread = analysisFields(lang, form, errs)
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

func (s *Server) showEditEvaluationPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	e, err := s.evaluations.FindEvaluationByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in := evaluationInputOf(e)
	s.render(w, r, pages.EvaluationForm(s.editEvaluationView(r, e, in, evaluationFormText(s.lang(r), in), nil)))
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
		stored := evaluationFormText(s.lang(r), evaluationInputOf(e))
		for k, v := range stored {
			if k != "title" && k != "scope" && k != "services" && k != "due_date" && k != "justification" && !analysisField(k) {
				form[k] = v
			}
		}
	}
	keepAnalysis(s.lang(r), form, e)
	in, problems := decodeEvaluationForm(s.lang(r), form)
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
	if err := s.costChoices(r, &view); err != nil {
		// Without the choices the stored one is kept (see keepAnalysis).
		s.log.Error("cost criterion choices", "id", requestIDFrom(r.Context()), "error", err)
	}
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
		ScaleLevels: e.ScaleLevels, Analysis: &bpo.AnalysisOptions{CostCriterionID: e.Analysis.CostCriterionID, RobustnessSpread: e.Analysis.RobustnessSpread},
	}
}
