package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/go-chi/chi/v5"
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

// evaluationID reads the evaluation id from the path.
func evaluationID(r *http.Request) (int64, error) { return pathID(r, "evaluationID") }

// evaluationInPath reads the evaluation id from the path, answering the
// request itself when there is none.
func (s *Server) evaluationInPath(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := evaluationID(r)
	if err != nil {
		s.Error(w, r, err)
		return 0, false
	}
	return id, true
}

// evaluationDetailInPath loads the evaluation the path names, with parts.
func (s *Server) evaluationDetailInPath(w http.ResponseWriter, r *http.Request, parts bpo.EvaluationParts) (*bpo.EvaluationDetail, bool) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return nil, false
	}
	d, err := s.loadEvaluation(r.Context(), id, parts)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return d, true
}

// evaluationPost reads the evaluation id from the path and the submitted form.
func (s *Server) evaluationPost(w http.ResponseWriter, r *http.Request) (id int64, form url.Values, ok bool) {
	id, err := evaluationID(r)
	if err == nil {
		form, err = parseForm(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return 0, nil, false
	}
	return id, form, true
}

// evaluationForm is evaluationPost plus the form's version field.
func (s *Server) evaluationForm(w http.ResponseWriter, r *http.Request) (id int64, form url.Values, version int, ok bool) {
	return s.pathForm(w, r, "evaluationID")
}

// pathForm reads the id that param names in the path, the submitted form
// and its version field: the opening of every versioned change. It answers
// the request itself when one of them is missing or malformed.
func (s *Server) pathForm(w http.ResponseWriter, r *http.Request, param string) (id int64, form url.Values, version int, ok bool) {
	id, err := pathID(r, param)
	if err == nil {
		form, err = parseForm(r)
	}
	if err == nil {
		version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return 0, nil, 0, false
	}
	return id, form, version, true
}

// scorecardPath reads the evaluation and vendor of a scorecard's path.
func scorecardPath(r *http.Request) (int64, int64, error) {
	eid, err := evaluationID(r)
	if err != nil {
		return 0, 0, err
	}
	vid, err := pathID(r, "vendorID")
	return eid, vid, err
}

func pageURL(u *url.URL, page int) string {
	q := u.Query()
	q.Set("page", strconv.Itoa(page))
	return u.Path + "?" + q.Encode()
}

// loadEvaluation is the one way handlers read an evaluation with its
// criteria and vendors, plus the parts asked for: one round trip.
func (s *Server) loadEvaluation(ctx context.Context, id int64, parts bpo.EvaluationParts) (*bpo.EvaluationDetail, error) {
	return s.evaluations.FindEvaluationDetail(ctx, id, parts)
}
