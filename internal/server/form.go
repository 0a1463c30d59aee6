package server

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// formInt reads an optional whole number; a malformed one is a field problem.
func formInt(p *bpo.Problems, form url.Values, field string) *int {
	s := strings.TrimSpace(form.Get(field))
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
		p.Add(field, "error.field.integer")
		return nil
	}
	v := int(n)
	return &v
}

// decodeEvaluationForm reads the set-up form; malformed numbers and dates
// are field problems, reported together with the domain's validation.
func decodeEvaluationForm(lang i18n.Lang, form url.Values) (bpo.EvaluationInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.EvaluationInput{
		Title:         strings.TrimSpace(form.Get("title")),
		Scope:         strings.TrimSpace(form.Get("scope")),
		Services:      form["services"],
		Aggregation:   form.Get("aggregation"),
		Justification: bpo.JustificationPolicy(form.Get("justification")),
	}
	if d := strings.TrimSpace(form.Get("due_date")); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			p.Add("due_date", "error.field.date")
		} else {
			in.DueDate = &t
		}
	}
	in.ScaleMin = formIntOr(&p, form, "scale_min", 0)
	in.ScaleMax = formIntOr(&p, form, "scale_max", 0)
	in.AwardThreshold = formFloat(lang, &p, form, "award_threshold")
	in.CloseCallMargin = formFloat(lang, &p, form, "close_call_margin")
	in.ScaleLevels = decodeLevels(form, in.ScaleMin, in.ScaleMax)
	in.Analysis = decodeAnalysis(lang, &p, form)
	if err := in.Validate(); err != nil {
		p = mergeProblems(p, err)
	}
	return in, p
}

// decodeLevels reads the scale's descriptors when the form carries one for
// every point of the scale; otherwise (a new evaluation, or a scale just
// changed) nil lets the defaults apply.
func decodeLevels(form url.Values, lo, hi int) []bpo.ScaleLevel {
	if hi < lo || hi-lo > 10 {
		return nil
	}
	var levels []bpo.ScaleLevel
	for v := lo; v <= hi; v++ {
		n := strconv.Itoa(v)
		if !form.Has("level_en_" + n) {
			return nil
		}
		levels = append(levels, bpo.ScaleLevel{Value: v,
			LabelEN: strings.TrimSpace(form.Get("level_en_" + n)), LabelFR: strings.TrimSpace(form.Get("level_fr_" + n)),
			HelpEN: strings.TrimSpace(form.Get("help_en_" + n)), HelpFR: strings.TrimSpace(form.Get("help_fr_" + n))})
	}
	return levels
}

func formIntOr(p *bpo.Problems, form url.Values, field string, def int) int {
	if n := formInt(p, form, field); n != nil {
		return *n
	}
	if !p.Has(field) && strings.TrimSpace(form.Get(field)) == "" {
		p.Add(field, "error.field.required")
	}
	return def
}

// formFloat reads a required decimal number in lang's grammar (number.go).
func formFloat(lang i18n.Lang, p *bpo.Problems, form url.Values, field string) float64 {
	v, ok, err := parseNumber(lang, form.Get(field))
	switch {
	case err != nil:
		p.Add(field, bpo.ErrorMessage(err).Key)
	case !ok:
		p.Add(field, "error.field.required")
	}
	return v
}

// formID reads a numeric id from a form field (a choice from a list).
func formID(form url.Values, field string) (int64, error) {
	id, err := strconv.ParseInt(form.Get(field), 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadRequest
	}
	return id, nil
}

