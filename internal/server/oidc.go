package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/web/pages"
)

// Session keys of a sign-in in flight with the identity provider.
const (
	oidcStateKey    = "oidc_state"
	oidcNonceKey    = "oidc_nonce"
	oidcVerifierKey = "oidc_verifier"
	oidcNextKey     = "oidc_next"
)

// sso is the identity provider, discovered on first use (so that the
// server starts while the provider is away) and kept afterwards.
type sso struct {
	mu       sync.Mutex
	provider *oidc.Provider
}

// oidcClient returns the provider and the OAuth 2 configuration, with the
// callback on the host the browser used.
func (s *Server) oidcClient(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	s.sso.mu.Lock()
	defer s.sso.mu.Unlock()
	if s.sso.provider == nil {
		p, err := oidc.NewProvider(ctx, s.cfg.OIDCIssuer)
		if err != nil {
			return nil, nil, fmt.Errorf("discover the identity provider: %w", err)
		}
		s.sso.provider = p
	}
	return s.sso.provider, &oauth2.Config{
		ClientID: s.cfg.OIDCClientID, ClientSecret: s.cfg.OIDCClientSecret,
		Endpoint: s.sso.provider.Endpoint(), RedirectURL: s.cfg.BaseURL + "/login/oidc/callback",
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}, nil
}

// startOIDC sends the browser to the provider with a fresh state, nonce
// and PKCE verifier, kept in the session until the callback.
func (s *Server) startOIDC(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.OIDCEnabled() {
		s.notFound(w, r)
		return
	}
	_, conf, err := s.oidcClient(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	ctx := r.Context()
	s.sessions.Put(ctx, oidcStateKey, state)
	s.sessions.Put(ctx, oidcNonceKey, nonce)
	s.sessions.Put(ctx, oidcVerifierKey, verifier)
	s.sessions.Put(ctx, oidcNextKey, safeNext(r.URL.Query().Get("next")))
	http.Redirect(w, r, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ssoAccountKey is the account single sign-on attempts are counted on:
// every callback reserves an attempt from its client's address, and only
// a successful one takes it back, so that an address gets as few failed
// callbacks as failed passwords on one account.
const ssoAccountKey = "(single sign-on)"

// errSSO is a refused callback; key is the message shown on the sign-in page.
type errSSO struct{ key string }

func (e errSSO) Error() string { return e.key }

// oidcCallback finishes the sign-in: the state must be the session's, the
// code is exchanged with the PKCE verifier, the ID token verified with its
// nonce, and the e-mail must be verified and of an allowed domain. Every
// refusal counts against the sign-in throttle (see ssoAccountKey), and a
// disabled account is refused.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.OIDCEnabled() {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	addr := s.clientAddr(r)
	attempt, err := s.signIns.ReserveSignIn(ctx, ssoAccountKey, addr)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if attempt.Throttled() {
		s.logSignIn(r, "single sign-on throttled", ssoAccountKey, addr)
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(attempt.RetryAfter)))
		s.ssoRefused(w, r, http.StatusTooManyRequests, i18n.T(s.lang(r), "login.throttled", (retrySeconds(attempt.RetryAfter)+59)/60))
		return
	}
	id, err := s.verifyCallback(r)
	var u *bpo.User
	if err == nil {
		u, err = s.identities.SignInWithIdentity(ctx, id, s.cfg.OIDCNewUserRole, func() (string, string, error) {
			p := password.Generate()
			h, err := s.passwords.Hash(ctx, p)
			return p, h, err
		})
	}
	if err == nil && u.DisabledAt != nil {
		err = errSSO{"sso.error.disabled"}
	}
	var refused errSSO
	if errors.As(err, &refused) {
		// The reservation stays: it counts as a failure.
		s.logSignIn(r, "single sign-on refused: "+refused.key, id.Email, addr)
		s.ssoRefused(w, r, http.StatusUnauthorized, i18n.T(s.lang(r), refused.key))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.signIns.ReleaseSignIn(ctx, ssoAccountKey, addr); err != nil {
		s.Error(w, r, err)
		return
	}
	next := s.sessions.PopString(ctx, oidcNextKey)
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(ctx, bpo.SessionUserIDKey, u.ID)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// verifyCallback checks the callback and returns who signed in. The
// state, nonce and verifier are taken out of the session first: each can
// serve once.
func (s *Server) verifyCallback(r *http.Request) (bpo.Identity, error) {
	ctx := r.Context()
	state := s.sessions.PopString(ctx, oidcStateKey)
	nonce := s.sessions.PopString(ctx, oidcNonceKey)
	verifier := s.sessions.PopString(ctx, oidcVerifierKey)
	q := r.URL.Query()
	if q.Get("error") != "" {
		return bpo.Identity{}, errSSO{"sso.error.provider"}
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1 {
		return bpo.Identity{}, errSSO{"sso.error.state"}
	}
	provider, conf, err := s.oidcClient(ctx)
	if err != nil {
		return bpo.Identity{}, err
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return bpo.Identity{}, errSSO{"sso.error.code"}
		}
		return bpo.Identity{}, fmt.Errorf("exchange the code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: conf.ClientID}).Verify(ctx, raw)
	if err != nil {
		return bpo.Identity{}, errSSO{"sso.error.token"}
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 || nonce == "" {
		return bpo.Identity{}, errSSO{"sso.error.token"}
	}
	var claims struct {
		Email    string `json:"email"`
		Verified *bool  `json:"email_verified"`
		Name     string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return bpo.Identity{}, errSSO{"sso.error.token"}
	}
	id := bpo.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: strings.ToLower(strings.TrimSpace(claims.Email)), Name: claims.Name}
	if id.Email == "" || claims.Verified == nil || !*claims.Verified {
		return id, errSSO{"sso.error.unverified"}
	}
	if !s.allowedDomain(id.Email) {
		return id, errSSO{"sso.error.domain"}
	}
	return id, nil
}

// allowedDomain reports whether email's domain may sign in; any may when
// no domain is listed.
func (s *Server) allowedDomain(email string) bool {
	if len(s.cfg.OIDCAllowedDomains) == 0 {
		return true
	}
	i := strings.LastIndexByte(email, '@')
	return i > 0 && slices.Contains(s.cfg.OIDCAllowedDomains, email[i+1:])
}

// ssoRefused shows the sign-in page with why single sign-on failed.
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.renderStatus(w, r, status, pages.Login(pages.LoginView{Error: msg, SSO: s.ssoName()}))
}

// ssoName is the provider's name for the sign-in page; "" when off.
func (s *Server) ssoName() string {
	if !s.cfg.OIDCEnabled() {
		return ""
	}
	return s.cfg.OIDCName
}
