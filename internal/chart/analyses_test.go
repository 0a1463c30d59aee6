package chart_test

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

func valueChart() chart.ValueChart {
	return chart.ValueChart{Title: "Value for money", Desc: "Benefit against price.", XLabel: "Price (EUR)", YLabel: "Benefit",
		FrontierLabel: "Pareto frontier",
		Points: []chart.ValuePoint{
			{Name: "Atlas", Cost: 2100, Benefit: 74.1, Frontier: true, Series: 0},
			{Name: "Bêta & Fils", Cost: 1900, Benefit: 66.25, Frontier: true, Series: 1},
			{Name: "Carthage Nearshore Services", Cost: 2400, Benefit: 70, Frontier: false, Series: 2},
			{Name: "Delta", Cost: 2400, Benefit: 78, Frontier: true, Series: 3},
		}}
}

func TestValueScatter(t *testing.T) {
	c := valueChart()
	d := chart.ValueScatter(c)
	root := parseSVG(t, d)
	checkAccessible(t, root, c.Title, c.Desc)
	checkInside(t, "scatter", d)
	checkLegible(t, "scatter", d)
	if got := texts(root.all(byClass("text", "label"))); strings.Join(got, "|") != "Atlas|Bêta & Fils|Carthage Nearshore Services|Delta" {
		t.Errorf("labels = %q, want every vendor named", got)
	}
	if got := len(root.all(byClass("circle", "frontier-ring"))); got != 3 {
		t.Errorf("%d frontier rings, want 3", got)
	}
	// The frontier runs from the cheapest to the dearest frontier vendor:
	// Bêta (1900), Atlas (2100), Delta (2400).
	var line *chart.Polygon
	for _, s := range d.Shapes {
		if p, ok := s.(*chart.Polygon); ok && p.Class == "frontier" {
			line = p
		}
	}
	if line == nil || len(line.Points) != 3 || !(line.Points[0].X < line.Points[1].X && line.Points[1].X < line.Points[2].X) ||
		!(line.Points[0].Y > line.Points[1].Y) {
		t.Fatalf("frontier = %+v, want three points from the cheapest, benefit rising (y falling)", line)
	}
	// Better value is up and to the left: Atlas is above Bêta.
	if p := pointOf(d, 0); p.Y >= pointOf(d, 1).Y {
		t.Errorf("Atlas (74.1) is drawn at y %v, not above Bêta (66.25) at %v", p.Y, pointOf(d, 1).Y)
	}
}

// pointOf is the centre of the frontier ring or marker of the i-th point.
func pointOf(d *chart.Drawing, i int) chart.Point {
	n := 0
	for _, s := range d.Shapes {
		if c, ok := s.(*chart.Circle); ok && c.Class == "frontier-ring" {
			if n == i {
				return chart.Point{X: c.X, Y: c.Y}
			}
			n++
		}
	}
	return chart.Point{}
}

func TestValueScatterOnePoint(t *testing.T) {
	d := chart.ValueScatter(chart.ValueChart{Title: "t", Desc: "d", Points: []chart.ValuePoint{{Name: "Solo", Cost: 1000, Benefit: 50, Frontier: true}}})
	checkInside(t, "one point", d)
	for _, s := range d.Shapes {
		if p, ok := s.(*chart.Polygon); ok && p.Class == "frontier" {
			t.Errorf("a frontier line through a single point: %+v", p)
		}
	}
}

func TestShareBars(t *testing.T) {
	c := chart.ShareChart{Title: "Robustness", Desc: "Share of weightings.", Bars: []chart.ShareBar{
		{Name: "Atlas", Share: 0.64, Label: "64%", Series: 0}, {Name: "Carthage Nearshore Services", Share: 0.36, Label: "36%", Series: 1}, {Name: "Zero", Share: 0, Label: "0%", Series: 2}}}
	d := chart.ShareBars(c)
	root := parseSVG(t, d)
	checkAccessible(t, root, c.Title, c.Desc)
	checkInside(t, "shares", d)
	checkLegible(t, "shares", d)
	bars := root.all(byClass("rect", "bar"))
	if len(bars) != 3 || attrNum(t, bars[0], "width") <= attrNum(t, bars[1], "width") || attrNum(t, bars[2], "width") != 0 {
		t.Errorf("bars %+v, want three, Atlas's longer than Carthage's, Zero's empty", bars)
	}
	if got := texts(root.all(byClass("text", "share"))); strings.Join(got, "|") != "64%|36%|0%" {
		t.Errorf("shares = %q", got)
	}
	// The second bar is hatched, the first plain: they differ without colour.
	if len(root.all(byClass("line", "hatch"))) == 0 {
		t.Errorf("no hatching")
	}
}