// decodeCriterionForm reads the criterion form; malformed numbers are field
// problems, reported together with the domain's validation. What the form
// does not send once scoring has started (key, unit, direction) keeps its
// stored value; what it sends is checked by the service.
func decodeCriterionForm(lang i18n.Lang, form url.Values, f criterionForm, e *bpo.Evaluation) (bpo.CriterionInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.CriterionInput{
		Kind:       f.kind,
		Key:        strings.TrimSpace(form.Get("key")),
		NameEN:     strings.TrimSpace(form.Get("name_en")),
		NameFR:     strings.TrimSpace(form.Get("name_fr")),
		GuidanceEN: strings.TrimSpace(form.Get("guidance_en")),
		GuidanceFR: strings.TrimSpace(form.Get("guidance_fr")),
		Weight:     formFloat(lang, &p, form, "weight"),
	}
	if f.parent != nil {
		id := f.parent.ID
		in.ParentID = &id
	}
	if f.current == nil && in.Key == "" {
		// Left empty (or typed without JavaScript): derived from the name.
		in.Key = bpo.KeyFromName(in.NameEN)
	}
	switch f.kind {
	case bpo.KindRated:
		in.MinRating = formOptionalFloat(lang, &p, form, "min_rating")
	case bpo.KindMeasured:
		in.Unit, in.Better = strings.TrimSpace(form.Get("unit")), form.Get("better")
		in.Best = formOptionalFloat(lang, &p, form, "best")
		in.Worst = formOptionalFloat(lang, &p, form, "worst")
		in.Limit = formOptionalFloat(lang, &p, form, "limit")
	}
	if c := f.current; c != nil {
		if !form.Has("key") {
			in.Key = c.Key
		}
		if !form.Has("unit") {
			in.Unit = c.Unit
		}
		if !form.Has("better") {
			in.Better = c.Better
		}
	}
	if err := in.Validate(e.ScaleMin, e.ScaleMax); err != nil {
		p = mergeProblems(p, err)
	}
	return in, p
}

// formOptionalFloat reads an optional decimal number.
func formOptionalFloat(lang i18n.Lang, p *bpo.Problems, form url.Values, field string) *float64 {
	v, present, err := parseNumber(lang, form.Get(field))
	if err != nil {
		p.Add(field, bpo.ErrorMessage(err).Key)
		return nil
	}
	if !present {
		return nil
	}
	return &v
}

// decodeVendorForm reads the vendor form; malformed numbers are reported as
// field problems alongside the domain's own validation.
func decodeVendorForm(form url.Values) (bpo.VendorInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.VendorInput{
		Name:         form.Get("name"),
		Country:      form.Get("country"),
		Website:      form.Get("website"),
		ContactName:  form.Get("contact_name"),
		ContactEmail: form.Get("contact_email"),
		ContactPhone: form.Get("contact_phone"),
		Services:     form["services"],
		Languages:    form["languages"],
		Headcount:    formInt(&p, form, "headcount"),
		Notes:        form.Get("notes"),
	}
	if len(p) > 0 {
		// Report every field at once, not the number first and the rest later.
		in.Normalize()
		if err := in.Validate(); err != nil {
			p = mergeProblems(p, err)
		}
	}
	return in, p
}

// mergeProblems adds an EINVALID error's field problems to p.
func mergeProblems(p bpo.Problems, err error) bpo.Problems {
	var e *bpo.Error
	if errors.As(err, &e) {
		for _, fe := range e.Fields {
			if !p.Has(fe.Field) {
				p = append(p, fe)
			}
		}
	}
	return p
}

// decodeRating reads an autosave. Whether the criterion is a rated
// criterion of the evaluation is the save's to check.
func decodeRating(form url.Values) (bpo.RatingInput, bpo.Problems, error) {
	var (
		in  bpo.RatingInput
		p   bpo.Problems
		err error
	)
	if in.CriterionID, err = strconv.ParseInt(form.Get("criterion"), 10, 64); err != nil {
		return in, nil, errBadRequest
	}
	if in.Version, err = formVersion(form); err != nil {
		return in, nil, err
	}
	in.Value = formInt(&p, form, "value")
	// Browsers send a textarea's line breaks as CRLF; the page shows LF.
	in.Justification = strings.ReplaceAll(form.Get("justification"), "\r\n", "\n")
	return in, p, nil
}

// decodeConflicts reads the declaration form. A vendor that does not take
// part in the evaluation is a bad request: the form never offers one.
func decodeConflicts(form url.Values, d *bpo.EvaluationDetail) ([]bpo.Conflict, bool, bpo.Problems, error) {
	var p bpo.Problems
	none := form.Get("none") == "1"
	conflicts := []bpo.Conflict{}
	for _, raw := range form["vendor"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || d.Participant(id) == nil {
			return nil, false, nil, errBadRequest
		}
		if slices.ContainsFunc(conflicts, func(c bpo.Conflict) bool { return c.VendorID == id }) {
			continue
		}
		note := strings.TrimSpace(form.Get(fmt.Sprintf("note_%d", id)))
		conflicts = append(conflicts, bpo.Conflict{VendorID: id, Note: note})
	}
	switch {
	case none && len(conflicts) > 0:
		p.Add("none", "error.conflicts.both")
	case !none && len(conflicts) == 0:
		p.Add("none", "error.conflicts.choose")
	}
	return conflicts, none, p, nil
}
