package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	logAttrsKey
)

// requestID tags each request with a random id, echoed in X-Request-Id and
// in every log line, so a user's report can be matched to the log.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// logRequests writes one line per request, labelled by route pattern, with
// what inner handlers add through logAttrs.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		var extra []slog.Attr
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), logAttrsKey, &extra)))
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("id", requestIDFrom(r.Context())),
			slog.String("method", methodLabel(r)),
			slog.String("path", logSafe(r.URL.Path)),
			slog.String("route", routePattern(r)),
			slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
		}
		if methodLabel(r) != r.Method {
			attrs = append(attrs, slog.String("raw_method", logSafe(r.Method)))
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", append(attrs, extra...)...)
	})
}

// logAttrs adds attributes to the request's log line. The middleware that
// learns who is calling runs inside logRequests and passes a new request
// down, so it cannot hand that back any other way.
func logAttrs(ctx context.Context, attrs ...slog.Attr) {
	if p, ok := ctx.Value(logAttrsKey).(*[]slog.Attr); ok {
		*p = append(*p, attrs...)
	}
}

// routePattern is the chi pattern that matched, or "unmatched", so labels
// and logs never carry raw paths with ids in them.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// recoverPanic turns a panic into a friendly 500 page; the details go to the log only.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "id", requestIDFrom(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.Error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only this origin's scripts and styles: no
// inline script, no eval, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over the configured size with 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.BodyLimit {
			s.Error(w, r, errTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit)
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses unsafe requests that a browser marks as cross-site
// (Sec-Fetch-Site or a foreign Origin): this replaces CSRF tokens.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.cross_origin"))
	}))
	return cop.Handler(next)
}

// metricsAccess hides /metrics from everyone but loopback clients unless
// configured otherwise. A request relayed by a proxy counts as remote even
// when the proxy itself connects over loopback.
func (s *Server) metricsAccess(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.MetricsPublic && !fromLoopback(r) {
			s.notFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func fromLoopback(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
