package server

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/pages"
)

// scorecardScope is one evaluator's scorecard for one vendor together with
// what its page is built from. It only ever holds the ratings of that one
// evaluator: an evaluator's page never loads anyone else's.
type scorecardScope struct {
	evaluation *bpo.Evaluation
	vendor     *bpo.Participant
	evaluator  *bpo.Assignment
	criteria   []*bpo.Criterion // tree order
	card       *bpo.Scorecard
}

// own reports whether the scorecard is the signed-in user's.
func (sc *scorecardScope) own(r *http.Request) bool {
	u := bpo.UserFromContext(r.Context())
	return u != nil && sc.evaluator.UserID == u.ID
}

// scoringBarrier is why the signed-in user may not rate on sc, or nil when
// they may. The service enforces the same rules; checking them here lets
// the pages explain the refusal before anyone types anything.
func (sc *scorecardScope) scoringBarrier(r *http.Request) error {
	switch {
	case !sc.own(r):
		return bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden")
	case sc.evaluator.COIDeclaredAt == nil:
		return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.declaration_required")
	case sc.evaluator.HasConflict(sc.vendor.VendorID):
		return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.conflict")
	case sc.vendor.Stage == bpo.StageRejected:
		return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.vendor_rejected")
	}
	return nil
}

// scorecardOwner is whose scorecard the request is about: the caller's own,
// or, for a manager, the evaluator named by ?evaluator=ID. An evaluator
// naming someone else is refused before anything is loaded.
func scorecardOwner(r *http.Request) (int64, error) {
	u := bpo.UserFromContext(r.Context())
	q := r.URL.Query().Get("evaluator")
	if q == "" {
		if bpo.IsManager(u) {
			// Managers do not score, so they have no scorecard of their own.
			return 0, bpo.Errorf(bpo.ENOTFOUND, "error.not_found")
		}
		return u.ID, nil
	}
	id, err := strconv.ParseInt(q, 10, 64)
	if err != nil || id <= 0 {
		return 0, bpo.Errorf(bpo.ENOTFOUND, "error.not_found")
	}
	if id != u.ID && !bpo.CanSeeOthersRatings(u) {
		return 0, bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.not_yours")
	}
	return id, nil
}

// loadScorecard loads evaluatorID's scorecard for the vendor named by the
// request's path. ENOTFOUND when the vendor does not take part or the
// evaluator is not assigned.
func (s *Server) loadScorecard(r *http.Request, evaluatorID int64) (*scorecardScope, error) {
	evaluationID, vendorID, err := scorecardPath(r)
	if err != nil {
		return nil, err
	}
	d, err := s.scorecards.FindScorecardDetail(r.Context(), evaluationID, vendorID, evaluatorID)
	if err != nil {
		return nil, err
	}
	return scopeOf(d), nil
}

// scorecardPath reads the evaluation and vendor of a scorecard's path.
func scorecardPath(r *http.Request) (int64, int64, error) {
	eid, err := evaluationID(r)
	if err != nil {
		return 0, 0, err
	}
	vid, err := pathID(r, "vendorID")
	return eid, vid, err
}

func scopeOf(d *bpo.ScorecardDetail) *scorecardScope {
	return &scorecardScope{evaluation: d.Evaluation, vendor: d.Vendor, evaluator: d.Evaluator,
		criteria: d.Criteria, card: d.Scorecard}
}

func findParticipant(parts []*bpo.Participant, vendorID int64) *bpo.Participant {
	for _, p := range parts {
		if p.VendorID == vendorID {
			return p
		}
	}
	return nil
}

func findAssignment(assignments []*bpo.Assignment, userID int64) *bpo.Assignment {
	for _, a := range assignments {
		if a.UserID == userID {
			return a
		}
	}
	return nil
}

// conflictsURL is the declaration page, coming back to next afterwards.
func conflictsURL(evaluationID int64, next string) string {
	return fmt.Sprintf("/evaluations/%d/conflicts?next=%s", evaluationID, url.QueryEscape(next))
}

