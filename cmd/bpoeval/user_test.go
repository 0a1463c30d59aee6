package main

import (
	"context"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// TestUserDisableAndSetPassword disables and enables an account and sets
// its password from the command line, and refuses unknown accounts and
// short passwords with a usage error.
func TestUserDisableAndSetPassword(t *testing.T) {
	url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	if _, _, err := exec(t, env, "a long enough password\n", "user", "add", "--email", "ana@example.test", "--name", "Ana", "--role", "manager"); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users := postgres.NewUserService(db)
	find := func() (disabled bool, hash string) {
		u, err := users.FindUserByEmail(context.Background(), "ana@example.test")
		if err != nil {
			t.Fatal(err)
		}
		return u.DisabledAt != nil, u.PasswordHash
	}

	out, _, err := exec(t, env, "", "user", "disable", "--email", "ANA@example.test")
	if d, _ := find(); err != nil || !d || !strings.Contains(out, "is disabled") {
		t.Errorf("disable: %q %v, disabled %v", out, err, d)
	}
	out, _, err = exec(t, env, "", "user", "disable", "--enable", "--email", "ana@example.test")
	if d, _ := find(); err != nil || d || !strings.Contains(out, "is enabled") {
		t.Errorf("enable: %q %v, disabled %v", out, err, d)
	}

	if _, _, err = exec(t, env, "another long password\n", "user", "set-password", "--email", "ana@example.test"); err != nil {
		t.Fatal(err)
	}
	if _, hash := find(); !check(t, "another long password", hash) {
		t.Error("the password typed was not set")
	}
	out, _, err = exec(t, env, "", "user", "set-password", "--email", "ana@example.test")
	generated, _ := strings.CutPrefix(strings.TrimSpace(out[strings.LastIndex(out, "password: "):]), "password: ")
	if _, hash := find(); err != nil || generated == "" || !check(t, generated, hash) {
		t.Errorf("generated password: %q %v", out, err)
	}

	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"UnknownAccount": {"", []string{"disable", "--email", "nobody@example.test"}, "no account"},
		"NoEmail":        {"", []string{"set-password"}, "--email is required"},
		"ShortPassword":  {"short\n", []string{"set-password", "--email", "ana@example.test"}, "At least 12 characters"},
		"UnknownCommand": {"", []string{"remove", "--email", "ana@example.test"}, "usage:"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := exec(t, env, tc.stdin, append([]string{"user"}, tc.args...)...)
			if exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want exit 2 mentioning %q", err, tc.want)
			}
		})
	}
}

func check(t *testing.T, pw, hash string) bool {
	t.Helper()
	ok, err := password.Check(pw, hash)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
