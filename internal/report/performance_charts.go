package report

import (
	"strconv"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// PeriodLabel names a contract period by the month it starts: "Jan 2026".
func PeriodLabel(lang i18n.Lang, start time.Time) string {
	return i18n.T(lang, "month.short."+strconv.Itoa(int(start.Month()))) + " " + strconv.Itoa(start.Year())
}

// axisLabel is a period's label under a chart: the month, with its year on
// the first period and in January, so that twelve labels fit side by side.
func axisLabel(lang i18n.Lang, start time.Time, first bool) string {
	if first || start.Month() == time.January {
		return PeriodLabel(lang, start)
	}
	return i18n.T(lang, "month.short."+strconv.Itoa(int(start.Month())))
}

// KPICharts lays out one chart per KPI of a contract over periods from…to:
// the actual figures against the target and the vendor's promise. The
// contract page draws them as SVG, the performance review with fpdf.
func KPICharts(lang i18n.Lang, c *bpo.Contract, from, to int) []*chart.Drawing {
	var out []*chart.Drawing
	for _, k := range c.KPIs {
		name := k.Name(string(lang))
		t := chart.Trend{Title: name, Target: k.Target, Promised: k.Promised,
			Desc: i18n.T(lang, "contract.chart_desc", name, i18n.Number(lang, k.Target, -1), k.Unit),
			Legend: [3]string{i18n.T(lang, "contract.legend_actual"), i18n.T(lang, "contract.legend_target"),
				i18n.T(lang, "contract.legend_promised")},
			Format: func(v float64) string { return i18n.Number(lang, v, -1) }}
		for i := from; i <= to; i++ {
			p := c.PeriodAt(i)
			t.Periods = append(t.Periods, axisLabel(lang, p.Start, i == from))
			var v *float64
			if a := p.Actual(k.ID); a != nil {
				v = &a.Value
			}
			t.Actuals = append(t.Actuals, v)
		}
		out = append(out, chart.TrendChart(t))
	}
	return out
}
