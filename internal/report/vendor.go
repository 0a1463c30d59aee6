package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// strongest is how many criteria the strongest and weakest lists name.
const strongest = 3

// vendor is one vendor's section: where its score comes from, criterion by
// criterion, and what the evaluators wrote.
func (r *report) vendor(v *scoring.VendorResult) {
	d := &r.doc
	title := r.t("report.vendor.title", v.Rank, r.vendorName(v.Key))
	if v.Rank == 0 {
		title = r.t("report.vendor.title.unranked", r.vendorName(v.Key))
	}
	d.section(title)
	d.pdf.Bookmark(r.vendorName(v.Key), 1, -1)
	facts := [][2]string{
		{r.t("scoring.text.rank"), explain.Rank(r.lang, v.Rank)},
		{r.t("scoring.text.score"), r.score(v.Score)},
		{r.t("scoring.text.eligible"), r.yesNo(v.Eligible)},
		{r.t("scoring.text.completeness"), r.completeness(v.Completeness)},
		{r.t("coverage.title"), r.coverage(v.Key)},
	}
	if p := r.participant(v.Key); p != nil && p.Country != "" {
		facts = append(facts, [2]string{r.t("report.country"), i18n.CountryName(r.lang, p.Country)})
	}
	d.facts(facts)
	// What the engine said of this vendor: knock-outs, missing data,
	// disagreement.
	var said []string
	for _, reason := range r.data.Result.Recommendation.Reasons {
		switch reason.Code {
		case scoring.ReasonKnockedOut, scoring.ReasonMissingData, scoring.ReasonDisputed:
			if reason.Vendor.Key == v.Key {
				said = append(said, explain.Reason(r.lang, reason))
			}
		}
	}
	d.bullets(said)

	d.subsection(r.t("report.vendor.categories"))
	d.facts(r.categoryPoints(v))
	best, worst := r.extremes(v)
	if len(best) > 0 {
		d.facts([][2]string{{r.t("report.vendor.strongest"), best}, {r.t("report.vendor.weakest"), worst}})
	}

	d.subsection(r.t("report.vendor.criteria"))
	d.table([]column{
		{title: r.t("criterion.name"), width: 38},
		{title: r.t("criterion.effective"), width: 10, right: true},
		{title: r.t("report.col.value"), width: 13, right: true},
		{title: r.t("report.col.normalized"), width: 9, right: true},
		{title: r.t("report.col.points"), width: 9, right: true},
		{title: r.t("report.col.spread"), width: 8, right: true},
		{title: r.t("report.col.disputed"), width: 13},
	}, r.criterionRows(v))

	var figures [][2]string
	for j, cr := range v.Criteria {
		if m := r.leaves[j].Metric; m != nil && !cr.Missing {
			figures = append(figures, [2]string{r.criterionName(cr.Key), r.figure(cr.Value, m.Unit)})
		}
	}
	if len(figures) > 0 {
		d.subsection(r.t("evaluation.figures"))
		d.facts(figures)
	}
	r.justifications(v)
}

// categoryPoints is what each category adds to the score, out of what it
// could add: the stacked bar of the charts, in figures.
func (r *report) categoryPoints(v *scoring.VendorResult) [][2]string {
	_, bars := chart.FromResult(r.data.Model, r.data.Result, []string{v.Key})
	weights := make([]float64, len(bars.Axes))
	top := 0
	for _, c := range r.data.Model.Criteria {
		for _, l := range r.leaves {
			if l.Key == c.Key || (len(l.Path) > 0 && l.Path[0] == c.Key) {
				weights[top] += l.Weight
			}
		}
		top++
	}
	out := make([][2]string, len(bars.Axes))
	for j, name := range bars.Axes {
		out[j] = [2]string{name, r.t("report.vendor.points_of", r.score(bars.Series[0].Values[j]), r.score(weights[j]*100))}
	}
	return out
}

// extremes names the criteria the vendor does best and worst on (by value
// on 0–100, among the leaves that carry weight and have data).
func (r *report) extremes(v *scoring.VendorResult) (best, worst string) {
	var present []scoring.CriterionResult
	for _, cr := range v.Criteria {
		if !cr.Missing && cr.Weight > 0 {
			present = append(present, cr)
		}
	}
	if len(present) == 0 {
		return "", ""
	}
	// Heavier criteria first among equals: they matter more.
	slices.SortStableFunc(present, func(a, b scoring.CriterionResult) int {
		if c := cmp.Compare(b.Normalized, a.Normalized); c != 0 {
			return c
		}
		return cmp.Compare(b.Weight, a.Weight)
	})
	list := func(crs []scoring.CriterionResult) string {
		parts := make([]string, len(crs))
		for i, cr := range crs {
			parts[i] = r.t("report.vendor.extreme", r.criterionName(cr.Key), r.trimmed(cr.Normalized, 1))
		}
		return strings.Join(parts, ", ")
	}
	n := min(strongest, len(present))
	low := slices.Clone(present[len(present)-n:])
	slices.SortStableFunc(low, func(a, b scoring.CriterionResult) int {
		if c := cmp.Compare(a.Normalized, b.Normalized); c != 0 {
			return c
		}
		return cmp.Compare(b.Weight, a.Weight)
	})
	return list(present[:n]), list(low)
}

