package scoring

import (
	"maps"
	"math"
)

// Model is an evaluation as the engine sees it: the rating scale, the criteria
// tree with its weights and knock-outs, every vendor's ratings and measured
// figures, and the decision options. Its JSON form is the input of
// `bpoeval score` and of GET /api/v1/evaluations/{id}/model; json.Marshal of a
// Model gives input that Decode accepts and that scores identically.
type Model struct {
	Scale    *Scale      `json:"scale,omitempty"` // nil means 1–5
	Criteria []Criterion `json:"criteria"`
	Vendors  []Vendor    `json:"vendors"`
	Options  Options     `json:"options,omitzero"`
}

// Scale is the range of the evaluators' ratings, inclusive at both ends.
type Scale struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// defaultScale is the scale of a model that gives none.
var defaultScale = Scale{Min: 1, Max: 5}

// Criterion is a node of the criteria tree. A node with children is a category;
// a node without is a leaf, rated by evaluators (no Metric) or measured (Metric).
type Criterion struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
	// Weight is relative to the node's siblings: only the ratios matter.
	Weight float64 `json:"weight"`
	// MinRating knocks out a vendor whose aggregated rating on this rated leaf
	// is below it.
	MinRating *float64    `json:"min_rating,omitempty"`
	Metric    *Metric     `json:"metric,omitempty"`
	Children  []Criterion `json:"children,omitempty"`
}

// Metric describes a measured leaf: a figure entered once per vendor.
type Metric struct {
	Unit   string    `json:"unit,omitempty"`
	Better Direction `json:"better"`
	// Best and Worst, given together, anchor the normalisation: Best scores
	// 100, Worst 0, values beyond them are clamped. Without them a value is
	// scored relative to the best value among the vendors.
	Best  *float64 `json:"best,omitempty"`
	Worst *float64 `json:"worst,omitempty"`
	// Limit knocks out a vendor whose value is worse than it.
	Limit *float64 `json:"limit,omitempty"`
}

// Direction says which way a measured figure improves.
type Direction string

// The directions of a Metric.
const (
	Lower  Direction = "lower"
	Higher Direction = "higher"
)

// Vendor is a candidate with the ratings it received and its measured figures.
type Vendor struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
	// Ratings maps an evaluator's key to that evaluator's ratings, by
	// criterion key. Only rated leaves can be rated.
	Ratings map[string]map[string]float64 `json:"ratings,omitempty"`
	// Metrics maps a measured leaf's key to the vendor's figure.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Consensus maps a rated leaf's key to the value the panel agreed at
	// moderation, which replaces the aggregate of the ratings (rule 11).
	Consensus map[string]Consensus `json:"consensus,omitempty"`
}

// Consensus is a moderated value for one rated leaf of one vendor, with the
// reason the panel recorded for it.
type Consensus struct {
	Value  float64 `json:"value"`
	Reason string  `json:"reason"`
}

// Options tune the recommendation. Zero values mean the defaults.
type Options struct {
	Aggregation     Aggregation `json:"aggregation,omitempty"`
	AwardThreshold  *float64    `json:"award_threshold,omitempty"`
	CloseCallMargin *float64    `json:"close_call_margin,omitempty"`
	// CostCriterion names the measured "lower" leaf plotted against the
	// rest of the score for value for money (rule 13); empty means none.
	CostCriterion string `json:"cost_criterion,omitempty"`
	// Robustness sets the weight-uncertainty analysis (rule 14); nil means
	// the defaults.
	Robustness *Robustness `json:"robustness,omitempty"`
}

// Robustness sets the robustness analysis: how many weightings to draw, and
// how far each weight may move (a factor in [1 − Spread, 1 + Spread]). Nil
// fields mean the defaults; Samples 0 turns the analysis off.
type Robustness struct {
	Samples *int     `json:"samples,omitempty"`
	Spread  *float64 `json:"spread,omitempty"`
}

// Aggregation is how the ratings of several evaluators become one value.
type Aggregation string

// The aggregations. The empty Aggregation means Mean.
const (
	Mean   Aggregation = "mean"
	Median Aggregation = "median"
)

// The defaults of Options.
const (
	DefaultAwardThreshold  = 60.0
	DefaultCloseCallMargin = 3.0
	DefaultSamples         = 2000
	DefaultSpread          = 0.25
	// MaxSamples bounds Robustness.Samples, and so the time an evaluation
	// may take.
	MaxSamples = 100000
)

func (m *Model) scale() Scale {
	if m.Scale == nil {
		return defaultScale
	}
	return *m.Scale
}

func (o Options) aggregation() Aggregation {
	if o.Aggregation == "" {
		return Mean
	}
	return o.Aggregation
}

func (o Options) awardThreshold() float64 {
	if o.AwardThreshold == nil {
		return DefaultAwardThreshold
	}
	return *o.AwardThreshold
}

func (o Options) closeCallMargin() float64 {
	if o.CloseCallMargin == nil {
		return DefaultCloseCallMargin
	}
	return *o.CloseCallMargin
}

