// Package explain puts the scoring engine's results into words and into the
// published result JSON. The engine returns reasons as codes with parameters;
// this package phrases them in English or French from the i18n catalogs
// (keys scoring.*), so that the command line, the pages, the API and the PDF
// say the same thing the same way.
package explain

import (
	"math"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// Decision returns the display name of a decision.
func Decision(lang i18n.Lang, d scoring.Decision) string {
	return i18n.T(lang, "scoring.decision."+string(d))
}

// Reason phrases one reason of a recommendation as a sentence.
func Reason(lang i18n.Lang, r scoring.Reason) string {
	vendor := name(r.Vendor)
	switch r.Code {
	case scoring.ReasonAllKnockedOut:
		if r.Count == 1 {
			return i18n.T(lang, "scoring.reason.all_knocked_out.one")
		}
		return i18n.T(lang, "scoring.reason.all_knocked_out", r.Count)
	case scoring.ReasonIncomplete:
		switch {
		case r.RunnerUp.Key == "":
			return i18n.T(lang, "scoring.reason.incomplete", vendor, Points(lang, r.Score))
		case r.Margin == 0:
			return i18n.T(lang, "scoring.reason.incomplete.tie", vendor, Points(lang, r.Score), name(r.RunnerUp))
		}
		return i18n.T(lang, "scoring.reason.incomplete.runner_up", vendor, Points(lang, r.Score), Points(lang, r.Margin), name(r.RunnerUp))
	case scoring.ReasonBelowThreshold, scoring.ReasonSoleEligible:
		return i18n.T(lang, "scoring.reason."+string(r.Code), vendor, Points(lang, r.Score), Points(lang, r.AwardThreshold))
	case scoring.ReasonClearLead, scoring.ReasonCloseCall:
		if r.Margin == 0 {
			return i18n.T(lang, "scoring.reason.close_call.tie", vendor, name(r.RunnerUp), Points(lang, r.Score))
		}
		return i18n.T(lang, "scoring.reason."+string(r.Code), vendor, Points(lang, r.Score), name(r.RunnerUp), Points(lang, r.Margin), Points(lang, r.CloseCallMargin))
	case scoring.ReasonKnockedOut:
		items := make([]string, len(r.KnockOuts))
		for i, k := range r.KnockOuts {
			items[i] = i18n.T(lang, "scoring.knockout.item", name(k.Criterion), KnockOut(lang, k))
		}
		return i18n.T(lang, "scoring.reason.knocked_out", vendor, strings.Join(items, i18n.T(lang, "scoring.list.semicolon")))
	case scoring.ReasonMissingData:
		return i18n.T(lang, "scoring.reason.missing_data", vendor, names(lang, r.Criteria), Completeness(lang, r.Completeness))
	case scoring.ReasonDisputed:
		return i18n.T(lang, "scoring.reason.disputed", vendor, names(lang, r.Criteria))
	case scoring.ReasonNearestFlip:
		if r.FlipWeight == r.Weight {
			return i18n.T(lang, "scoring.sensitivity.tie", vendor, name(r.Criterion))
		}
		flip, now := weights(lang, r.FlipWeight, r.Weight)
		return i18n.T(lang, "scoring.reason.nearest_flip", vendor, name(r.Criterion), flip, now)
	case scoring.ReasonStable:
		return i18n.T(lang, "scoring.reason.stable", vendor)
	case scoring.ReasonRankReversal:
		return i18n.T(lang, "scoring.reason.rank_reversal", name(r.Removed), name(r.RunnerUp), vendor, names(lang, r.Criteria))
	case scoring.ReasonRobustness:
		return robustness(lang, r)
	}
	return i18n.T(lang, "scoring.reason."+string(r.Code))
}

// robustness phrases the shares of the sampled weightings: "Atlas leads in
// 64% of weightings within ±25% of the set weights; Carthage in 36%."
func robustness(lang i18n.Lang, r scoring.Reason) string {
	if len(r.Shares) == 0 {
		return ""
	}
	first := r.Shares[0]
	spread := percent(lang, r.Weight, 1)
	if len(r.Shares) == 1 {
		return i18n.T(lang, "scoring.reason.robustness.one", name(first.Vendor), Share(lang, first.Share), spread)
	}
	others := make([]string, len(r.Shares)-1)
	for i, s := range r.Shares[1:] {
		others[i] = i18n.T(lang, "scoring.robustness.item", name(s.Vendor), Share(lang, s.Share))
	}
	return i18n.T(lang, "scoring.reason.robustness", name(first.Vendor), Share(lang, first.Share), spread, strings.Join(others, ", "))
}

// Share formats a share of the sampled weightings as a whole percentage,
// with decimals only where rounding would say 0% of a share above 0 or 100%
// of one below 1: "64%", "99.9%", "0.05%".
func Share(lang i18n.Lang, s float64) string {
	d := 0
	for ; d < 3; d++ {
		if r := math.Round(s*100*math.Pow10(d)) / math.Pow10(d); (r > 0 || s == 0) && (r < 100 || s == 1) {
			break
		}
	}
	return percent(lang, s, d)
}

// Rank formats a vendor's rank; a knocked-out vendor is not ranked and gets
// a dash.
func Rank(lang i18n.Lang, rank int) string {
	if rank == 0 {
		return i18n.T(lang, "scoring.text.unranked")
	}
	return strconv.Itoa(rank)
}

// KnockOut phrases why a vendor failed a knock-out criterion, without naming
// the criterion: "rating 2.5 is below the minimum 3".
func KnockOut(lang i18n.Lang, k scoring.KnockOut) string {
	if k.Rule == scoring.RuleMinRating {
		value, minimum := figures(lang, k.Value, k.Threshold, "")
		return i18n.T(lang, "scoring.knockout.min_rating", value, minimum)
	}
	value, limit := figures(lang, k.Value, k.Threshold, k.Unit)
	return i18n.T(lang, "scoring.knockout.limit."+string(k.Better), value, limit)
}

// Sensitivity phrases how far a leaf's weight must move before the leader
// changes: "Beta would lead if Price per FTE per month weighed 34% instead of
// 20%." It takes its names from m and res.
func Sensitivity(lang i18n.Lang, m *scoring.Model, res *scoring.Result, s scoring.Sensitivity) string {
	criterion := s.Criterion
	if c := m.Find(s.Criterion); c != nil {
		criterion = name(scoring.Ref{Key: c.Key, Name: c.Name})
	}
	if s.FlipWeight == nil {
		return i18n.T(lang, "scoring.sensitivity.none", criterion)
	}
	leader := s.NewLeader
	if v := res.Vendor(s.NewLeader); v != nil {
		leader = name(scoring.Ref{Key: v.Key, Name: v.Name})
	}
	if *s.FlipWeight == s.Weight {
		return i18n.T(lang, "scoring.sensitivity.tie", leader, criterion)
	}
	flip, now := weights(lang, *s.FlipWeight, s.Weight)
	return i18n.T(lang, "scoring.sensitivity.flip", leader, criterion, flip, now)
}

// name is what people call a vendor or criterion: its name, else its key.
func name(r scoring.Ref) string {
	if r.Name != "" {
		return r.Name
	}
	return r.Key
}

// names lists criteria as a phrase: "A, B and C".
func names(lang i18n.Lang, refs []scoring.Ref) string {
	s := make([]string, len(refs))
	for i, r := range refs {
		s[i] = name(r)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + i18n.T(lang, "scoring.list.and") + s[len(s)-1]
}

// Points formats a score, margin or threshold with its unit, with at most
// two decimals (78.25 points, 60 points), or as many as it takes to show
// that a small margin is not zero (0.004 point).
func Points(lang i18n.Lang, v float64) string {
	n := trimmed(lang, v, 2)
	for d := 3; v != 0 && n == trimmed(lang, 0, 2) && d <= 9; d++ {
		n = trimmed(lang, v, d)
	}
	// English says "1 point" but "0.5 points"; French uses the singular
	// below 2 ("1,5 point").
	form := "scoring.points.other"
	if (lang == i18n.FR && math.Abs(v) < 2) || (lang != i18n.FR && v == 1) {
		form = "scoring.points.one"
	}
	return i18n.T(lang, form, n)
}

// figures formats a vendor's value and the threshold it failed, with their
// unit, with at most two decimals unless more are needed to tell them apart:
// a mean rating of 2.996 against a minimum of 3 must not read "3 is below 3".
func figures(lang i18n.Lang, value, threshold float64, unit string) (string, string) {
	d := 2
	for ; d < 9 && trimmed(lang, value, d) == trimmed(lang, threshold, d); d++ {
	}
	return withUnit(lang, trimmed(lang, value, d), unit), withUnit(lang, trimmed(lang, threshold, d), unit)
}

// Figure formats a measured figure with its unit and at most two decimals:
// "2,100 EUR", "3 000 EUR" in French, "4.5%".
func Figure(lang i18n.Lang, v float64, unit string) string {
	return withUnit(lang, trimmed(lang, v, 2), unit)
}

func withUnit(lang i18n.Lang, n, unit string) string {
	unit = i18n.Unit(lang, unit)
	switch {
	case unit == "":
		return n
	case lang == i18n.FR && unit == "%":
		return n + "\u202f%"
	case lang == i18n.FR:
		return n + "\u00a0" + unit // French typography: no line break inside "3 000 EUR"
	case unit == "%":
		return n + "%"
	}
	return n + " " + unit
}

// trimmed formats v with up to decimals decimals, dropping trailing zeros.
func trimmed(lang i18n.Lang, v float64, decimals int) string {
	s := i18n.Number(lang, v, decimals)
	if decimals == 0 {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimRight(s, ".,")
}

// weights formats two effective weights as percentages, with enough
// decimals to show their difference to two figures and to tell them apart:
// "34%" and "20%", "20.5%" and "20%".
func weights(lang i18n.Lang, a, b float64) (string, string) {
	d := 0
	for diff := math.Abs(a-b) * 100; d < 4 && diff < 5/math.Pow10(d); d++ {
	}
	for ; d < 6 && percent(lang, a, d) == percent(lang, b, d); d++ {
	}
	return percent(lang, a, d), percent(lang, b, d)
}

// percent is i18n.Percent without trailing decimal zeros.
func percent(lang i18n.Lang, share float64, decimals int) string {
	return strings.Replace(i18n.Percent(lang, share, decimals), i18n.Number(lang, share*100, decimals), trimmed(lang, share*100, decimals), 1)
}

// Completeness formats a completeness as a percentage rounded down, so that
// data that is not complete never shows as 100%.
func Completeness(lang i18n.Lang, c float64) string {
	// The tiny nudge keeps 0.29 (28.999… × 100 in binary) at 29%.
	return i18n.Percent(lang, math.Floor(c*100+1e-9)/100, 0)
}
