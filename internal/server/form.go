package server

import (
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
)

// maxFormValues bounds how many values one form may carry, so a flood of
// repeated fields cannot make the server do unbounded work.
const maxFormValues = 1000

// parseForm is the one way handlers read a submitted form. Bodies over the
// limit give 413; malformed or flooded forms give 400; a body the client
// cut short or stalled is a client abort (errClientAbort).
func parseForm(r *http.Request) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &mbe):
			return nil, errTooLarge
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) && ne.Timeout() || r.Context().Err() != nil:
			return nil, errClientAbort
		}
		return nil, errBadRequest
	}
	n := 0
	for _, vs := range r.PostForm {
		n += len(vs)
	}
	if n > maxFormValues {
		return nil, errBadRequest
	}
	return r.PostForm, nil
}

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

// formVersion reads the hidden version field that optimistic locking relies on.
func formVersion(form url.Values) (int, error) { return parseVersion(form.Get("version")) }

// parseVersion reads a version number. Versions are PostgreSQL integers: a
// larger number cannot be one, and would fail in the database as a fault.
func parseVersion(s string) (int, error) {
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil || v < 0 {
		return 0, errBadRequest
	}
	return int(v), nil
}

// pathID reads a numeric id from the URL; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, bpo.Errorf(bpo.ENOTFOUND, "error.not_found")
	}
	return id, nil
}

// fieldErrors returns the translated message of each field of an EINVALID error.
func (s *Server) fieldErrors(r *http.Request, err error) map[string]string {
	out := map[string]string{}
	var e *bpo.Error
	if !errors.As(err, &e) {
		return out
	}
	lang := s.lang(r)
	for _, fe := range e.Fields {
		if _, seen := out[fe.Field]; !seen {
			out[fe.Field] = i18n.T(lang, fe.Key, fe.Args...)
		}
	}
	return out
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

// formAlert phrases a refusal in one line: its message, then the messages of
// the fields the page does not show next to a control (all of them when
// shown is nil), so no problem goes unexplained.
func formAlert(lang i18n.Lang, err error, shown []components.Field) string {
	parts := []string{tr(lang, bpo.ErrorMessage(err))}
	var e *bpo.Error
	if errors.As(err, &e) {
		visible := map[string]bool{}
		for _, f := range shown {
			visible[f.Name] = true
		}
		for _, fe := range e.Fields {
			if !visible[fe.Field] {
				parts = append(parts, tr(lang, fe.Message))
			}
		}
	}
	return strings.Join(slices.Compact(parts), " ")
}

// maxPage bounds page numbers, so that the offset they make cannot overflow.
const maxPage = 1_000_000

// pageNumber reads the ?page= of a list: 1 when missing or malformed.
func pageNumber(q url.Values) int {
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange && !strings.HasPrefix(q.Get("page"), "-") {
			return maxPage
		}
		return 1
	}
	return min(max(page, 1), maxPage)
}

// checkQuery refuses query parameters that nobody can have typed into a
// search form: text that is not UTF-8 or holds control characters, which
// PostgreSQL would refuse as a fault.
func checkQuery(q url.Values, names ...string) error {
	for _, name := range names {
		v := q.Get(name)
		if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
			return errBadRequest
		}
	}
	return nil
}
