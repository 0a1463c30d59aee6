package server

import (
	"net/http"
	"net/url"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// requireAdmin lets through to the user administration only those who may
// manage accounts; the account service checks again.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !bpo.CanManageUsers(bpo.UserFromContext(r.Context())) {
			s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) showAdminUsers(w http.ResponseWriter, r *http.Request) {
	view, err := s.adminUsersView(r, bpo.NewUser{}, nil, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.AdminUsers(*view))
}

// createUser creates an account with the password the admin typed, or
// with a generated one shown on the answer, once: like an API token's
// secret it is carried to no other request.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n := bpo.NewUser{Email: form.Get("email"), Name: form.Get("name"), Role: bpo.Role(form.Get("role")), Password: form.Get("password")}
	generated := n.Password == ""
	if generated {
		n.Password = password.Generate()
	}
	err = n.Validate()
	if err == nil && len(n.Password) > maxPasswordLength {
		var p bpo.Problems
		p.Add("password", "error.field.too_long", maxPasswordLength)
		err = p.Err()
	}
	var u *bpo.User
	if err == nil {
		var hash string
		if hash, err = s.passwords.Hash(r.Context(), n.Password); err == nil {
			u, err = s.accounts.CreateAccount(r.Context(), n, hash)
		}
	}
	if bpo.ErrorCode(err) == bpo.EINVALID {
		view, verr := s.adminUsersView(r, n, s.fieldErrors(r, err), nil)
		if verr != nil {
			s.Error(w, r, verr)
			return
		}
		view.Password.Value = ""
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.AdminUsers(*view))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !generated {
		s.sessions.Put(r.Context(), "flash", "admin.users.created")
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
		return
	}
	s.renderIssued(w, r, http.StatusCreated, u.Email, n.Password)
}

// renderIssued shows the user list with a password just generated.
func (s *Server) renderIssued(w http.ResponseWriter, r *http.Request, status int, email, pw string) {
	view, err := s.adminUsersView(r, bpo.NewUser{}, nil, &pages.IssuedPassword{Email: email, Password: pw})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderStatus(w, r, status, pages.AdminUsers(*view))
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) {
	s.adminAction(w, r, "admin.users.role_set", func(id int64, form url.Values) error {
		return s.accounts.SetRole(r.Context(), id, bpo.Role(form.Get("role")))
	})
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	s.adminAction(w, r, "admin.users.disabled", func(id int64, _ url.Values) error {
		return s.accounts.SetDisabled(r.Context(), id, true)
	})
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) {
	s.adminAction(w, r, "admin.users.enabled", func(id int64, _ url.Values) error {
		return s.accounts.SetDisabled(r.Context(), id, false)
	})
}

// adminAction runs one change on the account in the path and goes back to
// the list with a notice.
func (s *Server) adminAction(w http.ResponseWriter, r *http.Request, flash string, act func(int64, url.Values) error) {
	id, err := pathID(r, "accountID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := act(id, form); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", flash)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// resetUserPassword gives an account a generated password, shown once, and
// ends its sessions and tokens.
func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "accountID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.users.FindUserByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pw := password.Generate()
	hash, err := s.passwords.Hash(r.Context(), pw)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.accounts.ResetPassword(r.Context(), id, hash); err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderIssued(w, r, http.StatusOK, u.Email, pw)
}

// adminUsersView lists the accounts, with the create form as typed.
func (s *Server) adminUsersView(r *http.Request, n bpo.NewUser, problems map[string]string, issued *pages.IssuedPassword) (*pages.AdminUsersView, error) {
	list, err := s.accounts.FindAccounts(r.Context())
	if err != nil {
		return nil, err
	}
	lang, me := s.lang(r), bpo.UserFromContext(r.Context())
	view := &pages.AdminUsersView{Issued: issued,
		Email:    components.Field{Name: "email", Label: i18n.T(lang, "admin.users.email"), Value: n.Email, Type: "email", Required: true, Error: problems["email"]},
		Name:     components.Field{Name: "name", Label: i18n.T(lang, "admin.users.name"), Value: n.Name, Required: true, Max: 200, Error: problems["name"]},
		Role:     components.Field{Name: "role", Label: i18n.T(lang, "admin.users.role"), Value: string(n.Role), Required: true, Error: problems["role"]},
		Password: components.Field{Name: "password", Label: i18n.T(lang, "admin.users.password"), Type: "password", Error: problems["password"], Help: i18n.T(lang, "admin.users.password_help", bpo.MinPasswordLength)},
	}
	for _, role := range bpo.Roles {
		view.Roles = append(view.Roles, components.Option{Value: string(role), Label: i18n.T(lang, "role."+string(role))})
	}
	view.Role.Options = view.Roles
	for _, u := range list {
		row := pages.AdminUserRow{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role),
			Created: i18n.DateTime(lang, u.CreatedAt), Self: me != nil && me.ID == u.ID}
		if u.DisabledAt != nil {
			row.Disabled = i18n.DateTime(lang, *u.DisabledAt)
		}
		view.Rows = append(view.Rows, row)
	}
	return view, nil
}
