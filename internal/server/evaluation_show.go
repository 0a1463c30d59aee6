package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// evaluationView gathers what an evaluation's page shows. Evaluators get
// only their own scorecards; managers get the set-up and the progress.
func (s *Server) evaluationView(ctx context.Context, lang i18n.Lang, id int64) (*pages.EvaluationView, error) {
	u := bpo.UserFromContext(ctx)
	parts := bpo.WithAssignments | bpo.WithProgress
	if bpo.IsManager(u) {
		parts |= evalmodel.Parts | bpo.WithDecision
	}
	d, err := s.loadEvaluation(ctx, id, parts)
	if err != nil {
		return nil, err
	}
	progress := d.Progress
	e := d.Evaluation
	v := &pages.EvaluationView{
		ID: e.ID, Title: e.Title, Scope: e.Scope, Status: string(e.Status),
		Due: dueText(lang, e.DueDate), Version: e.Version, IsManager: bpo.IsManager(u),
		Services: mapNames(lang, e.Services, serviceName),
	}
	v.Details = append(evaluationDetails(lang, e), analysisDetails(lang, d)...)
	rated := countRated(d.Criteria)
	if !v.IsManager {
		v.Decision = decisionPanel(lang, d, decisionSummary(d, s.userName(ctx)), false)
		v.MyScorecards = myScorecards(d.Assignment(u.ID), d.Participants, progress, rated)
		return v, nil
	}
	st := d.Decision
	v.Decision = decisionPanel(lang, d, st, true)
	v.Criteria = criterionRows(lang, d.Tree())
	v.Participants = participantRows(lang, d.Participants)
	v.Evaluators = evaluatorRows(lang, d.Assignments, d.Participants)
	v.Matrix = progressMatrix(d.Participants, d.Assignments, progress, rated)
	if err := s.addChoices(ctx, lang, v, d.Participants, d.Assignments); err != nil {
		return nil, err
	}
	v.Measured, v.FigureVendors = len(measuredCriteria(d.Criteria)), len(figureVendors(d.Participants))
	res := addRecommendation(lang, v, d)
	addMatrixCoverage(lang, &v.Matrix, d, res)
	if e.Status == bpo.StatusClosed {
		v.DecisionForm = decisionForm(lang, d, res, st, nil, nil)
	}
	if v.Moderation, err = s.moderationSummary(ctx, lang, e); err != nil {
		return nil, err
	}
	if err := s.addContractLinks(ctx, lang, v, d); err != nil {
		return nil, err
	}
	return v, nil
}

// addRecommendation shows the engine's current recommendation from the
// submitted scorecards, and returns the result it comes from (nil when
// there is none yet, or the engine refuses the set-up).
func addRecommendation(lang i18n.Lang, v *pages.EvaluationView, d *bpo.EvaluationDetail) *scoring.Result {
	if len(d.Ratings) == 0 {
		return nil
	}
	_, res, err := evalmodel.Score(d, lang, nil)
	if err != nil {
		// A set-up the engine refuses is shown as such, not as a failure of the page.
		v.Recommendation = &pages.RecommendationView{Decision: "invalid", Title: tr(lang, bpo.ErrorMessage(err))}
		return nil
	}
	v.Recommendation = recommendationView(lang, res.Recommendation)
	return res
}

// decisionSummary is the current decision as an evaluator may see it:
// what was decided and why, without the record managers read.
func decisionSummary(d *bpo.EvaluationDetail, userName func(int64) string) *bpo.DecisionState {
	dec := d.Evaluation.Decision
	if dec == nil {
		return nil
	}
	c := &bpo.DecisionRecord{Outcome: bpo.OutcomeAward, VendorID: dec.VendorID, Rationale: dec.Rationale,
		RecordedAt: dec.DecidedAt, RecordedByName: userName(dec.DecidedBy)}
	if dec.InHouse {
		c.Outcome = bpo.OutcomeInHouse
	}
	return &bpo.DecisionState{Current: c}
}

// userName returns a function naming users by id, for "recorded by".
func (s *Server) userName(ctx context.Context) func(int64) string {
	return func(id int64) string {
		u, err := s.users.FindUserByID(ctx, id)
		if err != nil {
			return ""
		}
		return u.Name
	}
}

func evaluationDetails(lang i18n.Lang, e *bpo.Evaluation) []pages.DetailRow {
	services := strings.Join(mapNames(lang, e.Services, serviceName), ", ")
	if services == "" {
		services = "—"
	}
	return []pages.DetailRow{
		{Label: i18n.T(lang, "evaluation.services"), Value: services},
		{Label: i18n.T(lang, "evaluation.due_date"), Value: dueText(lang, e.DueDate)},
		{Label: i18n.T(lang, "evaluation.scale"), Value: strconv.Itoa(e.ScaleMin) + "–" + strconv.Itoa(e.ScaleMax)},
		{Label: i18n.T(lang, "evaluation.aggregation"), Value: i18n.T(lang, "aggregation."+e.Aggregation)},
		{Label: i18n.T(lang, "evaluation.award_threshold"), Value: i18n.Number(lang, e.AwardThreshold, 1)},
		{Label: i18n.T(lang, "evaluation.close_call_margin"), Value: i18n.Number(lang, e.CloseCallMargin, 1)},
		{Label: i18n.T(lang, "evaluation.justification"), Value: i18n.T(lang, "justification."+string(e.Justification))},
	}
}

