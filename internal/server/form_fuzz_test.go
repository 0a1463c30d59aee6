package server

import (
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// The fuzz targets of form decoding. Their seed corpora are under
// testdata/fuzz and run with every go test; make fuzz explores further.

// FuzzParseDecimal: whatever is typed, in either language, a number is
// either refused as a field problem or accepted finite and within the
// measurable range; it is accepted exactly when it follows the language's
// grammar (number.go, written again here as a regular expression), reads
// as the same digits without the grouping, and is written back into a
// form so that it reads back the same. The other language's decimal mark
// is always refused as ambiguous.
func FuzzParseDecimal(f *testing.F) {
	grammar := map[i18n.Lang]*regexp.Regexp{
		i18n.EN: regexp.MustCompile(`^[+-]?(?:(?:[0-9]+|[0-9]{1,3}(?:[\x{2009}\x{a0}\x{202f}'\x{2019}][0-9]{3})+)(?:\.[0-9]*)?|\.[0-9]+)$`),
		i18n.FR: regexp.MustCompile(`^[+-]?(?:(?:[0-9]+|[0-9]{1,3}(?:[\x{2009}\x{a0}\x{202f}'\x{2019} ][0-9]{3})+)(?:,[0-9]*)?|,[0-9]+)$`),
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lang := range i18n.Langs {
			v, present, err := parseNumber(lang, s)
			trimmed := strings.TrimSpace(s)
			follows := grammar[lang].MatchString(trimmed)
			if err != nil {
				if bpo.ErrorCode(err) != bpo.EINVALID || !present {
					t.Fatalf("%s: parseNumber(%q): %v, present %v: want a field problem", lang, s, err, present)
				}
				_, foreign := decimalMark(lang)
				if strings.IndexByte(trimmed, foreign) >= 0 && bpo.ErrorMessage(err).Key != "error.field.number_ambiguous" {
					t.Fatalf("%s: parseNumber(%q): %v, want the ambiguity explained", lang, s, err)
				}
				if follows {
					if plain, _ := plainNumber(lang, trimmed); validPlain(plain) {
						t.Fatalf("%s: parseNumber(%q) refused a number of the grammar: %v", lang, s, err)
					}
				}
				continue
			}
			if !present {
				if trimmed != "" {
					t.Fatalf("%s: parseNumber(%q) reads nothing from text that is not blank", lang, s)
				}
				continue
			}
			if !follows {
				t.Fatalf("%s: parseNumber(%q) = %v, outside the grammar", lang, s, v)
			}
			if !bpo.ValidMeasurement(v) {
				t.Fatalf("%s: parseNumber(%q) = %v, outside what can be stored", lang, s, v)
			}
			mark, _ := decimalMark(lang)
			digits := strings.Map(func(r rune) rune {
				switch {
				case r == rune(mark):
					return '.'
				case strings.ContainsRune("+-.0123456789", r):
					return r
				}
				return -1
			}, trimmed)
			if want, _ := strconv.ParseFloat(digits, 64); want != v {
				t.Fatalf("%s: parseNumber(%q) = %v, want %v", lang, s, v, want)
			}
			for _, out := range i18n.Langs {
				back, _, err := parseNumber(out, inputNumber(out, v))
				if err != nil || back != v {
					t.Fatalf("%s: %v written as %q reads back as %v, %v", out, v, inputNumber(out, v), back, err)
				}
			}
		}
	})
}

// validPlain reports whether strconv reads plain as a storable figure.
func validPlain(plain string) bool {
	v, err := strconv.ParseFloat(plain, 64)
	return err == nil && bpo.ValidMeasurement(v)
}

