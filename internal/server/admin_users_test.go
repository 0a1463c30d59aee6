package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestDisabledUserIsRefusedOnTheNextRequest disables an account from the
// admin page: its open session and its API token are refused on their
// very next request, and it cannot sign in until enabled again.
func TestDisabledUserIsRefusedOnTheNextRequest(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	_, secret := newToken(t, mgr, "cron")
	if res := bearer(a, "/api/v1/evaluations", secret); res.StatusCode != http.StatusOK {
		t.Fatalf("the token before: status %d", res.StatusCode)
	}
	u, err := a.users.FindUserByEmail(t.Context(), "mgr@example.test")
	if err != nil {
		t.Fatal(err)
	}
	admin := a.login(a.admin.Email)
	if res := admin.post("/admin/users/"+itoa(u.ID)+"/disable", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: status %d", res.StatusCode)
	}
	if res := mgr.get("/vendors"); !sentToLogin(res) {
		t.Errorf("the disabled user's session: status %d, want sent to sign in", res.StatusCode)
	}
	wantTokenRefused(t, bearer(a, "/api/v1/evaluations", secret))
	if res := a.anonymous().post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled user signing in: status %d, want 401", res.StatusCode)
	}
	list := admin.get("/admin/users").doc(t)
	if list.Find("[data-user-id=\""+itoa(u.ID)+"\"] [data-testid=user-disabled]").Length() != 1 {
		t.Error("the list does not show the account as disabled")
	}

	if res := admin.post("/admin/users/"+itoa(u.ID)+"/enable", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: status %d", res.StatusCode)
	}
	a.login("mgr@example.test")
	if res := bearer(a, "/api/v1/evaluations", secret); res.StatusCode != http.StatusOK {
		t.Errorf("the token once enabled again: status %d", res.StatusCode)
	}
	a.wantAudited(t, "disable")
	a.wantAudited(t, "enable")
}

// TestAdminManagesAccounts creates accounts with a password chosen or
// generated (shown once), changes a role and resets a password; an admin
// cannot demote or disable themselves, and managers get 403 everywhere.
func TestAdminManagesAccounts(t *testing.T) {
	a := newApp(t)
	admin := a.login(a.admin.Email)
	if admin.get("/").doc(t).Find("[data-testid=users-link]").Length() != 1 {
		t.Error("no link to the users page for an admin")
	}

	res := admin.post("/admin/users", url.Values{"email": {"ann@example.test"}, "name": {"Ann"}, "role": {"evaluator"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create with a generated password: status %d", res.StatusCode)
	}
	generated := res.doc(t).Find("[data-testid=issued-secret]").AttrOr("value", "")
	if len(generated) < bpo.MinPasswordLength || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("generated password %q, Cache-Control %q", generated, res.Header.Get("Cache-Control"))
	}
	if res := a.anonymous().post("/login", url.Values{"email": {"ann@example.test"}, "password": {generated}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the generated password: status %d", res.StatusCode)
	}
	if res := admin.get("/admin/users"); res.doc(t).Find("[data-testid=issued-secret]").Length() != 0 {
		t.Error("the generated password is shown again")
	}

	if res := admin.post("/admin/users", url.Values{"email": {"ANN@example.test"}, "name": {"Ann again"}, "role": {"evaluator"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a taken address: status %d, want 422", res.StatusCode)
	}
	res = admin.post("/admin/users", url.Values{"email": {"ann@example.test"}, "name": {"Ann again"}, "role": {"evaluator"}, "password": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a short password: status %d, want 422", res.StatusCode)
	} else if d := res.doc(t); d.Find("#email").AttrOr("value", "") != "ann@example.test" || d.Find("[aria-invalid=true]").Length() == 0 {
		t.Error("the refused form lost the input or does not say what is wrong")
	}
	if res := admin.post("/admin/users", url.Values{"email": {"bob@example.test"}, "name": {"Bob"}, "role": {"manager"}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create with a chosen password: status %d", res.StatusCode)
	}
	bob := a.login("bob@example.test")
	bobUser, _ := a.users.FindUserByEmail(t.Context(), "bob@example.test")
	if res := bob.get("/admin/users"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a manager on the users page: status %d, want 403", res.StatusCode)
	}

	if res := admin.post("/admin/users/"+itoa(bobUser.ID)+"/role", url.Values{"role": {"evaluator"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("set role: status %d", res.StatusCode)
	}
	if u, _ := a.users.FindUserByID(t.Context(), bobUser.ID); u.Role != bpo.RoleEvaluator {
		t.Errorf("role after the change: %s", u.Role)
	}
	if res := admin.post("/admin/users/"+itoa(bobUser.ID)+"/role", url.Values{"role": {"owner"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown role: status %d, want 422", res.StatusCode)
	}
	for _, action := range []string{"role", "disable"} {
		if res := admin.post("/admin/users/"+itoa(a.admin.ID)+"/"+action, url.Values{"role": {"evaluator"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("the admin's own account, %s: status %d, want 422", action, res.StatusCode)
		}
	}

	res = admin.post("/admin/users/"+itoa(bobUser.ID)+"/password", nil)
	reset := res.doc(t).Find("[data-testid=issued-secret]").AttrOr("value", "")
	if res.StatusCode != http.StatusOK || reset == "" {
		t.Fatalf("reset: status %d, password %q", res.StatusCode, reset)
	}
	if res := bob.get("/"); !sentToLogin(res) {
		t.Errorf("the reset account's session: status %d, want sent to sign in", res.StatusCode)
	}
	if res := a.anonymous().post("/login", url.Values{"email": {"bob@example.test"}, "password": {reset}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the reset password: status %d", res.StatusCode)
	}
	if res := admin.post("/admin/users/999999/disable", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("an account that does not exist: status %d, want 404", res.StatusCode)
	}
	for _, action := range []string{"create", "set_role", "reset_password"} {
		a.wantAudited(t, action)
	}
}
