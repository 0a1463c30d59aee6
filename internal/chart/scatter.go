package chart

import (
	"math"
	"slices"
)

// ValueChart is the value-for-money scatter: each vendor's cost against its
// benefit (its score without the cost criterion), with the Pareto frontier.
type ValueChart struct {
	Title, Desc string
	// XLabel and YLabel title the axes, in the reader's language, with the
	// cost's unit.
	XLabel, YLabel string
	// FrontierLabel names the frontier line in the legend.
	FrontierLabel string
	Points        []ValuePoint
	// Format writes a benefit, FormatCost a cost; nil = strconv 'f' 1.
	Format, FormatCost func(float64) string
}

// ValuePoint is one vendor on the scatter.
type ValuePoint struct {
	Name          string
	Cost, Benefit float64
	Frontier      bool
	// Series is the vendor's place in the comparison, so that it keeps the
	// colour and marker it has in the other charts.
	Series int
}

// The scatter's layout, in drawing units.
const (
	scatterWidth  = 640.0
	scatterLeft   = 64.0 // room for the benefit ticks and axis title
	scatterRight  = 24.0
	scatterTop    = 30.0 // the benefit's axis title
	scatterPlotH  = 300.0
	scatterBottom = 62.0 // the cost ticks and axis title
)

// ValueScatter lays out the value-for-money chart: benefit upwards, cost to
// the right, so that the best value is top left. Frontier vendors are
// joined, cheapest first, by a dashed line and ringed; every vendor is
// labelled with its name next to its marker.
func ValueScatter(c ValueChart) *Drawing {
	d := &Drawing{Title: c.Title, Desc: c.Desc, Width: scatterWidth}
	format := (&Chart{Format: c.Format}).format
	formatCost := (&Chart{Format: c.FormatCost}).format
	plotW := scatterWidth - scatterLeft - scatterRight
	x0, y0 := scatterLeft, scatterTop+scatterPlotH // the plot's bottom left
	var costs, benefits []float64
	for _, p := range c.Points {
		costs, benefits = append(costs, p.Cost), append(benefits, p.Benefit)
	}
	xs := niceScale(costs, false)
	ys := niceScale(benefits, true)
	px := func(v float64) float64 { return x0 + (v-xs.lo)/(xs.hi-xs.lo)*plotW }
	py := func(v float64) float64 { return y0 - (v-ys.lo)/(ys.hi-ys.lo)*scatterPlotH }
	for _, t := range ys.ticks() {
		d.add(&Line{X1: x0, Y1: py(t), X2: x0 + plotW, Y2: py(t), Stroke: Stroke{Color: grid, Width: 0.75}, Class: "grid"})
		d.add(&Text{X: x0 - 6, Y: py(t) + fontSize/3, Text: format(t), Size: fontSize, Anchor: End, Fill: faint, Class: "tick"})
	}
	for _, t := range xs.ticks() {
		d.add(&Line{X1: px(t), Y1: scatterTop, X2: px(t), Y2: y0, Stroke: Stroke{Color: grid, Width: 0.75}, Class: "grid"})
		d.add(&Text{X: px(t), Y: y0 + fontSize + 8, Text: formatCost(t), Size: fontSize, Anchor: Middle, Fill: faint, Class: "tick"})
	}
	d.add(&Line{X1: x0, Y1: y0, X2: x0 + plotW, Y2: y0, Stroke: Stroke{Color: faint, Width: 1}, Class: "axis"})
	d.add(&Line{X1: x0, Y1: scatterTop, X2: x0, Y2: y0, Stroke: Stroke{Color: faint, Width: 1}, Class: "axis"})
	d.add(&Text{X: x0 + plotW/2, Y: y0 + 2*fontSize + 16, Text: fit(c.XLabel, fontSize, plotW, 1, false)[0], Size: fontSize,
		Anchor: Middle, Fill: ink, Class: "axis-title"})
	// The benefit's title runs along the top of its axis: a rotated text
	// would need a transform, which PDF and SVG draw differently.
	d.add(&Text{X: 4, Y: scatterTop - fontSize - 4, Text: fit(c.YLabel, fontSize, scatterWidth/2, 1, false)[0], Size: fontSize,
		Anchor: Start, Fill: ink, Class: "axis-title"})

	var frontier []ValuePoint
	for _, p := range c.Points {
		if p.Frontier {
			frontier = append(frontier, p)
		}
	}
	slices.SortStableFunc(frontier, func(a, b ValuePoint) int {
		if a.Cost != b.Cost {
			return cmpFloat(a.Cost, b.Cost)
		}
		return cmpFloat(a.Benefit, b.Benefit)
	})
	if len(frontier) > 1 {
		line := &Polygon{Open: true, Class: "frontier", Stroke: Stroke{Color: ink, Width: 1.5, Dash: []float64{6, 3}}}
		for _, p := range frontier {
			line.Points = append(line.Points, Point{px(p.Cost), py(p.Benefit)})
		}
		d.add(line)
	}
	// Labels keep clear of every marker and of each other.
	var placed []labelBox
	for _, p := range c.Points {
		x, y := px(p.Cost), py(p.Benefit)
		placed = append(placed, labelBox{x: x - 8, w: 16, top: y - 8, bottom: y + 8, marker: true})
	}
	// The labels of the dearest vendors are placed first: near the right
	// edge they have the fewest places to go.
	order := make([]int, len(c.Points))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(c.Points[b].Cost, c.Points[a].Cost) })
	labels := make([]*Text, len(c.Points))
	for _, i := range order {
		p := c.Points[i]
		labels[i] = scatterLabel(p, px(p.Cost), py(p.Benefit), x0+2, x0+plotW, scatterTop, y0-2, &placed)
	}
	for i, p := range c.Points {
		x, y := px(p.Cost), py(p.Benefit)
		if p.Frontier {
			d.add(&Circle{X: x, Y: y, R: 7, Stroke: Stroke{Color: ink, Width: 1.25}, Class: "frontier-ring"})
		}
		d.add(marker(p.Series, x, y))
		if labels[i] != nil {
			d.add(labels[i])
		}
	}
	top := y0 + scatterBottom
	if len(frontier) > 1 && c.FrontierLabel != "" {
		d.add(&Line{X1: 20, Y1: top, X2: 50, Y2: top, Stroke: Stroke{Color: ink, Width: 1.5, Dash: []float64{6, 3}}, Class: "legend-key"})
		d.add(&Circle{X: 35, Y: top, R: 7, Stroke: Stroke{Color: ink, Width: 1.25}, Class: "legend-key"})
		d.add(&Text{X: 58, Y: top + fontSize/3, Text: c.FrontierLabel, Size: fontSize, Anchor: Start, Fill: ink, Class: "legend"})
		top += legendRow
	}
	d.Height = top
	return d
}