func (o Options) robustness() (samples int, spread float64) {
	samples, spread = DefaultSamples, DefaultSpread
	if o.Robustness != nil && o.Robustness.Samples != nil {
		samples = *o.Robustness.Samples
	}
	if o.Robustness != nil && o.Robustness.Spread != nil {
		spread = *o.Robustness.Spread
	}
	return samples, spread
}

// Leaf is a leaf criterion with its place in the tree and its effective weight,
// so that pages need not redo the tree arithmetic.
type Leaf struct {
	Key  string
	Name string
	// Weight is the effective weight: the share of the total score, 0…1.
	Weight float64
	// Path holds the keys of the leaf's ancestors, outermost first; empty for a
	// top-level leaf. Path[0] is the top-level category, so a category's
	// subtotal is the sum of the contributions of the leaves whose Path starts
	// with its key.
	Path      []string
	MinRating *float64
	Metric    *Metric
}

// Leaves returns the leaves of the criteria tree in tree order (the order of
// VendorResult.Criteria). The weights are meaningful only for a model that
// Validate accepts.
func (m *Model) Leaves() []Leaf {
	var out []Leaf
	var walk func(cs []Criterion, parent float64, path []string)
	walk = func(cs []Criterion, parent float64, path []string) {
		shares := siblingShares(cs)
		for i := range cs {
			c := &cs[i]
			w := parent * shares[i]
			if len(c.Children) > 0 {
				walk(c.Children, w, append(path[:len(path):len(path)], c.Key))
				continue
			}
			out = append(out, Leaf{
				Key: c.Key, Name: c.Name, Weight: w,
				Path:      append([]string(nil), path...),
				MinRating: c.MinRating, Metric: c.Metric,
			})
		}
	}
	walk(m.Criteria, 1, nil)
	return out
}

// siblingShares returns weight / sum of the siblings' weights for each
// criterion. The weights are first divided by the largest one, so that huge
// weights cannot overflow the sum; the shares are unchanged by that.
func siblingShares(cs []Criterion) []float64 {
	largest := 0.0
	for _, c := range cs {
		largest = math.Max(largest, c.Weight)
	}
	shares := make([]float64, len(cs))
	if !(largest > 0) || math.IsInf(largest, 0) {
		for i := range shares {
			shares[i] = math.NaN()
		}
		return shares
	}
	sum := 0.0
	for i, c := range cs {
		shares[i] = c.Weight / largest
		sum += shares[i]
	}
	for i := range shares {
		shares[i] /= sum
	}
	return shares
}

// Find returns the criterion with the given key anywhere in the tree, or nil.
// The pointer aims into m, so a what-if page can change a weight of a Clone
// and Evaluate it again.
func (m *Model) Find(key string) *Criterion {
	var find func(cs []Criterion) *Criterion
	find = func(cs []Criterion) *Criterion {
		for i := range cs {
			if cs[i].Key == key {
				return &cs[i]
			}
			if c := find(cs[i].Children); c != nil {
				return c
			}
		}
		return nil
	}
	return find(m.Criteria)
}

// Clone returns a deep copy of m that shares nothing with it.
func (m *Model) Clone() *Model {
	c := &Model{
		Scale:    clonePtr(m.Scale),
		Criteria: cloneCriteria(m.Criteria),
		Options: Options{
			Aggregation:     m.Options.Aggregation,
			AwardThreshold:  clonePtr(m.Options.AwardThreshold),
			CloseCallMargin: clonePtr(m.Options.CloseCallMargin),
			CostCriterion:   m.Options.CostCriterion,
		},
	}
	if r := m.Options.Robustness; r != nil {
		c.Options.Robustness = &Robustness{Samples: clonePtr(r.Samples), Spread: clonePtr(r.Spread)}
	}
	if m.Vendors != nil {
		c.Vendors = make([]Vendor, len(m.Vendors))
	}
	for i, v := range m.Vendors {
		c.Vendors[i] = Vendor{Key: v.Key, Name: v.Name, Metrics: maps.Clone(v.Metrics), Consensus: maps.Clone(v.Consensus)}
		if v.Ratings != nil {
			c.Vendors[i].Ratings = make(map[string]map[string]float64, len(v.Ratings))
			for e, rs := range v.Ratings {
				c.Vendors[i].Ratings[e] = maps.Clone(rs)
			}
		}
	}
	return c
}

func cloneCriteria(cs []Criterion) []Criterion {
	if cs == nil {
		return nil
	}
	out := make([]Criterion, len(cs))
	for i, c := range cs {
		out[i] = c
		out[i].MinRating = clonePtr(c.MinRating)
		out[i].Children = cloneCriteria(c.Children)
		if c.Metric != nil {
			mt := *c.Metric
			mt.Best, mt.Worst, mt.Limit = clonePtr(mt.Best), clonePtr(mt.Worst), clonePtr(mt.Limit)
			out[i].Metric = &mt
		}
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
