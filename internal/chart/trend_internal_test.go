package chart

import "testing"

// TestTrendChart: a gap where a period has no figure, the target drawn
// across the plot, every point inside it.
func TestTrendChart(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	d := TrendChart(Trend{Periods: []string{"Jan", "Feb", "Mar", "Apr"}, Actuals: []*float64{v(22), v(25), nil, v(19)},
		Target: 20, Promised: v(18), Legend: [3]string{"Actual", "Target", "Promised"}})
	var lines, markers, targets int
	for _, s := range d.Shapes {
		switch s := s.(type) {
		case *Polygon:
			if s.Class == "actual" {
				lines++
			}
		case *Circle:
			markers++
			if s.Y < trendTop || s.Y > trendTop+trendPlotH {
				t.Errorf("point %v outside the plot", s)
			}
		case *Line:
			if s.Class == "target" {
				targets++
			}
		}
	}
	// Jan–Feb is one line; Apr stands alone after the gap.
	if lines != 1 || markers != 3 || targets != 1 {
		t.Errorf("lines %d, markers %d, targets %d; want 1, 3, 1", lines, markers, targets)
	}
	if lo, hi := trendRange(Trend{Target: 20, Actuals: []*float64{v(25)}}); lo != 0 || hi < 25 {
		t.Errorf("range %v–%v does not hold 25", lo, hi)
	}
}