func scorecardURL(evaluationID, vendorID int64) string {
	return fmt.Sprintf("/evaluations/%d/scorecards/%d", evaluationID, vendorID)
}

// showScorecard shows the caller's scorecard for a vendor, or, to a
// manager, any evaluator's, read-only. An evaluator who has not declared
// their conflicts of interest is sent to do so first.
func (s *Server) showScorecard(w http.ResponseWriter, r *http.Request) {
	evaluatorID, err := scorecardOwner(r)
	var sc *scorecardScope
	if err == nil {
		sc, err = s.loadScorecard(r, evaluatorID)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if sc.own(r) {
		if sc.evaluator.COIDeclaredAt == nil {
			http.Redirect(w, r, conflictsURL(sc.evaluation.ID, r.URL.Path), http.StatusSeeOther)
			return
		}
		if err := sc.scoringBarrier(r); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	view := s.scorecardView(r, sc)
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.Scorecard(view))
}

// ownScorecardForm loads the caller's own scorecard and the submitted form
// for a change to it, refusing anyone who may not rate it.
func (s *Server) ownScorecardForm(w http.ResponseWriter, r *http.Request) (*scorecardScope, url.Values, bool) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	// Always the caller's own: changes never go to someone else's scorecard.
	sc, err := s.loadScorecard(r, bpo.UserFromContext(r.Context()).ID)
	if err == nil {
		err = sc.scoringBarrier(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	return sc, form, true
}

// saveRating autosaves one criterion's rating and answers with the
// criterion's form showing the outcome (saved 200, invalid 422, stale 409),
// plus the running summary and the scorecard's version out of band. The
// save and the scorecard after it are read in one round trip.
func (s *Server) saveRating(w http.ResponseWriter, r *http.Request) {
	evaluationID, vendorID, err := scorecardPath(r)
	var form url.Values
	if err == nil {
		form, err = parseForm(r)
	}
	var (
		in       bpo.RatingInput
		problems bpo.Problems
	)
	if err == nil {
		in, problems, err = decodeRating(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var (
		saved   *bpo.Rating
		d       *bpo.ScorecardDetail
		saveErr = problems.Err()
	)
	if saveErr == nil {
		saved, d, saveErr = s.scorecards.AutosaveRating(r.Context(), evaluationID, vendorID, in)
	} else if d, err = s.scorecards.FindScorecardDetail(r.Context(), evaluationID, vendorID, 0); err != nil {
		s.Error(w, r, err)
		return
	}
	if d == nil {
		s.Error(w, r, saveErr)
		return
	}
	sc := scopeOf(d)
	c := findCriterion(sc.criteria, in.CriterionID)
	if c == nil || c.Kind != bpo.KindRated {
		s.Error(w, r, errBadRequest) // the page never sends one
		return
	}
	code := bpo.ErrorCode(saveErr)
	if code != "" && code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, saveErr)
		return
	}
	lang := s.lang(r)
	score := scoreScorecard(lang, sc)
	b := ratingBlock(lang, sc, c, score.weights, false)
	b.Value, b.Justification = ratingText(in.Value), in.Justification
	status := http.StatusOK
	switch code {
	case "":
		b.State, b.Version = "saved", saved.Version
	case bpo.EINVALID:
		b.State, b.Version, b.Message = "invalid", in.Version, s.ratingProblem(r, saveErr)
		status = http.StatusUnprocessableEntity
	case bpo.ECONFLICT:
		// b carries the stored rating's version: the next change is a
		// deliberate save over what the message shows.
		b.State, b.Stored = "conflict", storedRating(lang, sc.evaluation, sc.card.Ratings[c.ID])
		status = http.StatusConflict
	}
	s.renderStatus(w, r, status, pages.RatingSaved(b, score.summary, sc.card.Version))
}

// ratingProblem phrases a refused autosave: what is wrong with the value or
// the justification, without the form-wide "check the fields" lead-in, as
// the message sits next to the criterion concerned.
func (s *Server) ratingProblem(r *http.Request, err error) string {
	errs := s.fieldErrors(r, err)
	var parts []string
	for _, field := range []string{"value", "justification"} {
		if m := errs[field]; m != "" {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return formAlert(s.lang(r), err, nil)
	}
	return strings.Join(parts, " ")
}

// decodeRating reads an autosave. Whether the criterion is a rated
// criterion of the evaluation is the save's to check.
func decodeRating(form url.Values) (bpo.RatingInput, bpo.Problems, error) {
	var (
		in  bpo.RatingInput
		p   bpo.Problems
		err error
	)
	if in.CriterionID, err = strconv.ParseInt(form.Get("criterion"), 10, 64); err != nil {
		return in, nil, errBadRequest
	}
	if in.Version, err = formVersion(form); err != nil {
		return in, nil, err
	}
	in.Value = formInt(&p, form, "value")
	// Browsers send a textarea's line breaks as CRLF; the page shows LF.
	in.Justification = strings.ReplaceAll(form.Get("justification"), "\r\n", "\n")
	return in, p, nil
}

// submitScorecard locks the caller's scorecard, or shows what is missing.
func (s *Server) submitScorecard(w http.ResponseWriter, r *http.Request) {
	sc, form, ok := s.ownScorecardForm(w, r)
	if !ok {
		return
	}
	version, err := formVersion(form)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	_, err = s.scorecards.SubmitScorecard(r.Context(), sc.evaluation.ID, sc.vendor.VendorID, version)
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "scorecard.submitted")
		http.Redirect(w, r, scorecardURL(sc.evaluation.ID, sc.vendor.VendorID), http.StatusSeeOther)
	case bpo.EINVALID, bpo.ECONFLICT:
		s.showSubmitRefusal(w, r, sc, err)
	default:
		s.Error(w, r, err)
	}
}

// showSubmitRefusal shows the scorecard again with why it was not
// submitted: each missing rating or justification is listed at the top and
// marked on its criterion. A stale submit (the scorecard changed in another
// tab) is shown the same way, with the current version, so submitting again
// is a choice made after seeing the current ratings.
func (s *Server) showSubmitRefusal(w http.ResponseWriter, r *http.Request, sc *scorecardScope, err error) {
	card, ferr := s.scorecards.FindScorecard(r.Context(), sc.evaluation.ID, sc.vendor.VendorID, sc.evaluator.UserID)
	if ferr != nil {
		s.Error(w, r, ferr)
		return
	}
	sc.card = card
	view := s.scorecardView(r, sc)
	lang := s.lang(r)
	view.Problems = []pages.Issue{{Text: tr(lang, bpo.ErrorMessage(err))}}
	var e *bpo.Error
	if errors.As(err, &e) {
		for _, fe := range e.Fields {
			view.Problems = append(view.Problems, markProblem(lang, &view, fe))
		}
	}
	s.renderStatus(w, r, statusOf(bpo.ErrorCode(err)), pages.Scorecard(view))
}

// markProblem puts a submit problem on the criterion it names (by key, or
// as "criterion_<id>") and returns it as a line for the list at the top.
func markProblem(lang i18n.Lang, view *pages.ScorecardView, fe bpo.FieldError) pages.Issue {
	text := tr(lang, fe.Message)
	for gi := range view.Groups {
		for ci := range view.Groups[gi].Criteria {
			b := &view.Groups[gi].Criteria[ci]
			if fe.Field == b.Key || fe.Field == "criterion_"+strconv.FormatInt(b.ID, 10) {
				b.Message = text
				return pages.Issue{Anchor: fmt.Sprintf("criterion-%d", b.ID), Text: b.Name + " — " + text}
			}
		}
	}
	return pages.Issue{Text: text}
}

// reopenScorecard unlocks a submitted scorecard so its evaluator can change
// it again (managers; the service audits it), then returns to the
// evaluation's page.
func (s *Server) reopenScorecard(w http.ResponseWriter, r *http.Request) {
	id, _, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	scorecardID, err := pathID(r, "scorecardID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	_, err = s.scorecards.ReopenScorecard(r.Context(), id, scorecardID, version)
	s.evaluationDone(w, r, id, err, "scorecard.reopened")
}

// scorecardView is the scorecard page for sc, read-only unless the caller
// may still change it.
func (s *Server) scorecardView(r *http.Request, sc *scorecardScope) pages.ScorecardView {
	lang := s.lang(r)
	e := sc.evaluation
	score := scoreScorecard(lang, sc)
	readOnly := !sc.own(r) || sc.card.Status == bpo.ScorecardSubmitted || e.Status != bpo.StatusOpen
	v := pages.ScorecardView{
		EvaluationID: e.ID, EvaluationTitle: e.Title, VendorID: sc.vendor.VendorID, VendorName: sc.vendor.Name,
		Version: sc.card.Version, ReadOnly: readOnly,
		Notice:  scorecardNotice(lang, sc, sc.own(r)),
		Policy:  justificationPolicy(lang, e),
		Summary: score.summary,
		Groups:  ratingGroups(lang, sc, score.weights, readOnly),
	}
	if !sc.own(r) {
		v.Evaluator = sc.evaluator.Name
	}
	return v
}

// justificationPolicy tells the evaluator which ratings need a
// justification before the scorecard can be submitted.
func justificationPolicy(lang i18n.Lang, e *bpo.Evaluation) string {
	if e.Justification == bpo.JustifyExtremes {
		return i18n.T(lang, "scorecard.policy.extremes", e.ScaleMin, e.ScaleMax)
	}
	return i18n.T(lang, "scorecard.policy."+string(e.Justification))
}

func scorecardState(card *bpo.Scorecard) string {
	if card.ID == 0 {
		return "not_started"
	}
	return string(card.Status)
}

// scorecardNotice says why a scorecard cannot be changed, or "".
func scorecardNotice(lang i18n.Lang, sc *scorecardScope, own bool) string {
	switch {
	case !own && sc.evaluator.HasConflict(sc.vendor.VendorID):
		return i18n.T(lang, "scorecard.notice.conflicted", sc.evaluator.Name)
	case !own:
		return i18n.T(lang, "scorecard.notice.read_only", sc.evaluator.Name)
	case sc.card.Status == bpo.ScorecardSubmitted && sc.card.SubmittedAt != nil:
		return i18n.T(lang, "scorecard.notice.submitted", i18n.DateTime(lang, *sc.card.SubmittedAt))
	case sc.evaluation.Status == bpo.StatusDraft:
		return i18n.T(lang, "scorecard.notice.draft")
	case sc.evaluation.Status == bpo.StatusClosed:
		return i18n.T(lang, "scorecard.notice.closed")
	}
	return ""
}

// ratingGroups lays the rated criteria out under their categories, in tree
// order. Measured criteria are left out: managers enter those figures.
func ratingGroups(lang i18n.Lang, sc *scorecardScope, weights map[string]float64, readOnly bool) []pages.RatingGroup {
	byID := make(map[int64]*bpo.Criterion, len(sc.criteria))
	for _, c := range sc.criteria {
		byID[c.ID] = c
	}
	var groups []pages.RatingGroup
	var parent *int64
	for _, c := range sc.criteria {
		if c.Kind != bpo.KindRated {
			continue
		}
		if len(groups) == 0 || !sameParent(c.ParentID, parent) {
			groups = append(groups, pages.RatingGroup{Name: categoryPath(lang, byID, c.ParentID)})
			parent = c.ParentID
		}
		g := &groups[len(groups)-1]
		g.Criteria = append(g.Criteria, ratingBlock(lang, sc, c, weights, readOnly))
	}
	return groups
}

// categoryPath names a criterion's ancestors, outermost first.
func categoryPath(lang i18n.Lang, byID map[int64]*bpo.Criterion, parent *int64) string {
	var names []string
	for parent != nil && byID[*parent] != nil {
		p := byID[*parent]
		names = append([]string{p.Name(string(lang))}, names...)
		parent = p.ParentID
	}
	return strings.Join(names, " › ")
}

// ratingBlock is criterion c's form, showing the stored rating.
func ratingBlock(lang i18n.Lang, sc *scorecardScope, c *bpo.Criterion, weights map[string]float64, readOnly bool) pages.RatingBlock {
	b := pages.RatingBlock{
		Page:   scorecardURL(sc.evaluation.ID, sc.vendor.VendorID),
		Action: scorecardURL(sc.evaluation.ID, sc.vendor.VendorID) + "/ratings",
		ID:     c.ID, Key: c.Key, Name: c.Name(string(lang)), Guidance: c.Guidance(string(lang)),
		Weight:       i18n.Percent(lang, weights[c.Key], 1),
		Levels:       scaleChoices(lang, sc.evaluation),
		ReadOnly:     readOnly,
		SavingText:   i18n.T(lang, "scorecard.saving"),
		NotSavedText: i18n.T(lang, "scorecard.not_saved"),
	}
	if rt := sc.card.Ratings[c.ID]; rt != nil {
		b.Value, b.Justification, b.Version = ratingText(rt.Value), rt.Justification, rt.Version
	}
	return b
}

// scaleChoices are the points of the evaluation's scale with their
// descriptors in lang, where the evaluation describes them.
func scaleChoices(lang i18n.Lang, e *bpo.Evaluation) []pages.ScaleChoice {
	levels := make(map[int]bpo.ScaleLevel, len(e.ScaleLevels))
	for _, l := range e.ScaleLevels {
		levels[l.Value] = l
	}
	out := make([]pages.ScaleChoice, 0, e.ScaleMax-e.ScaleMin+1)
	for v := e.ScaleMin; v <= e.ScaleMax; v++ {
		l := levels[v]
		c := pages.ScaleChoice{Value: strconv.Itoa(v), Label: l.LabelEN, Help: l.HelpEN}
		if lang == i18n.FR {
			c.Label, c.Help = cmp.Or(l.LabelFR, l.LabelEN), cmp.Or(l.HelpFR, l.HelpEN)
		}
		out = append(out, c)
	}
	return out
}

func ratingText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// storedRating phrases the rating stored now, for a stale save's message.
func storedRating(lang i18n.Lang, e *bpo.Evaluation, rt *bpo.Rating) *pages.StoredRating {
	out := &pages.StoredRating{Value: i18n.T(lang, "scorecard.not_rated"), Justification: "—"}
	if rt == nil {
		return out
	}
	if rt.Value != nil {
		out.Value = strconv.Itoa(*rt.Value)
		for _, c := range scaleChoices(lang, e) {
			if c.Value == out.Value && c.Label != "" {
				out.Value += " · " + c.Label
			}
		}
	}
	if strings.TrimSpace(rt.Justification) != "" {
		out.Justification = rt.Justification
	}
	if !rt.UpdatedAt.IsZero() {
		out.Saved = i18n.DateTime(lang, rt.UpdatedAt)
	}
	return out
}

// scorecardScore is a scorecard scored on its evaluator's ratings alone.
type scorecardScore struct {
	weights map[string]float64 // effective weight by criterion key
	summary pages.ScorecardSummary
}

// scoreScorecard runs the scoring engine on a one-vendor model holding only
// sc's ratings and no measured figures, so the score is the weighted
// subtotal of the rated criteria: what this evaluator's ratings add to the
// vendor's score so far. Using the engine keeps the subtotal consistent
// with the published result.
func scoreScorecard(lang i18n.Lang, sc *scorecardScope) scorecardScore {
	vendor := *sc.vendor
	vendor.Stage = bpo.StageCandidate // a manager may look at a rejected vendor's scorecard
	d := &evaluationData{Evaluation: sc.evaluation, Criteria: sc.criteria, Participants: []*bpo.Participant{&vendor}}
	out := scorecardScore{weights: map[string]float64{}, summary: pages.ScorecardSummary{State: scorecardState(sc.card)}}
	for _, c := range sc.criteria {
		if c.Kind != bpo.KindRated {
			continue
		}
		out.summary.Total++
		if rt := sc.card.Ratings[c.ID]; rt != nil && rt.Value != nil {
			out.summary.Rated++
			d.Ratings = append(d.Ratings, &bpo.SubmittedRating{VendorID: vendor.VendorID, EvaluatorID: sc.evaluator.UserID,
				EvaluatorEmail: sc.evaluator.Email, CriterionID: c.ID, Value: *rt.Value})
		}
	}
	m := scoringModel(d, string(lang))
	for _, l := range m.Leaves() {
		out.weights[l.Key] = l.Weight
	}
	res, err := scoring.Evaluate(m)
	if err != nil || len(res.Vendors) != 1 {
		// A draft's criteria may not add up yet; the page then shows no subtotal.
		return out
	}
	var score, weight, present float64
	for _, c := range res.Vendors[0].Criteria {
		if c.Measured {
			continue
		}
		weight += c.Weight
		if !c.Missing {
			score += c.Contribution
			present += c.Weight
		}
	}
	out.summary.Score = i18n.Number(lang, score, 1)
	out.summary.Max = i18n.Number(lang, weight*100, 1)
	if weight > 0 {
		out.summary.Completeness = i18n.Percent(lang, present/weight, 0)
	} else {
		out.summary.Completeness = i18n.Percent(lang, 0, 0)
	}
	return out
}

// declarationScope is an evaluation seen by an evaluator about to declare
// their conflicts of interest.
type declarationScope struct {
	evaluation *bpo.Evaluation
	vendors    []*bpo.Participant
	mine       *bpo.Assignment
}

// loadDeclaration loads the caller's assignment to the evaluation in the
// path. Managers are not assigned, so they have nothing to declare.
func (s *Server) loadDeclaration(r *http.Request) (*declarationScope, error) {
	ctx := r.Context()
	id, err := evaluationID(r)
	if err != nil {
		return nil, err
	}
	d := &declarationScope{}
	if d.evaluation, err = s.evaluations.FindEvaluationByID(ctx, id); err != nil {
		return nil, err
	}
	if d.vendors, err = s.participants.FindParticipants(ctx, id); err != nil {
		return nil, err
	}
	assignments, err := s.participants.FindAssignments(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.mine = findAssignment(assignments, bpo.UserFromContext(ctx).ID); d.mine == nil {
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.conflicts.not_assigned")
	}
	return d, nil
}

// showConflictsPage shows the caller's conflict-of-interest form for an
// evaluation or, once made, the declaration with links to the scorecards.
func (s *Server) showConflictsPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadDeclaration(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := conflictsView(s.lang(r), d)
	view.Next = r.URL.Query().Get("next")
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.Conflicts(view))
}

// declareConflicts records the caller's declaration: the vendors ticked
// (with an optional note each), or none=1 for no conflict at all. Exactly
// one of the two is required, so a declaration is never made by accident.
func (s *Server) declareConflicts(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.loadDeclaration(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	conflicts, none, problems, err := decodeConflicts(form, d.vendors)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err = problems.Err(); err == nil {
		err = s.scorecards.DeclareConflicts(r.Context(), d.evaluation.ID, conflicts)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "conflicts.declared")
		next := fmt.Sprintf("/evaluations/%d/conflicts", d.evaluation.ID)
		if form.Get("next") != "" {
			next = safeNext(form.Get("next"))
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	case bpo.EINVALID:
		view := conflictsView(s.lang(r), d)
		keepConflictInput(&view, conflicts, none, s.fieldErrors(r, err))
		view.Next, view.Error = form.Get("next"), formAlert(s.lang(r), err, nil)
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.Conflicts(view))
	default:
		s.Error(w, r, err)
	}
}

// decodeConflicts reads the declaration form. A vendor that does not take
// part in the evaluation is a bad request: the form never offers one.
func decodeConflicts(form url.Values, vendors []*bpo.Participant) ([]bpo.Conflict, bool, bpo.Problems, error) {
	var p bpo.Problems
	none := form.Get("none") == "1"
	conflicts := []bpo.Conflict{}
	for _, raw := range form["vendor"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || findParticipant(vendors, id) == nil {
			return nil, false, nil, errBadRequest
		}
		if slices.ContainsFunc(conflicts, func(c bpo.Conflict) bool { return c.VendorID == id }) {
			continue
		}
		note := strings.TrimSpace(form.Get(fmt.Sprintf("note_%d", id)))
		conflicts = append(conflicts, bpo.Conflict{VendorID: id, Note: note})
	}
	switch {
	case none && len(conflicts) > 0:
		p.Add("none", "error.conflicts.both")
	case !none && len(conflicts) == 0:
		p.Add("none", "error.conflicts.choose")
	}
	return conflicts, none, p, nil
}

// conflictsView shows the declaration as stored.
func conflictsView(lang i18n.Lang, d *declarationScope) pages.ConflictsView {
	v := pages.ConflictsView{EvaluationID: d.evaluation.ID, EvaluationTitle: d.evaluation.Title}
	if d.mine.COIDeclaredAt != nil {
		v.DeclaredAt = i18n.DateTime(lang, *d.mine.COIDeclaredAt)
	}
	for _, p := range d.vendors {
		c := pages.ConflictChoice{VendorID: p.VendorID, Name: p.Name, Country: i18n.CountryName(lang, p.Country)}
		for _, x := range d.mine.Conflicts {
			if x.VendorID == p.VendorID {
				c.Checked, c.Note = true, x.Note
			}
		}
		c.Scorable = v.DeclaredAt != "" && !c.Checked && p.Stage != bpo.StageRejected
		v.Vendors = append(v.Vendors, c)
	}
	return v
}

// keepConflictInput puts what the user ticked and typed back in the form.
func keepConflictInput(v *pages.ConflictsView, conflicts []bpo.Conflict, none bool, errs map[string]string) {
	v.None = none
	for i := range v.Vendors {
		c := &v.Vendors[i]
		c.Checked, c.Note = false, ""
		for _, x := range conflicts {
			if x.VendorID == c.VendorID {
				c.Checked, c.Note = true, x.Note
			}
		}
		c.NoteError = errs[fmt.Sprintf("note_%d", c.VendorID)]
	}
}

// myScorecardsView lists the signed-in evaluator's scorecards in open
// evaluations, soonest due first, for the dashboard. Managers and admins
// score nothing, so theirs is empty.
func (s *Server) myScorecardsView(r *http.Request) (pages.MyScorecardsView, error) {
	var v pages.MyScorecardsView
	u := bpo.UserFromContext(r.Context())
	if u == nil || u.Role != bpo.RoleEvaluator {
		return v, nil
	}
	v.Show = true
	mine, err := s.scorecards.FindMyScorecards(r.Context())
	if err != nil {
		return v, err
	}
	lang := s.lang(r)
	for _, m := range mine {
		row := pages.MyScorecardItem{EvaluationID: m.EvaluationID, EvaluationTitle: m.EvaluationTitle, Due: dueText(lang, m.DueDate)}
		switch {
		case !m.Declared:
			row.State = "declare"
		case m.Status == "":
			row.VendorID, row.VendorName, row.State, row.Total = m.VendorID, m.VendorName, "not_started", m.Total
		default:
			row.VendorID, row.VendorName, row.State, row.Rated, row.Total = m.VendorID, m.VendorName, string(m.Status), m.Rated, m.Total
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}
