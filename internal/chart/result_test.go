package chart_test

import (
	"math"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/chart"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// A model with a category of two levels, a category whose weight is 0 and a
// top-level leaf, and a vendor with a missing rating.
const categoriesModel = `{
  "criteria": [
    {"key": "quality", "name": "Qualité", "weight": 60, "children": [
      {"key": "process", "weight": 50, "children": [
        {"key": "policies", "weight": 20},
        {"key": "expertise", "weight": 30}
      ]},
      {"key": "fit", "name": "Cultural fit", "weight": 50}
    ]},
    {"key": "cost", "weight": 0, "children": [
      {"key": "price", "weight": 1, "metric": {"better": "lower", "best": 1000, "worst": 3000}}
    ]},
    {"key": "asa", "name": "Speed of answer", "weight": 40, "metric": {"better": "lower", "best": 10, "worst": 60}}
  ],
  "vendors": [
    {"key": "acme", "name": "Acme", "ratings": {"a": {"policies": 4, "expertise": 5, "fit": 3}, "b": {"policies": 2, "fit": 4}},
     "metrics": {"price": 2000, "asa": 20}},
    {"key": "beta", "name": "", "ratings": {"a": {"policies": 5, "fit": 5}}, "metrics": {"price": 1500, "asa": 35}},
    {"key": "gamma", "name": "Gamma", "ratings": {"a": {"policies": 1, "expertise": 1, "fit": 1}}, "metrics": {"price": 3500, "asa": 60}}
  ]
}`

func TestFromResult(t *testing.T) {
	m, err := scoring.Decode(strings.NewReader(categoriesModel))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	radar, bars := chart.FromResult(m, res, nil)
	if got := strings.Join(radar.Axes, "|"); got != "Qualité|cost|Speed of answer" || strings.Join(bars.Axes, "|") != got {
		t.Errorf("axes = %q, %q", radar.Axes, bars.Axes)
	}
	if len(radar.Series) != 3 || len(bars.Series) != 3 {
		t.Fatalf("%d radar and %d bar series, want 3", len(radar.Series), len(bars.Series))
	}
	catWeight := map[string]float64{}
	catOf := func(l scoring.Leaf) string {
		if len(l.Path) == 0 {
			return l.Key
		}
		return l.Path[0]
	}
	leaves := m.Leaves()
	for _, l := range leaves {
		catWeight[catOf(l)] += l.Weight
	}
	cats := []string{"quality", "cost", "asa"}
	for i, v := range res.Vendors {
		name := v.Name
		if name == "" {
			name = v.Key
		}
		if radar.Series[i].Name != name || bars.Series[i].Name != name {
			t.Errorf("series %d is %q/%q, want %q in rank order", i, radar.Series[i].Name, bars.Series[i].Name, name)
		}
		subtotal := map[string]float64{}
		for j, cr := range v.Criteria {
			subtotal[catOf(leaves[j])] += cr.Contribution
		}
		sum := 0.0
		for j, cat := range cats {
			sum += bars.Series[i].Values[j]
			if got, want := bars.Series[i].Values[j], subtotal[cat]; math.Abs(got-want) > 1e-9 {
				t.Errorf("%s %s: bar segment %g, want the subtotal %g", v.Key, cat, got, want)
			}
			if catWeight[cat] == 0 {
				continue
			}
			if got, want := radar.Series[i].Values[j], subtotal[cat]/catWeight[cat]; math.Abs(got-want) > 1e-9 {
				t.Errorf("%s %s: radar %g, want subtotal / weight = %g", v.Key, cat, got, want)
			}
		}
		if math.Abs(sum-v.Score) > 1e-9 {
			t.Errorf("%s: segments add up to %g, score is %g", v.Key, sum, v.Score)
		}
		// The category of weight 0 adds nothing, but is still scored: by its
		// only leaf, the price.
		price := v.Criteria[3]
		if price.Key != "price" || radar.Series[i].Values[1] != price.Normalized || bars.Series[i].Values[1] != 0 {
			t.Errorf("%s cost: radar %g, bar %g; want %g and 0", v.Key, radar.Series[i].Values[1], bars.Series[i].Values[1], price.Normalized)
		}
	}

	radar, bars = chart.FromResult(m, res, []string{"gamma", "nobody", "acme"})
	if len(radar.Series) != 2 || radar.Series[0].Name != "Gamma" || bars.Series[1].Name != "Acme" {
		t.Errorf("chosen vendors = %+v", radar.Series)
	}
}
