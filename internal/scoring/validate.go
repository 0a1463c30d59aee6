package scoring

import (
	"cmp"
	"math"
	"slices"
)

// prepared is a model that passed validation, flattened for scoring: the
// leaves with their effective weights, and every vendor's aggregated value on
// every leaf. Validation and aggregation share one pass over the ratings
// because that pass is most of the cost of an evaluation.
type prepared struct {
	scale           Scale
	agg             Aggregation
	awardThreshold  float64
	closeCallMargin float64
	criteria        []Criterion
	leaves          []leafInfo
	// index maps a criterion key to its leaf index, or to -1-k for the
	// category whose path is categories[k].
	index      map[string]int
	categories []string
	// cells holds vendor i's standing on leaf j at i*len(leaves)+j.
	cells []cell
	// cost is the leaf index of options.cost_criterion, -1 for none.
	cost int
	// samples and spread are options.robustness.
	samples int
	spread  float64
}

type leafInfo struct {
	c      *Criterion
	path   string // criteria[0].children[1], for messages
	weight float64
	// relative is a measured leaf without best and worst: it is normalised
	// against ref, the best value among the vendors.
	relative bool
	ref      float64
}

type cell struct {
	value   float64
	spread  float64
	raters  int
	present bool
	// consensus: value is the panel's moderated value (rule 11).
	consensus bool
}

// Validate checks m against the rules of the scoring engine without scoring
// it. It returns an *InputError listing every problem, or nil.
func (m *Model) Validate() error {
	_, err := Prepare(m).prepare(m.Vendors)
	return err
}

// Prepared is a model's scale, criteria and options checked once, for
// scoring sets of vendors against them: a scorecard's subtotal on every
// autosave. Its Evaluate gives what Evaluate gives for the model with
// those vendors. It is read-only once made, so safe to share.
type Prepared struct {
	base    prepared // without the vendors' cells and references
	scaleOK bool
	// The problems before the vendors' and after them, in the order of the
	// fields in the JSON form, so that the problems read from the top of
	// the file down.
	before, after problems
}

// Prepare checks m's scale, criteria and options; m.Vendors is ignored.
// The criteria are shared with m, which must not change while the
// Prepared is used.
func Prepare(m *Model) *Prepared {
	p := prepared{
		scale:           m.scale(),
		agg:             m.Options.aggregation(),
		awardThreshold:  m.Options.awardThreshold(),
		closeCallMargin: m.Options.closeCallMargin(),
		criteria:        m.Criteria,
		index:           make(map[string]int),
	}
	out := &Prepared{}
	out.scaleOK = p.checkScale(m, &out.before)
	if len(m.Criteria) == 0 {
		out.before.add("criteria", "at least one criterion is required")
	}
	p.checkCriteria(m.Criteria, "criteria", 1, out.scaleOK, &out.before)
	p.checkOptions(&out.after)
	p.checkAnalysis(m.Options, &out.after)
	out.base = p
	return out
}

// Evaluate validates vendors against the prepared model and scores them.
func (pm *Prepared) Evaluate(vendors []Vendor) (*Result, error) {
	p, err := pm.prepare(vendors)
	if err != nil {
		return nil, err
	}
	return p.evaluate(vendors), nil
}

// Score validates vendors against the prepared model and scores each, in
// their order, as Evaluate does, but without ranking them or analysing the
// decision: what a subtotal needs, for a fraction of the work.
func (pm *Prepared) Score(vendors []Vendor) ([]VendorResult, error) {
	p, err := pm.prepare(vendors)
	if err != nil {
		return nil, err
	}
	return p.score(vendors), nil
}

