package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strconv"
)

// WriteSVG writes the drawing as an SVG element that scales to the width of
// its container. It is labelled by its <title> and <desc> for screen readers,
// and uses presentation attributes only (no style attribute, no script), as
// the pages' Content-Security-Policy requires.
func (d *Drawing) WriteSVG(w io.Writer) error {
	var b svg
	id := d.id()
	b.raw(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 `)
	b.num(d.Width)
	b.raw(" ")
	b.num(d.Height)
	b.raw(`" width="100%" role="img" aria-labelledby="` + id + "-title " + id + `-desc" font-family="DejaVu Sans, Verdana, sans-serif">`)
	b.raw(`<title id="` + id + `-title">`)
	b.text(d.Title)
	b.raw(`</title><desc id="` + id + `-desc">`)
	b.text(d.Desc)
	b.raw(`</desc>`)
	for _, s := range d.Shapes {
		b.shape(s)
	}
	b.raw(`</svg>`)
	_, err := w.Write(b.Bytes())
	return err
}

// id names the drawing's title and desc elements. It is derived from the
// content, so the same drawing always renders the same bytes, and two
// different charts on one page do not share ids.
func (d *Drawing) id() string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%s\x00%g\x00%g\x00%d", d.Title, d.Desc, d.Width, d.Height, len(d.Shapes))
	return fmt.Sprintf("chart-%08x", h.Sum32())
}

// svg is a drawing's markup as it is written: appended piece by piece
// rather than formatted, since a comparison's charts are hundreds of
// shapes, and formatting them with fmt was a fifth of a what-if re-rank.
type svg struct{ bytes.Buffer }

func (b *svg) raw(s string) { b.WriteString(s) }

// num writes a coordinate with two decimals at most: enough for any screen
// or printer, and short.
func (b *svg) num(v float64) {
	var scratch [32]byte
	b.Write(strconv.AppendFloat(scratch[:0], math.Round(v*100)/100, 'f', -1, 64))
}

// attr writes a numeric attribute, with the space before it.
func (b *svg) attr(name string, v float64) {
	b.raw(" ")
	b.raw(name)
	b.raw(`="`)
	b.num(v)
	b.raw(`"`)
}

// text writes s safe as element content and as a quoted attribute value.
func (b *svg) text(s string) { _ = xml.EscapeText(b, []byte(s)) }

func (b *svg) shape(s Shape) {
	switch s := s.(type) {
	case *Line:
		b.raw("<line")
		b.attr("x1", s.X1)
		b.attr("y1", s.Y1)
		b.attr("x2", s.X2)
		b.attr("y2", s.Y2)
		b.stroke(s.Stroke)
		b.class(s.Class)
		b.raw("/>")
	case *Polygon:
		el := "polygon"
		if s.Open {
			el = "polyline"
		}
		b.raw("<" + el + ` points="`)
		for i, p := range s.Points {
			if i > 0 {
				b.raw(" ")
			}
			b.num(p.X)
			b.raw(",")
			b.num(p.Y)
		}
		b.raw(`"`)
		b.fill(s.Fill, s.FillOpacity)
		b.stroke(s.Stroke)
		b.class(s.Class)
		b.closeWithTip(el, s.Tip)
	case *Rect:
		b.raw("<rect")
		b.attr("x", s.X)
		b.attr("y", s.Y)
		b.attr("width", s.W)
		b.attr("height", s.H)
		b.fill(s.Fill, 0)
		b.stroke(s.Stroke)
		b.class(s.Class)
		b.closeWithTip("rect", s.Tip)
	case *Circle:
		b.raw("<circle")
		b.attr("cx", s.X)
		b.attr("cy", s.Y)
		b.attr("r", s.R)
		b.fill(s.Fill, 0)
		b.stroke(s.Stroke)
		b.class(s.Class)
		b.raw("/>")
	case *Text:
		b.raw("<text")
		b.attr("x", s.X)
		b.attr("y", s.Y)
		b.attr("font-size", s.Size)
		b.raw(` text-anchor="` + string(s.Anchor) + `"`)
		if s.Bold {
			b.raw(` font-weight="bold"`)
		}
		b.fill(s.Fill, 0)
		b.class(s.Class)
		b.raw(">")
		b.text(s.Text)
		b.raw("</text>")
	}
}

// closeWithTip ends an element, with a <title> child that browsers show on
// hover when there is a tip.
func (b *svg) closeWithTip(el, tip string) {
	if tip == "" {
		b.raw("/>")
		return
	}
	b.raw("><title>")
	b.text(tip)
	b.raw("</title></" + el + ">")
}

func (b *svg) fill(color string, opacity float64) {
	if color == "" {
		b.raw(` fill="none"`)
		return
	}
	b.raw(` fill="` + color + `"`)
	if opacity > 0 && opacity < 1 {
		b.attr("fill-opacity", opacity)
	}
}

func (b *svg) stroke(s Stroke) {
	if s.Color == "" || s.Width <= 0 {
		return
	}
	b.raw(` stroke="` + s.Color + `"`)
	b.attr("stroke-width", s.Width)
	if len(s.Dash) > 0 {
		b.raw(` stroke-dasharray="`)
		for i, v := range s.Dash {
			if i > 0 {
				b.raw(" ")
			}
			b.num(v)
		}
		b.raw(`"`)
	}
}

func (b *svg) class(c string) {
	if c != "" {
		b.raw(` class="`)
		b.text(c)
		b.raw(`"`)
	}
}