// FuzzFormNumbers: whole numbers, versions and page numbers are either
// refused or within the range the database stores, and are what was typed.
func FuzzFormNumbers(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		var p bpo.Problems
		form := url.Values{"n": {s}, "version": {s}, "page": {s}}
		switch n := formInt(&p, form, "n"); {
		case n == nil && len(p) == 0 && strings.TrimSpace(s) != "":
			t.Fatalf("formInt(%q): neither a number nor a problem", s)
		case n != nil && len(p) > 0:
			t.Fatalf("formInt(%q): both a number and a problem", s)
		case n != nil:
			want, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || int64(*n) != want || *n > math.MaxInt32 || *n < math.MinInt32 {
				t.Fatalf("formInt(%q) = %d", s, *n)
			}
		}
		if v, err := formVersion(form); err == nil {
			want, perr := strconv.ParseInt(s, 10, 64)
			if perr != nil || int64(v) != want || v < 0 || v > math.MaxInt32 {
				t.Fatalf("formVersion(%q) = %d", s, v)
			}
		} else if bpo.ErrorCode(err) != "bad_request" {
			t.Fatalf("formVersion(%q): %v, want a bad request", s, err)
		}
		if page := pageNumber(form); page < 1 || page > maxPage {
			t.Fatalf("pageNumber(%q) = %d", s, page)
		}
	})
}

// FuzzSafeNext: the page after sign-in is on this site, however a browser
// reads the Location: it drops tabs and line breaks and reads a backslash
// as a slash.
func FuzzSafeNext(f *testing.F) {
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: neither the input nor home", next, got)
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(got)
		if !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") {
			t.Fatalf("safeNext(%q) = %q, which a browser reads as %q: off the site", next, got, browser)
		}
		if u, err := url.Parse(got); err == nil && (u.Scheme != "" || u.Host != "") {
			t.Fatalf("safeNext(%q) = %q parses as another site", next, got)
		}
	})
}

