package report

import (
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// methodology explains how the result was reached: the criteria and their
// weights, the scale, the formulas of the measured criteria, the knock-outs,
// the rules of the score and the recommendation, and the weights changed
// while scoring was open.
func (r *report) methodology() {
	d := &r.doc
	e := r.data.Evaluation
	d.section(r.t("report.method"))
	d.body(r.t("report.method.intro", len(r.data.Evaluators), e.ScaleMin, e.ScaleMax))

	d.subsection(r.t("evaluation.criteria"))
	d.note(r.t("report.method.criteria_note"))
	d.table([]column{
		{title: r.t("criterion.name"), width: 41},
		{title: r.t("criterion.kind"), width: 15},
		{title: r.t("criterion.weight"), width: 10, right: true},
		{title: r.t("criterion.share"), width: 11, right: true},
		{title: r.t("criterion.effective"), width: 11, right: true},
		{title: r.t("criterion.thresholds"), width: 30},
	}, r.criteriaRows(r.data.Model.Criteria, 0))

	r.scale()
	r.measured()
	r.knockOuts()

	d.subsection(r.t("report.method.rules"))
	aggregation := "report.method.rule.mean"
	if r.data.Model.Options.Aggregation == scoring.Median {
		aggregation = "report.method.rule.median"
	}
	d.bullets([]string{
		r.t(aggregation),
		r.t("report.method.rule.normalize", e.ScaleMin, e.ScaleMax),
		r.t("report.method.rule.score"),
		r.t("report.method.rule.rank"),
		r.t("report.method.rule.decision", r.trimmed(e.AwardThreshold, 2), r.trimmed(e.CloseCallMargin, 2)),
		r.t("report.method.rule.missing"),
		r.t("report.method.rule.disputed"),
		r.t("report.method.rule.sensitivity"),
		r.t("report.method.rule.reversal"),
		r.t("report.method.rule.robustness"),
	})

	r.weightOrigins()
	d.subsection(r.t("report.method.weights"))
	if len(r.data.WeightChanges) == 0 {
		d.body(r.t("report.method.weights.none"))
		return
	}
	rows := make([]row, len(r.data.WeightChanges))
	for i, w := range r.data.WeightChanges {
		name := strconv.FormatInt(w.CriterionID, 10)
		if c := r.criteriaByID[w.CriterionID]; c != nil {
			name = c.Name(string(r.lang))
		}
		rows[i] = row{cells: []string{r.when(w.At), w.By, name, r.trimmed(w.Before, 4), r.trimmed(w.After, 4)}}
	}
	d.table([]column{
		{title: r.t("report.col.when"), width: 22},
		{title: r.t("report.col.by"), width: 22},
		{title: r.t("criterion.name"), width: 36},
		{title: r.t("report.col.before"), width: 10, right: true},
		{title: r.t("report.col.after"), width: 10, right: true},
	}, rows)
}

// criteriaRows flattens the criteria tree: each node with its weight, its
// share of its siblings' weights and of the total, and its thresholds.
func (r *report) criteriaRows(cs []scoring.Criterion, depth int) []row {
	sum := 0.0
	for _, c := range cs {
		sum += c.Weight
	}
	var rows []row
	for _, c := range cs {
		kind, total := "group", 0.0
		switch {
		case c.Metric != nil:
			kind = "measured"
		case len(c.Children) == 0:
			kind = "rated"
		}
		for _, l := range r.leaves {
			if l.Key == c.Key || (len(l.Path) > depth && l.Path[depth] == c.Key) {
				total += l.Weight
			}
		}
		share := 0.0
		if sum > 0 {
			share = c.Weight / sum
		}
		rows = append(rows, row{
			cells: []string{c.Name, r.t("criterion.kind." + kind), r.trimmed(c.Weight, 4), r.share(share), r.share(total),
				r.thresholds(&c)},
			indent: float64(depth) * 4, strong: kind == "group",
		})
		rows = append(rows, r.criteriaRows(c.Children, depth+1)...)
	}
	return rows
}

// thresholds describes a leaf's knock-out and anchors, as the set-up page does.
func (r *report) thresholds(c *scoring.Criterion) string {
	var parts []string
	if c.MinRating != nil {
		parts = append(parts, r.t("criterion.min_rating_is", r.trimmed(*c.MinRating, 2)))
	}
	if m := c.Metric; m != nil {
		if m.Best != nil && m.Worst != nil {
			parts = append(parts, r.t("criterion.anchors_are", r.figure(*m.Best, m.Unit), r.figure(*m.Worst, m.Unit)))
		}
		if m.Limit != nil {
			parts = append(parts, r.t("criterion.limit_is", r.figure(*m.Limit, m.Unit)))
		}
	}
	return strings.Join(parts, "; ")
}

// figure prints a measured figure with its unit.
func (r *report) figure(v float64, unit string) string {
	s := r.trimmed(v, 2)
	if unit == "" {
		return s
	}
	return s + "\u00a0" + unit
}

// scale lists the points of the rating scale with their descriptors.
func (r *report) scale() {
	d := &r.doc
	e := r.data.Evaluation
	d.subsection(r.t("evaluation.scale"))
	if len(e.ScaleLevels) == 0 {
		d.body(r.t("report.method.scale_plain", e.ScaleMin, e.ScaleMax))
		return
	}
	rows := make([]row, len(e.ScaleLevels))
	for i, l := range e.ScaleLevels {
		label, help := l.LabelEN, l.HelpEN
		if r.lang == "fr" {
			label, help = l.LabelFR, l.HelpFR
		}
		rows[i] = row{cells: []string{strconv.Itoa(l.Value), label, help}}
	}
	d.table([]column{
		{title: r.t("report.col.rating"), width: 10, right: true},
		{title: r.t("report.col.descriptor"), width: 22},
		{title: r.t("report.col.meaning"), width: 68},
	}, rows)
}

// measured gives each measured criterion's formula: how its figure becomes
// a value on 0–100.
func (r *report) measured() {
	d := &r.doc
	var items []string
	for _, l := range r.leaves {
		m := l.Metric
		if m == nil {
			continue
		}
		var formula string
		if m.Best != nil && m.Worst != nil {
			formula = r.t("report.method.anchored", r.figure(*m.Best, m.Unit), r.figure(*m.Worst, m.Unit))
		} else {
			formula = r.t("report.method.relative." + string(m.Better))
		}
		item := r.t("report.method.measured_item", r.criterionName(l.Key), r.t("criterion.better."+string(m.Better)), formula)
		if m.Limit != nil {
			item += " " + r.t("report.method.limit."+string(m.Better), r.figure(*m.Limit, m.Unit))
		}
		items = append(items, item)
	}
	if len(items) > 0 {
		d.subsection(r.t("report.method.measured"))
		d.bullets(items)
	}
}

// knockOuts lists the criteria that knock a vendor out.
func (r *report) knockOuts() {
	d := &r.doc
	d.subsection(r.t("report.method.knockouts"))
	var items []string
	for _, l := range r.leaves {
		switch {
		case l.MinRating != nil:
			items = append(items, r.t("report.method.knockout.min", r.criterionName(l.Key), r.trimmed(*l.MinRating, 2)))
		case l.Metric != nil && l.Metric.Limit != nil:
			items = append(items, r.t("report.method.knockout.limit."+string(l.Metric.Better), r.criterionName(l.Key),
				r.figure(*l.Metric.Limit, l.Metric.Unit)))
		}
	}
	if len(items) == 0 {
		d.body(r.t("report.method.knockout.none"))
		return
	}
	d.body(r.t("report.method.knockouts.intro"))
	d.bullets(items)
}
