package server

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// maxFormValues bounds how many values one form may carry, so a flood of
// repeated fields cannot make the server do unbounded work.
const maxFormValues = 1000

// parseForm is the one way handlers read a submitted form. Bodies over the
// limit give 413; malformed or flooded forms give 400.
func parseForm(r *http.Request) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge
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
func formVersion(form url.Values) (int, error) {
	v, err := strconv.Atoi(form.Get("version"))
	if err != nil || v < 0 {
		return 0, errBadRequest
	}
	return v, nil
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
