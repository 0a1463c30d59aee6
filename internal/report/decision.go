package report

import (
	"fmt"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// The decision record in the report: the recorded decision is the
// headline, the engine's recommendation is shown as such beside it, and a
// departure from it is said with its reason. The record ends with the
// model's hash and how to recompute the decision offline.

// current is the recorded decision, nil before any.
func (r *report) current() *bpo.DecisionRecord {
	if r.data.Decision == nil {
		return nil
	}
	return r.data.Decision.Current
}

// decisionHeadline is the title of the summary's box: the decision once
// recorded, else the engine's recommendation, named as such.
func (r *report) decisionHeadline() string {
	c := r.current()
	switch {
	case c == nil:
		return r.t("report.decision.headline.none", r.recommendationText(nil))
	case c.Outcome == bpo.OutcomeInHouse:
		return r.t("report.decision.headline.in_house")
	}
	return r.t("report.decision.headline.award", r.decidedVendor(c))
}

// decidedVendor names the vendor a decision awards.
func (r *report) decidedVendor(c *bpo.DecisionRecord) string {
	if c.VendorID != nil {
		if p := r.vendors[*c.VendorID]; p != nil {
			return p.Name
		}
	}
	if c.VendorName != "" {
		return c.VendorName
	}
	return c.VendorKey
}

// recommendationText is the engine's recommendation in words: the one the
// decision was recorded against, else the current result's.
func (r *report) recommendationText(rec *bpo.Recommendation) string {
	decision, vendor := r.data.Result.Recommendation.Decision, r.data.Result.Recommendation.Vendor
	if rec != nil {
		decision, vendor = scoring.Decision(rec.Decision), rec.Vendor
	}
	text := explain.Decision(r.lang, decision)
	if vendor != "" {
		text += " — " + r.vendorName(vendor)
	}
	return text
}

// decisionSentences says what was decided, what the engine recommends
// (as its recommendation, not the decision) and whether the decision
// departs from it, with the rationale and the departure's reason when full
// is set.
func (r *report) decisionSentences(full bool) []string {
	var out []string
	c := r.current()
	if c == nil {
		out = append(out, r.t("report.decision.none"))
	} else {
		when, by := r.day(c.RecordedAt), c.RecordedByName
		if c.Outcome == bpo.OutcomeInHouse {
			out = append(out, r.t("report.decision.in_house", when, by))
		} else {
			out = append(out, r.t("report.decision.vendor", r.decidedVendor(c), when, by))
		}
		if full && c.Rationale != "" {
			out = append(out, r.t("report.decision.rationale", c.Rationale))
		}
		out = append(out, r.t("report.decision.engine", r.recommendationText(c.Recommendation)))
		switch {
		case c.Recommendation == nil:
		case c.Departs && full:
			out = append(out, r.t("report.decision.departs", c.DepartureReason))
		case c.Departs:
			out = append(out, r.t("report.decision.departs_short"))
		default:
			out = append(out, r.t("report.decision.follows"))
		}
	}
	if reasons := r.data.Result.Recommendation.Reasons; len(reasons) > 0 {
		out = append(out, r.t("report.recommendation", explain.Reason(r.lang, reasons[0])))
	}
	return out
}

// decisionRecord follows the summary's box: the model the decision was
// made on, how to recompute it offline, and the decisions it replaced.
func (r *report) decisionRecord() {
	c := r.current()
	if c == nil {
		return
	}
	d := &r.doc
	d.subsection(r.t("report.decision.record"))
	if c.ModelSHA256 == "" {
		d.body(r.t("report.decision.no_snapshot"))
	} else {
		// On a line of its own, so that the hash never breaks.
		d.paragraph(r.t("report.decision.hash"), true, sizeSmall, colorMuted, 0)
		d.paragraph(c.ModelSHA256, false, sizeBody, colorInk, 0)
		d.y += 1.5
		d.body(r.t("report.decision.recompute",
			fmt.Sprintf("/api/v1/evaluations/%d/decision/model", r.data.Evaluation.ID)))
	}
	history := r.data.Decision.History
	if len(history) == 0 {
		return
	}
	d.minor(r.t("report.decision.history"))
	items := make([]string, len(history))
	for i, h := range history {
		what := r.t("report.decision.short.in_house")
		if h.Outcome == bpo.OutcomeAward {
			what = r.t("report.decision.short.award", r.decidedVendor(h))
		}
		items[i] = r.t("report.decision.superseded", what, r.day(h.RecordedAt), h.RecordedByName,
			r.day(*h.SupersededAt), h.ChangeReason)
	}
	d.bullets(items)
}

// coverage says how many of a vendor's expected scorecards are in, beside
// completeness: a vendor can be complete on the ratings of one evaluator.
func (r *report) coverage(key string) string {
	p := r.participant(key)
	if p == nil {
		return "—"
	}
	c := bpo.CoverageByVendor([]int64{p.VendorID}, r.data.Evaluators, r.data.Scorecards)[p.VendorID]
	if c.Conflicts == 0 {
		return r.t("coverage.value", c.Submitted, c.Expected)
	}
	return r.t("coverage.value_conflicts", c.Submitted, c.Expected, c.Conflicts)
}
