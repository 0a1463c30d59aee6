package chart

import (
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// FromResult derives both charts from the engine's result; the compare page
// and the PDF report call it, so they always show the same figures.
//
// A top-level criterion is a category (a top-level leaf is a category of its
// own). A vendor's bar segment for a category is the sum of the
// contributions of the category's leaves: the points it adds to the score,
// so the segments add up to the score. Its radar value is the category's
// score on 0…100: that subtotal divided by the category's effective weight,
// which is the mean of the leaves' normalized values weighted by their share
// within the category (a missing value counts 0, as in the score). Those
// shares are taken from the tree itself, so a category whose weight is 0
// still gets its score.
//
// vendorKeys selects the vendors, in order; nil means all, in rank order.
// Unknown keys are left out. Title, Desc and Format are the caller's to set,
// in the reader's language.
func FromResult(m *scoring.Model, res *scoring.Result, vendorKeys []string) (radar, bars Chart) {
	axes, category, share := categories(m)
	radar.Axes, bars.Axes = axes, axes
	var vendors []*scoring.VendorResult
	if vendorKeys == nil {
		for i := range res.Vendors {
			vendors = append(vendors, &res.Vendors[i])
		}
	}
	for _, k := range vendorKeys {
		if v := res.Vendor(k); v != nil {
			vendors = append(vendors, v)
		}
	}
	for _, v := range vendors {
		name := v.Name
		if name == "" {
			name = v.Key
		}
		scores, points := make([]float64, len(axes)), make([]float64, len(axes))
		for j, cr := range v.Criteria {
			points[category[j]] += cr.Contribution
			if !cr.Missing {
				scores[category[j]] += share[j] * cr.Normalized
			}
		}
		radar.Series = append(radar.Series, Series{Name: name, Values: scores})
		bars.Series = append(bars.Series, Series{Name: name, Values: points})
	}
	return radar, bars
}

// categories names the top-level criteria and, for each leaf in tree order
// (the order of VendorResult.Criteria), the index of its category and its
// share of the category's weight.
func categories(m *scoring.Model) (axes []string, category []int, share []float64) {
	var walk func(cs []scoring.Criterion, cat int, parent float64)
	walk = func(cs []scoring.Criterion, cat int, parent float64) {
		sum := 0.0
		for _, c := range cs {
			sum += c.Weight
		}
		for _, c := range cs {
			w := 0.0
			if sum > 0 {
				w = parent * c.Weight / sum
			}
			if len(c.Children) > 0 {
				walk(c.Children, cat, w)
				continue
			}
			category = append(category, cat)
			share = append(share, w)
		}
	}
	for i, c := range m.Criteria {
		name := c.Name
		if name == "" {
			name = c.Key
		}
		axes = append(axes, name)
		if len(c.Children) == 0 {
			category = append(category, i)
			share = append(share, 1)
			continue
		}
		walk(c.Children, i, 1)
	}
	return axes, category, share
}
