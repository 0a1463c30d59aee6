package report

import (
	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// analysesSummary adds to the executive summary what the steering
// committee asks beyond the single-weight flips: whether a withdrawal would
// change the leader (rule 12), and how often each vendor leads when the
// weights move within the robustness spread (rule 14), with its chart.
func (r *report) analysesSummary() {
	d := &r.doc
	res := r.data.Result
	var warnings []string
	for _, reason := range res.Recommendation.Reasons {
		if reason.Code == scoring.ReasonRankReversal {
			warnings = append(warnings, explain.Reason(r.lang, reason))
		}
	}
	if len(warnings) > 0 {
		d.box(r.t("report.reversal.title"), warnings)
	}
	rob := res.Robustness
	if rob == nil || len(rob.Acceptability) < 2 {
		return
	}
	_, shares := chart.Analyses(res, r.chartKeys())
	shares.Title, shares.Desc = r.t("report.chart.robustness"), r.t("report.chart.robustness_desc", i18n.Percent(r.lang, rob.Spread, 0))
	shares.Format = func(v float64) string { return i18n.Percent(r.lang, v, 0) }
	for i := range shares.Bars {
		shares.Bars[i].Label = explain.Share(r.lang, shares.Bars[i].Share)
	}
	drawing := chart.ShareBars(shares)
	intro := r.t("report.robustness.intro", i18n.Number(r.lang, float64(rob.Samples), 0), i18n.Percent(r.lang, rob.Spread, 0))
	d.font(false, sizeBody)
	// The heading and its introduction stay on the chart's page.
	d.room(lineHeight(sizeH2)*2 + 14 + float64(len(d.wrap(intro, contentW)))*lineHeight(sizeBody) + d.drawingHeight(drawing, 150))
	d.subsection(r.t("report.robustness"))
	d.body(intro)
	d.drawing(drawing, 150)
}

// valueForMoney is the "Value for money" page: each eligible vendor's
// benefit (its score without the cost criterion) against its cost, with the
// Pareto frontier (rule 13), or why there is nothing to plot.
func (r *report) valueForMoney() {
	d := &r.doc
	res := r.data.Result
	cost := r.data.Model.Options.CostCriterion
	if cost == "" {
		return
	}
	d.section(r.t("report.value"))
	vfm := res.ValueForMoney
	if vfm == nil {
		d.body(r.t("report.value.none", r.criterionName(cost)))
		return
	}
	value, _ := chart.Analyses(res, r.chartKeys())
	unit := ""
	for _, l := range r.leaves {
		if l.Key == cost && l.Metric != nil {
			unit = l.Metric.Unit
		}
	}
	value.Title = r.t("report.chart.value")
	value.Desc = r.t("report.chart.value_desc", r.criterionName(cost))
	value.XLabel, value.YLabel = r.criterionName(cost), r.t("report.chart.value_benefit", r.criterionName(cost))
	if unit != "" {
		value.XLabel += " (" + unit + ")"
	}
	value.FrontierLabel = r.t("report.chart.frontier")
	value.Format = func(v float64) string { return i18n.Number(r.lang, v, 2) }
	value.FormatCost = func(v float64) string { return explain.Figure(r.lang, v, "") }
	d.body(r.t("report.value.intro", r.criterionName(cost)))
	d.drawing(chart.ValueScatter(value), 160)
	cols := []column{
		{title: r.t("scoring.text.vendor"), width: 70},
		{title: r.criterionName(cost), width: 40, right: true},
		{title: r.t("report.col.benefit"), width: 30, right: true},
		{title: r.t("report.col.frontier"), width: 30},
	}
	rows := make([]row, len(vfm.Points))
	for i, p := range vfm.Points {
		rows[i] = row{cells: []string{r.vendorName(p.Vendor), explain.Figure(r.lang, p.Cost, unit), r.score(p.Benefit), r.yesNo(p.Frontier)}}
	}
	d.table(cols, rows)
	if out := r.knockedOut(); out > 0 {
		d.note(i18n.N(r.lang, "report.value.knocked_out", out))
	}
}

// chartKeys are the vendors the charts show: the best-ranked ones.
func (r *report) chartKeys() []string {
	var keys []string
	for _, v := range r.data.Result.Vendors[:min(len(r.data.Result.Vendors), chartVendors)] {
		keys = append(keys, v.Key)
	}
	return keys
}

func (r *report) knockedOut() int {
	n := 0
	for _, v := range r.data.Result.Vendors {
		if !v.Eligible {
			n++
		}
	}
	return n
}
