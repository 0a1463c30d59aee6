package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/web/pages"
)

const sessionLang = "lang"

const langKey ctxKey = iota + 100

// loadSession loads the session, then puts the signed-in user, if any, and
// the page language into the request context. The session store reads the
// user and the revision of the evaluation in the path along with the
// session (one round trip for all) into the rooms made here.
func (s *Server) loadSession(next http.Handler) http.Handler {
	load := s.sessions.LoadAndSave(s.loadUser(next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := bpo.NewContextWithSessionUser(r.Context())
		load.ServeHTTP(w, withRevisionRead(r.WithContext(ctx)))
	})
}

// withRevisionRead makes room in r's context for the revision of the
// evaluation in its path, if it names one: the session or token lookup
// reads it in its own round trip, for the cache of scored evaluations
// (see loadScored).
func withRevisionRead(r *http.Request) *http.Request {
	id, err := evaluationID(r)
	if err != nil {
		return r
	}
	ctx, _ := bpo.NewContextWithRevisionRead(r.Context(), id)
	return r.WithContext(ctx)
}

func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var u *bpo.User
		if id := s.sessions.GetInt64(ctx, bpo.SessionUserIDKey); id != 0 {
			if su := bpo.SessionUserFromContext(ctx); su != nil && su.User != nil && su.User.ID == id {
				u = su.User
				ctx = bpo.NewContextWithUser(ctx, u)
				logAttrs(ctx, slog.Int64("user", u.ID))
			} else if err := s.sessions.Destroy(ctx); err != nil { // the account is gone: so is the session
				s.Error(w, r, err)
				return
			}
		}
		lang := userLang(u, s.sessions.GetString(ctx, sessionLang), r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, langKey, lang)))
	})
}

