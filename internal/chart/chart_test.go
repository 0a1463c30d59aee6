package chart_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/chart"
)

// node is any SVG element, parsed generically.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all returns the elements below n (n included) that match.
func (n *node) all(match func(*node) bool) []*node {
	var out []*node
	if match(n) {
		out = append(out, n)
	}
	for i := range n.Nodes {
		out = append(out, n.Nodes[i].all(match)...)
	}
	return out
}

func byClass(el, class string) func(*node) bool {
	return func(n *node) bool { return n.XMLName.Local == el && n.attr("class") == class }
}

func parseSVG(t *testing.T, d *chart.Drawing) *node {
	t.Helper()
	var b bytes.Buffer
	if err := d.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	var root node
	if err := xml.Unmarshal(b.Bytes(), &root); err != nil {
		t.Fatalf("SVG is not well-formed: %v\n%s", err, b.String())
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root = %v", root.XMLName)
	}
	return &root
}

// checkAccessible checks the SVG scales with its container, is labelled by
// its title and desc, and needs neither inline styles nor scripts.
func checkAccessible(t *testing.T, root *node, title, desc string) {
	t.Helper()
	if got := root.attr("role"); got != "img" {
		t.Errorf("role = %q", got)
	}
	if root.attr("width") != "100%" || len(strings.Fields(root.attr("viewBox"))) != 4 {
		t.Errorf("width = %q, viewBox = %q", root.attr("width"), root.attr("viewBox"))
	}
	ids := strings.Fields(root.attr("aria-labelledby"))
	if len(ids) != 2 {
		t.Fatalf("aria-labelledby = %q", root.attr("aria-labelledby"))
	}
	for i, want := range []struct{ el, text string }{{"title", title}, {"desc", desc}} {
		found := root.all(func(n *node) bool { return n.attr("id") == ids[i] })
		if len(found) != 1 || found[0].XMLName.Local != want.el || found[0].Text != want.text {
			t.Errorf("aria-labelledby %q does not name the %s %q: %+v", ids[i], want.el, want.text, found)
		}
	}
	bad := root.all(func(n *node) bool { return n.XMLName.Local == "script" || n.attr("style") != "" })
	if len(bad) > 0 {
		t.Errorf("script or style attribute in the SVG: %+v", bad[0])
	}
}

func vendors(n, axes int) []chart.Series {
	out := make([]chart.Series, n)
	for i := range out {
		out[i].Name = fmt.Sprintf("Vendor %d", i+1)
		for j := range axes {
			out[i].Values = append(out[i].Values, float64((i*17+j*29)%101))
		}
	}
	return out
}

func axes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Category %d", i+1)
	}
	return out
}

func TestRadar(t *testing.T) {
	c := chart.Chart{
		Title:  `Scores "by" category`,
		Desc:   "Qualité <80> & coût",
		Axes:   []string{"Qualité", "Service levels", "Cost & <terms>"},
		Series: []chart.Series{{Name: "Acme <BPO> & Co", Values: []float64{80, 60, 40}}, {Name: "Bêta", Values: []float64{50, math.NaN(), 120}}},
	}
	root := parseSVG(t, chart.Radar(c))
	checkAccessible(t, root, c.Title, c.Desc)
	series := root.all(byClass("polygon", "series"))
	if len(series) != 2 {
		t.Fatalf("%d series polygons, want 2", len(series))
	}
	// The leader is drawn last, on top; each polygon has a vertex per axis.
	for i, want := range []string{"Bêta", "Acme <BPO> & Co"} {
		if got := len(strings.Fields(series[i].attr("points"))); got != 3 {
			t.Errorf("polygon %d has %d points", i, got)
		}
		if len(series[i].Nodes) != 1 || series[i].Nodes[0].Text != want {
			t.Errorf("polygon %d is titled %+v, want %q", i, series[i].Nodes, want)
		}
	}
	if a, b := series[0].attr("stroke"), series[1].attr("stroke"); a == b {
		t.Errorf("both series are drawn in %s", a)
	}
	legend := root.all(byClass("text", "legend"))
	if len(legend) != 2 || legend[0].Text != "Acme <BPO> & Co" || legend[1].Text != "Bêta" {
		t.Errorf("legend = %+v", legend)
	}
	if rings := root.all(byClass("polygon", "ring")); len(rings) != 4 {
		t.Errorf("%d rings, want 4 (25, 50, 75, 100)", len(rings))
	}
	if got := len(root.all(byClass("line", "axis"))); got != 3 {
		t.Errorf("%d axes, want 3", got)
	}
	labels := texts(root.all(byClass("text", "label")))
	if strings.Join(labels, "|") != "Qualité|Service levels|Cost & <terms>" {
		t.Errorf("axis labels = %q", labels)
	}
}

