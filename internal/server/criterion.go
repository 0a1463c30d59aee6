package server

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// criteriaScope is an evaluation and its criteria in tree order, as the
// criteria editor works on them.
type criteriaScope struct {
	evaluation *bpo.Evaluation
	criteria   []*bpo.Criterion
}

// loadCriteriaScope loads the evaluation in the path and its criteria. Only
// managers edit criteria; anyone else is refused before anything is read,
// so the refusal says nothing about what exists.
func (s *Server) loadCriteriaScope(r *http.Request) (*criteriaScope, error) {
	if !bpo.CanSetUp(bpo.UserFromContext(r.Context())) {
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden")
	}
	id, err := evaluationID(r)
	if err != nil {
		return nil, err
	}
	sc := &criteriaScope{}
	if sc.evaluation, err = s.evaluations.FindEvaluationByID(r.Context(), id); err != nil {
		return nil, err
	}
	if sc.criteria, err = s.criteria.FindCriteria(r.Context(), id); err != nil {
		return nil, err
	}
	return sc, nil
}

// criterion finds the criterion named in the path among the evaluation's;
// another evaluation's criterion is not found.
func (sc *criteriaScope) criterion(r *http.Request) (*bpo.Criterion, error) {
	id, err := pathID(r, "criterionID")
	if err != nil {
		return nil, err
	}
	if c := findCriterion(sc.criteria, id); c != nil {
		return c, nil
	}
	return nil, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
}

