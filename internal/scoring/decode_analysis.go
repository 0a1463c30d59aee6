package scoring

import "math"

// consensus reads a vendor's consensus values: an object of
// {"value": v, "reason": "…"} by criterion key; null reads as nil.
func (d *decoder) consensus(path string) map[string]Consensus {
	out := make(map[string]Consensus)
	seen := d.object(path, true, func(key, path string) {
		var c Consensus
		cs := d.object(path, false, func(member, path string) {
			switch member {
			case "value":
				c.Value = d.number(path)
			case "reason":
				c.Reason = d.str(path, false)
			default:
				d.unknown(path)
			}
		})
		d.require(cs, path, "value", "reason")
		out[key] = c
	})
	if seen == nil {
		return nil
	}
	return out
}

// robustness reads options.robustness; null reads as nil (the defaults).
func (d *decoder) robustness(path string) *Robustness {
	var r Robustness
	seen := d.object(path, true, func(key, path string) {
		switch key {
		case "samples":
			r.Samples = d.whole(path)
		case "spread":
			r.Spread = d.optNumber(path, true)
		default:
			d.unknown(path)
		}
	})
	if seen == nil {
		return nil
	}
	return &r
}

// whole reads a whole number, or null (as nil). 2000 and 2000.0 are the
// same number; 2000.5 is refused, and so is a number too large for an int
// (Validate checks the range of the others).
func (d *decoder) whole(path string) *int {
	v := d.optNumber(path, true)
	if v == nil {
		return nil
	}
	switch {
	case *v != math.Trunc(*v):
		d.ps.add(path, "%s must be a whole number", num(*v))
		return nil
	case math.Abs(*v) > 1e15:
		d.ps.add(path, "%s is outside 0–%d", num(*v), MaxSamples)
		return nil
	}
	n := int(*v)
	return &n
}
