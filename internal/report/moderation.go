package report

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// moderationRecord lists every consensus the panel recorded at moderation:
// per vendor and criterion, the individual ratings, the consensus and its
// reason, who recorded it and when. A court reviewing the award reads
// exactly this, so it is printed even when empty, saying so.
func (r *report) moderationRecord() {
	d := &r.doc
	d.section(r.t("report.moderation"))
	if len(r.data.Consensus) == 0 {
		d.body(r.t("report.moderation.none"))
		return
	}
	d.body(r.t("report.moderation.intro"))
	type cell struct{ vendor, criterion int64 }
	// Each cell's ratings in the order the evaluators are listed.
	rank := make(map[int64]int, len(r.data.Evaluators))
	for i, a := range r.data.Evaluators {
		rank[a.UserID] = i
	}
	byCell := map[cell][]*bpo.SubmittedRating{}
	for _, rt := range r.data.Ratings {
		k := cell{rt.VendorID, rt.CriterionID}
		byCell[k] = append(byCell[k], rt)
	}
	ratings := map[cell][]string{}
	for k, list := range byCell {
		slices.SortStableFunc(list, func(a, b *bpo.SubmittedRating) int { return rank[a.EvaluatorID] - rank[b.EvaluatorID] })
		for _, rt := range list {
			name := r.people[rt.EvaluatorID]
			if name == "" {
				name = rt.EvaluatorEmail
			}
			ratings[k] = append(ratings[k], r.t("report.moderation.rating", name, rt.Value))
		}
	}
	order := make(map[int64]int, len(r.data.Criteria))
	for i, c := range r.data.Criteria {
		order[c.ID] = i
	}
	list := slices.Clone(r.data.Consensus)
	slices.SortStableFunc(list, func(a, b *bpo.Consensus) int {
		if c := strings.Compare(strings.ToLower(r.vendorOf(a.VendorID)), strings.ToLower(r.vendorOf(b.VendorID))); c != 0 {
			return c
		}
		return order[a.CriterionID] - order[b.CriterionID]
	})
	rows := make([]row, len(list))
	for i, c := range list {
		name := strconv.FormatInt(c.CriterionID, 10)
		if cr := r.criteriaByID[c.CriterionID]; cr != nil {
			name = cr.Name(string(r.lang))
		}
		individual := ratings[cell{c.VendorID, c.CriterionID}]
		rows[i] = row{cells: []string{r.vendorOf(c.VendorID), name, strings.Join(individual, ", "),
			strconv.Itoa(c.Value), c.Reason, r.t("report.moderation.recorded", c.RecordedByName, r.when(c.RecordedAt))}}
	}
	d.table([]column{
		{title: r.t("report.moderation.col.vendor"), width: 18},
		{title: r.t("criterion.name"), width: 20},
		{title: r.t("report.moderation.col.ratings"), width: 20},
		{title: r.t("report.moderation.col.consensus"), width: 15, right: true},
		{title: r.t("report.moderation.col.reason"), width: 32},
		{title: r.t("report.moderation.col.recorded"), width: 22},
	}, rows)
}
