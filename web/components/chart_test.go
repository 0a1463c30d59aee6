package components_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/web/components"
)

func TestChart(t *testing.T) {
	var b strings.Builder
	d := chart.Radar(chart.Chart{Title: "Scores", Axes: []string{"A", "B", "C"}, Series: []chart.Series{{Name: "Acme", Values: []float64{1, 2, 3}}}})
	if err := components.Chart(d).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "<svg ") || !strings.Contains(b.String(), "<title") {
		t.Errorf("rendered %.100q, want the drawing's SVG", b.String())
	}
	b.Reset()
	if err := components.Chart(nil).Render(context.Background(), &b); err != nil || b.Len() != 0 {
		t.Errorf("no drawing rendered %q, %v", b.String(), err)
	}
}
