package chart

import (
	"strconv"
)

// The stacked bars' layout, in drawing units.
const (
	barsWidth  = 640.0
	barsLabelW = 160.0 // the vendors' names, right-aligned before the bars
	barsX      = 180.0
	barsLength = 380.0 // 100 points; the total is printed after the bar
	barsTop    = 12.0
	barsPitch  = 28.0
	barsHeight = 18.0
	swatchCol  = 206.0
)

// StackedBars: one horizontal bar per series; Values are the points each
// category adds to the total (sum = total score on 0..100); a segment per
// category coloured per category, total printed at the bar's end, legend
// of categories, axis 0..100. A segment wide enough carries its own points,
// so the bars read without telling colours apart.
func StackedBars(c Chart) *Drawing {
	d := &Drawing{Title: c.Title, Desc: c.Desc, Width: barsWidth}
	scale := barsLength / 100
	axisY := barsTop + float64(len(c.Series))*barsPitch
	for _, k := range []int{0, 25, 50, 75, 100} {
		x := barsX + float64(k)*scale
		d.add(&Line{X1: x, Y1: barsTop - 6, X2: x, Y2: axisY, Stroke: Stroke{Color: grid, Width: 0.75}, Class: "grid"})
		d.add(&Text{X: x, Y: axisY + 14, Text: strconv.Itoa(k), Size: small, Anchor: Middle, Fill: faint, Class: "tick"})
	}
	d.add(&Line{X1: barsX, Y1: axisY, X2: barsX + barsLength, Y2: axisY, Stroke: Stroke{Color: faint, Width: 1}, Class: "axis"})
	for s := range c.Series {
		series := &c.Series[s]
		y := barsTop + float64(s)*barsPitch
		d.barLabel(series.Name, y)
		cum, total := 0.0, 0.0
		for j := range c.Axes {
			v := series.value(j)
			total += v
			// Rounding may carry a sum a hair past 100: the bar stops there.
			w := (min(cum+v, 100) - cum) * scale
			x := barsX + cum*scale
			cum = min(cum+v, 100)
			color := categoryPalette[j%len(categoryPalette)]
			d.add(&Rect{X: x, Y: y, W: w, H: barsHeight, Fill: color, Class: "segment",
				Stroke: Stroke{Color: "#ffffff", Width: 0.75},
				Tip:    series.Name + " — " + c.Axes[j] + ": " + c.format(v)})
			if label := c.format(v); w >= textWidth(label, small, false)+6 {
				d.add(&Text{X: x + w/2, Y: y + barsHeight/2 + small/3, Text: label, Size: small, Anchor: Middle,
					Fill: contrasting(color), Class: "value"})
			}
		}
		d.add(&Text{X: barsX + cum*scale + 6, Y: y + barsHeight/2 + fontSize/3, Text: c.format(total), Size: fontSize,
			Anchor: Start, Bold: true, Fill: ink, Class: "total"})
	}
	d.Height = d.categoryLegend(c.Axes, axisY+40)
	return d
}

// barLabel writes a vendor's name before its bar, centred on it, on two
// lines when it does not fit on one.
func (d *Drawing) barLabel(name string, y float64) {
	size := fontSize
	lines := fit(name, size, barsLabelW, 1, false)
	if lines[0] != name {
		lines = fit(name, size, barsLabelW, 2, false)
	}
	lh := size * 1.2
	first := y + barsHeight/2 + size/3 - float64(len(lines)-1)*lh/2
	for k, l := range lines {
		d.add(&Text{X: barsX - 8, Y: first + float64(k)*lh, Text: l, Size: size, Anchor: End, Fill: ink, Class: "label"})
	}
}

// categoryLegend lists the categories with their colour in three columns
// below top; it returns the drawing's height.
func (d *Drawing) categoryLegend(axes []string, top float64) float64 {
	const box = 12.0
	for j, name := range axes {
		x := 10 + float64(j%3)*swatchCol
		y := top + float64(j/3)*legendRow
		d.add(&Rect{X: x, Y: y - box + 2, W: box, H: box, Fill: categoryPalette[j%len(categoryPalette)], Class: "legend-key"})
		d.add(&Text{X: x + box + 6, Y: y, Text: fit(name, fontSize, swatchCol-box-14, 1, false)[0], Size: fontSize,
			Anchor: Start, Fill: ink, Class: "legend"})
	}
	rows := (len(axes) + 2) / 3
	return top + float64(rows)*legendRow
}

// contrasting is black or white, whichever reads better on color.
func contrasting(color string) string {
	r, _ := strconv.ParseUint(color[1:3], 16, 8)
	g, _ := strconv.ParseUint(color[3:5], 16, 8)
	b, _ := strconv.ParseUint(color[5:7], 16, 8)
	// Perceived brightness (ITU-R BT.601 weights).
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) > 140 {
		return "#000000"
	}
	return "#ffffff"
}
