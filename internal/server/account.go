package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// maxPasswordLength bounds what is hashed: argon2 reads all of it.
const maxPasswordLength = 256

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	view, err := s.accountView(r, map[string]string{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.Account(*view))
}

// changePassword sets the caller's new password once they have given the
// current one, then ends their other sessions and API tokens. Guesses of
// the current password count as sign-in attempts, so a stolen session
// cannot be used to find it faster than the sign-in form could.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, u := r.Context(), bpo.UserFromContext(r.Context())
	addr := s.clientAddr(r)
	attempt, err := s.signIns.ReserveSignIn(ctx, u.Email, addr)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if attempt.Throttled() {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(attempt.RetryAfter)))
		s.Error(w, r, bpo.Errorf(bpo.ETHROTTLED, "login.throttled", (retrySeconds(attempt.RetryAfter)+59)/60))
		return
	}
	problems, err := s.checkNewPassword(r, form, u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if problems["current"] == "" {
		if err := s.signIns.ReleaseSignIn(ctx, u.Email, addr); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	if len(problems) > 0 {
		s.renderAccountForm(w, r, problems)
		return
	}
	hash, err := s.passwords.Hash(ctx, form.Get("password"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.accounts.ChangePassword(ctx, hash, s.sessions.Token(ctx)); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(ctx, "flash", "account.password_changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// checkNewPassword returns the form's problems by field: the current
// password wrong, the new one too short or too long, or not confirmed.
func (s *Server) checkNewPassword(r *http.Request, form url.Values, u *bpo.User) (map[string]string, error) {
	lang, get := s.lang(r), form.Get
	problems := map[string]string{}
	pw := get("password")
	if err := bpo.ValidatePassword("password", pw); err != nil {
		problems["password"] = s.fieldErrors(r, err)["password"]
	} else if len(pw) > maxPasswordLength {
		problems["password"] = i18n.T(lang, "error.field.too_long", maxPasswordLength)
	} else if get("confirm") != pw {
		problems["confirm"] = i18n.T(lang, "account.confirm_mismatch")
	}
	current := get("current")
	ok := false
	if len(current) <= maxPasswordLength {
		var err error
		if ok, err = s.passwords.Check(r.Context(), current, u.PasswordHash); err != nil {
			return nil, err
		}
	}
	if !ok {
		problems["current"] = i18n.T(lang, "account.current_wrong")
	}
	return problems, nil
}

func (s *Server) renderAccountForm(w http.ResponseWriter, r *http.Request, problems map[string]string) {
	view, err := s.accountView(r, problems)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.Account(*view))
}

// signOutEverywhere ends every session of the caller, this one included.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	if err := s.accounts.EndSessions(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	// The row is gone already; Destroy keeps the session manager from
	// writing it back at the end of the request, and clears the cookie.
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// accountView is the account page with the password form's problems; the
// passwords typed are never sent back.
func (s *Server) accountView(r *http.Request, problems map[string]string) (*pages.AccountView, error) {
	ctx, u, lang := r.Context(), bpo.UserFromContext(r.Context()), s.lang(r)
	list, err := s.accounts.FindSessions(ctx, s.sessions.Token(ctx))
	if err != nil {
		return nil, err
	}
	field := func(name, label string) components.Field {
		return components.Field{Name: name, Label: i18n.T(lang, label), Type: "password", Required: true, Error: problems[name]}
	}
	view := &pages.AccountView{Name: u.Name, Email: u.Email, Role: string(u.Role),
		Current: field("current", "account.current"), Password: field("password", "account.new_password"),
		Confirm: field("confirm", "account.confirm")}
	view.Password.Help = i18n.T(lang, "account.password_help", bpo.MinPasswordLength)
	if view.Mail.Reminders, err = s.outbox.Reminders(ctx); err != nil {
		return nil, err
	}
	for _, x := range list {
		view.Sessions = append(view.Sessions, pages.SessionRow{Created: i18n.DateTime(lang, x.CreatedAt),
			LastSeen: i18n.DateTime(lang, x.LastSeen), Expires: i18n.DateTime(lang, x.Expiry), Current: x.Current})
	}
	return view, nil
}
