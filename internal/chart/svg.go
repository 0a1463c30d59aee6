package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteSVG writes the drawing as an SVG element that scales to the width of
// its container. It is labelled by its <title> and <desc> for screen readers,
// and uses presentation attributes only (no style attribute, no script), as
// the pages' Content-Security-Policy requires.
func (d *Drawing) WriteSVG(w io.Writer) error {
	var b bytes.Buffer
	id := d.id()
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title %s-desc" font-family="DejaVu Sans, Verdana, sans-serif">`,
		num(d.Width), num(d.Height), id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, escape(d.Title), id, escape(d.Desc))
	for _, s := range d.Shapes {
		writeShape(&b, s)
	}
	b.WriteString(`</svg>`)
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

func writeShape(b *bytes.Buffer, s Shape) {
	switch s := s.(type) {
	case *Line:
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"%s%s/>`, num(s.X1), num(s.Y1), num(s.X2), num(s.Y2),
			stroke(s.Stroke), class(s.Class))
	case *Polygon:
		el := "polygon"
		if s.Open {
			el = "polyline"
		}
		pts := make([]string, len(s.Points))
		for i, p := range s.Points {
			pts[i] = num(p.X) + "," + num(p.Y)
		}
		fmt.Fprintf(b, `<%s points="%s"%s%s%s`, el, strings.Join(pts, " "), fill(s.Fill, s.FillOpacity), stroke(s.Stroke), class(s.Class))
		closeWithTip(b, el, s.Tip)
	case *Rect:
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"%s%s%s`, num(s.X), num(s.Y), num(s.W), num(s.H),
			fill(s.Fill, 0), stroke(s.Stroke), class(s.Class))
		closeWithTip(b, "rect", s.Tip)
	case *Circle:
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%s"%s%s%s/>`, num(s.X), num(s.Y), num(s.R), fill(s.Fill, 0), stroke(s.Stroke), class(s.Class))
	case *Text:
		weight := ""
		if s.Bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s%s%s>%s</text>`, num(s.X), num(s.Y), num(s.Size),
			s.Anchor, weight, fill(s.Fill, 0), class(s.Class), escape(s.Text))
	}
}

// closeWithTip ends an element, with a <title> child that browsers show on
// hover when there is a tip.
func closeWithTip(b *bytes.Buffer, el, tip string) {
	if tip == "" {
		b.WriteString("/>")
		return
	}
	fmt.Fprintf(b, "><title>%s</title></%s>", escape(tip), el)
}

func fill(color string, opacity float64) string {
	if color == "" {
		return ` fill="none"`
	}
	if opacity > 0 && opacity < 1 {
		return ` fill="` + color + `" fill-opacity="` + num(opacity) + `"`
	}
	return ` fill="` + color + `"`
}

func stroke(s Stroke) string {
	if s.Color == "" || s.Width <= 0 {
		return ""
	}
	out := ` stroke="` + s.Color + `" stroke-width="` + num(s.Width) + `"`
	if len(s.Dash) > 0 {
		parts := make([]string, len(s.Dash))
		for i, v := range s.Dash {
			parts[i] = num(v)
		}
		out += ` stroke-dasharray="` + strings.Join(parts, " ") + `"`
	}
	return out
}

func class(c string) string {
	if c == "" {
		return ""
	}
	return ` class="` + escape(c) + `"`
}

// num writes a coordinate with two decimals at most: enough for any screen
// or printer, and short.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// escape makes text safe as element content and as a quoted attribute value.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
