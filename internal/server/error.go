package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// Transport-level errors, phrased like domain ones.
var (
	errTooLarge   = &bpo.Error{Code: "too_large", Message: bpo.Message{Key: "error.too_large"}}
	errBadRequest = &bpo.Error{Code: "bad_request", Message: bpo.Message{Key: "error.bad_request"}}
	// errBusy: too many password hashes in progress (password.ErrBusy).
	errBusy = &bpo.Error{Code: "unavailable", Message: bpo.Message{Key: "error.busy"}}
	// errClientAbort: the client went away or stalled mid-request.
	errClientAbort = &bpo.Error{Code: "client_abort", Message: bpo.Message{Key: "error.bad_request"}}
)

// statusClientClosed is the status logged for a request its client
// abandoned (nginx's 499): a client's doing, not a fault of ours.
const statusClientClosed = 499

// statusOf maps an error code to its HTTP status.
func statusOf(code string) int {
	switch code {
	case bpo.EINVALID:
		return http.StatusUnprocessableEntity
	case bpo.ENOTFOUND:
		return http.StatusNotFound
	case bpo.ECONFLICT:
		return http.StatusConflict
	case bpo.EFORBIDDEN:
		return http.StatusForbidden
	case bpo.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case bpo.ETHROTTLED:
		return http.StatusTooManyRequests
	case "too_large":
		return http.StatusRequestEntityTooLarge
	case "bad_request":
		return http.StatusBadRequest
	case "client_abort":
		return statusClientClosed
	case "unavailable":
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error is the one way a handler reports a failure: it picks the status from
// the error's code, logs internal errors (and only those), and shows the user
// a page in their language that never leaks internal details.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = errTooLarge
	}
	if errors.Is(err, password.ErrBusy) {
		err = errBusy
	}
	if clientGone(r, err) {
		// Nobody reads the answer: say so in the log line, as a 4xx.
		logAttrs(r.Context(), slog.String("client_abort", err.Error()))
		w.WriteHeader(statusClientClosed)
		return
	}
	if bpo.ErrorCode(err) == bpo.EINTERNAL && (s.unavailable(err) || s.databaseDown(r)) {
		err = &bpo.Error{Code: "unavailable", Message: bpo.Message{Key: "error.unavailable"}}
	}
	code := bpo.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("id", requestIDFrom(r.Context())), slog.String("error", err.Error()))
	}
	lang := s.lang(r)
	ctx := components.WithLang(r.Context(), lang)
	msg := bpo.ErrorMessage(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if isAPI(r) {
		var body apiError
		body.Error.Code, body.Error.Message = code, components.Msg(ctx, msg)
		writeJSON(w, status, body)
		return
	}
	view := pages.ErrorView{
		Status:  status,
		Title:   components.T(ctx, "error.title."+strconv.Itoa(status)),
		Message: components.Msg(ctx, msg),
	}
	s.renderStatus(w, r.WithContext(ctx), status, pages.Error(view))
}

// clientGone reports whether err comes from the client leaving: its
// request cancelled (the connection closed) or its body cut short or
// stalled past the read timeout.
func clientGone(r *http.Request, err error) bool {
	if bpo.ErrorCode(err) == "client_abort" {
		return true
	}
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}

// isAPI reports whether r is a JSON API request, answered in JSON even when it fails.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// databaseDown tells an internal error caused by a missing database apart
// from a bug, so the user gets "try again shortly" (503) instead of a 500.
// An error that says so itself (s.unavailable) needs no ping: the
// connection it lost may be replaced by the time the ping runs.
func (s *Server) databaseDown(r *http.Request) bool {
	return s.ping != nil && s.ping(r.Context()) != nil
}

// render writes a page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, c templ.Component) {
	s.renderStatus(w, r, http.StatusOK, c)
}

// renderStatus writes a page in the request's language with the given
// status. The page is rendered in full before it is sent: it then goes out
// in one write with its length, instead of a chunk every few kilobytes (a
// scorecard is tens of them), and a page that fails half-way is an error
// rather than half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf, err := s.renderPooled(r, c)
	defer releasePageBuffer(buf)
	if err != nil {
		s.renderFailed(w, r, err)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// renderBytes renders c in the request's language into bytes of its own,
// to keep: a part of a page that the server renders once and sends many
// times (see showCompare).
func (s *Server) renderBytes(r *http.Request, c templ.Component) ([]byte, error) {
	buf, err := s.renderPooled(r, c)
	defer releasePageBuffer(buf)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// renderPooled renders c in the request's language into a buffer of
// pageBuffers, which the caller releases.
func (s *Server) renderPooled(r *http.Request, c templ.Component) (*bytes.Buffer, error) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	return buf, c.Render(components.WithLang(r.Context(), s.lang(r)), buf)
}

func (s *Server) renderFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("render", "id", requestIDFrom(r.Context()), "error", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// writeHTML sends a rendered page or fragment, in one write with its length.
func writeHTML(w http.ResponseWriter, status int, page []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	_, _ = w.Write(page)
}

// pageBuffers are reused from page to page, so that rendering does not grow
// a buffer from nothing every time.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// releasePageBuffer returns buf to the pool unless an unusual page made it
// so big that keeping it would hold on to memory for nothing.
func releasePageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, bpo.Errorf(bpo.ENOTFOUND, "error.not_found"))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusMethodNotAllowed)
	_, _ = w.Write([]byte(http.StatusText(http.StatusMethodNotAllowed) + "\n"))
}