// A radar of one or two axes has no polygon rings, but still shows every
// series and its values.
func TestRadarFewAxes(t *testing.T) {
	for n := range 3 {
		t.Run(fmt.Sprint(n, "axes"), func(t *testing.T) {
			c := chart.Chart{Title: "t", Desc: "d", Axes: axes(n), Series: vendors(3, n)}
			root := parseSVG(t, chart.Radar(c))
			if got := len(root.all(byClass("polygon", "series"))); got != 3 {
				t.Errorf("%d series polygons, want 3", got)
			}
			if got := len(root.all(byClass("circle", "ring"))); got != 4 {
				t.Errorf("%d ring circles, want 4", got)
			}
			if got := len(root.all(byClass("text", "label"))); got != n {
				t.Errorf("%d axis labels, want %d", got, n)
			}
		})
	}
}

func TestStackedBars(t *testing.T) {
	c := chart.Chart{
		Title:  "Points by category",
		Desc:   "How each category adds to the score",
		Axes:   []string{"Quality", "Service levels", "Cost"},
		Series: []chart.Series{{Name: "Acme", Values: []float64{48.3, 12, 18}}, {Name: "Bêta & Fils", Values: []float64{30, 0, 9.5}}},
		Format: func(v float64) string { return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) },
	}
	d := chart.StackedBars(c)
	root := parseSVG(t, d)
	checkAccessible(t, root, c.Title, c.Desc)
	segments := root.all(byClass("rect", "segment"))
	if len(segments) != 6 {
		t.Fatalf("%d segments, want one per category per bar (6)", len(segments))
	}
	// Each bar's segments follow each other and add up to its total, on an
	// axis where 100 points is the length of the 0–100 grid.
	grid := root.all(byClass("line", "grid"))
	if len(grid) != 5 {
		t.Fatalf("%d grid lines, want 5", len(grid))
	}
	x0, x100 := attrNum(t, grid[0], "x1"), attrNum(t, grid[4], "x1")
	for s, series := range c.Series {
		end, sum := x0, 0.0
		for j := range c.Axes {
			seg := segments[s*3+j]
			if got := attrNum(t, seg, "x"); math.Abs(got-end) > 0.02 {
				t.Errorf("bar %d segment %d starts at %g, want %g", s, j, got, end)
			}
			end += attrNum(t, seg, "width")
			sum += series.Values[j]
			if seg.attr("fill") != segments[j].attr("fill") {
				t.Errorf("category %d is %s in bar %d but %s in bar 0", j, seg.attr("fill"), s, segments[j].attr("fill"))
			}
		}
		if want := x0 + (x100-x0)*sum/100; math.Abs(end-want) > 0.05 {
			t.Errorf("bar %d ends at %g, want %g", s, end, want)
		}
	}
	if segments[0].attr("fill") == segments[1].attr("fill") {
		t.Error("two categories share a colour")
	}
	if got := texts(root.all(byClass("text", "total"))); strings.Join(got, "|") != "78,3|39,5" {
		t.Errorf("totals = %q, want the language's format", got)
	}
	if got := texts(root.all(byClass("text", "legend"))); strings.Join(got, "|") != "Quality|Service levels|Cost" {
		t.Errorf("legend = %q", got)
	}
	if got := segments[4].Nodes; len(got) != 1 || got[0].Text != "Bêta & Fils — Service levels: 0,0" {
		t.Errorf("tip = %+v", got)
	}
}