// prepare is the prepared model with vendors' cells: a copy, since the
// leaves' references depend on the vendors.
func (pm *Prepared) prepare(vendors []Vendor) (*prepared, error) {
	p := pm.base
	p.leaves = slices.Clone(pm.base.leaves)
	ps := slices.Clone(pm.before)
	p.collect(vendors, pm.scaleOK, &ps)
	ps = append(ps, pm.after...)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *prepared) checkScale(m *Model, ps *problems) bool {
	if m.Scale == nil {
		return true
	}
	n := len(*ps)
	lo, hi := m.Scale.Min, m.Scale.Max
	checkFinite(ps, "scale.min", lo)
	checkFinite(ps, "scale.max", hi)
	if len(*ps) == n {
		switch {
		case hi <= lo:
			ps.add("scale.max", "%s must be greater than scale.min %s", num(hi), num(lo))
		case math.IsInf(hi-lo, 0):
			ps.add("scale", "the range %s–%s is too wide", num(lo), num(hi))
		}
	}
	return len(*ps) == n
}

func (p *prepared) checkOptions(ps *problems) {
	if p.agg != Mean && p.agg != Median {
		ps.add("options.aggregation", "%q must be %q or %q", p.agg, Mean, Median)
	}
	if t := p.awardThreshold; checkFinite(ps, "options.award_threshold", t) && (t < 0 || t > 100) {
		ps.add("options.award_threshold", "%s is outside 0–100", num(t))
	}
	// A margin of 0 would award a dead heat to the vendor whose key sorts
	// first, which is no reason to award anything.
	if c := p.closeCallMargin; checkFinite(ps, "options.close_call_margin", c) && (c <= 0 || c > 100) {
		ps.add("options.close_call_margin", "%s must be above 0 and at most 100", num(c))
	}
}

// checkCriteria validates a group of siblings and, recursively, their
// children, registering every key and every leaf with its effective weight.
func (p *prepared) checkCriteria(cs []Criterion, group string, parent float64, scaleOK bool, ps *problems) {
	weightsOK := true
	for i := range cs {
		if w := cs[i].Weight; !finite(w) || w < 0 {
			weightsOK = false
			if path := index(group, i) + ".weight"; checkFinite(ps, path, w) {
				ps.add(path, "%s is negative; a weight must be 0 or more", num(w))
			}
		}
	}
	var shares []float64
	if weightsOK && len(cs) > 0 {
		if shares = siblingShares(cs); math.IsNaN(shares[0]) {
			ps.add(group, "every weight here is 0; at least one must be above 0")
			shares = nil
		}
	}
	for i := range cs {
		c := &cs[i]
		path := index(group, i)
		w := math.NaN()
		if shares != nil {
			w = parent * shares[i]
		}
		registered := p.register(c.Key, path, len(c.Children) > 0, ps)
		if len(c.Children) > 0 {
			if c.Metric != nil {
				ps.add(path+".metric", "a criterion with children cannot have a metric; its children are measured or rated")
			}
			if c.MinRating != nil {
				ps.add(path+".min_rating", "only a rated criterion without children can have a minimum rating")
			}
			p.checkCriteria(c.Children, path+".children", w, scaleOK, ps)
			continue
		}
		if registered {
			p.index[c.Key] = len(p.leaves)
		}
		lf := leafInfo{c: c, path: path, weight: w}
		if c.Metric != nil {
			if c.MinRating != nil {
				ps.add(path+".min_rating", "a measured criterion has no rating; knock out with metric.limit instead")
			}
			lf.relative = checkMetric(c.Metric, path+".metric", ps)
		} else if c.MinRating != nil {
			r := *c.MinRating
			if checkFinite(ps, path+".min_rating", r) && scaleOK && (r < p.scale.Min || r > p.scale.Max) {
				ps.add(path+".min_rating", "%s is outside the scale %s–%s", num(r), num(p.scale.Min), num(p.scale.Max))
			}
		}
		p.leaves = append(p.leaves, lf)
	}
}

