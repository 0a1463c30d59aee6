package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// blankActivities is how many empty rows the form offers for new activities.
const blankActivities = 3

// exampleActivities start a new assessment: the activities the sources
// name, to rate or remove.
var exampleActivities = []string{"inbound_support", "collections", "claims_processing", "payroll", "data_analysis"}

func (s *Server) showAssessmentList(w http.ResponseWriter, r *http.Request) {
	list, err := s.assessments.FindAssessments(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	var view pages.AssessmentListView
	for _, a := range list {
		counts := map[bpo.Verdict]int{}
		for _, act := range a.Activities {
			counts[bpo.Suitable(*act).Verdict]++
		}
		view.Rows = append(view.Rows, pages.AssessmentSummary{ID: a.ID, Title: a.Title, Evaluation: orDash(a.EvaluationTitle),
			Counts: i18n.T(lang, "assessment.counts", counts[bpo.VerdictOutsource], counts[bpo.VerdictOversight], counts[bpo.VerdictInHouse])})
	}
	s.render(w, r, pages.AssessmentList(view))
}

func (s *Server) showAssessment(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assessmentInPath(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	view := pages.AssessmentShowView{ID: a.ID, Title: a.Title, EvaluationID: a.EvaluationID, Evaluation: a.EvaluationTitle,
		Rows: activityRows(lang, a.Activities), Flash: s.popFlash(r)}
	s.render(w, r, pages.AssessmentShow(view))
}

// activityRows places each activity by the suitability rule, with its reasons.
func activityRows(lang i18n.Lang, acts []*bpo.Activity) []pages.ActivityRow {
	rows := make([]pages.ActivityRow, len(acts))
	for i, a := range acts {
		verdict, reasons := suitability(lang, a)
		rows[i] = pages.ActivityRow{Name: a.Name, CXInfluence: a.CXInfluence, Differentiation: a.Differentiation,
			Risk: a.Risk, Codifiability: a.Codifiability, Verdict: string(verdict), Reasons: strings.Join(reasons, " ")}
	}
	return rows
}

// suitability is an activity's place by the suitability rule and its
// reasons in lang.
func suitability(lang i18n.Lang, a *bpo.Activity) (bpo.Verdict, []string) {
	su := bpo.Suitable(*a)
	reasons := make([]string, len(su.Reasons))
	for i, m := range su.Reasons {
		reasons[i] = tr(lang, m)
	}
	return su.Verdict, reasons
}

func (s *Server) assessmentInPath(w http.ResponseWriter, r *http.Request) (*bpo.Assessment, bool) {
	id, err := pathID(r, "assessmentID")
	var a *bpo.Assessment
	if err == nil {
		a, err = s.assessments.FindAssessmentByID(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return a, true
}

func (s *Server) showNewAssessmentPage(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	in := bpo.AssessmentInput{Title: i18n.T(lang, "assessment.default_title")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("evaluation"), 10, 64); err == nil {
		in.EvaluationID = &id
	}
	for _, key := range exampleActivities {
		in.Activities = append(in.Activities, bpo.Activity{Name: i18n.T(lang, "activity."+key),
			CXInfluence: 3, Differentiation: 3, Risk: 3, Codifiability: 3})
	}
	s.renderAssessmentForm(w, r, http.StatusOK, 0, 0, in, nil)
}

func (s *Server) showEditAssessmentPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assessmentInPath(w, r)
	if !ok {
		return
	}
	in := bpo.AssessmentInput{Title: a.Title, EvaluationID: a.EvaluationID}
	for _, act := range a.Activities {
		in.Activities = append(in.Activities, *act)
	}
	s.renderAssessmentForm(w, r, http.StatusOK, a.ID, a.Version, in, nil)
}

func (s *Server) renderAssessmentForm(w http.ResponseWriter, r *http.Request, status int, id int64, version int, in bpo.AssessmentInput, err error) {
	lang := s.lang(r)
	list, _, lerr := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Limit: 1000})
	if lerr != nil {
		s.Error(w, r, lerr)
		return
	}
	errs := s.fieldErrors(r, err)
	v := pages.AssessmentFormView{ID: id, Version: version,
		Title:      components.Field{Name: "title", Label: i18n.T(lang, "assessment.title"), Value: in.Title, Required: true, Max: bpo.AssessmentTitleMax, Error: errs["title"]},
		Evaluation: components.Field{Name: "evaluation", Label: i18n.T(lang, "assessment.evaluation"), Error: errs["evaluation"]},
	}
	if in.EvaluationID != nil {
		v.Evaluation.Value = strconv.FormatInt(*in.EvaluationID, 10)
	}
	for _, e := range list {
		v.Evaluation.Options = append(v.Evaluation.Options, components.Option{Value: strconv.FormatInt(e.ID, 10), Label: e.Title})
	}
	scale := []components.Option{}
	for n := bpo.RatingLow; n <= bpo.RatingHigh; n++ {
		scale = append(scale, components.Option{Value: strconv.Itoa(n), Label: strconv.Itoa(n)})
	}
	acts := append(in.Activities, make([]bpo.Activity, blankActivities)...)
	for i, a := range acts {
		row := "_" + strconv.Itoa(i)
		ratings := []int{a.CXInfluence, a.Differentiation, a.Risk, a.Codifiability}
		input := pages.ActivityInput{Name: components.Field{Name: "name" + row, Label: i18n.T(lang, "assessment.activity"), Value: a.Name, Error: errs["name"+row]}}
		for j, field := range bpo.RatingFields {
			value := strconv.Itoa(ratings[j])
			if ratings[j] == 0 {
				value = "3"
			}
			input.Ratings = append(input.Ratings, components.Field{Name: field + row, Label: i18n.T(lang, "assessment."+field),
				Value: value, Options: scale, Error: errs[field+row]})
		}
		v.Activities = append(v.Activities, input)
	}
	if err != nil {
		v.Alert = formAlert(lang, err, nil)
	}
	s.renderStatus(w, r, status, pages.AssessmentForm(v))
}

// decodeAssessmentForm reads the form; rows left without a name are the
// blank ones and are skipped.
func decodeAssessmentForm(form url.Values) (bpo.AssessmentInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.AssessmentInput{Title: strings.TrimSpace(form.Get("title"))}
	if e := form.Get("evaluation"); e != "" {
		id, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			p.Add("evaluation", "error.field.choice")
		}
		in.EvaluationID = &id
	}
	for i := 0; form.Has("name_" + strconv.Itoa(i)); i++ {
		row := "_" + strconv.Itoa(i)
		name := strings.TrimSpace(form.Get("name" + row))
		if name == "" {
			continue
		}
		a := bpo.Activity{Name: name}
		for j, dst := range []*int{&a.CXInfluence, &a.Differentiation, &a.Risk, &a.Codifiability} {
			*dst = formIntOr(&p, form, bpo.RatingFields[j]+row, 0)
		}
		in.Activities = append(in.Activities, a)
	}
	return in, p
}

