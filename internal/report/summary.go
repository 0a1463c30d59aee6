package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// cover is page 1: what was evaluated, by whom, and the decision in one
// sentence.
func (r *report) cover() {
	d := &r.doc
	e := r.data.Evaluation
	d.newPage()
	d.pdf.Bookmark(r.t("report.cover"), 0, -1)
	d.y = 38
	d.paragraph(strings.ToUpper(r.t("report.kind")), true, 9, colorAccent, 0)
	d.y += 1
	d.paragraph(e.Title, true, 22, colorInk, 0)
	d.y += 3
	if e.Scope != "" {
		d.paragraph(e.Scope, false, 10, colorInk, 0)
		d.y += 3
	}
	facts := [][2]string{
		{r.t("evaluation.status"), r.t("status." + string(e.Status))},
	}
	if len(e.Services) > 0 {
		services := make([]string, len(e.Services))
		for i, s := range e.Services {
			services[i] = r.t("service." + s)
		}
		facts = append(facts, [2]string{r.t("evaluation.services"), strings.Join(services, ", ")})
	}
	for _, f := range []struct {
		key string
		at  *time.Time
	}{{"evaluation.due_date", e.DueDate}, {"report.fact.opened", e.OpenedAt}, {"report.fact.closed", e.ClosedAt}} {
		if f.at != nil {
			facts = append(facts, [2]string{r.t(f.key), r.day(*f.at)})
		}
	}
	facts = append(facts,
		[2]string{r.t("report.fact.vendors"), strconv.Itoa(len(r.data.Result.Vendors))},
		[2]string{r.t("evaluation.evaluators"), strconv.Itoa(len(r.data.Evaluators))},
		[2]string{r.t("report.fact.prepared"), r.person(r.data.PreparedBy)},
		[2]string{r.t("report.fact.generated"), r.when(r.data.GeneratedAt)},
	)
	d.facts(facts)
	d.y += 4
	d.box(r.t("decision.title"), r.decisionSentences(false))
	r.scope()
}

// summary is the executive summary: the decision, the reasons, the ranking,
// the margin and how robust the ranking is.
func (r *report) summary() {
	d := &r.doc
	res := r.data.Result
	rec := res.Recommendation
	d.section(r.t("report.summary"))
	d.box(r.decisionHeadline(), r.decisionSentences(true))
	r.decisionRecord()

	d.subsection(r.t("report.reasons"))
	reasons := make([]string, len(rec.Reasons))
	for i, reason := range rec.Reasons {
		reasons[i] = explain.Reason(r.lang, reason)
	}
	d.bullets(reasons)

	d.subsection(r.t("report.ranking"))
	cols := []column{
		{title: r.t("scoring.text.rank"), width: 10, right: true},
		{title: r.t("scoring.text.vendor"), width: 50},
		{title: r.t("scoring.text.score"), width: 16, right: true},
		{title: r.t("scoring.text.eligible"), width: 16},
		{title: r.t("scoring.text.completeness"), width: 26, right: true},
		{title: r.t("coverage.title"), width: 26, right: true},
	}
	rows := make([]row, len(res.Vendors))
	for i, v := range res.Vendors {
		rows[i] = row{cells: []string{explain.Rank(r.lang, v.Rank), r.vendorName(v.Key), r.score(v.Score), r.yesNo(v.Eligible),
			r.completeness(v.Completeness), r.coverage(v.Key)}, strong: v.Key == rec.Vendor}
		if !v.Eligible {
			rows[i].colors = map[int]string{3: colorAlert}
		}
	}
	d.table(cols, rows)
	e := r.data.Evaluation
	facts := [][2]string{}
	if rec.Margin != nil {
		facts = append(facts,
			[2]string{r.t("report.fact.leader"), r.vendorName(rec.Vendor)},
			[2]string{r.t("report.fact.runner_up"), r.vendorName(rec.RunnerUp)},
			[2]string{r.t("report.fact.margin"), r.score(*rec.Margin)})
	}
	facts = append(facts,
		[2]string{r.t("evaluation.close_call_margin"), r.trimmed(e.CloseCallMargin, 2)},
		[2]string{r.t("evaluation.award_threshold"), r.trimmed(e.AwardThreshold, 2)})
	d.facts(facts)

	d.subsection(r.t("report.sensitivity"))
	r.sensitivity()
	r.analysesSummary()
	r.rejected()
}