// scatterLabel writes a vendor's name next to its marker: to the right and
// a little below it (the frontier climbs to the right, so its line leaves a
// point above the label), else to the right and above, else centred below
// or above, else on the left, else further away, whichever first stays
// inside the plot and clear of the markers and of the labels placed.
func scatterLabel(p ValuePoint, x, y, left, right, top, bottom float64, placed *[]labelBox) *Text {
	// In a crowd a long name is cut shorter before it is given up: the
	// table beside the chart names every vendor anyway.
	for _, room := range []float64{200, 110} {
		if t := placeLabel(fit(p.Name, fontSize, room, 1, false)[0], x, y, left, right, top, bottom, placed); t != nil {
			return t
		}
	}
	return nil
}

// placeLabel places name near (x, y) as scatterLabel says, or returns nil
// when every place would overlap another label.
func placeLabel(name string, x, y, left, right, top, bottom float64, placed *[]labelBox) *Text {
	// A generous width: capitals and accents are wider than the average.
	w := textWidth(name, fontSize, false)*1.1 + 4
	type spot struct {
		anchor Anchor
		x, y   float64
	}
	below, above := y+fontSize*0.9, y-6
	spots := []spot{{Start, x + 10, below}, {Start, x + 10, above}, {Middle, x, y + fontSize + 9}, {Middle, x, y - 10},
		{End, x - 10, below}, {End, x - 10, above}}
	// Then further away, a line at a time, on every side.
	for k := 1; k <= 12; k++ {
		dy := float64(k) * (fontSize + 2)
		spots = append(spots, spot{Start, x + 10, below + dy}, spot{Start, x + 10, above - dy},
			spot{Middle, x, y + fontSize + 9 + dy}, spot{Middle, x, y - 10 - dy},
			spot{End, x - 10, below + dy}, spot{End, x - 10, above - dy})
	}
	fits := func(sp spot, overMarkers bool) (labelBox, bool) {
		b := labelBox{x: sp.x, w: w, top: sp.y - fontSize, bottom: sp.y + 3}
		switch sp.anchor {
		case End:
			b.x -= w
		case Middle:
			b.x -= w / 2
		}
		if b.x < left || b.x+w > right || sp.y-fontSize < top || sp.y > bottom {
			return b, false
		}
		for _, q := range *placed {
			if (!q.marker || !overMarkers) && b.top < q.bottom+1 && q.top < b.bottom+1 && b.x < q.x+q.w && q.x < b.x+w {
				return b, false
			}
		}
		return b, true
	}
	// Clear of everything if possible, else at least clear of the other
	// labels, over a marker.
	for _, overMarkers := range []bool{false, true} {
		for _, sp := range spots {
			if b, ok := fits(sp, overMarkers); ok {
				*placed = append(*placed, b)
				return &Text{X: sp.x, Y: sp.y, Text: name, Size: fontSize, Anchor: sp.anchor, Fill: ink, Class: "label"}
			}
		}
	}
	return nil
}

// labelBox is the room a label or a marker takes.
type labelBox struct {
	x, w, top, bottom float64
	marker            bool
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scale is an axis range with its tick step.
type scale struct{ lo, hi, step float64 }

func (s scale) ticks() []float64 {
	var out []float64
	for t := s.lo; t <= s.hi+s.step/1e6; t += s.step {
		out = append(out, math.Round(t/s.step)*s.step)
	}
	return out
}

// niceScale finds a range covering vs with a margin, with four to seven
// round ticks (1, 2 or 5 times a power of ten). A score stays within 0…100.
func niceScale(vs []float64, score bool) scale {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	if len(vs) == 0 {
		lo, hi = 0, 100
	}
	// A margin, so that no point sits on the frame.
	pad := (hi - lo) * 0.08
	if hi-lo < 1e-9 {
		pad = math.Max(math.Abs(hi)*0.1, 1)
	}
	lo, hi = lo-pad, hi+pad
	raw := (hi - lo) / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * p; step >= raw {
			break
		}
	}
	s := scale{lo: math.Floor(lo/step) * step, hi: math.Ceil(hi/step) * step, step: step}
	if score {
		s.lo, s.hi = max(s.lo, 0), min(s.hi, 100)
		if s.hi <= s.lo {
			s.lo, s.hi = 0, 100
		}
	}
	return s
}