// FuzzDecodeForms feeds any body to every form decoder, as a browser or a
// forger could post it. No decoder may panic; what a decoder accepts must
// hold to the rules the rest of the code relies on; and a form the server
// shows again must read back as what was accepted.
func FuzzDecodeForms(f *testing.F) {
	criteria := fuzzCriteria()
	e := &bpo.Evaluation{ScaleMin: 1, ScaleMax: 5}
	d := &bpo.EvaluationDetail{Criteria: criteria, Participants: []*bpo.Participant{{VendorID: 11}, {VendorID: 12}}}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		form, err := parseForm(r)
		if err != nil {
			if code := bpo.ErrorCode(err); code != "bad_request" && code != "too_large" {
				t.Fatalf("parseForm: %v", err)
			}
			return
		}

		for _, lang := range i18n.Langs {
			if in, p := decodeEvaluationForm(lang, form); len(p) == 0 {
				if err := in.Validate(); err != nil {
					t.Fatalf("evaluation form accepted, yet invalid: %v", err)
				}
				again, p := decodeEvaluationForm(lang, evaluationFormText(lang, in))
				if len(p) > 0 || !sameEvaluationInput(in, again) {
					t.Fatalf("evaluation form %+v shown again reads %+v (%v)", in, again, p)
				}
			}
			figures, p, err := decodeFigures(lang, form, d)
			if err != nil {
				if code := bpo.ErrorCode(err); code != "bad_request" && code != bpo.ENOTFOUND {
					t.Fatalf("decodeFigures: %v", err)
				}
				continue
			}
			for _, x := range figures {
				if d.Participant(x.VendorID) == nil || d.Criterion(x.CriterionID) == nil || x.Value != nil && !bpo.ValidMeasurement(*x.Value) {
					t.Fatalf("figure accepted: %+v", x)
				}
			}
			for _, fe := range p {
				if !form.Has(fe.Field) || fe.Key == "" {
					t.Fatalf("figure problem for a cell the form does not have: %+v", fe)
				}
			}
		}

		if _, p := decodeVendorForm(form); len(p) > 0 {
			for _, fe := range p {
				if fe.Field == "" || fe.Key == "" {
					t.Fatalf("vendor form problem without a field or message: %+v", fe)
				}
			}
		}

		if in, p, err := decodeRating(form); err == nil {
			if in.Version < 0 || in.Version > math.MaxInt32 {
				t.Fatalf("rating accepted: %+v", in)
			}
			if in.Value != nil && (len(p) > 0 || *in.Value > math.MaxInt32 || *in.Value < math.MinInt32) {
				t.Fatalf("rating value %d accepted with problems %v", *in.Value, p)
			}
			if strings.Contains(in.Justification, "\r\n") {
				t.Fatal("a justification kept a CRLF line break")
			}
		} else if bpo.ErrorCode(err) != "bad_request" {
			t.Fatalf("decodeRating: %v", err)
		}

		if conflicts, _, _, err := decodeConflicts(form, d); err == nil {
			seen := map[int64]bool{}
			for _, c := range conflicts {
				if seen[c.VendorID] || d.Participant(c.VendorID) == nil {
					t.Fatalf("conflicts %+v: a vendor twice, or one not taking part", conflicts)
				}
				seen[c.VendorID] = true
			}
		} else if bpo.ErrorCode(err) != "bad_request" {
			t.Fatalf("decodeConflicts: %v", err)
		}

		for _, lang := range i18n.Langs {
			in, err := decodeWeights(lang, form, d.Tree())
			if err != nil {
				if code := bpo.ErrorCode(err); code != "bad_request" && code != bpo.ECONFLICT {
					t.Fatalf("decodeWeights: %v", err)
				}
				continue
			}
			for _, c := range in.changes {
				if d.Criterion(c.CriterionID) == nil || !(c.Weight >= 0 && c.Weight <= 1e6) || c.Version < 0 {
					t.Fatalf("weight change accepted: %+v", c)
				}
			}
		}

		for _, lang := range i18n.Langs {
			for _, cf := range []criterionForm{{kind: bpo.KindRated}, {kind: bpo.KindMeasured}, {current: criteria[1], kind: bpo.KindRated}} {
				in, p := decodeCriterionForm(lang, form, cf, e)
				if len(p) > 0 {
					continue
				}
				if !utf8.ValidString(in.NameEN+in.NameFR+in.GuidanceEN+in.GuidanceFR+in.Key+in.Unit) || math.IsNaN(in.Weight) || math.IsInf(in.Weight, 0) {
					t.Fatalf("criterion form accepted %+v", in)
				}
				for _, x := range []*float64{in.MinRating, in.Best, in.Worst, in.Limit} {
					if x != nil && !bpo.ValidMeasurement(*x) {
						t.Fatalf("criterion form accepted a threshold of %v", *x)
					}
				}
			}
		}
	})
}

// sameEvaluationInput compares what an evaluation form means, ignoring
// an empty list against a missing one.
func sameEvaluationInput(a, b bpo.EvaluationInput) bool {
	norm := func(in bpo.EvaluationInput) bpo.EvaluationInput {
		in.Services = slices.DeleteFunc(slices.Clone(in.Services), func(s string) bool { return s == "" })
		if len(in.Services) == 0 {
			in.Services = nil
		}
		if len(in.ScaleLevels) == 0 {
			in.ScaleLevels = nil
		}
		return in
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// fuzzCriteria is the default criteria tree as an evaluation holds it,
// with ids from 1 in tree order.
func fuzzCriteria() []*bpo.Criterion {
	var out []*bpo.Criterion
	var walk func(nodes []bpo.TemplateCriterion, parent *int64)
	walk = func(nodes []bpo.TemplateCriterion, parent *int64) {
		for _, n := range nodes {
			c := &bpo.Criterion{ID: int64(len(out) + 1), ParentID: parent, Key: n.Key, NameEN: n.NameEN, NameFR: n.NameFR,
				Weight: n.Weight, Unit: n.Unit, Better: n.Better, Version: 1, Kind: bpo.KindRated}
			switch {
			case len(n.Children) > 0:
				c.Kind = bpo.KindGroup
			case n.Unit != "":
				c.Kind = bpo.KindMeasured
			}
			out = append(out, c)
			id := c.ID
			walk(n.Children, &id)
		}
	}
	walk(bpo.DefaultCriteria(), nil)
	return out
}
