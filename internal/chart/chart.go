// Package chart lays out the comparison charts (a radar of category scores
// and stacked bars of the points each category adds to a vendor's total) as
// a neutral list of shapes. The web pages write a Drawing as SVG; the PDF
// report draws the same shapes with its own primitives, so both show exactly
// the same picture. Standard library only, apart from the scoring result the
// charts are derived from.
package chart

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one vendor: a value per axis/category.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what both charts are drawn from.
type Chart struct {
	Title, Desc string               // become <title> and <desc> in SVG (accessibility)
	Axes        []string             // category names, in order
	Series      []Series             // vendors, in rank order
	Format      func(float64) string // number formatting for labels (language aware); nil = strconv 'f' 1
}

func (c *Chart) format(v float64) string {
	if c.Format == nil {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return c.Format(v)
}

// value is the series' value on axis i: a missing or non-finite value reads
// as 0, and values are kept to 0…100 so that no shape leaves the plot.
func (s *Series) value(i int) float64 {
	if i >= len(s.Values) {
		return 0
	}
	v := s.Values[i]
	if !(v > 0) { // NaN too
		return 0
	}
	return min(v, 100)
}

// Drawing is a chart laid out in its own units: Width × Height, y downwards,
// text sizes in the same units. Whoever draws it scales it to fit.
type Drawing struct {
	Title, Desc   string
	Width, Height float64
	Shapes        []Shape
}

// Shape is one element of a drawing: *Line, *Polygon, *Rect, *Circle or *Text.
type Shape interface{ shape() }

// Point is a position in drawing units.
type Point struct{ X, Y float64 }

// Stroke is how an outline is drawn; a zero Stroke draws none.
type Stroke struct {
	Color string // "#rrggbb"
	Width float64
	Dash  []float64 // dash and gap lengths; nil is a solid line
}

// Line is a straight segment.
type Line struct {
	X1, Y1, X2, Y2 float64
	Stroke         Stroke
	Class          string
}

// Polygon is a closed shape, or an open polyline when Open is set.
type Polygon struct {
	Points      []Point
	Open        bool
	Fill        string  // "" for none
	FillOpacity float64 // 0 means opaque
	Stroke      Stroke
	Class       string
	Tip         string // shown on hover on screen; ignored on paper
}

// Rect is an axis-aligned rectangle.
type Rect struct {
	X, Y, W, H float64
	Fill       string
	Stroke     Stroke
	Class      string
	Tip        string
}

// Circle is a disc.
type Circle struct {
	X, Y, R float64
	Fill    string
	Stroke  Stroke
	Class   string
}

// Anchor is which point of a text its position gives.
type Anchor string

// The anchors, as SVG's text-anchor names them.
const (
	Start  Anchor = "start"
	Middle Anchor = "middle"
	End    Anchor = "end"
)

// Text is one line of text; Y is its baseline.
type Text struct {
	X, Y   float64
	Text   string
	Size   float64
	Anchor Anchor
	Bold   bool
	Fill   string
	Class  string
}

func (*Line) shape()    {}
func (*Polygon) shape() {}
func (*Rect) shape()    {}
func (*Circle) shape()  {}
func (*Text) shape()    {}

// The Okabe–Ito palette, which people with the common colour-vision
// deficiencies can still tell apart; the yellow comes last because it is
// faint on white paper.
var palette = []string{"#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#000000", "#f0e442"}

// categoryPalette extends the palette with two greys, so that ten categories
// get ten fills.
var categoryPalette = append(append([]string(nil), palette...), "#999999", "#555555")

// dashes and the markers (see marker) vary with different periods from the
// colours, so that every series up to 12 has its own combination and
// series stay distinguishable in black and white.
var dashes = [][]float64{nil, {6, 3}, {2, 2}, {8, 3, 2, 3}, {1, 3}}

const (
	ink   = "#222222"
	grid  = "#bbbbbb"
	faint = "#666666"
	// No text is smaller than 12 units: the pages show a drawing at least
	// its own width (640 px) wide, so labels are at least 12 px.
	fontSize = 12.0
	small    = 12.0
)

// seriesColor, seriesDash and the marker of series i.
func seriesColor(i int) string   { return palette[i%len(palette)] }
func seriesDash(i int) []float64 { return dashes[i%len(dashes)] }

// charWidth is the advance of an average character of DejaVu Sans (the
// report's font and a common fallback on screen), as a share of the font
// size; bold is wider. Labels are fitted with it, leaving a margin.
func charWidth(bold bool) float64 {
	if bold {
		return 0.66
	}
	return 0.6
}

// textWidth estimates how wide s is at size.
func textWidth(s string, size float64, bold bool) float64 {
	return float64(utf8.RuneCountInString(s)) * size * charWidth(bold)
}

// fit breaks s into at most lines lines no wider than width, cutting the
// last one with an ellipsis when the text does not fit, and a word longer
// than a line where it overflows.
func fit(s string, size, width float64, lines int, bold bool) []string {
	maxRunes := max(int(width/(size*charWidth(bold))), 2)
	var out []string
	rest := strings.Fields(s)
	for len(rest) > 0 && len(out) < lines-1 {
		line := rest[0]
		if r := []rune(line); len(r) > maxRunes {
			out = append(out, string(r[:maxRunes]))
			rest[0] = string(r[maxRunes:])
			continue
		}
		n := 1
		for n < len(rest) && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(rest[n]) <= maxRunes {
			line += " " + rest[n]
			n++
		}
		out = append(out, line)
		rest = rest[n:]
	}
	if len(rest) > 0 || len(out) == 0 {
		out = append(out, ellipsis(strings.Join(rest, " "), maxRunes))
	}
	return out
}

// ellipsis cuts s to at most n runes, the last one an ellipsis.
func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// marker is the shape drawn at a series' points and in its legend entry:
// circle, square, triangle, diamond, inverted triangle, cross.
func marker(i int, x, y float64) Shape {
	const r = 3.5
	c, class := seriesColor(i), "marker"
	poly := func(pts ...float64) Shape {
		p := &Polygon{Fill: c, Class: class}
		for k := 0; k < len(pts); k += 2 {
			p.Points = append(p.Points, Point{x + pts[k]*r, y + pts[k+1]*r})
		}
		return p
	}
	switch i % 6 {
	case 1:
		return &Rect{X: x - r*0.85, Y: y - r*0.85, W: 1.7 * r, H: 1.7 * r, Fill: c, Class: class}
	case 2:
		return poly(0, -1.2, 1.1, 0.8, -1.1, 0.8)
	case 3:
		return poly(0, -1.25, 1.1, 0, 0, 1.25, -1.1, 0)
	case 4:
		return poly(-1.1, -0.8, 1.1, -0.8, 0, 1.2)
	case 5:
		const a, b = 0.35, 1.15
		return poly(-a, -b, a, -b, a, -a, b, -a, b, a, a, a, a, b, -a, b, -a, a, -b, a, -b, -a, -a, -a)
	}
	return &Circle{X: x, Y: y, R: r, Fill: c, Class: class}
}
