package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
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
	// evaluator is nil in an autosave's answer, which shows the ratings
	// only: the save has checked the evaluator's assignment and declaration.
	evaluator *bpo.Assignment
	criteria  []*bpo.Criterion // tree order
	card      *bpo.Scorecard
	base      *scorecardBase // what the card is scored with; nil: made when scored
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
	case sc.evaluator.COIDeclaredAt == nil, !sc.evaluator.DeclaredFor(sc.vendor.VendorID) && !sc.evaluator.HasConflict(sc.vendor.VendorID):
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

func scopeOf(d *bpo.ScorecardDetail) *scorecardScope {
	return &scorecardScope{evaluation: d.Evaluation, vendor: d.Vendor, evaluator: d.Evaluator,
		criteria: d.Criteria, card: d.Scorecard}
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
		// Before the declaration, or for a vendor added since, the
		// declaration comes first; the page says which vendor needs one.
		if sc.evaluator.COIDeclaredAt == nil || !sc.evaluator.DeclaredFor(sc.vendor.VendorID) && !sc.evaluator.HasConflict(sc.vendor.VendorID) {
			http.Redirect(w, r, conflictsURL(sc.evaluation.ID, r.URL.Path), http.StatusSeeOther)
			return
		}
		if err := sc.scoringBarrier(r); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	view := s.scorecardView(r, sc)
	view.Flash = s.popFlash(r)
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
		next, err := s.nextScorecard(r, sc)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	case bpo.EINVALID, bpo.ECONFLICT:
		s.showSubmitRefusal(w, r, sc, err)
	default:
		s.Error(w, r, err)
	}
}

// nextScorecard is where an evaluator goes once sc is submitted: the next
// vendor of the same evaluation still to do, or the evaluation's page once
// every one is submitted. The notice says which.
func (s *Server) nextScorecard(r *http.Request, sc *scorecardScope) (string, error) {
	mine, err := s.scorecards.FindMyScorecards(r.Context())
	if err != nil {
		return "", err
	}
	for _, m := range mine {
		if m.EvaluationID == sc.evaluation.ID && m.VendorID != sc.vendor.VendorID && m.Status != bpo.ScorecardSubmitted {
			s.sessions.Put(r.Context(), "flash", "scorecard.submitted_next")
			return scorecardURL(m.EvaluationID, m.VendorID), nil
		}
	}
	s.sessions.Put(r.Context(), "flash", "scorecard.submitted_all")
	return fmt.Sprintf("/evaluations/%d", sc.evaluation.ID), nil
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
	t := bpo.NewCriteriaTree(sc.criteria)
	var groups []pages.RatingGroup
	parent := int64(-1)
	for _, c := range t.All() {
		if c.Kind != bpo.KindRated {
			continue
		}
		if p := bpo.ParentOf(c); p != parent {
			groups = append(groups, pages.RatingGroup{Name: categoryPath(lang, t, c)})
			parent = p
		}
		g := &groups[len(groups)-1]
		g.Criteria = append(g.Criteria, ratingBlock(lang, sc, c, weights, readOnly))
	}
	return groups
}

// categoryPath names a criterion's ancestors, outermost first.
func categoryPath(lang i18n.Lang, t *bpo.CriteriaTree, c *bpo.Criterion) string {
	var names []string
	for _, p := range t.Path(c) {
		names = append(names, p.Name(string(lang)))
	}
	return strings.Join(names, " › ")
}

// scorecardScore is a scorecard scored on its evaluator's ratings alone.
type scorecardScore struct {
	weights map[string]float64 // effective weight by criterion key
	summary pages.ScorecardSummary
}

// scorecardBase is what a scorecard is scored with besides its ratings:
// the evaluation's criteria, prepared for the engine, and their effective
// weights. It depends on the evaluation's settings and criteria alone, so
// an autosave takes it from the cache of frames at the revision it read
// (see Server.cachedScorecardBase) rather than build and check it on every save.
// It is read-only, so shared.
type scorecardBase struct {
	model   *scoring.Prepared  // nil: no subtotal
	weights map[string]float64 // effective weight by criterion key
}

// newScorecardBase is the base of e's scorecards; its model is nil when the
// criteria cannot be made into one.
func newScorecardBase(e *bpo.Evaluation, criteria []*bpo.Criterion) *scorecardBase {
	b := &scorecardBase{weights: map[string]float64{}}
	// Names are never shown, and the analyses are not needed for a subtotal.
	m, err := evalmodel.Build(&bpo.EvaluationDetail{Evaluation: e, Criteria: criteria}, i18n.EN, nil)
	if err != nil {
		return b
	}
	none := 0
	m.Options.Robustness = &scoring.Robustness{Samples: &none}
	m.Options.CostCriterion = ""
	b.model = scoring.Prepare(m)
	for _, l := range m.Leaves() {
		b.weights[l.Key] = l.Weight
	}
	return b
}

// scoreScorecard runs the scoring engine on a one-vendor model holding only
// sc's ratings and no measured figures, so the score is the weighted
// subtotal of the rated criteria: what this evaluator's ratings add to the
// vendor's score so far. Using the engine keeps the subtotal consistent
// with the published result.
func scoreScorecard(lang i18n.Lang, sc *scorecardScope) scorecardScore {
	base := sc.base
	if base == nil {
		base = newScorecardBase(sc.evaluation, sc.criteria)
	}
	// The model's one evaluator needs a name, never shown: the subtotal
	// is all the page takes from the result.
	const evaluatorLabel = "scorecard"
	out := scorecardScore{weights: base.weights, summary: pages.ScorecardSummary{State: scorecardState(sc.card), Version: sc.card.Version}}
	ratings := make(map[string]float64, len(sc.card.Ratings))
	for _, c := range sc.criteria {
		if c.Kind != bpo.KindRated {
			continue
		}
		out.summary.Total++
		if rt := sc.card.Ratings[c.ID]; rt != nil && rt.Value != nil {
			out.summary.Rated++
			ratings[c.Key] = float64(*rt.Value)
		}
	}
	if base.model == nil {
		return out
	}
	// A manager may look at a rejected vendor's scorecard: the vendor is
	// scored whatever its stage.
	vendors, err := base.model.Score([]scoring.Vendor{{Key: sc.vendor.Key, Name: sc.vendor.Name,
		Ratings: map[string]map[string]float64{evaluatorLabel: ratings}}})
	if err != nil || len(vendors) != 1 {
		// A draft's criteria may not add up yet; the page then shows no subtotal.
		return out
	}
	var score, weight, present float64
	for _, c := range vendors[0].Criteria {
		if c.Measured {
			continue
		}
		weight += c.Weight
		if !c.Missing {
			score += c.Contribution
			present += c.Weight
		}
	}
	out.summary.Score = i18n.Number(lang, score, scoreDecimals)
	out.summary.Max = i18n.Number(lang, weight*100, scoreDecimals)
	if weight > 0 {
		out.summary.Completeness = i18n.Percent(lang, present/weight, 0)
	} else {
		out.summary.Completeness = i18n.Percent(lang, 0, 0)
	}
	return out
}
