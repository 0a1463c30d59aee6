package report

import (
	"codeberg.org/go-pdf/fpdf"

	"github.com/bpoeval/bpoeval/internal/chart"
)

// drawing draws a chart at the cursor, width millimetres wide and centred,
// with the same shapes the compare page writes as SVG. Its title and its
// description go above it, on the same page.
// drawingHeight is the height a drawing takes with its title and
// description, so that what introduces it can be kept on its page.
func (d *doc) drawingHeight(dr *chart.Drawing, width float64) float64 {
	d.font(false, sizeSmall)
	desc := float64(len(d.wrap(dr.Desc, contentW))) * lineHeight(sizeSmall)
	return lineHeight(sizeH3)*1.5 + desc + 2 + dr.Height*width/dr.Width
}

func (d *doc) drawing(dr *chart.Drawing, width float64) {
	d.room(d.drawingHeight(dr, width))
	k := width / dr.Width // millimetres per drawing unit
	d.minor(dr.Title)
	d.note(dr.Desc)
	d.y += 2
	x0, y0 := marginX+(contentW-width)/2, d.y
	pt := func(p chart.Point) fpdf.PointType { return fpdf.PointType{X: x0 + p.X*k, Y: y0 + p.Y*k} }
	pdf := d.pdf
	stroke := func(s chart.Stroke) bool {
		if s.Color == "" || s.Width <= 0 {
			return false
		}
		d.drawColor(s.Color)
		pdf.SetLineWidth(s.Width * k)
		dash := make([]float64, len(s.Dash))
		for i, v := range s.Dash {
			dash[i] = v * k
		}
		pdf.SetDashPattern(dash, 0)
		return true
	}
	// paint sets the colours of a closed shape and returns fpdf's style for
	// it: "F" fill, "D" outline, both, or "" for nothing to draw.
	paint := func(fill string, st chart.Stroke) string {
		style := ""
		if fill != "" {
			d.fillColor(fill)
			style += "F"
		}
		if stroke(st) {
			style += "D"
		}
		return style
	}
	for _, s := range dr.Shapes {
		switch s := s.(type) {
		case *chart.Line:
			if stroke(s.Stroke) {
				pdf.Line(x0+s.X1*k, y0+s.Y1*k, x0+s.X2*k, y0+s.Y2*k)
			}
		case *chart.Polygon:
			pts := make([]fpdf.PointType, len(s.Points))
			for i, p := range s.Points {
				pts[i] = pt(p)
			}
			if s.Fill != "" && !s.Open && len(pts) > 2 {
				d.fillColor(s.Fill)
				if s.FillOpacity > 0 && s.FillOpacity < 1 {
					pdf.SetAlpha(s.FillOpacity, "Normal")
				}
				pdf.Polygon(pts, "F")
				pdf.SetAlpha(1, "Normal")
			}
			if stroke(s.Stroke) {
				for i := 1; i < len(pts); i++ {
					pdf.Line(pts[i-1].X, pts[i-1].Y, pts[i].X, pts[i].Y)
				}
				if !s.Open && len(pts) > 2 {
					pdf.Line(pts[len(pts)-1].X, pts[len(pts)-1].Y, pts[0].X, pts[0].Y)
				}
			}
		case *chart.Rect:
			if style := paint(s.Fill, s.Stroke); style != "" && s.W > 0 && s.H > 0 {
				pdf.Rect(x0+s.X*k, y0+s.Y*k, s.W*k, s.H*k, style)
			}
		case *chart.Circle:
			if style := paint(s.Fill, s.Stroke); style != "" {
				pdf.Circle(x0+s.X*k, y0+s.Y*k, s.R*k, style)
			}
		case *chart.Text:
			size := s.Size * k * 72 / 25.4
			d.font(s.Bold, size)
			d.textColor(s.Fill)
			x := x0 + s.X*k
			switch s.Anchor {
			case chart.Middle:
				x -= d.width(s.Text) / 2
			case chart.End:
				x -= d.width(s.Text)
			}
			// A drawing's y is the baseline; text takes the top of the line.
			d.text(x, y0+s.Y*k-size*0.8/ptPerMM, s.Text)
		}
	}
	pdf.SetDashPattern(nil, 0)
	d.y = y0 + dr.Height*k + 4
}
