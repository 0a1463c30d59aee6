package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// tokenOrSession signs an API request in by personal token when it carries
// an Authorization header, ignoring any session cookie, and by session
// otherwise. Either way the user lands in the context where every
// authorization rule looks for it, so a token can do exactly what its owner
// can. The session is not even loaded for a token request: scripts have no
// use for cookies.
func (s *Server) tokenOrSession(next http.Handler) http.Handler {
	bySession := s.loadSession(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Values("Authorization")
		if len(header) == 0 {
			bySession.ServeHTTP(w, r)
			return
		}
		secret, ok := bearerSecret(header)
		if !ok {
			s.refuseToken(w, r)
			return
		}
		r = withRevisionRead(r)
		u, tokenID, err := s.tokens.AuthenticateToken(r.Context(), secret)
		if bpo.ErrorCode(err) == bpo.EUNAUTHORIZED {
			s.refuseToken(w, r)
			return
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		logAttrs(r.Context(), slog.Int64("user", u.ID), slog.Int64("token", tokenID))
		ctx := bpo.NewContextWithUser(r.Context(), u)
		ctx = context.WithValue(ctx, langKey, userLang(u, "", r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerSecret reads `Bearer <secret>` (RFC 6750; the scheme is
// case-insensitive). Several Authorization headers are refused rather than
// guessed between.
func bearerSecret(header []string) (string, bool) {
	if len(header) != 1 {
		return "", false
	}
	scheme, secret, _ := strings.Cut(header[0], " ")
	secret = strings.TrimLeft(secret, " ")
	if !strings.EqualFold(scheme, "Bearer") || secret == "" || strings.ContainsAny(secret, " \t") {
		return "", false
	}
	return secret, true
}

// refuseToken answers 401 with the challenge RFC 6750 asks for, so that a
// client knows to get a new token rather than retry.
func (s *Server) refuseToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	s.Error(w, r, bpo.Errorf(bpo.EUNAUTHORIZED, "error.token.invalid"))
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request) {
	view, err := s.tokenListView(r, components.Field{}, components.Field{}, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.TokenList(*view))
}

// createToken shows the new secret on the page that answers the form,
// instead of redirecting: carrying it over to another request would mean
// storing it, in the session at least, and it must exist nowhere but here.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name, lifetime := components.Field{Value: form.Get("name")}, components.Field{Value: form.Get("lifetime")}
	days, _ := strconv.Atoi(lifetime.Value)
	if lifetime.Value == "" {
		days = int(bpo.DefaultTokenLifetime / (24 * time.Hour))
	}
	tok, secret, err := s.tokens.CreateToken(r.Context(), name.Value, time.Duration(days)*24*time.Hour)
	if bpo.ErrorCode(err) == bpo.EINVALID {
		errs := s.fieldErrors(r, err)
		name.Error, lifetime.Error = errs["name"], errs["lifetime"]
		view, err := s.tokenListView(r, name, lifetime, nil)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.TokenList(*view))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view, err := s.tokenListView(r, components.Field{}, components.Field{}, &pages.NewToken{ID: tok.ID, Name: tok.Name, Secret: secret})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderStatus(w, r, http.StatusCreated, pages.TokenList(*view))
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "tokenID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.tokens.RevokeToken(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "token.revoked")
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}

// tokenListView lists the user's tokens, with the create form as typed and
// the token just created, if any.
func (s *Server) tokenListView(r *http.Request, name, lifetime components.Field, created *pages.NewToken) (*pages.TokenListView, error) {
	list, err := s.tokens.FindTokens(r.Context())
	if err != nil {
		return nil, err
	}
	lang := s.lang(r)
	name.Name, name.Label, name.Required, name.Max = "name", i18n.T(lang, "token.name"), true, bpo.TokenNameMax
	name.Help = i18n.T(lang, "token.name_help")
	view := &pages.TokenListView{Name: name, Lifetime: lifetimeField(lang, lifetime), Created: created}
	now := s.now()
	for _, t := range list {
		row := pages.TokenRow{ID: t.ID, Name: t.Name, Prefix: bpo.TokenPrefix + t.Prefix + "…",
			Created: i18n.DateTime(lang, t.CreatedAt), LastUsed: i18n.T(lang, "token.never_used"),
			Expires: i18n.DateTime(lang, t.ExpiresAt), Expired: !now.Before(t.ExpiresAt)}
		if t.LastUsedAt != nil {
			row.LastUsed = i18n.DateTime(lang, *t.LastUsedAt)
		}
		if t.RevokedAt != nil {
			row.Revoked = i18n.DateTime(lang, *t.RevokedAt)
		}
		view.Rows = append(view.Rows, row)
	}
	return view, nil
}

// lifetimeField is the choice of a new token's lifetime, in days; the
// default is selected until the user picks another.
func lifetimeField(lang i18n.Lang, f components.Field) components.Field {
	f.Name, f.Label, f.Required = "lifetime", i18n.T(lang, "token.lifetime"), true
	if f.Value == "" {
		f.Value = strconv.Itoa(int(bpo.DefaultTokenLifetime / (24 * time.Hour)))
	}
	for _, d := range bpo.TokenLifetimes {
		days := int(d / (24 * time.Hour))
		f.Options = append(f.Options, components.Option{Value: strconv.Itoa(days), Label: i18n.T(lang, "token.days", days)})
	}
	return f
}