// register records a criterion key, refusing empty and repeated ones, and
// reports whether it did. A category is recorded as -1-k, k indexing
// p.categories; checkCriteria records a leaf itself, once it knows its index.
func (p *prepared) register(key, path string, category bool, ps *problems) bool {
	if key == "" {
		ps.add(path+".key", "must not be empty")
		return false
	}
	if j, dup := p.index[key]; dup {
		var first string
		if j < 0 {
			first = p.categories[-1-j]
		} else {
			first = p.leaves[j].path
		}
		ps.add(path+".key", "%q is already the key of %s; keys must be unique across the criteria", key, first)
		return false
	}
	if category {
		p.index[key] = -1 - len(p.categories)
		p.categories = append(p.categories, path)
	}
	return true
}

// checkMetric validates a measured leaf's metric and reports whether it is
// normalised relative to the vendors (no best and worst).
func checkMetric(mt *Metric, path string, ps *problems) (relative bool) {
	switch mt.Better {
	case Lower, Higher:
	case "":
		ps.add(path+".better", "is required: %q or %q", Lower, Higher)
	default:
		ps.add(path+".better", "%q must be %q or %q", mt.Better, Lower, Higher)
	}
	if mt.Limit != nil {
		checkFinite(ps, path+".limit", *mt.Limit)
	}
	switch {
	case mt.Best == nil && mt.Worst == nil:
		return true
	case mt.Best == nil:
		ps.add(path+".best", "is required when worst is given")
		return false
	case mt.Worst == nil:
		ps.add(path+".worst", "is required when best is given")
		return false
	}
	best, worst := *mt.Best, *mt.Worst
	if !checkFinite(ps, path+".best", best) || !checkFinite(ps, path+".worst", worst) {
		return false
	}
	switch {
	case best == worst:
		ps.add(path+".best", "%s equals worst; best must be better than worst", num(best))
	case math.IsInf(worst-best, 0):
		ps.add(path, "best %s and worst %s are too far apart", num(best), num(worst))
	case mt.Better == Lower && best > worst:
		ps.add(path+".best", "%s is above worst %s, but lower is better here; best must be below worst", num(best), num(worst))
	case mt.Better == Higher && best < worst:
		ps.add(path+".best", "%s is below worst %s, but higher is better here; best must be above worst", num(best), num(worst))
	}
	return false
}

