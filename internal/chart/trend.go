package chart

import "math"

// Trend is one KPI over a contract's periods: the actual figures (nil for
// a period without one), the target every period is held to and the
// figure the vendor promised in its proposal, if known.
type Trend struct {
	Title, Desc string
	Periods     []string   // period labels, oldest first
	Actuals     []*float64 // one per period
	Target      float64
	Promised    *float64
	Legend      [3]string            // "Actual", "Target", "Promised" in the page's language
	Format      func(float64) string // tick and point labels; nil = strconv 'f' 1
}

// The trend chart's layout, in drawing units.
const (
	trendWidth  = 640.0
	trendLeft   = 60.0
	trendRight  = 20.0
	trendTop    = 14.0
	trendPlotH  = 180.0
	trendTicks  = 4
	trendLegend = 26.0
)

// Colours: the actual line in the palette's blue, the target in its
// vermilion, the promise in its bluish green, each with a line style of its
// own so that the chart reads in black and white too.
var (
	trendActual = Stroke{Color: palette[0], Width: 2}
	trendTarget = Stroke{Color: palette[1], Width: 1.5, Dash: []float64{6, 3}}
	// The promise is drawn wide under the target, so that both show where
	// the target is the promise.
	trendPromised = Stroke{Color: palette[2], Width: 3.5, Dash: []float64{2, 2}}
)

// TrendChart lays out a line chart of a KPI's actual figures against its
// target (and promise): one point per period with a figure, a gap where a
// period has none, the target as a dashed horizontal line.
func TrendChart(t Trend) *Drawing {
	d := &Drawing{Title: t.Title, Desc: t.Desc, Width: trendWidth}
	c := &Chart{Format: t.Format}
	lo, hi := trendRange(t)
	plotW := trendWidth - trendLeft - trendRight
	bottom := trendTop + trendPlotH
	y := func(v float64) float64 { return bottom - (v-lo)/(hi-lo)*trendPlotH }
	n := max(len(t.Periods), 1)
	x := func(i int) float64 { return trendLeft + (float64(i)+0.5)*plotW/float64(n) }
	for k := 0; k <= trendTicks; k++ {
		v := math.Round((lo+(hi-lo)*float64(k)/trendTicks)*1e6) / 1e6
		d.add(&Line{X1: trendLeft, Y1: y(v), X2: trendLeft + plotW, Y2: y(v), Stroke: Stroke{Color: grid, Width: 0.5}, Class: "grid"})
		d.add(&Text{X: trendLeft - 6, Y: y(v) + small/3, Text: c.format(v), Size: small, Anchor: End, Fill: faint, Class: "tick"})
	}
	d.add(&Line{X1: trendLeft, Y1: bottom, X2: trendLeft + plotW, Y2: bottom, Stroke: Stroke{Color: faint, Width: 1}, Class: "axis"})
	every := max(1, (n+11)/12) // at most twelve period labels
	for i, label := range t.Periods {
		if i%every == 0 {
			d.add(&Text{X: x(i), Y: bottom + 14, Text: label, Size: small, Anchor: Middle, Fill: faint, Class: "tick"})
		}
	}
	if t.Promised != nil {
		d.add(&Line{X1: trendLeft, Y1: y(*t.Promised), X2: trendLeft + plotW, Y2: y(*t.Promised), Stroke: trendPromised, Class: "promised"})
	}
	d.add(&Line{X1: trendLeft, Y1: y(t.Target), X2: trendLeft + plotW, Y2: y(t.Target), Stroke: trendTarget, Class: "target"})
	var run []Point
	flush := func() {
		if len(run) > 1 {
			d.add(&Polygon{Points: run, Open: true, Stroke: trendActual, Class: "actual"})
		}
		run = nil
	}
	for i, a := range t.Actuals {
		if a == nil || math.IsNaN(*a) || math.IsInf(*a, 0) {
			flush()
			continue
		}
		run = append(run, Point{x(i), y(*a)})
	}
	flush()
	for i, a := range t.Actuals {
		if a != nil && !math.IsNaN(*a) && !math.IsInf(*a, 0) {
			d.add(&Circle{X: x(i), Y: y(*a), R: 3.5, Fill: palette[0], Class: "marker"})
		}
	}
	d.Height = d.trendLegend(t, bottom+trendLegend+10)
	return d
}

// trendRange is the value range of the plot: from 0 to a round number
// above every figure, the target and the promise.
func trendRange(t Trend) (lo, hi float64) {
	hi = t.Target
	if t.Promised != nil {
		hi = max(hi, *t.Promised)
	}
	for _, a := range t.Actuals {
		if a != nil && !math.IsNaN(*a) && !math.IsInf(*a, 0) {
			hi = max(hi, *a)
		}
	}
	if hi <= 0 {
		return 0, 1
	}
	step := niceStep(hi * 1.05 / trendTicks)
	return 0, step * trendTicks
}

// niceStep rounds a tick step up to a round number: 1, 1.5, 2, 2.5, 3,
// 4, 5, 6 or 8 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// trendLegend writes the line styles' meaning on one row; it returns the
// drawing's height.
func (d *Drawing) trendLegend(t Trend, y float64) float64 {
	entries := []Stroke{trendActual, trendTarget}
	if t.Promised != nil {
		entries = append(entries, trendPromised)
	}
	x := trendLeft
	for i, s := range entries {
		label := fit(t.Legend[i], fontSize, trendWidth-x-36, 1, false)[0]
		d.add(&Line{X1: x, Y1: y - 4, X2: x + 28, Y2: y - 4, Stroke: s, Class: "legend-key"})
		d.add(&Text{X: x + 36, Y: y, Text: label, Size: fontSize, Anchor: Start, Fill: ink, Class: "legend"})
		x += 36 + textWidth(label, fontSize, false) + 24
	}
	return y + 10
}
