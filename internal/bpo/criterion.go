package bpo

import (
	"context"
	"math"
	"regexp"
	"strings"
	"unicode"
)

// CriterionKind tells a group of criteria from a leaf that evaluators rate
// and a leaf whose value is measured (price, AHT…).
type CriterionKind string

// Criterion kinds.
const (
	KindGroup    CriterionKind = "group"
	KindRated    CriterionKind = "rated"
	KindMeasured CriterionKind = "measured"
)

// Criterion is one node of an evaluation's criteria tree.
type Criterion struct {
	ID           int64
	EvaluationID int64
	ParentID     *int64
	Key          string
	Kind         CriterionKind
	NameEN       string
	NameFR       string
	GuidanceEN   string
	GuidanceFR   string
	Weight       float64 // relative to its siblings
	Position     int     // order among its siblings
	MinRating    *float64
	Unit         string
	Better       string // "lower" or "higher", measured criteria only
	Best         *float64
	Worst        *float64
	Limit        *float64
	Version      int
}

// Name is the criterion's name in lang ("en" or "fr").
func (c *Criterion) Name(lang string) string {
	if lang == "fr" && c.NameFR != "" {
		return c.NameFR
	}
	return c.NameEN
}

// Guidance is the criterion's guidance in lang.
func (c *Criterion) Guidance(lang string) string {
	if lang == "fr" && c.GuidanceFR != "" {
		return c.GuidanceFR
	}
	return c.GuidanceEN
}

// CriterionInput is what the criterion form edits.
type CriterionInput struct {
	ParentID   *int64
	Key        string
	Kind       CriterionKind
	NameEN     string
	NameFR     string
	GuidanceEN string
	GuidanceFR string
	Weight     float64
	MinRating  *float64
	Unit       string
	Better     string
	Best       *float64
	Worst      *float64
	Limit      *float64
}

var criterionKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// KeyFromName derives a criterion's machine key from its English name, as
// the form does when the key is left empty: "Cultural fit (Morocco)"
// becomes "cultural_fit_morocco". A name with no letter to start from
// gives "" (the key is then required).
func KeyFromName(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range foldLetters(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		default:
			gap = true
		}
		if b.Len() >= 63 {
			break
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), 63)], "_")
}

// foldLetters lowers s and drops accents from Latin letters, so that
// "Qualité" gives "qualite".
func foldLetters(s string) string {
	return strings.Map(func(r rune) rune {
		if i := strings.IndexRune(accented, r); i >= 0 {
			return rune(plain[i/2])
		}
		return unicode.ToLower(r)
	}, s)
}

// accented and plain pair the accented letters with their bases; accented
// letters are two bytes each in UTF-8.
const (
	accented = "àáâäãåçèéêëìíîïñòóôöõùúûüýÿÀÁÂÄÃÅÇÈÉÊËÌÍÎÏÑÒÓÔÖÕÙÚÛÜÝ"
	plain    = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuy"
)

// Validate checks one criterion on its own; rules that span the tree (a
// group's weights sum to more than zero…) are checked by the scoring engine
// when the evaluation opens.
func (in *CriterionInput) Validate(scaleMin, scaleMax int) error {
	var p Problems
	if !criterionKey.MatchString(in.Key) {
		p.Add("key", "error.criterion.key")
	}
	checkText(&p, "name_en", in.NameEN, 200, true, false)
	checkText(&p, "name_fr", in.NameFR, 200, true, false)
	checkText(&p, "guidance_en", in.GuidanceEN, 2000, false, true)
	checkText(&p, "guidance_fr", in.GuidanceFR, 2000, false, true)
	if math.IsNaN(in.Weight) || math.IsInf(in.Weight, 0) || in.Weight < 0 || in.Weight > 1e6 {
		p.Add("weight", "error.criterion.weight")
	}
	finite := func(field string, v *float64) {
		if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
			p.Add(field, "error.field.number")
		}
	}
	switch in.Kind {
	case KindGroup:
		if in.MinRating != nil || in.Best != nil || in.Worst != nil || in.Limit != nil {
			p.Add("kind", "error.criterion.group_thresholds")
		}
	case KindRated:
		if in.MinRating != nil && (*in.MinRating < float64(scaleMin) || *in.MinRating > float64(scaleMax)) {
			p.Add("min_rating", "error.field.range", scaleMin, scaleMax)
		}
	case KindMeasured:
		checkText(&p, "unit", in.Unit, 20, false, false)
		if in.Better != "lower" && in.Better != "higher" {
			p.Add("better", "error.field.choice")
		}
		finite("best", in.Best)
		finite("worst", in.Worst)
		finite("limit", in.Limit)
		if (in.Best == nil) != (in.Worst == nil) {
			p.Add("worst", "error.criterion.anchors_pair")
		} else if in.Best != nil && !p.Has("best") && !p.Has("worst") &&
			((in.Better == "lower" && *in.Best >= *in.Worst) || (in.Better == "higher" && *in.Best <= *in.Worst)) {
			p.Add("best", "error.criterion.anchors_direction")
		}
	default:
		p.Add("kind", "error.field.choice")
	}
	return p.Err()
}

// CriterionService edits an evaluation's criteria tree. The tree can be
// reshaped only while the evaluation is a draft; weights, thresholds and
// anchors can still change while it is open, and each change is audited
// with before and after.
type CriterionService interface {
	// FindCriteria returns the evaluation's criteria in tree order (depth
	// first, by position). ENOTFOUND if the evaluation is not visible.
	FindCriteria(ctx context.Context, evaluationID int64) ([]*Criterion, error)

	// CreateCriterion adds a criterion at the end of its siblings. EINVALID
	// on bad input, a duplicate key, or once the evaluation is open.
	CreateCriterion(ctx context.Context, evaluationID int64, in CriterionInput) (*Criterion, error)

	// UpdateCriterion changes a criterion at version; ECONFLICT if stale.
	UpdateCriterion(ctx context.Context, id int64, version int, in CriterionInput) (*Criterion, error)

	// RemoveCriterion deletes a criterion and its children (draft only).
	RemoveCriterion(ctx context.Context, id int64, version int) error

	// MoveCriterion swaps a criterion with its previous (delta -1) or next
	// (delta +1) sibling (draft only).
	MoveCriterion(ctx context.Context, id int64, delta int) error

	// SetWeights changes several weights at once, each at its version, in one
	// transaction: all are saved or none (ECONFLICT if any is stale). Once
	// the evaluation is open, EINVALID (field group_<parent id>, group_0 for
	// the top level) when a group of siblings would weigh 0 in all, checked
	// with the whole group locked so that concurrent saves cannot empty it
	// together; UpdateCriterion holds a weight to the same rule.
	SetWeights(ctx context.Context, evaluationID int64, weights []WeightChange) error
}

// WeightChange is a new weight for one criterion.
type WeightChange struct {
	CriterionID int64
	Version     int
	Weight      float64
}

// FigureProblem is the message key of why v cannot be this measured
// criterion's figure, or "" when it can. Without best and worst, a figure
// is scored against the other vendors': a "lower" one as the lowest figure
// divided by it, which needs it above 0, a "higher" one as a share of the
// highest, which needs it 0 or more. With them, any finite figure is
// placed between the two (a net promoter score may be negative).
func (c *Criterion) FigureProblem(v float64) string {
	switch {
	case !ValidMeasurement(v):
		return "error.field.number"
	case c.Best != nil && c.Worst != nil:
		return ""
	case c.Better == "lower" && v <= 0:
		return "error.figure.above_zero"
	case c.Better == "higher" && v < 0:
		return "error.figure.not_negative"
	}
	return ""
}
