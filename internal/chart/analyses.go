package chart

import "github.com/bpoeval/bpoeval/internal/scoring"

// Analyses derives the value-for-money scatter and the robustness bars from
// the engine's result, for the vendors of vendorKeys in that order (nil
// means all, in rank order), as FromResult does: a vendor keeps its colour
// and marker across the charts. Knocked-out vendors have no point and no
// bar (the engine leaves them out). Titles, labels and formats are the
// caller's to set; Label of each bar is left empty for the same reason.
// The scatter has no points when the result has no value for money, the
// bars none without robustness.
func Analyses(res *scoring.Result, vendorKeys []string) (value ValueChart, shares ShareChart) {
	if vendorKeys == nil {
		for _, v := range res.Vendors {
			vendorKeys = append(vendorKeys, v.Key)
		}
	}
	series := map[string]int{}
	names := map[string]string{}
	for i, k := range vendorKeys {
		if v := res.Vendor(k); v != nil {
			series[k] = i
			names[k] = v.Name
			if v.Name == "" {
				names[k] = v.Key
			}
		}
	}
	if vfm := res.ValueForMoney; vfm != nil {
		for _, p := range vfm.Points {
			if i, ok := series[p.Vendor]; ok {
				value.Points = append(value.Points, ValuePoint{Name: names[p.Vendor], Cost: p.Cost, Benefit: p.Benefit, Frontier: p.Frontier, Series: i})
			}
		}
	}
	if rob := res.Robustness; rob != nil {
		for _, a := range rob.Acceptability {
			if i, ok := series[a.Vendor]; ok {
				shares.Bars = append(shares.Bars, ShareBar{Name: names[a.Vendor], Share: a.Share, Series: i})
			}
		}
	}
	return value, shares
}
