package chart

import "strconv"

// ShareChart is the robustness chart: for each vendor, the share of the
// sampled weightings in which it leads.
type ShareChart struct {
	Title, Desc string
	Bars        []ShareBar
	// Format writes a share (0.25) as a percentage in the reader's
	// language, for the ticks; nil gives "25%".
	Format func(float64) string
}

// ShareBar is one vendor's bar.
type ShareBar struct {
	Name string
	// Share is 0…1; Label is it written for the reader ("64%").
	Share float64
	Label string
	// Series is the vendor's place in the comparison (colour and pattern).
	Series int
}

// The share bars' layout, in drawing units.
const (
	sharesWidth  = 640.0
	sharesX      = 180.0
	sharesLength = 380.0
	sharesPitch  = 30.0
	sharesHeight = 20.0
	sharesTop    = 10.0
)

// ShareBars lays out one horizontal bar per vendor, 0 to 100%, in the
// vendor's colour and pattern, its share written after it.
func ShareBars(c ShareChart) *Drawing {
	d := &Drawing{Title: c.Title, Desc: c.Desc, Width: sharesWidth}
	axisY := sharesTop + float64(len(c.Bars))*sharesPitch
	for _, k := range []int{0, 25, 50, 75, 100} {
		x := sharesX + float64(k)*sharesLength/100
		d.add(&Line{X1: x, Y1: sharesTop - 4, X2: x, Y2: axisY, Stroke: Stroke{Color: grid, Width: 0.75}, Class: "grid"})
		label := strconv.Itoa(k) + "%"
		if c.Format != nil {
			label = c.Format(float64(k) / 100)
		}
		d.add(&Text{X: x, Y: axisY + fontSize + 4, Text: label, Size: fontSize, Anchor: Middle, Fill: faint, Class: "tick"})
	}
	d.add(&Line{X1: sharesX, Y1: axisY, X2: sharesX + sharesLength, Y2: axisY, Stroke: Stroke{Color: faint, Width: 1}, Class: "axis"})
	for i, b := range c.Bars {
		y := sharesTop + float64(i)*sharesPitch
		d.barLabel(b.Name, y+(sharesHeight-barsHeight)/2)
		w := min(max(b.Share, 0), 1) * sharesLength
		d.patternedRect(b.Series, sharesX, y, w, sharesHeight, b.Name+": "+b.Label)
		d.add(&Text{X: sharesX + w + 6, Y: y + sharesHeight/2 + fontSize/3, Text: b.Label, Size: fontSize, Anchor: Start,
			Bold: true, Fill: ink, Class: "share"})
	}
	d.Height = axisY + fontSize + 12
	return d
}

// patternedRect fills a bar in series i's colour, with series i's hatching
// over it, so that bars stay apart in black and white and for readers who
// do not tell the colours apart.
func (d *Drawing) patternedRect(i int, x, y, w, h float64, tip string) {
	color := seriesColor(i)
	d.add(&Rect{X: x, Y: y, W: w, H: h, Fill: color, Class: "bar", Tip: tip})
	if w <= 0 {
		return
	}
	ink := contrasting(color)
	st := Stroke{Color: ink, Width: 1}
	const gap = 6.0
	switch i % 5 {
	case 1: // diagonal
		for s := x + gap; s < x+w+h; s += gap {
			// The segment of the line x' + y' = s + y inside the bar.
			xa, xb := max(x, s-h), min(x+w, s)
			if xa < xb {
				d.add(&Line{X1: xa, Y1: y + (s - xa), X2: xb, Y2: y + (s - xb), Stroke: st, Class: "hatch"})
			}
		}
	case 2: // horizontal
		for yy := y + gap/2; yy < y+h; yy += gap / 1.5 {
			d.add(&Line{X1: x, Y1: yy, X2: x + w, Y2: yy, Stroke: st, Class: "hatch"})
		}
	case 3: // vertical
		for xx := x + gap/2; xx < x+w; xx += gap {
			d.add(&Line{X1: xx, Y1: y, X2: xx, Y2: y + h, Stroke: st, Class: "hatch"})
		}
	case 4: // dots
		for xx := x + gap/2; xx < x+w; xx += gap {
			for yy := y + gap/2; yy < y+h; yy += gap {
				d.add(&Circle{X: xx, Y: yy, R: 1.2, Fill: ink, Class: "hatch"})
			}
		}
	}
}
