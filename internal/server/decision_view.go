package server

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// recommendationWords is the engine's recommendation in words, "Too close
// to call — Atlas", naming the vendor from the evaluation.
func recommendationWords(lang i18n.Lang, d *bpo.EvaluationDetail, decision, vendorKey string) string {
	text := explain.Decision(lang, scoring.Decision(decision))
	if vendorKey == "" {
		return text
	}
	name := vendorKey
	for _, p := range d.Participants {
		if p.Key == vendorKey {
			name = p.Name
		}
	}
	return text + " — " + name
}

// decisionHeadline is "Awarded to Atlas" or "Kept in-house".
func decisionHeadline(lang i18n.Lang, d *bpo.EvaluationDetail, r *bpo.DecisionRecord) string {
	if r.Outcome == bpo.OutcomeInHouse {
		return i18n.T(lang, "decision.kept_in_house")
	}
	name := r.VendorName
	if r.VendorID != nil {
		if p := d.Participant(*r.VendorID); p != nil {
			name = p.Name
		}
	}
	return i18n.T(lang, "decision.selected", name)
}

// decisionPanel is the recorded decision as the pages lead with it; nil
// before any. The link to the stored model is for managers, who may read
// the API.
func decisionPanel(lang i18n.Lang, d *bpo.EvaluationDetail, st *bpo.DecisionState, manager bool) *pages.DecisionPanel {
	if st == nil || st.Current == nil {
		return nil
	}
	c := st.Current
	p := &pages.DecisionPanel{Outcome: string(c.Outcome), Headline: decisionHeadline(lang, d, c),
		Rationale: c.Rationale, Departs: c.Departs, DepartureReason: c.DepartureReason, ModelSHA256: c.ModelSHA256,
		Recorded: i18n.T(lang, "decision.recorded", c.RecordedByName, i18n.DateTime(lang, c.RecordedAt))}
	if c.Recommendation != nil {
		p.Recommendation = recommendationWords(lang, d, c.Recommendation.Decision, c.Recommendation.Vendor)
	}
	if manager && c.ModelSHA256 != "" {
		p.ModelURL = templ.URL(fmt.Sprintf("/api/v1/evaluations/%d/decision/model", d.Evaluation.ID))
	}
	for _, h := range st.History {
		p.History = append(p.History, pages.DecisionHistoryRow{Headline: decisionHeadline(lang, d, h),
			Recorded:     i18n.T(lang, "decision.recorded", h.RecordedByName, i18n.DateTime(lang, h.RecordedAt)),
			Superseded:   i18n.DateTime(lang, *h.SupersededAt),
			ChangeReason: h.ChangeReason})
	}
	return p
}

// decisionForm is the form that records the decision of a closed
// evaluation, or changes the recorded one, with what the manager typed and
// the problems found when form is not nil. Only shortlisted and selected
// vendors are offered: the others cannot be awarded.
func decisionForm(lang i18n.Lang, d *bpo.EvaluationDetail, res *scoring.Result, st *bpo.DecisionState, form url.Values, errs map[string]string) *pages.DecisionForm {
	e := d.Evaluation
	f := &pages.DecisionForm{Action: templ.URL(fmt.Sprintf("/evaluations/%d/decision/confirm", e.ID)),
		Version: e.Version, Change: st != nil && st.Current != nil}
	if res != nil {
		rec := res.Recommendation
		f.Recommendation = recommendationWords(lang, d, string(rec.Decision), rec.Vendor)
	}
	for _, p := range d.Participants {
		if !bpo.CanAward(p.Stage) {
			continue
		}
		ch := pages.DecisionChoice{Value: strconv.FormatInt(p.VendorID, 10), Label: p.Name}
		if res != nil {
			if v := res.Vendor(p.Key); v != nil && !v.Eligible {
				ch.KnockedOut = true
			}
			ch.Leader = p.Key == res.Recommendation.Vendor && res.Recommendation.Decision == scoring.Award
		}
		f.Choices = append(f.Choices, ch)
	}
	field := func(name, label string) components.Field {
		return components.Field{Name: name, Label: i18n.T(lang, label), Value: form.Get(name), Error: errs[name], Max: 5000}
	}
	f.Vendor = field("vendor", "decision.title")
	f.Rationale = field("rationale", "decision.rationale")
	f.Rationale.Required = true
	f.Departure = field("departure_reason", "decision.departure_reason")
	f.Departure.Help = i18n.T(lang, "decision.departure_help")
	f.ChangeReason = field("change_reason", "decision.change_reason")
	f.ChangeReason.Required = true
	return f
}

