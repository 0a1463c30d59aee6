package server

import (
	"context"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// evaluationView gathers what an evaluation's page shows. Evaluators get
// only their own scorecards; managers get the set-up and the progress.
func (s *Server) evaluationView(ctx context.Context, lang i18n.Lang, id int64) (*pages.EvaluationView, error) {
	u := bpo.UserFromContext(ctx)
	parts := bpo.WithAssignments
	if bpo.IsManager(u) {
		parts |= forScoring
	}
	d, err := s.loadEvaluation(ctx, id, parts)
	if err != nil {
		return nil, err
	}
	progress, err := s.scorecards.FindProgress(ctx, id)
	if err != nil {
		return nil, err
	}
	e := d.Evaluation
	v := &pages.EvaluationView{
		ID: e.ID, Title: e.Title, Scope: e.Scope, Status: string(e.Status),
		Due: dueText(lang, e.DueDate), Version: e.Version, IsManager: bpo.IsManager(u),
		Services: mapNames(lang, e.Services, serviceName),
	}
	v.Details = evaluationDetails(lang, e)
	v.Decision = decisionView(lang, d, s.userName(ctx))
	rated := countRated(d.Criteria)
	if !v.IsManager {
		v.MyScorecards = myScorecards(u, d.Participants, d.Assignments, progress, rated)
		return v, nil
	}
	v.Criteria = criterionRows(lang, d.Criteria)
	v.Participants = participantRows(lang, d.Participants)
	v.Evaluators = evaluatorRows(lang, d.Assignments, d.Participants)
	v.Matrix = progressMatrix(d.Participants, d.Assignments, progress, rated)
	if err := s.addChoices(ctx, lang, v, d.Participants, d.Assignments); err != nil {
		return nil, err
	}
	v.Measured, v.Figures = figureTable(lang, d.Criteria, d.Participants, d.Measurements)
	addRecommendation(lang, v, d)
	return v, nil
}

// addRecommendation shows the engine's current recommendation from the
// submitted scorecards, and the vendors a decision can select.
func addRecommendation(lang i18n.Lang, v *pages.EvaluationView, d *evaluationData) {
	for _, p := range d.Participants {
		if p.Stage != bpo.StageRejected {
			v.DecisionChoices = append(v.DecisionChoices, components.Option{Value: strconv.FormatInt(p.VendorID, 10), Label: p.Name})
		}
	}
	if len(d.Ratings) == 0 {
		return
	}
	res, err := scoring.Evaluate(scoringModel(d, string(lang)))
	if err != nil {
		// A set-up the engine refuses is shown as such, not as a failure of the page.
		v.Recommendation = &pages.RecommendationView{Decision: "invalid", Title: tr(lang, bpo.ErrorMessage(scoringError(err)))}
		return
	}
	rec := res.Recommendation
	r := &pages.RecommendationView{Decision: string(rec.Decision), Title: explain.Decision(lang, rec.Decision)}
	for _, reason := range rec.Reasons {
		r.Reasons = append(r.Reasons, explain.Reason(lang, reason))
	}
	v.Recommendation = r
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

func decisionView(lang i18n.Lang, d *evaluationData, userName func(int64) string) *pages.DecisionView {
	dec := d.Evaluation.Decision
	if dec == nil {
		return nil
	}
	view := &pages.DecisionView{Rationale: dec.Rationale, InHouse: dec.InHouse,
		Recorded: i18n.T(lang, "decision.recorded", userName(dec.DecidedBy), i18n.DateTime(lang, dec.DecidedAt))}
	if dec.InHouse {
		view.Text = i18n.T(lang, "decision.kept_in_house")
		return view
	}
	view.VendorID = *dec.VendorID
	for _, p := range d.Participants {
		if p.VendorID == view.VendorID {
			view.Text = i18n.T(lang, "decision.selected", p.Name)
		}
	}
	return view
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
func criterionRows(lang i18n.Lang, criteria []*bpo.Criterion) []pages.CriterionRow {
	siblingSum := map[int64]float64{} // by parent id, 0 for the top level
	parentOf := func(c *bpo.Criterion) int64 {
		if c.ParentID == nil {
			return 0
		}
		return *c.ParentID
	}
	for _, c := range criteria {
		siblingSum[parentOf(c)] += c.Weight
	}
	effective := map[int64]float64{0: 1}
	depth := map[int64]int{0: -1}
	rows := make([]pages.CriterionRow, 0, len(criteria))
	for _, c := range criteria {
		share := 0.0
		if sum := siblingSum[parentOf(c)]; sum > 0 {
			share = c.Weight / sum
		}
		effective[c.ID] = effective[parentOf(c)] * share
		depth[c.ID] = depth[parentOf(c)] + 1
		rows = append(rows, pages.CriterionRow{
			Depth: depth[c.ID], Key: c.Key, Name: c.Name(string(lang)),
			Kind: i18n.T(lang, "criterion.kind."+string(c.Kind)), Group: c.Kind == bpo.KindGroup,
			Weight: i18n.Number(lang, c.Weight, 0), Share: i18n.Percent(lang, share, 1),
			Effective: i18n.Percent(lang, effective[c.ID], 1), Thresholds: thresholds(lang, c),
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

func participantRows(lang i18n.Lang, parts []*bpo.Participant) []pages.ParticipantRow {
	rows := make([]pages.ParticipantRow, len(parts))
	for i, p := range parts {
		rows[i] = pages.ParticipantRow{VendorID: p.VendorID, Name: p.Name, Country: i18n.CountryName(lang, p.Country),
			Stage: string(p.Stage), Reason: p.RejectReason, Version: p.Version}
	}
	return rows
}

func evaluatorRows(lang i18n.Lang, assignments []*bpo.Assignment, parts []*bpo.Participant) []pages.EvaluatorRow {
	names := map[int64]string{}
	for _, p := range parts {
		names[p.VendorID] = p.Name
	}
	rows := make([]pages.EvaluatorRow, len(assignments))
	for i, a := range assignments {
		row := pages.EvaluatorRow{UserID: a.UserID, Name: a.Name, Declared: i18n.T(lang, "evaluation.not_declared"), Conflicts: "—"}
		if a.COIDeclaredAt != nil {
			row.Declared = i18n.DateTime(lang, *a.COIDeclaredAt)
			row.Conflicts = i18n.T(lang, "evaluation.no_conflict")
		}
		if len(a.Conflicts) > 0 {
			var list []string
			for _, c := range a.Conflicts {
				item := names[c.VendorID]
				if c.Note != "" {
					item += " (" + c.Note + ")"
				}
				list = append(list, item)
			}
			row.Conflicts = strings.Join(list, "; ")
		}
		rows[i] = row
	}
	return rows
}

// scorecardCell is the state of one evaluator's scorecard for one vendor.
func scorecardCell(a *bpo.Assignment, vendorID int64, byPair map[[2]int64]*bpo.ScorecardProgress, rated int) pages.MatrixCell {
	if a.HasConflict(vendorID) {
		return pages.MatrixCell{State: "conflict"}
	}
	p, ok := byPair[[2]int64{a.UserID, vendorID}]
	if !ok || p.ScorecardID == 0 {
		return pages.MatrixCell{State: "not_started", Total: rated}
	}
	return pages.MatrixCell{State: string(p.Status), Rated: p.Rated, Total: rated, ScorecardID: p.ScorecardID, Version: p.Version}
}

func progressByPair(progress []*bpo.ScorecardProgress) map[[2]int64]*bpo.ScorecardProgress {
	m := make(map[[2]int64]*bpo.ScorecardProgress, len(progress))
	for _, p := range progress {
		m[[2]int64{p.EvaluatorID, p.VendorID}] = p
	}
	return m
}

func progressMatrix(parts []*bpo.Participant, assignments []*bpo.Assignment, progress []*bpo.ScorecardProgress, rated int) pages.ProgressMatrix {
	byPair := progressByPair(progress)
	var m pages.ProgressMatrix
	var scored []*bpo.Participant
	for _, p := range parts {
		if p.Stage != bpo.StageRejected {
			scored = append(scored, p)
			m.Vendors = append(m.Vendors, p.Name)
		}
	}
	m.Pending = make([]int, len(scored))
	for _, a := range assignments {
		row := pages.MatrixRow{Evaluator: a.Name}
		for i, p := range scored {
			c := scorecardCell(a, p.VendorID, byPair, rated)
			if c.State != "conflict" {
				m.Expected++
				m.Pending[i]++
			}
			if c.State == string(bpo.ScorecardSubmitted) {
				m.Submitted++
				m.Pending[i]--
			}
			row.Cells = append(row.Cells, c)
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

func myScorecards(u *bpo.User, parts []*bpo.Participant, assignments []*bpo.Assignment, progress []*bpo.ScorecardProgress, rated int) []pages.MyScorecardRow {
	var mine *bpo.Assignment
	for _, a := range assignments {
		if u != nil && a.UserID == u.ID {
			mine = a
		}
	}
	if mine == nil {
		return nil
	}
	byPair := progressByPair(progress)
	var rows []pages.MyScorecardRow
	for _, p := range parts {
		if p.Stage == bpo.StageRejected {
			continue
		}
		c := scorecardCell(mine, p.VendorID, byPair, rated)
		rows = append(rows, pages.MyScorecardRow{VendorID: p.VendorID, Name: p.Name, State: c.State, Rated: c.Rated, Total: rated})
	}
	return rows
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

// figureTable lays out the measured figures: one column per measured
// criterion, one row per vendor still in the running.
func figureTable(lang i18n.Lang, criteria []*bpo.Criterion, parts []*bpo.Participant, ms []*bpo.Measurement) ([]pages.MeasuredColumn, []pages.FigureRow) {
	var cols []pages.MeasuredColumn
	for _, c := range criteria {
		if c.Kind == bpo.KindMeasured {
			cols = append(cols, pages.MeasuredColumn{ID: c.ID, Name: c.Name(string(lang)), Unit: c.Unit})
		}
	}
	value := map[[2]int64]float64{}
	for _, m := range ms {
		value[[2]int64{m.VendorID, m.CriterionID}] = m.Value
	}
	var rows []pages.FigureRow
	for _, p := range parts {
		if p.Stage == bpo.StageRejected {
			continue
		}
		row := pages.FigureRow{VendorID: p.VendorID, Name: p.Name, Values: make([]string, len(cols))}
		for i, c := range cols {
			if v, ok := value[[2]int64{p.VendorID, c.ID}]; ok {
				row.Values[i] = inputNumber(lang, v)
			}
		}
		rows = append(rows, row)
	}
	return cols, rows
}