func findCriterion(criteria []*bpo.Criterion, id int64) *bpo.Criterion {
	for _, c := range criteria {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// criteriaPost loads the scope and the submitted form of a change.
func (s *Server) criteriaPost(w http.ResponseWriter, r *http.Request) (*criteriaScope, url.Values, bool) {
	sc, err := s.loadCriteriaScope(r)
	var form url.Values
	if err == nil {
		form, err = parseForm(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	return sc, form, true
}

func criteriaURL(evaluationID int64) string {
	return fmt.Sprintf("/evaluations/%d/criteria", evaluationID)
}

func criterionAnchor(id int64) string { return fmt.Sprintf("#criterion-%d", id) }

func (s *Server) showCriteriaPage(w http.ResponseWriter, r *http.Request) {
	sc, err := s.loadCriteriaScope(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := s.criteriaView(r, sc, nil, nil)
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.Criteria(view))
}

// saveWeights saves every weight of the editor at once: fields w_<id>, each
// with its criterion's version in v_<id>. All are saved or none.
func (s *Server) saveWeights(w http.ResponseWriter, r *http.Request) {
	sc, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	in, err := decodeWeights(s.lang(r), form, sc.criteria)
	if err == nil {
		if err = in.problems.Err(); err == nil {
			err = s.criteria.SetWeights(r.Context(), sc.evaluation.ID, in.changes)
		}
	}
	// The comparison's "use these weights" comes back to the comparison.
	next := criteriaURL(sc.evaluation.ID)
	if form.Has("next") {
		next = safeNext(form.Get("next"))
	}
	s.criteriaDone(w, r, sc.evaluation.ID, in, err, "criteria.weights_saved", next)
}

// criteriaDone finishes a change made from the editor: back to it with a
// notice, or the editor again with the refusal explained (422 or 409) and,
// for the weights, what the user typed.
func (s *Server) criteriaDone(w http.ResponseWriter, r *http.Request, evaluationID int64, in *weightsInput, err error, flash, next string) {
	code := bpo.ErrorCode(err)
	if code == "" {
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	// Reloaded, so that after a conflict the versions are the current ones
	// and saving again is a deliberate choice.
	sc, lerr := s.loadCriteriaScope(r)
	if lerr != nil {
		s.Error(w, r, lerr)
		return
	}
	s.renderStatus(w, r, statusOf(code), pages.Criteria(s.criteriaView(r, sc, in, err)))
}

// previewWeights shows what the weights typed would change, without saving
// anything: the shares of the total and, once scorecards are submitted, the
// ranking and the recommendation now and after. htmx gets the preview
// alone; a plain form post gets the whole editor with it.
func (s *Server) previewWeights(w http.ResponseWriter, r *http.Request) {
	if !bpo.CanSetUp(bpo.UserFromContext(r.Context())) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
		return
	}
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	d, err := s.loadEvaluation(r.Context(), id, forScoring)
	var in *weightsInput
	if err == nil && d.Evaluation.Status == bpo.StatusClosed {
		err = bpo.Errorf(bpo.EINVALID, "error.evaluation.closed")
	}
	if err == nil {
		in, err = decodeWeights(s.lang(r), form, d.Criteria)
	}
	htmx := r.Header.Get("HX-Request") == "true"
	if code := bpo.ErrorCode(err); htmx && (code == bpo.EINVALID || code == bpo.ECONFLICT) {
		// Shown in place of the preview: htmx swaps 409 and 422 answers.
		s.renderStatus(w, r, statusOf(code), pages.WeightsPreviewBlock(pages.WeightsPreview{Problems: []string{formAlert(s.lang(r), err, nil)}}))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	preview := weightsPreview(s.lang(r), d, in)
	status := http.StatusOK
	if len(in.problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	if htmx {
		s.renderStatus(w, r, status, pages.WeightsPreviewBlock(*preview))
		return
	}
	view := s.criteriaView(r, &criteriaScope{evaluation: d.Evaluation, criteria: d.Criteria}, in, in.problems.Err())
	view.Preview = preview
	s.renderStatus(w, r, status, pages.Criteria(view))
}

// errTreeChanged refuses weights for criteria that are no longer there.
var errTreeChanged = bpo.Errorf(bpo.ECONFLICT, "criteria.error.tree_changed")

// weightsInput is the weights form as typed.
type weightsInput struct {
	text     map[int64]string  // as typed; the stored weight for a criterion the form does not carry
	weight   map[int64]float64 // the weights that parse, stored or typed
	typed    map[int64]bool    // which criteria the form carries
	changes  []bpo.WeightChange
	problems bpo.Problems // by field w_<id>, or group_<id> (group_0 for the top level)
}

// decodeWeights reads the weights form. A weight must be a finite number of
// 0 or more, and the weights of every sibling group must not all be 0: the
// rules the scoring engine holds the tree to.
func decodeWeights(lang i18n.Lang, form url.Values, criteria []*bpo.Criterion) (*weightsInput, error) {
	for name := range form {
		idText, ok := strings.CutPrefix(name, "w_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return nil, errBadRequest
		}
		if findCriterion(criteria, id) == nil {
			return nil, errTreeChanged
		}
	}
	in := &weightsInput{text: map[int64]string{}, weight: map[int64]float64{}, typed: map[int64]bool{}}
	for _, c := range criteria {
		field := "w_" + strconv.FormatInt(c.ID, 10)
		if !form.Has(field) {
			in.text[c.ID], in.weight[c.ID] = inputNumber(lang, c.Weight), c.Weight
			continue
		}
		version, err := parseVersion(form.Get("v_" + strconv.FormatInt(c.ID, 10)))
		if err != nil {
			return nil, err
		}
		in.text[c.ID], in.typed[c.ID] = form.Get(field), true
		v, present, err := parseDecimal(form.Get(field))
		switch {
		case !present && err == nil:
			in.problems.Add(field, "error.field.required")
		case err != nil || v < 0 || v > 1e6:
			in.problems.Add(field, "error.criterion.weight")
		default:
			in.weight[c.ID] = v
			in.changes = append(in.changes, bpo.WeightChange{CriterionID: c.ID, Version: version, Weight: v})
		}
	}
	in.checkGroupSums(criteria)
	return in, nil
}

// checkGroupSums refuses a sibling group whose weights, all readable, sum to 0.
func (in *weightsInput) checkGroupSums(criteria []*bpo.Criterion) {
	sum, readable, order := map[int64]float64{}, map[int64]bool{}, []int64{}
	for _, c := range criteria {
		p := parentOf(c)
		if _, seen := readable[p]; !seen {
			readable[p] = true
			order = append(order, p)
		}
		w, ok := in.weight[c.ID]
		readable[p] = readable[p] && ok
		sum[p] += w
	}
	for _, p := range order {
		if readable[p] && sum[p] <= 0 {
			key := "criteria.error.group_zero"
			if p == 0 {
				key = "criteria.error.top_zero"
			}
			in.problems.Add("group_"+strconv.FormatInt(p, 10), key)
		}
	}
}

// parentOf is a criterion's parent id, 0 at the top level.
func parentOf(c *bpo.Criterion) int64 {
	if c.ParentID == nil {
		return 0
	}
	return *c.ParentID
}

// weightShares computes every criterion's share of its sibling group and of
// the total score from weight (by id). A share is NaN where a sibling's
// weight is unreadable or the group's weights sum to 0.
func weightShares(criteria []*bpo.Criterion, weight map[int64]float64) (share, effective map[int64]float64) {
	sum := map[int64]float64{}
	for _, c := range criteria {
		w, ok := weight[c.ID]
		if !ok {
			w = math.NaN()
		}
		sum[parentOf(c)] += w
	}
	share, effective = map[int64]float64{}, map[int64]float64{0: 1}
	for _, c := range criteria { // tree order: a parent comes before its children
		p := parentOf(c)
		sh := math.NaN()
		if w, ok := weight[c.ID]; ok && sum[p] > 0 {
			sh = w / sum[p]
		}
		share[c.ID], effective[c.ID] = sh, effective[p]*sh
	}
	return share, effective
}

// percentText formats a share, "—" when it cannot be computed.
func percentText(lang i18n.Lang, share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "—"
	}
	return i18n.Percent(lang, share, 1)
}

// criteriaView is the editor for sc. in holds the weights typed (nil shows
// the stored ones); err is the refusal to explain, if any.
func (s *Server) criteriaView(r *http.Request, sc *criteriaScope, in *weightsInput, err error) pages.CriteriaView {
	lang := s.lang(r)
	e := sc.evaluation
	view := pages.CriteriaView{
		EvaluationID: e.ID, EvaluationTitle: e.Title, Status: string(e.Status),
		Decimal:       strings.Trim(i18n.Number(lang, 0.5, 1), "05"),
		PercentSuffix: strings.TrimPrefix(i18n.Percent(lang, 0, 0), "0"),
	}
	if err != nil {
		view.Alert = tr(lang, bpo.ErrorMessage(err))
		if bpo.ErrorCode(err) == bpo.ECONFLICT && in != nil {
			view.Alert = i18n.T(lang, "criteria.weights_conflict")
		}
	}
	errs := s.fieldErrors(r, err)
	view.TopError = errs["group_0"]
	view.Rows = criteriaRows(lang, sc.criteria, in, errs, bpo.ErrorCode(err) == bpo.ECONFLICT)
	return view
}

// criteriaRows lays the tree out as the editor's rows: each criterion with
// its weight and shares, and after the last criterion of each group a row
// to add one more to it.
func criteriaRows(lang i18n.Lang, criteria []*bpo.Criterion, in *weightsInput, errs map[string]string, conflict bool) []pages.CriteriaRow {
	weight := map[int64]float64{}
	for _, c := range criteria {
		weight[c.ID] = c.Weight
		if in != nil && in.typed[c.ID] {
			// A weight typed that does not parse has no share to show.
			delete(weight, c.ID)
			if w, ok := in.weight[c.ID]; ok {
				weight[c.ID] = w
			}
		}
	}
	share, effective := weightShares(criteria, weight)
	depth, children, siblings := treeShape(criteria)
	var rows []pages.CriteriaRow
	var open []*bpo.Criterion // the groups whose add row is still to come, innermost last
	closeGroups := func(level int) {
		for len(open) > 0 && depth[open[len(open)-1].ID] >= level {
			g := open[len(open)-1]
			open = open[:len(open)-1]
			rows = append(rows, pages.CriteriaRow{Add: true, ParentID: g.ID, Depth: depth[g.ID] + 1, AddTo: g.Name(string(lang))})
		}
	}
	for _, c := range criteria {
		closeGroups(depth[c.ID])
		id := strconv.FormatInt(c.ID, 10)
		sibs := siblings[parentOf(c)]
		row := pages.CriteriaRow{
			ID: c.ID, ParentID: parentOf(c), Depth: depth[c.ID], Key: c.Key, NameEN: c.NameEN, NameFR: c.NameFR,
			Kind: string(c.Kind), Weight: inputNumber(lang, c.Weight), Version: c.Version,
			Share: percentText(lang, share[c.ID]), Effective: percentText(lang, effective[c.ID]),
			Thresholds:  criterionThresholds(lang, c),
			WeightError: errs["w_"+id], GroupError: errs["group_"+id], Children: children[c.ID],
			First: sibs[0] == c.ID, Last: sibs[len(sibs)-1] == c.ID,
		}
		if in != nil && in.typed[c.ID] {
			row.Weight = in.text[c.ID]
			if w, ok := in.weight[c.ID]; conflict && (!ok || w != c.Weight) {
				row.Stored = i18n.Number(lang, c.Weight, -1)
			}
		}
		rows = append(rows, row)
		if c.Kind == bpo.KindGroup {
			open = append(open, c)
		}
	}
	closeGroups(0)
	return rows
}

// treeShape gives each criterion's depth, each group's number of criteria
// (at every level below it), and each parent's children in order.
func treeShape(criteria []*bpo.Criterion) (depth map[int64]int, children map[int64]int, siblings map[int64][]int64) {
	depth, children, siblings = map[int64]int{0: -1}, map[int64]int{}, map[int64][]int64{}
	byID := map[int64]*bpo.Criterion{}
	for _, c := range criteria {
		byID[c.ID] = c
		depth[c.ID] = depth[parentOf(c)] + 1
		siblings[parentOf(c)] = append(siblings[parentOf(c)], c.ID)
		for p := c.ParentID; p != nil && byID[*p] != nil; p = byID[*p].ParentID {
			children[*p]++
		}
	}
	return depth, children, siblings
}

// criterionThresholds sums up a criterion's unit, direction, anchors and
// knock-outs.
func criterionThresholds(lang i18n.Lang, c *bpo.Criterion) string {
	t := thresholds(lang, c)
	if c.Kind == bpo.KindMeasured && c.Unit != "" {
		return c.Unit + " · " + t
	}
	return t
}

// weightsPreview compares the weights in force with the ones typed: which
// shares of the total change and, for an evaluation being scored, how the
// ranking and the recommendation from the submitted scorecards would move.
func weightsPreview(lang i18n.Lang, d *evaluationData, in *weightsInput) *pages.WeightsPreview {
	p := &pages.WeightsPreview{Audited: d.Evaluation.Status == bpo.StatusOpen}
	if len(in.problems) > 0 {
		p.Problems = previewProblems(lang, d.Criteria, in.problems)
		return p
	}
	stored := map[int64]float64{}
	for _, c := range d.Criteria {
		stored[c.ID] = c.Weight
	}
	_, now := weightShares(d.Criteria, stored)
	_, after := weightShares(d.Criteria, in.weight)
	for _, c := range d.Criteria {
		if a, b := percentText(lang, now[c.ID]), percentText(lang, after[c.ID]); a != b {
			p.Shares = append(p.Shares, pages.ShareChange{Name: c.Name(string(lang)), Now: a, After: b})
		}
	}
	switch {
	case d.Evaluation.Status == bpo.StatusDraft:
		p.Note = i18n.T(lang, "criteria.preview.draft")
	case len(d.Ratings) == 0:
		p.Note = i18n.T(lang, "criteria.preview.no_ratings")
	default:
		rankingPreview(lang, p, d, in.weight)
	}
	return p
}

// previewProblems phrases the problems of the weights typed, each naming
// its criterion or group.
func previewProblems(lang i18n.Lang, criteria []*bpo.Criterion, problems bpo.Problems) []string {
	var out []string
	for _, fe := range problems {
		msg := tr(lang, fe.Message)
		_, idText, _ := strings.Cut(fe.Field, "_")
		id, _ := strconv.ParseInt(idText, 10, 64)
		if c := findCriterion(criteria, id); c != nil {
			msg = c.Name(string(lang)) + i18n.T(lang, "criteria.colon") + msg
		}
		out = append(out, msg)
	}
	return out
}

// rankingPreview scores the evaluation with the weights in force and with
// weight, and sets the ranking, the leader and the recommendations.
func rankingPreview(lang i18n.Lang, p *pages.WeightsPreview, d *evaluationData, weight map[int64]float64) {
	now, err := scoring.Evaluate(scoringModel(d, string(lang)))
	var after *scoring.Result
	if err == nil {
		changed := *d
		changed.Criteria = withWeights(d.Criteria, weight)
		after, err = scoring.Evaluate(scoringModel(&changed, string(lang)))
	}
	if err != nil {
		p.Note = tr(lang, bpo.ErrorMessage(scoringError(err)))
		return
	}
	for _, v := range after.Vendors {
		row := pages.PreviewRow{Vendor: v.Name, RankAfter: v.Rank, ScoreAfter: i18n.Number(lang, v.Score, 1), Eligible: v.Eligible}
		if old := now.Vendor(v.Key); old != nil {
			row.RankNow, row.ScoreNow = old.Rank, i18n.Number(lang, old.Score, 1)
		}
		p.Ranking = append(p.Ranking, row)
	}
	was, will := leader(now), leader(after)
	switch {
	case will == nil:
		p.Leader, p.LeaderChanged = i18n.T(lang, "criteria.preview.no_eligible"), was != nil
	case was == nil:
		p.Leader, p.LeaderChanged = i18n.T(lang, "criteria.preview.would_lead", will.Name), true
	case was.Key != will.Key:
		p.Leader, p.LeaderChanged = i18n.T(lang, "criteria.preview.new_leader", will.Name, was.Name), true
	default:
		p.Leader = i18n.T(lang, "criteria.preview.same_leader", will.Name)
	}
	p.Now, p.After = recommendationView(lang, now.Recommendation), recommendationView(lang, after.Recommendation)
}

// withWeights copies criteria with the weights in weight.
func withWeights(criteria []*bpo.Criterion, weight map[int64]float64) []*bpo.Criterion {
	out := make([]*bpo.Criterion, len(criteria))
	for i, c := range criteria {
		cc := *c
		if w, ok := weight[c.ID]; ok {
			cc.Weight = w
		}
		out[i] = &cc
	}
	return out
}

// leader is the best-ranked eligible vendor, or nil.
func leader(res *scoring.Result) *scoring.VendorResult {
	for i := range res.Vendors {
		if res.Vendors[i].Eligible {
			return &res.Vendors[i]
		}
	}
	return nil
}

func recommendationView(lang i18n.Lang, rec scoring.Recommendation) *pages.RecommendationView {
	v := &pages.RecommendationView{Decision: string(rec.Decision), Title: explain.Decision(lang, rec.Decision)}
	for _, reason := range rec.Reasons {
		v.Reasons = append(v.Reasons, explain.Reason(lang, reason))
	}
	return v
}

// criterionForm is what a criterion form is about: the criterion edited, or
// the group (nil: the top level) and kind of the one being added.
type criterionForm struct {
	current *bpo.Criterion
	parent  *bpo.Criterion
	kind    bpo.CriterionKind
}

// newCriterionForm reads where a new criterion goes and its kind: parent is
// the id of a group of the evaluation, or empty for the top level.
func (sc *criteriaScope) newCriterionForm(parent, kind string) (criterionForm, error) {
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
		f.parent = findCriterion(sc.criteria, id)
	}
	if f.parent == nil || f.parent.Kind != bpo.KindGroup {
		return f, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
	}
	return f, nil
}

// editCriterionForm is the form editing c.
func (sc *criteriaScope) editCriterionForm(c *bpo.Criterion) criterionForm {
	f := criterionForm{current: c, kind: c.Kind}
	if c.ParentID != nil {
		f.parent = findCriterion(sc.criteria, *c.ParentID)
	}
	return f
}

func (s *Server) showNewCriterionPage(w http.ResponseWriter, r *http.Request) {
	sc, err := s.loadCriteriaScope(r)
	var f criterionForm
	if err == nil {
		f, err = sc.newCriterionForm(r.URL.Query().Get("parent"), r.URL.Query().Get("kind"))
	}
	if err == nil && sc.evaluation.Status != bpo.StatusDraft {
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
	s.render(w, r, pages.CriterionForm(s.criterionFormView(r, sc, f, form, nil)))
}

func (s *Server) createCriterion(w http.ResponseWriter, r *http.Request) {
	sc, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	f, err := sc.newCriterionForm(form.Get("parent"), form.Get("kind"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in, problems := decodeCriterionForm(form, f, sc.evaluation)
	var c *bpo.Criterion
	if err = problems.Err(); err == nil {
		c, err = s.criteria.CreateCriterion(r.Context(), sc.evaluation.ID, in)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "criteria.created")
		http.Redirect(w, r, criteriaURL(sc.evaluation.ID)+criterionAnchor(c.ID), http.StatusSeeOther)
	case bpo.EINVALID:
		s.renderStatus(w, r, http.StatusUnprocessableEntity,
			pages.CriterionForm(s.criterionFormView(r, sc, f, form, err)))
	default:
		s.Error(w, r, err)
	}
}

func (s *Server) showEditCriterionPage(w http.ResponseWriter, r *http.Request) {
	sc, err := s.loadCriteriaScope(r)
	var c *bpo.Criterion
	if err == nil {
		c, err = sc.criterion(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form := criterionFormText(s.lang(r), c)
	s.render(w, r, pages.CriterionForm(s.criterionFormView(r, sc, sc.editCriterionForm(c), form, nil)))
}

func (s *Server) updateCriterion(w http.ResponseWriter, r *http.Request) {
	sc, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	c, err := sc.criterion(r)
	var version int
	if err == nil {
		version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := sc.editCriterionForm(c)
	in, problems := decodeCriterionForm(form, f, sc.evaluation)
	if err = problems.Err(); err == nil {
		_, err = s.criteria.UpdateCriterion(r.Context(), c.ID, version, in)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "criteria.saved")
		http.Redirect(w, r, criteriaURL(sc.evaluation.ID)+criterionAnchor(c.ID), http.StatusSeeOther)
	case bpo.EINVALID:
		view := s.criterionFormView(r, sc, f, form, err)
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
	sc, err := s.loadCriteriaScope(r)
	var current *bpo.Criterion
	if err == nil {
		if current = findCriterion(sc.criteria, id); current == nil {
			err = bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
		}
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view := s.criterionFormView(r, sc, sc.editCriterionForm(current), form, nil)
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

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *Server) removeCriterion(w http.ResponseWriter, r *http.Request) {
	sc, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	c, err := sc.criterion(r)
	var version int
	if err == nil {
		version, err = formVersion(form)
	}
	if err == nil {
		err = s.criteria.RemoveCriterion(r.Context(), c.ID, version)
	}
	s.criteriaDone(w, r, sc.evaluation.ID, nil, err, "criteria.removed", criteriaURL(sc.evaluation.ID))
}

// moveCriterion moves a criterion one place up (delta -1) or down (delta 1)
// among its siblings.
func (s *Server) moveCriterion(w http.ResponseWriter, r *http.Request) {
	sc, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	c, err := sc.criterion(r)
	delta := 0
	if err == nil {
		switch form.Get("delta") {
		case "-1":
			delta = -1
		case "1":
			delta = 1
		default:
			err = errBadRequest
		}
	}
	if err == nil {
		err = s.criteria.MoveCriterion(r.Context(), c.ID, delta)
	}
	anchor := ""
	if c != nil {
		anchor = criterionAnchor(c.ID)
	}
	s.criteriaDone(w, r, sc.evaluation.ID, nil, err, "criteria.moved", criteriaURL(sc.evaluation.ID)+anchor)
}

// decodeCriterionForm reads the criterion form; malformed numbers are field
// problems, reported together with the domain's validation. What the form
// does not send once scoring has started (key, unit, direction) keeps its
// stored value; what it sends is checked by the service.
func decodeCriterionForm(form url.Values, f criterionForm, e *bpo.Evaluation) (bpo.CriterionInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.CriterionInput{
		Kind:       f.kind,
		Key:        strings.TrimSpace(form.Get("key")),
		NameEN:     strings.TrimSpace(form.Get("name_en")),
		NameFR:     strings.TrimSpace(form.Get("name_fr")),
		GuidanceEN: strings.TrimSpace(form.Get("guidance_en")),
		GuidanceFR: strings.TrimSpace(form.Get("guidance_fr")),
		Weight:     formFloat(&p, form, "weight"),
	}
	if f.parent != nil {
		id := f.parent.ID
		in.ParentID = &id
	}
	switch f.kind {
	case bpo.KindRated:
		in.MinRating = formOptionalFloat(&p, form, "min_rating")
	case bpo.KindMeasured:
		in.Unit, in.Better = strings.TrimSpace(form.Get("unit")), form.Get("better")
		in.Best = formOptionalFloat(&p, form, "best")
		in.Worst = formOptionalFloat(&p, form, "worst")
		in.Limit = formOptionalFloat(&p, form, "limit")
	}
	if c := f.current; c != nil {
		if !form.Has("key") {
			in.Key = c.Key
		}
		if !form.Has("unit") {
			in.Unit = c.Unit
		}
		if !form.Has("better") {
			in.Better = c.Better
		}
	}
	if err := in.Validate(e.ScaleMin, e.ScaleMax); err != nil {
		p = mergeProblems(p, err)
	}
	return in, p
}

// formOptionalFloat reads an optional decimal number.
func formOptionalFloat(p *bpo.Problems, form url.Values, field string) *float64 {
	v, present, err := parseDecimal(form.Get(field))
	if err != nil {
		p.Add(field, bpo.ErrorMessage(err).Key)
		return nil
	}
	if !present {
		return nil
	}
	return &v
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

func (s *Server) criterionFormView(r *http.Request, sc *criteriaScope, f criterionForm, form url.Values, err error) pages.CriterionFormView {
	lang := s.lang(r)
	e := sc.evaluation
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
	fs.Key.Required, fs.Key.Max, fs.Key.Help = true, 63, i18n.T(lang, "criteria.key_help")
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