// failedMinimums lists the knock-out criteria a vendor failed, in words.
func failedMinimums(lang i18n.Lang, d *bpo.EvaluationDetail, res *scoring.Result, key string) []string {
	v := res.Vendor(key)
	if v == nil {
		return nil
	}
	var out []string
	for _, k := range v.KnockOuts {
		name := k.Criterion.Name
		for _, c := range d.Criteria {
			if c.Key == k.Criterion.Key {
				name = c.Name(string(lang))
			}
		}
		out = append(out, i18n.T(lang, "decision.failed_minimum", name, explain.KnockOut(lang, k)))
	}
	return out
}

// leaderLabel is the badge of the vendor the recommendation names: only an
// award makes it "recommended"; a close call's leader has a narrow lead,
// an incomplete one's is a provisional leader.
func leaderLabel(lang i18n.Lang, d scoring.Decision) string {
	switch d {
	case scoring.Award:
		return i18n.T(lang, "compare.leader")
	case scoring.CloseCall:
		return i18n.T(lang, "compare.narrow_lead")
	case scoring.Incomplete:
		return i18n.T(lang, "compare.provisional_leader")
	}
	return ""
}

// coverageText is a vendor's scorecards submitted out of those expected,
// with the declared conflicts.
func coverageText(lang i18n.Lang, c bpo.Coverage) string {
	text := i18n.T(lang, "coverage.value", c.Submitted, c.Expected)
	if c.Conflicts > 0 {
		text = i18n.T(lang, "coverage.value_conflicts", c.Submitted, c.Expected, c.Conflicts)
	}
	return i18n.T(lang, "coverage.label", text)
}

// addCoverage gives each comparison column its scorecards submitted.
func addCoverage(lang i18n.Lang, cols []pages.CompareColumn, d *bpo.EvaluationDetail) {
	ids := make([]int64, 0, len(d.Participants))
	byKey := map[string]int64{}
	for _, p := range d.Participants {
		ids = append(ids, p.VendorID)
		byKey[p.Key] = p.VendorID
	}
	cov := bpo.CoverageByVendor(ids, d.Assignments, d.Progress)
	for i := range cols {
		if id, ok := byKey[cols[i].Key]; ok {
			cols[i].Coverage = coverageText(lang, cov[id])
		}
	}
}

// addMatrixCoverage gives the progress matrix, per vendor, the scorecards
// submitted out of those expected and, once scored, the completeness.
func addMatrixCoverage(lang i18n.Lang, m *pages.ProgressMatrix, d *bpo.EvaluationDetail, res *scoring.Result) {
	var ids []int64
	for _, p := range d.Participants {
		if p.Stage != bpo.StageRejected {
			ids = append(ids, p.VendorID)
		}
	}
	cov := bpo.CoverageByVendor(ids, d.Assignments, d.Progress)
	for _, id := range ids {
		c := cov[id]
		text := i18n.T(lang, "coverage.value", c.Submitted, c.Expected)
		if c.Conflicts > 0 {
			text = i18n.T(lang, "coverage.value_conflicts", c.Submitted, c.Expected, c.Conflicts)
		}
		m.Coverage = append(m.Coverage, text)
		if res == nil {
			continue
		}
		completeness := "—"
		if v := res.Vendor(d.Participant(id).Key); v != nil {
			completeness = explain.Completeness(lang, v.Completeness)
		}
		m.Completeness = append(m.Completeness, completeness)
	}
}
