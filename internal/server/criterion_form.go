package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// criterionForm is what a criterion form is about: the criterion edited, or
// the group (nil: the top level) and kind of the one being added.
type criterionForm struct {
	current *bpo.Criterion
	parent  *bpo.Criterion
	kind    bpo.CriterionKind
}

// newCriterionForm reads where a new criterion goes and its kind: parent is
// the id of a group of the evaluation, or empty for the top level.
func newCriterionForm(d *bpo.EvaluationDetail, parent, kind string) (criterionForm, error) {
	f := criterionForm{kind: bpo.CriterionKind(kind)}
	switch f.kind {
	case bpo.KindGroup, bpo.KindRated, bpo.KindMeasured:
	default:
		return f, errBadRequest
	}
	if parent == "" {
		return f, nil
	}
	id, err := strconv.ParseInt(parent, 10, 64)
	if err == nil {
		f.parent = d.Criterion(id)
	}
	if f.parent == nil || f.parent.Kind != bpo.KindGroup {
		return f, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
	}
	return f, nil
}

// editCriterionForm is the form editing c.
func editCriterionForm(d *bpo.EvaluationDetail, c *bpo.Criterion) criterionForm {
	return criterionForm{current: c, kind: c.Kind, parent: d.Tree().Parent(c)}
}

func (s *Server) showNewCriterionPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadCriteria(r)
	var f criterionForm
	if err == nil {
		f, err = newCriterionForm(d, r.URL.Query().Get("parent"), r.URL.Query().Get("kind"))
	}
	if err == nil && d.Evaluation.Status != bpo.StatusDraft {
		err = bpo.Errorf(bpo.EINVALID, "error.criterion.frozen")
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form := url.Values{}
	if f.kind == bpo.KindMeasured {
		form.Set("better", "lower")
	}
	s.render(w, r, pages.CriterionForm(s.criterionFormView(r, d, f, form, nil)))
}

func (s *Server) createCriterion(w http.ResponseWriter, r *http.Request) {
	d, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	f, err := newCriterionForm(d, form.Get("parent"), form.Get("kind"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in, problems := decodeCriterionForm(s.lang(r), form, f, d.Evaluation)
	var c *bpo.Criterion
	if err = problems.Err(); err == nil {
		c, err = s.criteria.CreateCriterion(r.Context(), d.Evaluation.ID, in)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "criteria.created")
		http.Redirect(w, r, criteriaURL(d.Evaluation.ID)+criterionAnchor(c.ID), http.StatusSeeOther)
	case bpo.EINVALID:
		s.renderStatus(w, r, http.StatusUnprocessableEntity,
			pages.CriterionForm(s.criterionFormView(r, d, f, form, err)))
	default:
		s.Error(w, r, err)
	}
}

func (s *Server) showEditCriterionPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadCriteria(r)
	var c *bpo.Criterion
	if err == nil {
		c, err = pathCriterion(r, d)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form := criterionFormText(s.lang(r), c)
	s.render(w, r, pages.CriterionForm(s.criterionFormView(r, d, editCriterionForm(d, c), form, nil)))
}

func (s *Server) updateCriterion(w http.ResponseWriter, r *http.Request) {
	d, c, form, ok := s.criterionPost(w, r)
	if !ok {
		return
	}
	version, err := formVersion(form)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := editCriterionForm(d, c)
	in, problems := decodeCriterionForm(s.lang(r), form, f, d.Evaluation)
	if err = problems.Err(); err == nil {
		_, err = s.criteria.UpdateCriterion(r.Context(), c.ID, version, in)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "criteria.saved")
		http.Redirect(w, r, criteriaURL(d.Evaluation.ID)+criterionAnchor(c.ID), http.StatusSeeOther)
	case bpo.EINVALID:
		view := s.criterionFormView(r, d, f, form, err)
		view.Version = version
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.CriterionForm(view))
	case bpo.ECONFLICT:
		s.showCriterionConflict(w, r, form, c.ID)
	default:
		s.Error(w, r, err)
	}
}