func countRated(criteria []*bpo.Criterion) int {
	n := 0
	for _, c := range criteria {
		if c.Kind == bpo.KindRated {
			n++
		}
	}
	return n
}

// criterionRows flattens the tree with each node's share of its siblings and
// its effective weight (the product of the shares along its path).
func criterionRows(lang i18n.Lang, t *bpo.CriteriaTree) []pages.CriterionRow {
	share, effective := t.Shares(t.Weights())
	zeroIfNaN := func(v float64) float64 {
		if math.IsNaN(v) {
			return 0 // a group whose weights sum to 0 gives nothing to its criteria
		}
		return v
	}
	rows := make([]pages.CriterionRow, 0, len(t.All()))
	for _, c := range t.All() {
		rows = append(rows, pages.CriterionRow{
			Depth: t.Depth(c), Key: c.Key, Name: c.Name(string(lang)),
			Kind: i18n.T(lang, "criterion.kind."+string(c.Kind)), Group: c.Kind == bpo.KindGroup,
			Weight: i18n.Number(lang, c.Weight, 0), Share: i18n.Percent(lang, zeroIfNaN(share[c.ID]), 1),
			Effective: i18n.Percent(lang, zeroIfNaN(effective[c.ID]), 1), Thresholds: thresholds(lang, c),
		})
	}
	return rows
}

func thresholds(lang i18n.Lang, c *bpo.Criterion) string {
	var parts []string
	num := func(v float64) string { return i18n.Number(lang, v, -1) }
	if c.MinRating != nil {
		parts = append(parts, i18n.T(lang, "criterion.min_rating_is", num(*c.MinRating)))
	}
	if c.Kind == bpo.KindMeasured {
		parts = append(parts, i18n.T(lang, "criterion.better."+c.Better))
	}
	if c.Best != nil && c.Worst != nil {
		parts = append(parts, i18n.T(lang, "criterion.anchors_are", num(*c.Best), num(*c.Worst)))
	}
	if c.Limit != nil {
		parts = append(parts, i18n.T(lang, "criterion.limit_is", num(*c.Limit)))
	}
	return strings.Join(parts, " · ")
}

// addChoices lists the registry vendors and the evaluators that can still be added.
func (s *Server) addChoices(ctx context.Context, lang i18n.Lang, v *pages.EvaluationView, parts []*bpo.Participant, assignments []*bpo.Assignment) error {
	vendors, _, err := s.vendors.FindVendors(ctx, bpo.VendorFilter{Limit: 1000})
	if err != nil {
		return err
	}
	in := map[int64]bool{}
	for _, p := range parts {
		in[p.VendorID] = true
	}
	for _, vd := range vendors {
		if !in[vd.ID] {
			v.AddableVendors = append(v.AddableVendors, components.Option{
				Value: strconv.FormatInt(vd.ID, 10), Label: vd.Name + " — " + i18n.CountryName(lang, vd.Country)})
		}
	}
	users, err := s.users.FindUsers(ctx)
	if err != nil {
		return err
	}
	assigned := map[int64]bool{}
	for _, a := range assignments {
		assigned[a.UserID] = true
	}
	for _, u := range users {
		if u.Role == bpo.RoleEvaluator && !assigned[u.ID] {
			v.AssignableUsers = append(v.AssignableUsers, components.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name + " <" + u.Email + ">"})
		}
	}
	return nil
}

func (s *Server) showEvaluation(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	view, err := s.evaluationView(r.Context(), s.lang(r), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.popFlash(r)
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
	view.Address = templ.URL(fmt.Sprintf("/evaluations/%d", id))
	s.renderStatus(w, r, statusOf(code), pages.EvaluationShow(*view))
}

func (s *Server) setEvaluationStatus(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	status := bpo.EvaluationStatus(form.Get("status"))
	err := s.checkModeratedBeforeClose(r, id, status, form)
	if err == nil {
		_, err = s.evaluations.SetEvaluationStatus(r.Context(), id, version, status)
	}
	s.evaluationDone(w, r, id, err, "evaluation.status_changed."+string(status))
}

// deleteEvaluation deletes a draft and goes back to the list, which no
// longer has it. A stale confirmation (the draft was opened or changed
// since) gets the evaluation's page with a 409 saying so.
func (s *Server) deleteEvaluation(w http.ResponseWriter, r *http.Request) {
	id, _, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	if err := s.evaluations.DeleteEvaluation(r.Context(), id, version); err != nil {
		s.evaluationDone(w, r, id, err, "")
		return
	}
	s.sessions.Put(r.Context(), "flash", "evaluation.deleted")
	http.Redirect(w, r, "/evaluations", http.StatusSeeOther)
}