// sensitivityShown is how many weight changes the summary spells out.
const sensitivityShown = 5

// sensitivity lists the weight changes that would change the leader,
// smallest first, as the engine phrases them.
func (r *report) sensitivity() {
	d := &r.doc
	var flips []scoring.Sensitivity
	for _, s := range r.data.Result.Sensitivity {
		if s.FlipWeight != nil {
			flips = append(flips, s)
		}
	}
	if len(flips) == 0 {
		d.body(r.t("report.sensitivity.none"))
		return
	}
	slices.SortStableFunc(flips, func(a, b scoring.Sensitivity) int {
		return cmp.Compare(math.Abs(*a.FlipWeight-a.Weight), math.Abs(*b.FlipWeight-b.Weight))
	})
	d.body(r.t("report.sensitivity.intro"))
	var items []string
	for _, s := range flips[:min(len(flips), sensitivityShown)] {
		items = append(items, explain.Sensitivity(r.lang, r.data.Model, r.data.Result, s))
	}
	d.bullets(items)
	if more := len(flips) - sensitivityShown; more > 0 {
		d.body(i18n.N(r.lang, "report.sensitivity.more", more))
	}
}

// rejected lists the vendors turned down before scoring, with the reason.
func (r *report) rejected() {
	var items []string
	for _, p := range r.data.Participants {
		if p.Stage == bpo.StageRejected {
			items = append(items, r.t("report.rejected.item", p.Name, p.RejectReason))
		}
	}
	if len(items) > 0 {
		r.subsection(r.t("report.rejected"))
		r.bullets(items)
	}
}

// chartVendors is how many vendors the charts show at most.
const chartVendors = 12

// charts draws the category radar and the stacked bars of the compare page.
func (r *report) charts() {
	d := &r.doc
	d.section(r.t("report.charts"))
	// The charts stay readable up to a dozen vendors: beyond, they show
	// the best-ranked ones.
	keys := r.chartKeys()
	if len(keys) < len(r.data.Result.Vendors) {
		d.body(r.t("report.chart.top", len(keys)))
	}
	radar, bars := chart.FromResult(r.data.Model, r.data.Result, keys)
	format := func(v float64) string { return i18n.Number(r.lang, v, 2) }
	radar.Title, radar.Desc, radar.Format = r.t("report.chart.radar"), r.t("report.chart.radar_desc"), format
	if len(radar.Axes) < chart.RadarAxes {
		radar.Desc = r.t("report.chart.grouped_desc")
	}
	bars.Title, bars.Desc, bars.Format = r.t("report.chart.bars"), r.t("report.chart.bars_desc"), format
	d.drawing(chart.Categories(radar), 128)
	d.drawing(chart.StackedBars(bars), 160)
}

// The numbers, as the report prints them.

// score prints a score or a margin with two decimals: enough to see a
// close call, and what the result JSON rounds to.
func (r *report) score(v float64) string { return i18n.Number(r.lang, v, 2) }

// trimmed prints v with at most dec decimals, without trailing zeros.
func (r *report) trimmed(v float64, dec int) string {
	s := i18n.Number(r.lang, v, dec)
	if dec == 0 {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimRight(strings.TrimRight(s, "."), ",")
}

// share prints an effective weight or a share as a percentage.
func (r *report) share(v float64) string { return i18n.Percent(r.lang, v, 1) }

// completeness is 100% only when nothing is missing.
func (r *report) completeness(v float64) string {
	if v == 1 {
		return i18n.Percent(r.lang, 1, 0)
	}
	return i18n.Percent(r.lang, min(v, 0.999), 1)
}

func (r *report) yesNo(b bool) string {
	if b {
		return r.t("scoring.text.yes")
	}
	return r.t("scoring.text.no")
}

func (r *report) person(p Person) string {
	if p.Role == "" {
		return p.Name
	}
	return r.t("report.person", p.Name, r.roleName(p.Role))
}