// showCriterionConflict answers a stale edit with 409: the form keeps what
// the user typed, shows what is stored now, and carries the current
// version, so that saving again is a deliberate choice.
func (s *Server) showCriterionConflict(w http.ResponseWriter, r *http.Request, form url.Values, id int64) {
	d, err := s.loadCriteria(r)
	var current *bpo.Criterion
	if err == nil {
		if current = d.Criterion(id); current == nil {
			err = bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
		}
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view := s.criterionFormView(r, d, editCriterionForm(d, current), form, nil)
	stored := criterionFormText(lang, current)
	for _, f := range criterionFields(view.Fields, current.Kind, true) {
		theirs, yours := strings.TrimSpace(stored.Get(f.Name)), strings.TrimSpace(form.Get(f.Name))
		if form.Has(f.Name) && theirs != yours {
			view.Conflict = append(view.Conflict, pages.ConflictRow{Label: f.Label, Theirs: orDash(theirs), Yours: orDash(yours)})
		}
	}
	if len(view.Conflict) == 0 {
		view.Alert = i18n.T(lang, "error.criterion.stale")
	}
	s.renderStatus(w, r, http.StatusConflict, pages.CriterionForm(view))
}

func (s *Server) removeCriterion(w http.ResponseWriter, r *http.Request) {
	d, c, form, ok := s.criterionPost(w, r)
	if !ok {
		return
	}
	version, err := formVersion(form)
	if err == nil {
		err = s.criteria.RemoveCriterion(r.Context(), c.ID, version)
	}
	s.criteriaDone(w, r, d.Evaluation.ID, nil, err, "criteria.removed", criteriaURL(d.Evaluation.ID))
}

// moveCriterion moves a criterion one place up (delta -1) or down (delta 1)
// among its siblings.
func (s *Server) moveCriterion(w http.ResponseWriter, r *http.Request) {
	d, c, form, ok := s.criterionPost(w, r)
	if !ok {
		return
	}
	var err error
	delta := 0
	switch form.Get("delta") {
	case "-1":
		delta = -1
	case "1":
		delta = 1
	default:
		err = errBadRequest
	}
	if err == nil {
		err = s.criteria.MoveCriterion(r.Context(), c.ID, delta)
	}
	s.criteriaDone(w, r, d.Evaluation.ID, nil, err, "criteria.moved", criteriaURL(d.Evaluation.ID)+criterionAnchor(c.ID))
}

// criterionFormText is the form's text for a stored criterion.
func criterionFormText(lang i18n.Lang, c *bpo.Criterion) url.Values {
	v := url.Values{
		"key": {c.Key}, "name_en": {c.NameEN}, "name_fr": {c.NameFR},
		"guidance_en": {c.GuidanceEN}, "guidance_fr": {c.GuidanceFR},
		"weight": {inputNumber(lang, c.Weight)}, "unit": {c.Unit}, "better": {c.Better},
	}
	for field, x := range map[string]*float64{"min_rating": c.MinRating, "best": c.Best, "worst": c.Worst, "limit": c.Limit} {
		if x != nil {
			v.Set(field, inputNumber(lang, *x))
		}
	}
	return v
}

func (s *Server) criterionFormView(r *http.Request, d *bpo.EvaluationDetail, f criterionForm, form url.Values, err error) pages.CriterionFormView {
	lang := s.lang(r)
	e := d.Evaluation
	errs := s.fieldErrors(r, err)
	field := func(name, labelKey string) components.Field {
		return components.Field{Name: name, Label: i18n.T(lang, labelKey), Value: form.Get(name), Error: errs[name]}
	}
	fs := pages.CriterionFields{
		Key: field("key", "criteria.key"), NameEN: field("name_en", "criteria.name_en"), NameFR: field("name_fr", "criteria.name_fr"),
		GuidanceEN: field("guidance_en", "criteria.guidance_en"), GuidanceFR: field("guidance_fr", "criteria.guidance_fr"),
		Weight: field("weight", "criterion.weight"), MinRating: field("min_rating", "criteria.min_rating"),
		Unit: field("unit", "criteria.unit"), Better: field("better", "criteria.better"),
		Best: field("best", "criteria.best"), Worst: field("worst", "criteria.worst"), Limit: field("limit", "criteria.limit"),
	}
	fs.Key.Max, fs.Key.Help = 63, i18n.T(lang, "criteria.key_help")
	fs.NameEN.Required, fs.NameEN.Max, fs.NameFR.Required, fs.NameFR.Max = true, 200, true, 200
	fs.GuidanceEN.Max, fs.GuidanceFR.Max = 2000, 2000
	fs.Weight.Required, fs.Weight.Help = true, i18n.T(lang, "criteria.weight_help")
	fs.MinRating.Help = i18n.T(lang, "criteria.min_rating_help", e.ScaleMin, e.ScaleMax)
	fs.Unit.Max, fs.Unit.Help = 20, i18n.T(lang, "criteria.unit_help")
	fs.Better.Required = true
	fs.Better.Options = []components.Option{
		{Value: "lower", Label: i18n.T(lang, "criterion.better.lower")},
		{Value: "higher", Label: i18n.T(lang, "criterion.better.higher")},
	}
	fs.Best.Help, fs.Limit.Help = i18n.T(lang, "criteria.anchors_help"), i18n.T(lang, "criteria.limit_help")
	view := pages.CriterionFormView{
		EvaluationID: e.ID, EvaluationTitle: e.Title, Kind: string(f.kind),
		Draft: e.Status == bpo.StatusDraft, Fields: fs,
	}
	if f.parent != nil {
		view.ParentID, view.ParentName = f.parent.ID, f.parent.Name(string(lang))
	}
	if c := f.current; c != nil {
		view.ID, view.Name, view.Version = c.ID, c.Name(string(lang)), c.Version
		if !view.Draft {
			view.Frozen = frozenFields(lang, c)
		}
	}
	if err != nil {
		view.Alert = formAlert(lang, err, criterionFields(fs, f.kind, view.Draft))
	}
	return view
}

// criterionFields are the fields a criterion form shows for kind.
func criterionFields(fs pages.CriterionFields, kind bpo.CriterionKind, draft bool) []components.Field {
	out := []components.Field{fs.NameEN, fs.NameFR, fs.Weight, fs.GuidanceEN, fs.GuidanceFR}
	if draft {
		out = append(out, fs.Key)
	}
	switch kind {
	case bpo.KindRated:
		out = append(out, fs.MinRating)
	case bpo.KindMeasured:
		out = append(out, fs.Best, fs.Worst, fs.Limit)
		if draft {
			out = append(out, fs.Unit, fs.Better)
		}
	}
	return out
}

// frozenFields shows what no longer changes once scoring has started.
func frozenFields(lang i18n.Lang, c *bpo.Criterion) []pages.DetailRow {
	rows := []pages.DetailRow{{Label: i18n.T(lang, "criteria.key"), Value: c.Key}}
	if c.Kind == bpo.KindMeasured {
		rows = append(rows,
			pages.DetailRow{Label: i18n.T(lang, "criteria.unit"), Value: orDash(c.Unit)},
			pages.DetailRow{Label: i18n.T(lang, "criteria.better"), Value: i18n.T(lang, "criterion.better."+c.Better)})
	}
	return rows
}
