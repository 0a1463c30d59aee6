package scoring

import "strings"

// applyConsensus validates vendor i's consensus values and puts each one in
// place of the aggregate of the ratings (rule 11). The ratings' count and
// spread stay as they are: they describe what the evaluators said.
func (p *prepared) applyConsensus(i int, v *Vendor, cells []cell, scaleOK bool, ps *problems) {
	for ck, c := range v.Consensus {
		// The path is built only for a problem, as ratingPath does.
		path := func() string { return field(index("vendors", i)+".consensus", ck) }
		j, ok := p.index[ck]
		switch {
		case !ok:
			ps.add(path(), "there is no criterion %q", ck)
			continue
		case j < 0:
			ps.add(path(), "%q is a category; agree a value for the criteria under it", ck)
			continue
		case p.leaves[j].c.Metric != nil:
			ps.add(path(), "%q is a measured criterion; its figure is not moderated", ck)
			continue
		}
		valid := true
		switch {
		case !finite(c.Value):
			checkFinite(ps, path()+".value", c.Value)
			valid = false
		case scaleOK && (c.Value < p.scale.Min || c.Value > p.scale.Max):
			ps.add(path()+".value", "%s is outside the scale %s–%s", num(c.Value), num(p.scale.Min), num(p.scale.Max))
			valid = false
		}
		if strings.TrimSpace(c.Reason) == "" {
			ps.add(path()+".reason", "is required: say why the panel agreed this value")
			valid = false
		}
		if valid {
			cells[j].value, cells[j].present, cells[j].consensus = c.Value, true, true
		}
	}
}

// checkAnalysis validates the options of rules 13 and 14 and records them.
func (p *prepared) checkAnalysis(o Options, ps *problems) {
	p.cost = -1
	if k := o.CostCriterion; k != "" {
		const path = "options.cost_criterion"
		j, ok := p.index[k]
		switch {
		case !ok:
			ps.add(path, "there is no criterion %q", k)
		case j < 0:
			ps.add(path, "%q is a category; name a measured criterion where lower is better, such as the price", k)
		case p.leaves[j].c.Metric == nil:
			ps.add(path, "%q is a rated criterion; name a measured criterion where lower is better, such as the price", k)
		case p.leaves[j].c.Metric.Better != Lower:
			ps.add(path, "%q is better when higher; a cost criterion must be better when lower", k)
		default:
			p.cost = j
		}
	}
	p.samples, p.spread = o.robustness()
	if p.samples < 0 || p.samples > MaxSamples {
		ps.add("options.robustness.samples", "%d is outside 0–%d", p.samples, MaxSamples)
	}
	if s := p.spread; checkFinite(ps, "options.robustness.spread", s) && (s < 0 || s >= 1) {
		ps.add("options.robustness.spread", "%s is outside [0, 1): a weight moves by a factor between 1 − spread and 1 + spread, which must stay above 0", num(s))
	}
}
