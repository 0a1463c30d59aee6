package chart

// RadarAxes is the fewest categories a radar is drawn for: with three or
// four axes it is a triangle or a diamond whose areas mislead, and grouped
// bars read better.
const RadarAxes = 5

// Categories lays out the category scores: a radar from RadarAxes
// categories on, grouped bars below. The page and the PDF call it, so they
// always choose the same chart.
func Categories(c Chart) *Drawing {
	if len(c.Axes) >= RadarAxes {
		return Radar(c)
	}
	return GroupedBars(c)
}

// The grouped bars' layout, in drawing units.
const (
	groupedWidth  = 640.0
	groupedX      = 180.0
	groupedLength = 380.0
	groupedBar    = 16.0
	groupedGap    = 14.0 // between two categories
	groupedTop    = 10.0
)

// GroupedBars lays out the category scores 0…100 as one group of
// horizontal bars per category, a bar per vendor in the vendor's colour and
// pattern, its score after it; the category's name heads its group, and a
// legend names the vendors.
func GroupedBars(c Chart) *Drawing {
	d := &Drawing{Title: c.Title, Desc: c.Desc, Width: groupedWidth}
	scale := groupedLength / 100
	groupH := float64(len(c.Series))*(groupedBar+2) + groupedGap
	bottom := groupedTop + float64(len(c.Axes))*groupH
	for _, k := range []int{0, 25, 50, 75, 100} {
		x := groupedX + float64(k)*scale
		d.add(&Line{X1: x, Y1: groupedTop - 4, X2: x, Y2: bottom, Stroke: Stroke{Color: grid, Width: 0.75}, Class: "grid"})
		d.add(&Text{X: x, Y: bottom + fontSize + 4, Text: c.format(float64(k)), Size: fontSize, Anchor: Middle, Fill: faint, Class: "tick"})
	}
	d.add(&Line{X1: groupedX, Y1: bottom, X2: groupedX + groupedLength, Y2: bottom, Stroke: Stroke{Color: faint, Width: 1}, Class: "axis"})
	for j, axis := range c.Axes {
		top := groupedTop + float64(j)*groupH
		// The category's name, centred on its group, before the bars.
		lines := fit(axis, fontSize, groupedX-16, 2, true)
		first := top + (groupH-groupedGap)/2 + fontSize/3 - float64(len(lines)-1)*(fontSize+2)/2
		for k, l := range lines {
			d.add(&Text{X: groupedX - 8, Y: first + float64(k)*(fontSize+2), Text: l, Size: fontSize, Anchor: End, Bold: true, Fill: ink, Class: "label"})
		}
		for s := range c.Series {
			series := &c.Series[s]
			v := series.value(j)
			y := top + float64(s)*(groupedBar+2)
			d.patternedRect(s, groupedX, y, v*scale, groupedBar, series.Name+" — "+axis+": "+c.format(v))
			d.add(&Text{X: groupedX + v*scale + 6, Y: y + groupedBar/2 + fontSize/3, Text: c.format(v), Size: fontSize,
				Anchor: Start, Fill: ink, Class: "value"})
		}
	}
	d.Height = d.swatchLegend(c.Series, bottom+fontSize+30)
	return d
}

// swatchLegend lists the series in two columns below top, each with a
// swatch in its colour and pattern; it returns the drawing's height.
func (d *Drawing) swatchLegend(series []Series, top float64) float64 {
	const box = 14.0
	for s := range series {
		x := 20 + float64(s%2)*legendCol
		y := top + float64(s/2)*legendRow
		d.patternedRect(s, x, y-box+3, box*2, box, "")
		d.add(&Text{X: x + 2*box + 8, Y: y, Text: fit(series[s].Name, fontSize, legendCol-2*box-24, 1, false)[0],
			Size: fontSize, Anchor: Start, Fill: ink, Class: "legend"})
	}
	rows := (len(series) + 1) / 2
	return top + float64(rows)*legendRow
}