// collect validates the vendors and aggregates their ratings and figures into
// p.cells.
func (p *prepared) collect(vendors []Vendor, scaleOK bool, ps *problems) {
	nl := len(p.leaves)
	p.cells = make([]cell, len(vendors)*nl)
	keys := make(map[string]int, len(vendors))
	// byLeaf gathers one vendor's ratings per leaf, at most one per
	// evaluator: it is carved out of one array, reused from vendor to vendor.
	evaluators := 0
	for i := range vendors {
		evaluators = max(evaluators, len(vendors[i].Ratings))
	}
	backing := make([]float64, nl*evaluators)
	byLeaf := make([][]float64, nl)
	for j := range byLeaf {
		byLeaf[j] = backing[j*evaluators : j*evaluators : (j+1)*evaluators]
	}
	rated := p.ratedLeaves()
	var vps problems
	for i := range vendors {
		v := &vendors[i]
		if v.Key == "" {
			ps.add(index("vendors", i)+".key", "must not be empty")
		} else if first, dup := keys[v.Key]; dup {
			ps.add(index("vendors", i)+".key", "%q is already the key of vendors[%d]; vendor keys must be unique", v.Key, first)
		} else {
			keys[v.Key] = i
		}
		for j := range byLeaf {
			byLeaf[j] = byLeaf[j][:0]
		}
		// Maps iterate in random order: a vendor's problems are sorted by path
		// so that the same input always gives the same messages.
		vps = vps[:0]
		for e, rs := range v.Ratings {
			if e != "" && p.gatherRatings(rs, rated, scaleOK, byLeaf) {
				continue
			}
			if e == "" {
				vps.add(field(index("vendors", i)+".ratings", e), "the evaluator key must not be empty")
			}
			for ck, r := range rs {
				j, ok := p.index[ck]
				switch {
				case !ok:
					vps.add(ratingPath(i, e, ck), "there is no criterion %q", ck)
				case j < 0:
					vps.add(ratingPath(i, e, ck), "%q is a category; rate the criteria under it", ck)
				case p.leaves[j].c.Metric != nil:
					vps.add(ratingPath(i, e, ck), "%q is a measured criterion; its figure belongs in metrics, not ratings", ck)
				case !finite(r):
					checkFinite(&vps, ratingPath(i, e, ck), r)
				case scaleOK && (r < p.scale.Min || r > p.scale.Max):
					vps.add(ratingPath(i, e, ck), "%s is outside the scale %s–%s", num(r), num(p.scale.Min), num(p.scale.Max))
				default:
					byLeaf[j] = append(byLeaf[j], r)
				}
			}
		}
		cells := p.cells[i*nl : (i+1)*nl]
		for j, rs := range byLeaf {
			if len(rs) > 0 {
				cells[j] = p.aggregate(rs)
			}
		}
		for ck, x := range v.Metrics {
			j, ok := p.index[ck]
			switch {
			case !ok:
				vps.add(metricPath(i, ck), "there is no criterion %q", ck)
			case j < 0:
				vps.add(metricPath(i, ck), "%q is a category; give figures for the criteria under it", ck)
			case p.leaves[j].c.Metric == nil:
				vps.add(metricPath(i, ck), "%q is a rated criterion; its value comes from the ratings", ck)
			case !finite(x):
				checkFinite(&vps, metricPath(i, ck), x)
			case p.leaves[j].relative && p.leaves[j].c.Metric.Better == Lower && x <= 0:
				vps.add(metricPath(i, ck), "%s must be above 0: without best and worst, a \"lower\" figure is scored as the lowest figure divided by it", num(x))
			case p.leaves[j].relative && p.leaves[j].c.Metric.Better == Higher && x < 0:
				vps.add(metricPath(i, ck), "%s must be 0 or more: without best and worst, a \"higher\" figure is scored as a share of the highest", num(x))
			default:
				cells[j] = cell{value: x, present: true}
			}
		}
		p.applyConsensus(i, v, cells, scaleOK, &vps)
		slices.SortFunc(vps, func(a, b Problem) int { return cmp.Compare(a.Path, b.Path) })
		*ps = append(*ps, vps...)
	}
	p.setReferences(len(vendors), ps)
}

// ratedLeaf is a rated leaf as gatherRatings looks it up: its index, its
// key, and the rating of the evaluator at hand, NaN for none.
type ratedLeaf struct {
	j      int
	key    string
	rating float64
}

// ratedLeaves lists the rated leaves that their key names (a repeated key
// names the first criterion that has it).
func (p *prepared) ratedLeaves() []ratedLeaf {
	var out []ratedLeaf
	for j := range p.leaves {
		c := p.leaves[j].c
		if c.Metric == nil && p.index[c.Key] == j {
			out = append(out, ratedLeaf{j: j, key: c.Key})
		}
	}
	return out
}

// gatherRatings is the common case of one evaluator's ratings: every key is
// a rated leaf and every rating is on the scale. It looks each rated leaf up
// in rs rather than each key of rs up in the criteria, which halves the map
// work of an evaluation, and adds the ratings to byLeaf. Otherwise it adds
// nothing and reports false, and collect goes through rs key by key to say
// what is wrong. The order in which ratings reach byLeaf does not matter:
// aggregate does not depend on it.
func (p *prepared) gatherRatings(rs map[string]float64, rated []ratedLeaf, scaleOK bool, byLeaf [][]float64) bool {
	found := 0
	for k := range rated {
		rl := &rated[k]
		r, ok := rs[rl.key]
		if !ok {
			rl.rating = math.NaN()
			continue
		}
		// A valid scale is finite, so its range check refuses NaN and
		// infinities too.
		valid := finite(r)
		if scaleOK {
			valid = r >= p.scale.Min && r <= p.scale.Max
		}
		if !valid {
			return false
		}
		rl.rating = r
		found++
	}
	if found != len(rs) {
		// A key that is not a rated leaf.
		return false
	}
	for _, rl := range rated {
		if !math.IsNaN(rl.rating) {
			byLeaf[rl.j] = append(byLeaf[rl.j], rl.rating)
		}
	}
	return true
}