func (s *Server) createAssessment(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in, p := decodeAssessmentForm(form)
	var a *bpo.Assessment
	if err = p.Err(); err == nil {
		a, err = s.assessments.CreateAssessment(r.Context(), in)
	}
	s.assessmentDone(w, r, 0, 0, in, p, a, err)
}

func (s *Server) updateAssessment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "assessmentID")
	var form url.Values
	if err == nil {
		form, err = parseForm(r)
	}
	var version int
	if err == nil {
		version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in, p := decodeAssessmentForm(form)
	var a *bpo.Assessment
	if err = p.Err(); err == nil {
		a, err = s.assessments.UpdateAssessment(r.Context(), id, version, in)
	}
	s.assessmentDone(w, r, id, version, in, p, a, err)
}

// assessmentDone redirects to the saved assessment, or shows the form again
// with the problems (422) or the conflict (409).
func (s *Server) assessmentDone(w http.ResponseWriter, r *http.Request, id int64, version int, in bpo.AssessmentInput, p bpo.Problems, a *bpo.Assessment, err error) {
	switch code := bpo.ErrorCode(err); code {
	case "":
		s.sessions.Put(r.Context(), "flash", "assessment.saved")
		http.Redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), http.StatusSeeOther)
	case bpo.EINVALID:
		s.renderAssessmentForm(w, r, http.StatusUnprocessableEntity, id, version, in, mergeProblems(p, err).Err())
	case bpo.ECONFLICT:
		s.renderAssessmentForm(w, r, http.StatusConflict, id, version, in, err)
	default:
		s.Error(w, r, err)
	}
}