// Every size the pages allow lays out inside the drawing, long names
// included, and a series can be told from another without colour.
func TestChartsFit(t *testing.T) {
	long := strings.Repeat("Très long nom d’entreprise de centre d’appels ", 5)
	for _, draw := range []struct {
		name string
		fn   func(chart.Chart) *chart.Drawing
	}{{"radar", chart.Radar}, {"bars", chart.StackedBars}} {
		for ns := 1; ns <= 12; ns++ {
			for na := 1; na <= 10; na++ {
				c := chart.Chart{Title: "t", Desc: "d", Axes: axes(na), Series: vendors(ns, na)}
				for j := range c.Axes {
					c.Axes[j] = fmt.Sprint(j) + long
				}
				c.Series[ns-1].Name = long
				d := draw.fn(c)
				checkInside(t, fmt.Sprintf("%s %d×%d", draw.name, ns, na), d)
			}
		}
	}
	d := chart.Radar(chart.Chart{Axes: axes(5), Series: vendors(12, 5)})
	seen := map[string]int{}
	for i, s := range d.Shapes {
		l, ok := s.(*chart.Line)
		if !ok || l.Class != "legend-key" {
			continue
		}
		key := fmt.Sprintf("%v %T %d", l.Stroke.Dash, d.Shapes[i+1], points(d.Shapes[i+1]))
		if prev, dup := seen[key]; dup {
			t.Errorf("legend entries %d and %d look alike without colour: %s", prev, len(seen), key)
		}
		seen[key] = len(seen)
	}
	if len(seen) != 12 {
		t.Errorf("%d legend entries, want 12", len(seen))
	}
}

// checkInside fails when a shape, or a text at the width DejaVu Sans gives
// it, leaves the drawing.
func checkInside(t *testing.T, name string, d *chart.Drawing) {
	t.Helper()
	out := func(x, y float64) bool { return x < -0.01 || y < -0.01 || x > d.Width+0.01 || y > d.Height+0.01 }
	for _, s := range d.Shapes {
		switch s := s.(type) {
		case *chart.Text:
			// DejaVu Sans averages about 0.55 em per character in labels.
			w := float64(utf8.RuneCountInString(s.Text)) * s.Size * 0.55
			x0 := s.X
			switch s.Anchor {
			case chart.Middle:
				x0 -= w / 2
			case chart.End:
				x0 -= w
			}
			if out(x0, s.Y-s.Size) || out(x0+w, s.Y) {
				t.Errorf("%s: text %q at (%g, %g) leaves the %g×%g drawing", name, s.Text, s.X, s.Y, d.Width, d.Height)
				return
			}
		case *chart.Rect:
			if out(s.X, s.Y) || out(s.X+s.W, s.Y+s.H) {
				t.Errorf("%s: rect %+v leaves the drawing", name, s)
				return
			}
		case *chart.Polygon:
			for _, p := range s.Points {
				if out(p.X, p.Y) {
					t.Errorf("%s: polygon point %v leaves the drawing", name, p)
					return
				}
			}
		}
	}
}

func TestLongLabelsAreCut(t *testing.T) {
	long := "Centre de relation client « Très Grande Entreprise » et associés, Lyon–Marseille–Bordeaux"
	c := chart.Chart{Title: "t", Desc: "d", Axes: []string{long, "B", "C"}, Series: []chart.Series{{Name: long, Values: []float64{1, 2, 3}}}}
	for _, d := range []*chart.Drawing{chart.Radar(c), chart.StackedBars(c)} {
		root := parseSVG(t, d)
		first := root.all(byClass("text", "legend"))[0]
		if !strings.HasSuffix(first.Text, "…") || !strings.HasPrefix(long, strings.TrimSuffix(first.Text, "…")) {
			t.Errorf("legend %q is not %q cut", first.Text, long)
		}
	}
}

func texts(ns []*node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Text
	}
	return out
}

func attrNum(t *testing.T, n *node, name string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(n.attr(name), &v); err != nil {
		t.Fatalf("%s=%q: %v", name, n.attr(name), err)
	}
	return v
}

func points(s chart.Shape) int {
	if p, ok := s.(*chart.Polygon); ok {
		return len(p.Points)
	}
	return 0
}