func TestCategoriesChart(t *testing.T) {
	for n, want := range map[int]string{2: "grouped", 3: "grouped", 4: "grouped", 5: "radar", 7: "radar"} {
		c := chart.Chart{Title: "t", Desc: "d", Axes: axes(n), Series: vendors(4, n)}
		d := chart.Categories(c)
		got := "grouped"
		for _, s := range d.Shapes {
			if p, ok := s.(*chart.Polygon); ok && p.Class == "ring" {
				got = "radar"
			}
		}
		if got != want {
			t.Errorf("%d categories: %s, want %s", n, got, want)
		}
		checkInside(t, want, d)
		checkLegible(t, want, d)
	}
	d := chart.GroupedBars(chart.Chart{Title: "t", Desc: "d", Axes: axes(3), Series: vendors(12, 3)})
	checkInside(t, "grouped 12", d)
	if got := len(parseSVG(t, d).all(byClass("rect", "bar"))); got != 3*12+12 {
		t.Errorf("%d bars, want 36 and 12 legend swatches", got)
	}
}

// checkLegible fails when a text is smaller than 12 units: the pages show a
// drawing at least its own width wide, so 12 units are at least 12 px.
func checkLegible(t *testing.T, name string, d *chart.Drawing) {
	t.Helper()
	for _, s := range d.Shapes {
		if tx, ok := s.(*chart.Text); ok && tx.Size < 12 {
			t.Errorf("%s: text %q at size %v, below 12", name, tx.Text, tx.Size)
		}
	}
}

func TestAnalysesFromResult(t *testing.T) {
	res := &scoring.Result{
		Vendors: []scoring.VendorResult{{Key: "a", Name: "Atlas", Rank: 1, Eligible: true}, {Key: "b", Rank: 2, Eligible: true}, {Key: "k", Name: "Out"}},
		ValueForMoney: &scoring.ValueForMoney{CostCriterion: "price", Points: []scoring.ValuePoint{
			{Vendor: "a", Cost: 2000, Benefit: 70, Frontier: true}, {Vendor: "b", Cost: 1800, Benefit: 60, Frontier: true}}},
		Robustness: &scoring.RobustnessResult{Samples: 10, Spread: 0.25, Acceptability: []scoring.Acceptability{{Vendor: "a", Share: 0.7}, {Vendor: "b", Share: 0.3}}},
	}
	value, shares := chart.Analyses(res, []string{"b", "k", "a"})
	if len(value.Points) != 2 || value.Points[0].Name != "Atlas" || value.Points[0].Series != 2 || value.Points[1].Name != "b" || value.Points[1].Series != 0 {
		t.Errorf("points = %+v, want Atlas as series 2 and b (its key for a name) as series 0", value.Points)
	}
	if len(shares.Bars) != 2 || shares.Bars[0].Share != 0.7 || shares.Bars[0].Series != 2 {
		t.Errorf("bars = %+v", shares.Bars)
	}
	if value, shares := chart.Analyses(&scoring.Result{}, nil); value.Points != nil || shares.Bars != nil {
		t.Errorf("without analyses: %+v, %+v", value, shares)
	}
}

// TestValueScatterCrowd: twelve vendors close together; no two labels
// overlap (a label that finds no room is left to the table of figures), and
// most vendors are still named on the chart.
func TestValueScatterCrowd(t *testing.T) {
	c := chart.ValueChart{Title: "t", Desc: "d"}
	for i := range 12 {
		c.Points = append(c.Points, chart.ValuePoint{Name: "Île-de-France Relation Client " + strings.Repeat("x", i%4),
			Cost: 2000 + float64(i%4)*50, Benefit: 70 + float64(i/4), Series: i})
	}
	d := chart.ValueScatter(c)
	checkInside(t, "crowd", d)
	var labels []*chart.Text
	for _, s := range d.Shapes {
		if tx, ok := s.(*chart.Text); ok && tx.Class == "label" {
			labels = append(labels, tx)
		}
	}
	box := func(tx *chart.Text) (x0, x1 float64) {
		w := float64(utf8.RuneCountInString(tx.Text)) * tx.Size * 0.6
		switch tx.Anchor {
		case chart.Middle:
			return tx.X - w/2, tx.X + w/2
		case chart.End:
			return tx.X - w, tx.X
		}
		return tx.X, tx.X + w
	}
	for i, a := range labels {
		for _, b := range labels[i+1:] {
			a0, a1 := box(a)
			b0, b1 := box(b)
			if a0 < b1 && b0 < a1 && math.Abs(a.Y-b.Y) < a.Size {
				t.Errorf("labels %q and %q overlap", a.Text, b.Text)
			}
		}
	}
	if len(labels) < 8 {
		t.Errorf("only %d of 12 vendors named on the chart", len(labels))
	}
}
