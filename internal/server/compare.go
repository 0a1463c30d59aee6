package server

import (
	"bytes"
	"cmp"
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// showCompare is the manager's side-by-side comparison of the vendors in the
// URL (?vendor=key, repeated), scored with the stored weights or with the
// what-if weights in the URL (w_<criterion id>, as in the weights editor).
// An htmx request gets the results alone: re-ranking never writes and reads
// no more than the page.
//
// With the stored weights, the page's content is rendered once per
// revision, language and choice of vendors, and kept with the scored
// evaluation: it shows the evaluation's data and nothing of who asks, and
// only managers, who may read all of it, reach this page. What-if weights
// are asked for once each, as a slider moves, so their content is rendered
// for the request alone: kept, it would only push out what is asked again.
func (s *Server) showCompare(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	lang, q := s.lang(r), r.URL.Query()
	d, err := s.loadScored(r.Context(), id, evalmodel.Parts|bpo.WithAssignments|bpo.WithProgress|bpo.WithDecision)
	var in *weightsInput
	if err == nil {
		in, err = decodeWhatIf(lang, q, d.Tree())
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	choices, notice := compareChoices(lang, d.Participants, q["vendor"])
	update := r.Header.Get("HX-Request") == "true"
	content := func() ([]byte, error) {
		view, err := compareView(r.Context(), lang, d, choices, notice, in)
		if err != nil {
			return nil, err
		}
		view.Decision = decisionPanel(lang, d.EvaluationDetail, d.Decision, true)
		if view.Results != nil {
			addCoverage(lang, view.Results.Columns, d.EvaluationDetail)
		}
		if update {
			return s.renderBytes(r, pages.CompareUpdate(view))
		}
		return s.renderBytes(r, pages.CompareContent(view))
	}
	var body []byte
	if len(in.problems) > 0 || slices.ContainsFunc(d.Criteria, in.differs) {
		body, err = content()
	} else {
		body, err = derived(d, compareContentKey(lang, update, choices, notice), content)
	}
	if err != nil {
		s.renderFailed(w, r, err)
		return
	}
	status := http.StatusOK
	if len(in.problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	if update {
		writeHTML(w, status, body)
		return
	}
	s.renderStatus(w, r, status, pages.Compare(d.Evaluation.Title, s.popFlash(r), body))
}

// compareContentKey names the kept content of a comparison with the stored
// weights: by the vendors it ended up comparing, not by the query's words,
// so that any query choosing the same vendors shares it.
func compareContentKey(lang i18n.Lang, update bool, choices []pages.VendorChoice, notice string) string {
	part := "page"
	if update {
		part = "update"
	}
	return "compare/" + string(lang) + "/" + part + "/" + strconv.FormatBool(notice != "") + "/" + compareQuery(choices)
}

// showCompareRatings is the drill-down of a comparison cell: each
// evaluator's rating of a vendor on a criterion, with the justification.
// Managers read them at any time: they see only submitted scorecards, and
// evaluators' independence is about evaluators not seeing each other's
// ratings, which this page never shows them.
func (s *Server) showCompareRatings(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	lang, q := s.lang(r), r.URL.Query()
	d, err := s.loadEvaluation(r.Context(), id, bpo.WithJustifications|bpo.WithAssignments)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var (
		vendor    *bpo.Participant
		criterion *bpo.Criterion
	)
	for _, p := range d.Participants {
		if p.Key == q.Get("vendor") {
			vendor = p
		}
	}
	for _, c := range d.Criteria {
		if c.Key == q.Get("criterion") && c.Kind == bpo.KindRated {
			criterion = c
		}
	}
	if vendor == nil || criterion == nil {
		s.Error(w, r, bpo.Errorf(bpo.ENOTFOUND, "error.not_found"))
		return
	}
	names := map[int64]string{}
	for _, a := range d.Assignments {
		names[a.UserID] = a.Name
	}
	view := pages.CompareRatingsView{Vendor: vendor.Name, Criterion: criterion.Name(string(lang))}
	for _, sr := range d.Ratings {
		if sr.VendorID == vendor.VendorID && sr.CriterionID == criterion.ID {
			view.Ratings = append(view.Ratings, pages.RatingLine{Evaluator: cmp.Or(names[sr.EvaluatorID], sr.EvaluatorEmail),
				Value: strconv.Itoa(sr.Value), Justification: sr.Justification, When: i18n.DateTime(lang, sr.UpdatedAt)})
		}
	}
	view.Consensus = consensusCell(lang, d, vendor.VendorID, criterion.ID)
	s.render(w, r, pages.CompareRatings(view))
}

// decodeWhatIf reads what-if weights with the weights editor's rules. Nothing
// is saved, so the form carries no versions: the stored ones are assumed,
// which is what "use these weights" then saves against. Sliders send a
// decimal point in every language: it is written in lang's grammar first.
func decodeWhatIf(lang i18n.Lang, q url.Values, t *bpo.CriteriaTree) (*weightsInput, error) {
	form := url.Values{}
	for name, values := range q {
		if strings.HasPrefix(name, "w_") {
			form[name] = values[:1] // a criterion of another evaluation: decodeWeights says how
			if v, ok, err := parseNumber(i18n.EN, values[0]); ok && err == nil {
				form.Set(name, inputNumber(lang, v))
			}
		}
	}
	for _, c := range t.All() {
		if form.Has("w_" + strconv.FormatInt(c.ID, 10)) {
			form.Set("v_"+strconv.FormatInt(c.ID, 10), strconv.Itoa(c.Version))
		}
	}
	return decodeWeights(lang, form, t)
}

// compareView scores the evaluation with the weights of in and lays out the
// comparison of the vendors chosen (see compareChoices).
func compareView(ctx context.Context, lang i18n.Lang, d *scoredEvaluation, choices []pages.VendorChoice, notice string, in *weightsInput) (*pages.CompareView, error) {
	e := d.Evaluation
	v := &pages.CompareView{EvaluationID: e.ID, Title: e.Title, Status: string(e.Status), Vendors: choices, Notice: notice}
	v.Sliders = weightSliders(lang, d.Tree(), in)
	for _, c := range d.Criteria {
		if in.differs(c) {
			v.WhatIf = true
			v.Changes = append(v.Changes, pages.HiddenField{Name: "w_" + strconv.FormatInt(c.ID, 10), Value: inputNumber(lang, in.weight[c.ID])},
				pages.HiddenField{Name: "v_" + strconv.FormatInt(c.ID, 10), Value: strconv.Itoa(c.Version)})
		}
	}
	v.CanSaveWeights = e.Status != bpo.StatusClosed
	v.Audited = e.Status == bpo.StatusOpen
	v.Query = compareQuery(v.Vendors)
	if len(in.problems) > 0 {
		v.Problems = previewProblems(lang, d.EvaluationDetail, in.problems)
		return v, nil
	}
	m, res, err := d.score(lang, in.weight)
	if err != nil {
		v.Problems = []string{tr(lang, bpo.ErrorMessage(err))}
		return v, nil
	}
	keys := selected(v.Vendors)
	cells, err := tableCells(ctx, lang, d, m, res, keys)
	if err != nil {
		return nil, err
	}
	v.Results = compareResults(lang, d.EvaluationDetail, m, res, keys, cells)
	v.Unmoderated = unmoderated(res)
	return v, nil
}

// differs tells whether the weight of c in differs from its stored weight:
// a what-if.
func (in *weightsInput) differs(c *bpo.Criterion) bool {
	w, ok := in.weight[c.ID]
	return ok && w != c.Weight
}

// compareChoices lists the vendors still in the running, checked when
// chosen. Without a usable choice of two or more, the shortlist is compared,
// or every vendor when fewer than two are shortlisted.
func compareChoices(lang i18n.Lang, participants []*bpo.Participant, chosen []string) ([]pages.VendorChoice, string) {
	var (
		out         []pages.VendorChoice
		shortlisted []bool
		picked      int
	)
	for _, p := range participants {
		if p.Stage == bpo.StageRejected {
			continue
		}
		c := pages.VendorChoice{Key: p.Key, Name: p.Name, Checked: slices.Contains(chosen, p.Key)}
		if c.Checked {
			picked++
		}
		out = append(out, c)
		shortlisted = append(shortlisted, p.Stage == bpo.StageShortlisted || p.Stage == bpo.StageSelected)
	}
	if picked >= 2 {
		return out, ""
	}
	notice := ""
	if len(chosen) > 0 {
		notice = i18n.T(lang, "compare.choose_two")
	}
	few := len(slices.DeleteFunc(slices.Clone(shortlisted), func(b bool) bool { return !b })) < 2
	for i := range out {
		out[i].Checked = few || shortlisted[i]
	}
	return out, notice
}

func selected(choices []pages.VendorChoice) []string {
	var keys []string
	for _, c := range choices {
		if c.Checked {
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// compareQuery is the query string of the comparison of the checked
// vendors, with the stored weights.
func compareQuery(choices []pages.VendorChoice) string {
	return url.Values{"vendor": selected(choices)}.Encode()
}

// weightSliders lays out the weights as sliders: the categories, each with
// its criteria (shown on expanding it), with the share of the total each
// carries under the weights of in.
func weightSliders(lang i18n.Lang, t *bpo.CriteriaTree, in *weightsInput) []pages.WeightSlider {
	_, effective := t.Shares(in.weight)
	var build func(parent int64) []pages.WeightSlider
	build = func(parent int64) []pages.WeightSlider {
		var out []pages.WeightSlider
		for _, c := range t.Children(parent) {
			sl := pages.WeightSlider{ID: c.ID, Name: c.Name(string(lang)), Value: in.text[c.ID],
				Share: percentText(lang, effective[c.ID]), Changed: in.weight[c.ID] != c.Weight}
			if w, ok := in.weight[c.ID]; ok { // a slider takes the decimal point
				sl.Value = formatWeight(w)
			}
			sl.Max, sl.Step = sliderRange(t.Children(parent))
			if c.Kind == bpo.KindGroup {
				sl.Children = build(c.ID)
			}
			out = append(out, sl)
		}
		return out
	}
	return build(0)
}

func formatWeight(w float64) string { return strconv.FormatFloat(w, 'f', -1, 64) }

// sliderRange is the range of the sliders of siblings: up to 100, or twice
// the largest stored weight among them when weights are larger; whole steps
// when their weights are whole numbers.
func sliderRange(siblings []*bpo.Criterion) (max, step string) {
	top, whole := 100.0, true
	for _, o := range siblings {
		top = math.Max(top, 2*o.Weight)
		whole = whole && o.Weight == math.Trunc(o.Weight)
	}
	step = "1"
	if !whole {
		step = "any"
	}
	return strconv.FormatFloat(math.Ceil(top), 'f', -1, 64), step
}

// compareResults lays out the table, the charts and the recommendation.
func compareResults(lang i18n.Lang, d *bpo.EvaluationDetail, m *scoring.Model, res *scoring.Result, keys []string, cells compareCells) *pages.CompareResults {
	out := &pages.CompareResults{Recommendation: comparePanel(lang, m, res)}
	vendors := comparedVendors(res, keys)
	for _, vr := range vendors {
		out.Columns = append(out.Columns, compareColumn(lang, vr, res))
	}
	if lead := res.Vendor(res.Recommendation.Vendor); lead != nil && !slices.Contains(keys, lead.Key) {
		out.Recommendation.Hidden = i18n.T(lang, "compare.leader_hidden", lead.Name)
	}
	out.Groups = compareGroups(lang, d, m, vendors, cells)

	radar, bars := chart.FromResult(m, res, keys)
	format := func(v float64) string { return i18n.Number(lang, v, scoreDecimals) }
	radar.Title, radar.Desc, radar.Format = i18n.T(lang, "compare.radar_title"), i18n.T(lang, "compare.radar_desc"), format
	if len(radar.Axes) < chart.RadarAxes {
		radar.Desc = i18n.T(lang, "compare.grouped_desc")
	}
	bars.Title, bars.Desc, bars.Format = i18n.T(lang, "compare.bars_title"), i18n.T(lang, "compare.bars_desc"), format
	out.Radar, out.Bars = chart.Categories(radar), chart.StackedBars(bars)
	out.Analytics = compareAnalytics(lang, d, m, res, keys)
	return out
}

// comparedVendors are the results of the vendors of keys, in rank order.
func comparedVendors(res *scoring.Result, keys []string) []*scoring.VendorResult {
	var vendors []*scoring.VendorResult
	for i := range res.Vendors {
		if slices.Contains(keys, res.Vendors[i].Key) {
			vendors = append(vendors, &res.Vendors[i])
		}
	}
	return vendors
}

func compareColumn(lang i18n.Lang, vr *scoring.VendorResult, res *scoring.Result) pages.CompareColumn {
	rec := res.Recommendation
	c := pages.CompareColumn{Key: vr.Key, Name: vr.Name, Rank: vr.Rank, Score: i18n.Number(lang, vr.Score, scoreDecimals),
		Eligible: vr.Eligible, Leader: vr.Key == rec.Vendor && rec.Decision != scoring.NoAward,
		LeaderLabel: leaderLabel(lang, rec.Decision), Recommended: rec.Decision == scoring.Award}
	for _, k := range vr.KnockOuts {
		c.KnockOuts = append(c.KnockOuts, explain.KnockOut(lang, k))
	}
	if vr.Completeness < 1 {
		c.Completeness = explain.Completeness(lang, vr.Completeness)
	}
	return c
}

// compareGroups lays out one group of rows per category (a top-level leaf
// is a category of its own), each with the vendors' subtotals.
func compareGroups(lang i18n.Lang, d *bpo.EvaluationDetail, m *scoring.Model, vendors []*scoring.VendorResult, cells compareCells) []pages.CompareGroup {
	names := map[string]string{}
	for _, c := range d.Criteria {
		names[c.Key] = c.Name(string(lang))
	}
	var (
		groups  []pages.CompareGroup
		weights []float64   // each group's effective weight
		points  [][]float64 // each group's subtotal per vendor
	)
	index := map[string]int{}
	for j, leaf := range m.Leaves() {
		category := leaf.Key
		if len(leaf.Path) > 0 {
			category = leaf.Path[0]
		}
		gi, ok := index[category]
		if !ok {
			gi = len(groups)
			index[category] = gi
			groups = append(groups, pages.CompareGroup{Key: category, Name: names[category]})
			weights = append(weights, 0)
			points = append(points, make([]float64, len(vendors)))
		}
		weights[gi] += leaf.Weight
		row := pages.CompareRow{Key: leaf.Key, Name: leaf.Name, Weight: percentText(lang, leaf.Weight)}
		for vi, vr := range vendors {
			row.Cells = append(row.Cells, components.Rendered(cells[vr.Key][leaf.Key]))
			points[gi][vi] += vr.Criteria[j].Contribution
		}
		groups[gi].Rows = append(groups[gi].Rows, row)
	}
	for gi := range groups {
		groups[gi].Weight = percentText(lang, weights[gi])
		for _, p := range points[gi] {
			groups[gi].Subtotals = append(groups[gi].Subtotals, i18n.Number(lang, p, scoreDecimals))
		}
	}
	return groups
}

// compareCells are the comparison table's cells of the vendors compared,
// rendered, by vendor key and criterion key. A cell shows what the vendor's
// ratings or figures give on the criterion, and whether that is the best
// among the vendors compared: nothing that a what-if's weights change. So
// the cells are rendered once per revision, language and choice of
// vendors, and a re-rank only lays them out in its columns' order.
type compareCells map[string]map[string][]byte

// tableCells are the cells of the vendors of keys, scored in m and res.
func tableCells(ctx context.Context, lang i18n.Lang, d *scoredEvaluation, m *scoring.Model, res *scoring.Result, keys []string) (compareCells, error) {
	name := "compare/cells/" + string(lang) + "/" + url.Values{"vendor": slices.Sorted(slices.Values(keys))}.Encode()
	return derived(d, name, func() (compareCells, error) {
		ctx, vendors := components.WithLang(ctx, lang), comparedVendors(res, keys)
		// One buffer for every cell, sliced once it is written: a few
		// hundred cells are one allocation to keep, not a few hundred.
		type written struct {
			vendor, criterion string
			end               int
		}
		var (
			buf  bytes.Buffer
			ends []written
		)
		for j, leaf := range m.Leaves() {
			row := make([]pages.CompareCell, len(vendors))
			for i, vr := range vendors {
				row[i] = compareCell(lang, d.Evaluation, leaf, vr.Criteria[j])
			}
			markBest(row, vendors, j)
			for i, vr := range vendors {
				if err := pages.CompareTableCell(d.Evaluation.ID, vr.Key, leaf.Key, leaf.Metric != nil, row[i]).Render(ctx, &buf); err != nil {
					return nil, err
				}
				ends = append(ends, written{vr.Key, leaf.Key, buf.Len()})
			}
		}
		all, cells, start := buf.Bytes(), compareCells{}, 0
		for _, w := range ends {
			if cells[w.vendor] == nil {
				cells[w.vendor] = map[string][]byte{}
			}
			cells[w.vendor][w.criterion] = all[start:w.end:w.end]
			start = w.end
		}
		return cells, nil
	})
}

func compareCell(lang i18n.Lang, e *bpo.Evaluation, leaf scoring.Leaf, cr scoring.CriterionResult) pages.CompareCell {
	c := pages.CompareCell{Missing: cr.Missing, Disputed: cr.Disputed, Raters: cr.Raters, Consensus: cr.Consensus}
	if cr.Missing {
		return c
	}
	if leaf.Metric != nil {
		c.Value = explain.Figure(lang, cr.Value, leaf.Metric.Unit)
	} else {
		c.Value = i18n.T(lang, "compare.rating", i18n.Number(lang, cr.Value, 1), e.ScaleMax)
		if cr.Raters > 1 && cr.Spread > 0 {
			c.Spread = i18n.Number(lang, cr.Spread, 0)
		}
	}
	c.Normalized = i18n.Number(lang, cr.Normalized, 0)
	return c
}

// markBest highlights the best normalized value of a row; ties share it. A
// row with fewer than two values has no best.
func markBest(cells []pages.CompareCell, vendors []*scoring.VendorResult, j int) {
	best, values := math.Inf(-1), 0
	for _, vr := range vendors {
		if cr := vr.Criteria[j]; !cr.Missing {
			best = math.Max(best, cr.Normalized)
			values++
		}
	}
	if values < 2 {
		return
	}
	for i, vr := range vendors {
		if cr := vr.Criteria[j]; !cr.Missing && cr.Normalized >= best-1e-9 {
			cells[i].Best = true
		}
	}
}

// comparePanel is the recommendation with its margin and the weights that
// would change the leader, closest first.
func comparePanel(lang i18n.Lang, m *scoring.Model, res *scoring.Result) *pages.ComparePanel {
	rec := res.Recommendation
	p := &pages.ComparePanel{RecommendationView: *recommendationView(lang, rec)}
	if rec.Margin != nil {
		p.Margin = explain.Points(lang, *rec.Margin)
	}
	flips := slices.Clone(res.Sensitivity)
	flips = slices.DeleteFunc(flips, func(s scoring.Sensitivity) bool { return s.FlipWeight == nil })
	slices.SortStableFunc(flips, func(a, b scoring.Sensitivity) int {
		return cmp.Compare(math.Abs(*a.FlipWeight-a.Weight), math.Abs(*b.FlipWeight-b.Weight))
	})
	for _, s := range flips[:min(len(flips), 5)] {
		p.Sensitivity = append(p.Sensitivity, explain.Sensitivity(lang, m, res, s))
	}
	return p
}