// userLang is the language to answer a user in: their saved choice, else
// the one picked before signing in (sessionLang), else the browser's.
func userLang(u *bpo.User, sessionLang string, r *http.Request) i18n.Lang {
	if u != nil {
		if lang, ok := i18n.Parse(u.Lang); ok {
			return lang
		}
	}
	if lang, ok := i18n.Parse(sessionLang); ok {
		return lang
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// lang is the language to answer r in.
func (s *Server) lang(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(langKey).(i18n.Lang); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// requireManager refuses whoever is not a manager (or an administrator)
// before the handler reads anything, so that a refusal says nothing about
// what exists. It runs after requireUser. The services check again.
func (s *Server) requireManager(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !bpo.IsManager(bpo.UserFromContext(r.Context())) {
			s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser sends anonymous visitors to the sign-in page, remembering where
// they were going.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bpo.UserFromContext(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		if isAPI(r) {
			w.Header().Set("WWW-Authenticate", "Bearer")
			s.Error(w, r, bpo.Errorf(bpo.EUNAUTHORIZED, "error.unauthorized"))
			return
		}
		target := "/login"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

func (s *Server) showLoginPage(w http.ResponseWriter, r *http.Request) {
	if bpo.UserFromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, pages.Login(pages.LoginView{Next: r.URL.Query().Get("next"), SSO: s.ssoName()}))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	typed := strings.TrimSpace(form.Get("email"))
	view := pages.LoginView{Email: typed, Next: form.Get("next"), SSO: s.ssoName()}
	email, addr := signInKey(typed), s.clientAddr(r)
	ctx := r.Context()

	// The attempt is counted before the password is checked, so that
	// parallel guesses cannot all pass a check made before any was counted.
	attempt, err := s.signIns.ReserveSignIn(ctx, email, addr)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if attempt.Throttled() {
		s.logSignIn(r, "sign-in throttled", email, addr)
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(attempt.RetryAfter)))
		view.Error = i18n.T(s.lang(r), "login.throttled", (retrySeconds(attempt.RetryAfter)+59)/60)
		s.renderStatus(w, r, http.StatusTooManyRequests, pages.Login(view))
		return
	}
	u, err := s.authenticate(ctx, email, form.Get("password"))
	if err != nil {
		s.refuseSignIn(w, r, err, view, email, addr)
		return
	}
	if err := s.signIns.ReleaseSignIn(ctx, email, addr); err != nil {
		s.Error(w, r, err)
		return
	}
	// A new token at sign-in defeats session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(ctx, bpo.SessionUserIDKey, u.ID)
	http.Redirect(w, r, safeNext(view.Next), http.StatusSeeOther)
}

// refuseSignIn answers an attempt whose password could not be checked or
// was wrong. One the server was too busy to check is taken back: a busy
// server must not lock anyone out.
func (s *Server) refuseSignIn(w http.ResponseWriter, r *http.Request, err error, view pages.LoginView, email, addr string) {
	if errors.Is(err, password.ErrBusy) {
		if err := s.signIns.ReleaseSignIn(r.Context(), email, addr); err != nil {
			s.Error(w, r, err)
			return
		}
		s.Error(w, r, errBusy)
		return
	}
	if bpo.ErrorCode(err) != bpo.EUNAUTHORIZED {
		s.Error(w, r, err)
		return
	}
	s.logSignIn(r, "sign-in failed", email, addr)
	view.Error = i18n.T(s.lang(r), "login.failed")
	s.renderStatus(w, r, http.StatusUnauthorized, pages.Login(view))
}

// logSignIn writes a refused sign-in to the log, for intrusion detection:
// the account typed (escaped and cut: it is the client's text) and the
// client's address.
func (s *Server) logSignIn(r *http.Request, msg, email, addr string) {
	s.log.LogAttrs(r.Context(), slog.LevelWarn, msg, slog.String("id", requestIDFrom(r.Context())),
		slog.String("email", logSafe(email)), slog.String("addr", addr))
}

// retrySeconds is a Retry-After value: whole seconds, at least one.
func retrySeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// maxEmailLength is the longest e-mail address there can be (RFC 5321).
const maxEmailLength = 254

// signInKey is the address typed, as it is looked up and counted. What no
// account can have (not UTF-8, a control character, longer than any
// address) becomes "", which matches no account, where the database would
// refuse the text itself; its failures still count against the client's
// address.
func signInKey(email string) string {
	if len(email) > maxEmailLength || !utf8.ValidString(email) || strings.ContainsFunc(email, unicode.IsControl) {
		return ""
	}
	return email
}

// dummyHash is checked for unknown addresses; made once, at first use.
var dummyHash = sync.OnceValue(func() string { return password.Hash(password.Generate(), password.Default) })

// authenticate returns the user whose e-mail and password match, or
// EUNAUTHORIZED with one message for every kind of mistake, a disabled
// account included; password.ErrBusy when no hashing slot came free. An
// unknown address costs as much time as a wrong password, so timing tells
// nothing.
func (s *Server) authenticate(ctx context.Context, email, pw string) (*bpo.User, error) {
	u, err := s.users.FindUserByEmail(ctx, email)
	if bpo.ErrorCode(err) == bpo.ENOTFOUND {
		if _, err := s.passwords.Check(ctx, pw, dummyHash()); err != nil {
			return nil, err
		}
		return nil, bpo.Errorf(bpo.EUNAUTHORIZED, "login.failed")
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.passwords.Check(ctx, pw, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok || u.DisabledAt != nil {
		return nil, bpo.Errorf(bpo.EUNAUTHORIZED, "login.failed")
	}
	return u, nil
}

// safeNext keeps the post-sign-in redirect on this site. Browsers drop
// tabs and line breaks inside a URL and read a backslash as a slash, so
// "/\t/evil.example" would leave the site: any control character or
// backslash sends the user home instead.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	return next
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// saveLang switches the interface language: saved on the account when
// signed in, and in the session for the sign-in page.
func (s *Server) saveLang(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang, ok := i18n.Parse(form.Get("lang"))
	if !ok {
		s.Error(w, r, errBadRequest)
		return
	}
	if u := bpo.UserFromContext(r.Context()); u != nil {
		if err := s.users.SetUserLang(r.Context(), u.ID, string(lang)); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.sessions.Put(r.Context(), sessionLang, string(lang))
	http.Redirect(w, r, backTo(r), http.StatusSeeOther)
}

// backTo is the same-site page the request came from, or the dashboard.
func backTo(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host {
		return "/"
	}
	return safeNext(ref.RequestURI())
}
