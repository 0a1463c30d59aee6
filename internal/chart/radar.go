package chart

import (
	"math"
	"strconv"
)

// The radar's layout, in drawing units.
const (
	radarWidth  = 640.0
	radarRadius = 150.0
	radarTop    = 48.0 // room for two lines of the top axis label
	radarBottom = 44.0 // and for the bottom one
	legendRow   = 20.0
	legendCol   = 310.0
)

// Radar: category scores 0..100 per vendor (one polygon per series, axes
// from the centre, rings at 25/50/75/100, legend). Each series has its own
// colour, dash pattern and marker; the leader (the first series) is drawn
// last, on top. With fewer than three axes the rings become circles and a
// series' polygon degenerates to a segment or a point, its markers still
// showing the values.
func Radar(c Chart) *Drawing {
	n := len(c.Axes)
	cx, cy := radarWidth/2, radarTop+radarRadius
	d := &Drawing{Title: c.Title, Desc: c.Desc, Width: radarWidth}
	angle := func(i int) float64 { return -math.Pi/2 + 2*math.Pi*float64(i)/float64(n) }
	at := func(i int, r float64) Point {
		a := angle(i)
		return Point{cx + r*math.Cos(a), cy + r*math.Sin(a)}
	}
	ringStroke := Stroke{Color: grid, Width: 0.75}
	for _, k := range []float64{25, 50, 75, 100} {
		r := radarRadius * k / 100
		if n < 3 {
			d.add(&Circle{X: cx, Y: cy, R: r, Stroke: ringStroke, Class: "ring"})
		} else {
			ring := &Polygon{Stroke: ringStroke, Class: "ring"}
			for i := range n {
				ring.Points = append(ring.Points, at(i, r))
			}
			d.add(ring)
		}
		// Inside the ring, below its top: above it is the top axis's label.
		d.add(&Text{X: cx + 3, Y: cy - r + small + 1, Text: strconv.Itoa(int(k)), Size: small, Anchor: Start, Fill: faint, Class: "tick"})
	}
	for i := range n {
		p := at(i, radarRadius)
		d.add(&Line{X1: cx, Y1: cy, X2: p.X, Y2: p.Y, Stroke: Stroke{Color: grid, Width: 0.75}, Class: "axis"})
	}
	for s := len(c.Series) - 1; s >= 0; s-- {
		series := &c.Series[s]
		poly := &Polygon{Fill: seriesColor(s), FillOpacity: 0.08, Class: "series", Tip: series.Name,
			Stroke: Stroke{Color: seriesColor(s), Width: 2, Dash: seriesDash(s)}}
		for i := range n {
			poly.Points = append(poly.Points, at(i, radarRadius*series.value(i)/100))
		}
		d.add(poly)
		for _, p := range poly.Points {
			d.add(marker(s, p.X, p.Y))
		}
	}
	for i, name := range c.Axes {
		d.axisLabel(name, at(i, radarRadius+10), angle(i))
	}
	d.Height = d.seriesLegend(c.Series, cy+radarRadius+radarBottom)
	return d
}

func (d *Drawing) add(s Shape) { d.Shapes = append(d.Shapes, s) }

// axisLabel writes an axis' name beyond its end, on up to two lines, on the
// side of the axis so that it runs away from the plot and never over it.
func (d *Drawing) axisLabel(name string, p Point, a float64) {
	const lineHeight = fontSize + 2
	cos, sin := math.Cos(a), math.Sin(a)
	anchor, room := Middle, 220.0
	switch {
	case cos > 0.3:
		anchor, room = Start, d.Width-p.X-6
	case cos < -0.3:
		anchor, room = End, p.X-6
	}
	lines := fit(name, fontSize, room, 2, false)
	y := p.Y + fontSize/3 - float64(len(lines)-1)*lineHeight/2
	switch {
	case sin < -0.3:
		y = p.Y - 4 - float64(len(lines)-1)*lineHeight
	case sin > 0.3:
		y = p.Y + fontSize
	}
	for k, l := range lines {
		d.add(&Text{X: p.X, Y: y + float64(k)*lineHeight, Text: l, Size: fontSize, Anchor: anchor, Fill: ink, Class: "label"})
	}
}

// seriesLegend lists the series in two columns below top, each with its
// line, dash and marker; it returns the drawing's height.
func (d *Drawing) seriesLegend(series []Series, top float64) float64 {
	const sample = 30.0
	for s := range series {
		x := 20 + float64(s%2)*legendCol
		y := top + float64(s/2)*legendRow
		d.add(&Line{X1: x, Y1: y, X2: x + sample, Y2: y, Class: "legend-key",
			Stroke: Stroke{Color: seriesColor(s), Width: 2, Dash: seriesDash(s)}})
		d.add(marker(s, x+sample/2, y))
		d.add(&Text{X: x + sample + 8, Y: y + fontSize/3, Text: fit(series[s].Name, fontSize, legendCol-sample-24, 1, false)[0],
			Size: fontSize, Anchor: Start, Fill: ink, Class: "legend"})
	}
	rows := (len(series) + 1) / 2
	return top + float64(rows)*legendRow
}
