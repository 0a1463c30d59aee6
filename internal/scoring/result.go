package scoring

// Result is the outcome of Evaluate. It holds values, not sentences: the
// published JSON (with reasons phrased in a language) is produced by package
// explain, so these types carry no JSON tags.
type Result struct {
	// Vendors is in rank order; ties are listed by key.
	Vendors        []VendorResult
	Recommendation Recommendation
	// Sensitivity has one entry per leaf whose effective weight is strictly
	// between 0 and 1, in tree order.
	Sensitivity []Sensitivity
	// RankReversals lists the vendors whose withdrawal would reverse the
	// order of two others (rule 12), in rank order of the removed vendor;
	// empty when no leaf uses the relative formula.
	RankReversals []RankReversal
	// ValueForMoney is nil when no cost criterion is set or no eligible
	// vendor has the figure (rule 13).
	ValueForMoney *ValueForMoney
	// Robustness is nil when turned off or when no vendor is eligible
	// (rule 14).
	Robustness *RobustnessResult
}

// RankReversal is one vendor whose removal from the field would reverse
// the order of some pairs of the other eligible vendors.
type RankReversal struct {
	Removed string
	// Pairs are [b, a]: a was ahead of b with Removed in the field, b is
	// ahead of a without it; in rank order of b, then of a.
	Pairs [][2]string
	// Leader is the eligible leader without Removed; empty when none is
	// left.
	Leader string
}

// ValueForMoney sets each eligible vendor's cost against its benefit, the
// score without the cost criterion.
type ValueForMoney struct {
	CostCriterion string
	// Points are in rank order.
	Points []ValuePoint
}

// ValuePoint is one vendor on the value-for-money plane.
type ValuePoint struct {
	Vendor string
	// Cost is the vendor's figure on the cost criterion.
	Cost float64
	// Benefit is the score, 0…100, with the cost criterion's weight
	// removed and the others renormalized.
	Benefit float64
	// Frontier is true when no other vendor costs no more and gives no
	// less benefit, with one of the two strictly better.
	Frontier bool
}

// RobustnessResult is the share of plausible weightings under which each
// eligible vendor leads.
type RobustnessResult struct {
	Samples int
	Spread  float64
	// Acceptability has one entry per eligible vendor, in rank order; the
	// shares sum to 1.
	Acceptability []Acceptability
}

// Acceptability is the share of the sampled weightings in which a vendor
// leads, ties split evenly.
type Acceptability struct {
	Vendor string
	Share  float64
}

// Vendor returns the result of the vendor with the given key, or nil.
func (r *Result) Vendor(key string) *VendorResult {
	for i := range r.Vendors {
		if r.Vendors[i].Key == key {
			return &r.Vendors[i]
		}
	}
	return nil
}

// VendorResult is one vendor's score and the detail behind it.
type VendorResult struct {
	Key  string
	Name string
	// Rank is 1 + the number of eligible vendors with a higher score: ties
	// share a rank. It is 0 for a knocked-out vendor, which is never ranked
	// (null in the result JSON) and is listed after every eligible one.
	Rank int
	// Score is Σ effective weight × normalized value, 0…100.
	Score float64
	// Eligible is false when the vendor was knocked out.
	Eligible bool
	// Completeness is the share of the weight carried by the data present:
	// exactly 1 when nothing that carries weight is missing.
	Completeness float64
	KnockOuts    []KnockOut
	// Criteria lists the leaves in tree order, as Model.Leaves does.
	Criteria []CriterionResult
}

// CriterionResult is a vendor's standing on one leaf.
type CriterionResult struct {
	Key string
	// Weight is the leaf's effective weight.
	Weight float64
	// Value is the aggregated rating or the measured figure; Normalized is it
	// on 0…100. Both are meaningless when Missing.
	Value      float64
	Normalized float64
	// Contribution is Weight × Normalized; 0 when Missing.
	Contribution float64
	// Measured tells a measured leaf from a rated one. Raters, Spread and
	// Disputed apply to rated leaves only, Spread and Disputed only when
	// Raters > 0.
	Measured bool
	Raters   int
	Spread   float64
	Disputed bool
	Missing  bool
	// Consensus is true when Value is the panel's moderated value rather
	// than the aggregate of the ratings (rule 11); Disputed is then false.
	Consensus bool
}

// KnockOutRule names the rule that knocked a vendor out.
type KnockOutRule string

// The knock-out rules.
const (
	// RuleMinRating: the aggregated rating is below the criterion's min_rating.
	RuleMinRating KnockOutRule = "min_rating"
	// RuleLimit: the measured value is worse than the metric's limit.
	RuleLimit KnockOutRule = "limit"
)

// KnockOut says why a vendor is not eligible.
type KnockOut struct {
	Criterion Ref
	Rule      KnockOutRule
	// Value is the vendor's aggregated rating or measured figure; Threshold is
	// the minimum rating or the limit it failed.
	Value     float64
	Threshold float64
	// Unit and Better describe a measured criterion (RuleLimit).
	Unit   string
	Better Direction
}

// Ref names a vendor or a criterion: its key and its display name (which may
// be empty; display the key then).
type Ref struct {
	Key  string
	Name string
}

