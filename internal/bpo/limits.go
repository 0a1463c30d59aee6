package bpo

// Bounds on an evaluation's criteria tree. Deeper or larger trees make no
// sense for a vendor choice, and without a bound one request could make
// every page of the evaluation, and the scoring model, as large as it likes.
const (
	MaxCriteriaDepth = 8   // levels, the top level being 1
	MaxCriteria      = 500 // criteria in one evaluation
)

// CheckTreeLimits refuses a criterion placed under a parent at level
// parentLevel (0 for the top level) when the subtree it carries, height
// levels tall (1 for a criterion without children), would reach below
// MaxCriteriaDepth, or when the evaluation would then count more than
// MaxCriteria criteria. EINVALID names the parent field.
func CheckTreeLimits(parentLevel, height, count int) error {
	var p Problems
	if parentLevel+height > MaxCriteriaDepth {
		p.Add("parent_id", "error.criterion.too_deep", MaxCriteriaDepth)
	}
	if count > MaxCriteria {
		p.Add("key", "error.criterion.too_many", MaxCriteria)
	}
	return p.Err()
}
