package server

import (
	"fmt"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/pages"
)

// compareAnalytics lays out the decision analyses of the comparison for the
// vendors shown (keys, in rank order): the rank-reversal warning, the
// value-for-money scatter and the robustness bars, each with its figures.
// A what-if re-rank scores the what-if weights, so all three follow them.
func compareAnalytics(lang i18n.Lang, d *bpo.EvaluationDetail, m *scoring.Model, res *scoring.Result, keys []string) *pages.CompareAnalytics {
	a := &pages.CompareAnalytics{Reversal: reversalPanel(lang, d, res)}
	value, shares := chart.Analyses(res, keys)
	costValue(lang, d, m, res, value, a)
	if rob := res.Robustness; rob != nil && len(shares.Bars) > 1 {
		spread := explain.Share(lang, rob.Spread)
		shares.Title = i18n.T(lang, "compare.robustness_title", spread)
		shares.Desc = i18n.T(lang, "compare.robustness_desc", i18n.Number(lang, float64(rob.Samples), 0), spread)
		shares.Format = func(v float64) string { return i18n.Percent(lang, v, 0) }
		rest := 1.0
		for i := range shares.Bars {
			shares.Bars[i].Label = explain.Share(lang, shares.Bars[i].Share)
			a.RobustnessRows = append(a.RobustnessRows, pages.ShareRow{Vendor: shares.Bars[i].Name, Share: shares.Bars[i].Label})
			rest -= shares.Bars[i].Share
		}
		a.Robustness = chart.ShareBars(shares)
		// The shares are over every eligible vendor, shown or not.
		if rest > 1e-9 {
			a.RobustnessNote = i18n.T(lang, "compare.robustness_others", explain.Share(lang, rest))
		}
	}
	return a
}

// costValue fills in the value-for-money scatter, or says why there is
// none: no cost criterion, or no eligible vendor with its figure.
func costValue(lang i18n.Lang, d *bpo.EvaluationDetail, m *scoring.Model, res *scoring.Result, value chart.ValueChart, a *pages.CompareAnalytics) {
	cost := m.Options.CostCriterion
	if cost == "" {
		a.ValueNote = i18n.T(lang, "compare.value_none_set")
		return
	}
	name, unit := cost, ""
	for _, c := range d.Criteria {
		if c.Key == cost {
			name, unit = c.Name(string(lang)), c.Unit
		}
	}
	if res.ValueForMoney == nil || len(value.Points) == 0 {
		a.ValueNote = i18n.T(lang, "compare.value_none_figures", name)
		return
	}
	value.Title, value.Desc = i18n.T(lang, "compare.value_title", name), i18n.T(lang, "compare.value_desc", name)
	value.XLabel, value.YLabel = name, i18n.T(lang, "compare.value_benefit", name)
	if unit != "" {
		value.XLabel += " (" + unit + ")"
	}
	value.FrontierLabel = i18n.T(lang, "compare.value_frontier")
	value.Format = func(v float64) string { return i18n.Number(lang, v, scoreDecimals) }
	value.FormatCost = func(v float64) string { return explain.Figure(lang, v, "") }
	a.Value, a.ValueCost = chart.ValueScatter(value), value.XLabel
	for _, p := range value.Points {
		a.ValueRows = append(a.ValueRows, pages.ValueRow{Vendor: p.Name, Cost: explain.Figure(lang, p.Cost, unit),
			Benefit: i18n.Number(lang, p.Benefit, scoreDecimals), Frontier: p.Frontier})
	}
	out := 0
	for _, v := range res.Vendors {
		if !v.Eligible {
			out++
		}
	}
	if out > 0 {
		a.ValueNotes = append(a.ValueNotes, i18n.N(lang, "compare.value_knocked_out", out))
	}
}

// reversalPanel warns when withdrawing a vendor that does not lead would
// change the leader (scoring rule 12), and for each measured criterion
// scored relative to the field, says why anchors help and links to where
// they are set (while the criteria can still be edited).
func reversalPanel(lang i18n.Lang, d *bpo.EvaluationDetail, res *scoring.Result) *pages.ReversalPanel {
	var p pages.ReversalPanel
	relative := map[string]bool{}
	for _, r := range res.Recommendation.Reasons {
		if r.Code != scoring.ReasonRankReversal {
			continue
		}
		p.Warnings = append(p.Warnings, explain.Reason(lang, r))
		for _, c := range r.Criteria {
			relative[c.Key] = true
		}
	}
	if len(p.Warnings) == 0 {
		return nil
	}
	for _, c := range d.Criteria { // tree order
		if !relative[c.Key] {
			continue
		}
		name := c.Name(string(lang))
		adv := pages.AnchorAdvice{Text: i18n.T(lang, "compare.reversal_advice", name)}
		if d.Evaluation.Status != bpo.StatusClosed {
			adv.Link = fmt.Sprintf("/evaluations/%d/criteria/%d/edit#anchors", d.Evaluation.ID, c.ID)
			adv.LinkText = i18n.T(lang, "compare.reversal_link", name)
		}
		p.Advice = append(p.Advice, adv)
	}
	return &p
}