// Decision is the recommendation's verdict.
type Decision string

// The decisions, as in the result JSON.
const (
	Award      Decision = "award"
	CloseCall  Decision = "close_call"
	NoAward    Decision = "no_award"
	Incomplete Decision = "incomplete"
)

// Recommendation is the decision and why.
type Recommendation struct {
	Decision Decision
	// Vendor is the recommended vendor: the winner (award), the narrow leader
	// (close_call) or the provisional leader (incomplete); empty for no_award.
	Vendor string
	// RunnerUp is the second eligible vendor, when Vendor is set and there is
	// one; empty otherwise.
	RunnerUp string
	// Margin is Vendor's score minus RunnerUp's; nil when RunnerUp is empty.
	Margin *float64
	// Reasons explain the decision, the decisive reason first.
	Reasons []Reason
}

// Sensitivity tells how far one leaf's weight must move before the eligible
// leader changes.
type Sensitivity struct {
	Criterion string
	// Weight is the leaf's effective weight.
	Weight float64
	// FlipWeight is the effective weight nearest to Weight at which NewLeader
	// catches up with the leader; any weight beyond it (further from Weight)
	// makes NewLeader lead. Nil when no weight in 0…1 changes the leader.
	FlipWeight *float64
	NewLeader  string
}

// ReasonCode identifies a kind of reason; package explain phrases each one.
type ReasonCode string

// The reason codes, with the Reason fields each one sets.
const (
	// ReasonNoVendors: the model has no vendors (no_award). No fields.
	ReasonNoVendors ReasonCode = "no_vendors"
	// ReasonAllKnockedOut: every vendor was knocked out (no_award). Count.
	ReasonAllKnockedOut ReasonCode = "all_knocked_out"
	// ReasonIncomplete: an eligible vendor lacks data, so the decision waits
	// (incomplete). Vendor (the provisional leader), Score, and RunnerUp and
	// Margin when there is a runner-up.
	ReasonIncomplete ReasonCode = "incomplete"
	// ReasonBelowThreshold: the best eligible vendor scores below the award
	// threshold (no_award: keep the work in-house). Vendor, Score,
	// AwardThreshold.
	ReasonBelowThreshold ReasonCode = "below_threshold"
	// ReasonSoleEligible: the only eligible vendor reaches the award threshold
	// (award). Vendor, Score, AwardThreshold.
	ReasonSoleEligible ReasonCode = "sole_eligible"
	// ReasonClearLead: the leader's margin reaches the close-call margin
	// (award). Vendor, Score, RunnerUp, Margin, CloseCallMargin.
	ReasonClearLead ReasonCode = "clear_lead"
	// ReasonCloseCall: the margin is below the close-call margin
	// (close_call); Margin 0 is a dead heat. Vendor, Score, RunnerUp, Margin,
	// CloseCallMargin.
	ReasonCloseCall ReasonCode = "close_call"
	// ReasonKnockedOut: one vendor's knock-outs. Vendor, KnockOuts.
	ReasonKnockedOut ReasonCode = "knocked_out"
	// ReasonMissingData: an eligible vendor's missing leaves (those that carry
	// weight). Vendor, Completeness, Criteria.
	ReasonMissingData ReasonCode = "missing_data"
	// ReasonDisputed: the leader's or runner-up's leaves on which evaluators
	// disagree by half the scale or more. Vendor, Criteria.
	ReasonDisputed ReasonCode = "disputed"
	// ReasonNearestFlip: the smallest single weight change that would change
	// the leader. Vendor (the new leader), Criterion, Weight, FlipWeight.
	ReasonNearestFlip ReasonCode = "nearest_flip"
	// ReasonStable: no single weight change in 0…1 changes the leader.
	// Vendor (the leader).
	ReasonStable ReasonCode = "stable"
	// ReasonRankReversal: withdrawing a vendor that does not lead would
	// change the leader, through the relative formula of some measured
	// leaves. Vendor (the leader), RunnerUp (who would lead instead),
	// Removed, Criteria (the relative leaves whose best figure is Removed's).
	ReasonRankReversal ReasonCode = "rank_reversal"
	// ReasonRobustness: how often each vendor leads when the weights move
	// within the robustness spread. Vendor (the leader), Weight (the
	// spread), Shares (the vendors with a share above 0, largest first).
	ReasonRobustness ReasonCode = "robustness"
)

// Reason is one reason for a recommendation, as a code and its parameters, so
// that it can be phrased in any language. Each ReasonCode documents the
// fields it sets; the others are zero.
type Reason struct {
	Code      ReasonCode
	Vendor    Ref
	RunnerUp  Ref
	Criterion Ref
	Criteria  []Ref
	KnockOuts []KnockOut
	Score     float64
	Margin    float64
	// AwardThreshold and CloseCallMargin are the options in force.
	AwardThreshold  float64
	CloseCallMargin float64
	Completeness    float64
	Weight          float64
	FlipWeight      float64
	Count           int
	Removed         Ref
	Shares          []Share
}

// Share is a vendor's share of the sampled weightings, for a reason.
type Share struct {
	Vendor Ref
	Share  float64
}