// ratingPath and metricPath build a value's path only when there is a problem
// to report: building it for every value would dominate the cost of a pass.
func ratingPath(vendor int, evaluator, criterion string) string {
	return field(field(index("vendors", vendor)+".ratings", evaluator), criterion)
}

func metricPath(vendor int, criterion string) string {
	return field(index("vendors", vendor)+".metrics", criterion)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// aggregate turns the ratings of one vendor on one leaf into a cell. The
// mean must not depend on the order of the evaluators: unless the sum is
// exact in any order, it sorts rs and sums in that order. The median sorts
// rs too.
func (p *prepared) aggregate(rs []float64) cell {
	n := len(rs)
	if p.agg != Median {
		if sum, lo, hi, ok := exactSum(rs); ok {
			return cell{value: sum / float64(n), spread: hi - lo, raters: n, present: true}
		}
	}
	sortRatings(rs)
	var v float64
	switch {
	case p.agg == Median && n%2 == 1:
		v = rs[n/2]
	case p.agg == Median:
		v = (rs[n/2-1] + rs[n/2]) / 2
	default:
		sum := 0.0
		for _, r := range rs {
			sum += r
		}
		v = sum / float64(n)
	}
	return cell{value: v, spread: rs[n-1] - rs[0], raters: n, present: true}
}

// exactSum returns the sum, the lowest and the highest of rs when the sum is
// the same whichever order it is taken in: when every rating is a multiple of
// 1/1024 (whole and half points, tenths are not) of at most 2³⁰ and there
// are at most 4,096 of them, every partial sum is a multiple of 2⁻¹⁰ below
// 2⁴², which a float64 holds exactly. Ratings on a scale almost always are.
func exactSum(rs []float64) (sum, lo, hi float64, ok bool) {
	if len(rs) > 1<<12 {
		return 0, 0, 0, false
	}
	lo, hi = rs[0], rs[0]
	for _, r := range rs {
		if f := r * 1024; f != math.Trunc(f) || math.Abs(r) > 1<<30 {
			return 0, 0, 0, false
		}
		sum += r
		lo, hi = min(lo, r), max(hi, r)
	}
	return sum, lo, hi, true
}

// sortRatings sorts one leaf's ratings. There are rarely more than a dozen,
// and they are finite, so a plain insertion sort beats slices.Sort, whose
// NaN-aware comparisons were a third of the cost of an evaluation.
func sortRatings(rs []float64) {
	if len(rs) > 24 {
		slices.Sort(rs)
		return
	}
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j] < rs[j-1]; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// setReferences finds, for each relative leaf, the best value among the
// vendors that have one: the lowest for "lower", the highest for "higher".
func (p *prepared) setReferences(vendors int, ps *problems) {
	nl := len(p.leaves)
	for j := range p.leaves {
		lf := &p.leaves[j]
		if !lf.relative {
			continue
		}
		found := false
		for i := range vendors {
			c := p.cells[i*nl+j]
			if !c.present {
				continue
			}
			if !found || (lf.c.Metric.Better == Lower && c.value < lf.ref) || (lf.c.Metric.Better == Higher && c.value > lf.ref) {
				lf.ref = c.value
			}
			found = true
		}
		if found && lf.c.Metric.Better == Higher && lf.ref == 0 {
			ps.add(lf.path+".metric", "every vendor's figure is 0; a \"higher\" metric without best and worst needs one above 0")
		}
	}
}

// checkFinite refuses NaN and infinities, which JSON cannot carry but a Model
// built in Go can. It reports whether v is finite.
func checkFinite(ps *problems, path string, v float64) bool {
	switch {
	case math.IsNaN(v):
		ps.add(path, "NaN is not a number")
	case math.IsInf(v, 0):
		ps.add(path, "%s is not a finite number", num(v))
	default:
		return true
	}
	return false
}
