package server

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
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

// thousandsLike matches what reads as a number with thousands separators in
// English and as a decimal in French ("2,100"); neither reading is guessed.
var thousandsLike = regexp.MustCompile(`^-?[1-9][0-9]{0,2}(,[0-9]{3})+$`)

// parseDecimal reads an optional finite decimal as people type it: a decimal
// point or a decimal comma, spaces between thousands ("2 100,50").
func parseDecimal(s string) (v float64, present bool, err error) {
	s = strings.NewReplacer(" ", "", "\u202f", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, false, nil
	}
	if thousandsLike.MatchString(s) {
		return 0, true, bpo.Errorf(bpo.EINVALID, "error.field.number_ambiguous")
	}
	// strconv also reads hexadecimal ("0x1p4" is 16) and digits separated
	// by underscores: nobody types those for a price or a weight.
	if strings.ContainsFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789+-.,eE", r) }) {
		return 0, true, bpo.Errorf(bpo.EINVALID, "error.field.number")
	}
	v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || !bpo.ValidMeasurement(v) {
		return 0, true, bpo.Errorf(bpo.EINVALID, "error.field.number")
	}
	return v, true, nil
}

// inputNumber writes v for an input field so that parseDecimal reads it
// back exactly: no thousands separators, the language's decimal mark.
func inputNumber(lang i18n.Lang, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang == i18n.FR {
		s = strings.Replace(s, ".", ",", 1)
		// "12,125" would read back as an ambiguous thousands separator: a
		// trailing zero keeps the comma a decimal one, the value the same.
		if thousandsLike.MatchString(s) {
			s += "0"
		}
	}
	return s
}

// decodeEvaluationForm reads the set-up form; malformed numbers and dates
// are field problems, reported together with the domain's validation.
func decodeEvaluationForm(form url.Values) (bpo.EvaluationInput, bpo.Problems) {
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
	in.AwardThreshold = formFloat(&p, form, "award_threshold")
	in.CloseCallMargin = formFloat(&p, form, "close_call_margin")
	in.ScaleLevels = decodeLevels(form, in.ScaleMin, in.ScaleMax)
	in.Analysis = decodeAnalysis(&p, form)
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

// formFloat reads a required decimal number, accepting a decimal comma as
// French speakers type it.
func formFloat(p *bpo.Problems, form url.Values, field string) float64 {
	v, ok, err := parseDecimal(form.Get(field))
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
func decodeCriterionForm(form url.Values, f criterionForm, e *bpo.Evaluation) (bpo.CriterionInput, bpo.Problems) {
	var p bpo.Problems
	in := bpo.CriterionInput{
		Kind:       f.kind,
		Key:        strings.TrimSpace(form.Get("key")),
		NameEN:     strings.TrimSpace(form.Get("name_en")),
		NameFR:     strings.TrimSpace(form.Get("name_fr")),
		GuidanceEN: strings.TrimSpace(form.Get("guidance_en")),
		GuidanceFR: strings.TrimSpace(form.Get("guidance_fr")),
		Weight:     formFloat(&p, form, "weight"),
	}
	if f.parent != nil {
		id := f.parent.ID
		in.ParentID = &id
	}
	switch f.kind {
	case bpo.KindRated:
		in.MinRating = formOptionalFloat(&p, form, "min_rating")
	case bpo.KindMeasured:
		in.Unit, in.Better = strings.TrimSpace(form.Get("unit")), form.Get("better")
		in.Best = formOptionalFloat(&p, form, "best")
		in.Worst = formOptionalFloat(&p, form, "worst")
		in.Limit = formOptionalFloat(&p, form, "limit")
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
func formOptionalFloat(p *bpo.Problems, form url.Values, field string) *float64 {
	v, present, err := parseDecimal(form.Get(field))
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