// criterionRows are the vendor's results on each leaf, in tree order.
func (r *report) criterionRows(v *scoring.VendorResult) []row {
	rows := make([]row, len(v.Criteria))
	for j, cr := range v.Criteria {
		cells := []string{r.criterionName(cr.Key), r.share(cr.Weight), r.t("report.missing"), "—", r.score(cr.Contribution), "—", ""}
		if !cr.Missing {
			cells[2] = r.trimmed(cr.Value, 2)
			if m := r.leaves[j].Metric; m != nil {
				cells[2] = r.figure(cr.Value, m.Unit)
			}
			cells[3] = r.trimmed(cr.Normalized, 1)
		}
		if !cr.Measured && cr.Raters > 0 {
			cells[5] = r.trimmed(cr.Spread, 2)
		}
		colors := map[int]string{}
		if cr.Missing {
			colors[2] = colorAlert
		}
		if cr.Disputed {
			cells[6] = r.t("scoring.text.yes")
			colors[6] = colorAlert
		}
		rows[j] = row{cells: cells, colors: colors}
	}
	return rows
}

// justifications quotes every submitted rating of the vendor with its
// justification, criterion by criterion, evaluators by name.
func (r *report) justifications(v *scoring.VendorResult) {
	d := &r.doc
	d.subsection(r.t("report.vendor.justifications"))
	p := r.participant(v.Key)
	byCriterion := map[int64][]*bpo.SubmittedRating{}
	for _, rt := range r.data.Ratings {
		if p != nil && rt.VendorID == p.VendorID {
			byCriterion[rt.CriterionID] = append(byCriterion[rt.CriterionID], rt)
		}
	}
	if len(byCriterion) == 0 {
		d.body(r.t("report.vendor.justifications.none"))
		return
	}
	for _, l := range r.leaves {
		c := r.criteria[l.Key]
		if c == nil || len(byCriterion[c.ID]) == 0 {
			continue
		}
		ratings := byCriterion[c.ID]
		// Evaluators in the order of the evaluators' list (by name).
		slices.SortFunc(ratings, func(a, b *bpo.SubmittedRating) int {
			return cmp.Compare(r.evaluatorOrder(a.EvaluatorID), r.evaluatorOrder(b.EvaluatorID))
		})
		d.minor(c.Name(string(r.lang)))
		for _, rt := range ratings {
			text := strings.TrimSpace(rt.Justification)
			color := colorInk
			if text == "" {
				text, color = r.t("report.no_justification"), colorMuted
			}
			// The evaluator and rating in the same face as the text, which
			// saves a change of font for each of what may be thousands.
			d.room(2 * lineHeight(sizeBody))
			d.paragraph(r.t("report.rating", r.evaluatorName(rt), r.ratingLabel(rt.Value)), false, sizeBody, colorAccent, 3)
			d.y -= lineHeight(sizeBody) * 0.4
			d.paragraph(text, false, sizeBody, color, 3)
		}
	}
}

// evaluatorOrder is an evaluator's place in the list of evaluators;
// anyone else comes last.
func (r *report) evaluatorOrder(id int64) int {
	if i := slices.IndexFunc(r.data.Evaluators, func(a *bpo.Assignment) bool { return a.UserID == id }); i >= 0 {
		return i
	}
	return len(r.data.Evaluators)
}

func (r *report) evaluatorName(rt *bpo.SubmittedRating) string {
	if name := r.people[rt.EvaluatorID]; name != "" {
		return name
	}
	return rt.EvaluatorEmail
}

// ratingLabel is a rating with its descriptor: "4 · Strong".
func (r *report) ratingLabel(value int) string {
	s := strconv.Itoa(value)
	for _, l := range r.data.Evaluation.ScaleLevels {
		if l.Value == value {
			label := l.LabelEN
			if r.lang == "fr" {
				label = l.LabelFR
			}
			return s + " · " + label
		}
	}
	return s
}
