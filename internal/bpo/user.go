package bpo

import (
	"context"
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// The roles, from least to most privileged.
const (
	RoleEvaluator Role = "evaluator" // scores the vendors of the evaluations they are assigned to
	RoleManager   Role = "manager"   // sets up vendors and evaluations, compares, decides, exports
	RoleAdmin     Role = "admin"     // manages user accounts; everything a manager can do
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleManager, RoleEvaluator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleManager || r == RoleEvaluator }

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// User is a person who signs in.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	Lang         string // saved interface language; "" means "from the browser"
	PasswordHash string // argon2id, PHC format
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DisabledAt   *time.Time // a disabled account cannot sign in; nil when enabled
}

// NewUser is what creating a user account takes.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	Password string
}

// Validate checks a new account; the password is checked for length only.
func (n *NewUser) Validate() error {
	var p Problems
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.Name = strings.TrimSpace(n.Name)
	if n.Email == "" {
		p.Add("email", "error.field.required")
	} else if !validEmail(n.Email) {
		p.Add("email", "error.field.email")
	}
	checkText(&p, "name", n.Name, 200, true, false)
	if !n.Role.Valid() {
		p.Add("role", "error.field.role")
	}
	if len([]rune(n.Password)) < MinPasswordLength {
		p.Add("password", "error.field.password_short", MinPasswordLength)
	}
	return p.Err()
}

// UserService manages accounts and sign-in.
type UserService interface {
	// CreateUser stores a new account with the given password hash. Returns
	// EINVALID when the e-mail address is already taken.
	CreateUser(ctx context.Context, n NewUser, passwordHash string) (*User, error)

	// FindUserByID returns ENOTFOUND if the user does not exist.
	FindUserByID(ctx context.Context, id int64) (*User, error)

	// FindUserByEmail looks the address up ignoring case; ENOTFOUND if absent.
	FindUserByEmail(ctx context.Context, email string) (*User, error)

	// FindUsers lists users by name.
	FindUsers(ctx context.Context) ([]*User, error)

	// SetUserLang saves the interface language of user id ("" to follow the browser).
	SetUserLang(ctx context.Context, id int64, lang string) error
}
