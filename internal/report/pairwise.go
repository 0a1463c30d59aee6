package report

import (
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// WeightOrigin says that a sibling group's weights were set by a
// comparison round: how many people answered and how consistent the
// group's judgments were.
type WeightOrigin struct {
	// ParentID is the group: the children of ParentID, the top level when nil.
	ParentID     *int64
	Participants int
	CR           float64
	AppliedAt    time.Time
}

// weightOrigins states, for each sibling group of criteria, how its
// weights were set: typed in, or by a comparison round (the latest one
// applied), with its participants and the group's consistency ratio.
func (r *report) weightOrigins() {
	d := &r.doc
	d.subsection(r.t("report.pairwise.origins"))
	byGroup := map[int64]WeightOrigin{}
	for _, o := range r.data.WeightOrigins {
		key := int64(0)
		if o.ParentID != nil {
			key = *o.ParentID
		}
		if prev, ok := byGroup[key]; !ok || o.AppliedAt.After(prev.AppliedAt) {
			byGroup[key] = o
		}
	}
	children := map[int64]int{}
	for _, c := range r.data.Criteria {
		if c.ParentID == nil {
			children[0]++
		} else {
			children[*c.ParentID]++
		}
	}
	groups := []*bpo.Criterion{nil}
	for _, c := range r.data.Criteria {
		if c.Kind == bpo.KindGroup {
			groups = append(groups, c)
		}
	}
	var lines []string
	for _, g := range groups {
		key, name := int64(0), r.t("report.pairwise.top")
		if g != nil {
			key, name = g.ID, g.Name(string(r.lang))
		}
		if children[key] < 2 {
			continue
		}
		o, ok := byGroup[key]
		if !ok {
			lines = append(lines, r.t("report.pairwise.typed", name))
			continue
		}
		lines = append(lines, r.t("report.pairwise.compared", name, o.Participants, r.trimmed(o.CR, 3), r.day(o.AppliedAt)))
	}
	d.bullets(lines)
}
