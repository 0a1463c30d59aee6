package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

const newPassword = "a brand new passphrase"

// TestPasswordChangeEndsTheOtherSessions changes a password from one of
// two browsers: the other is signed out on its next request and the
// user's API tokens stop, while this browser stays signed in; the old
// password no longer signs in and the new one does.
func TestPasswordChangeEndsTheOtherSessions(t *testing.T) {
	a := newApp(t)
	here := a.signIn("mgr@example.test", bpo.RoleManager)
	there := a.login("mgr@example.test")
	_, secret := newToken(t, here, "cron")

	sessions := here.get("/account").doc(t)
	if n := sessions.Find("[data-testid=session-row]").Length(); n != 2 {
		t.Errorf("the account page lists %d sessions, want 2", n)
	}
	if n := sessions.Find("[data-testid=session-current]").Length(); n != 1 {
		t.Errorf("%d sessions marked as this one, want 1", n)
	}

	for name, form := range map[string]url.Values{
		"WrongCurrent": {"current": {"not my password"}, "password": {newPassword}, "confirm": {newPassword}},
		"TooShort":     {"current": {testPassword}, "password": {"short"}, "confirm": {"short"}},
		"NotConfirmed": {"current": {testPassword}, "password": {newPassword}, "confirm": {newPassword + "!"}},
	} {
		t.Run(name, func(t *testing.T) {
			res := here.post("/account/password", form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			d := res.doc(t)
			if d.Find("[aria-invalid=true]").Length() == 0 {
				t.Error("no field says what is wrong")
			}
			if strings.Contains(res.body, newPassword) {
				t.Error("a password typed was sent back")
			}
		})
	}
	if res := there.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("a refused change ended the other session: status %d", res.StatusCode)
	}

	res := here.post("/account/password", url.Values{"current": {testPassword}, "password": {newPassword}, "confirm": {newPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Fatalf("change: status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := there.get("/"); !sentToLogin(res) {
		t.Errorf("the other session after the change: status %d, want sent to sign in", res.StatusCode)
	}
	if res := here.get("/account"); res.StatusCode != http.StatusOK || !strings.Contains(text(res.doc(t), "[data-testid=flash]"), "changed") {
		t.Errorf("this session after the change: status %d", res.StatusCode)
	}
	wantTokenRefused(t, bearer(a, "/api/v1/evaluations", secret))
	if res := a.anonymous().post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password: status %d, want 401", res.StatusCode)
	}
	if res := a.anonymous().post("/login", url.Values{"email": {"mgr@example.test"}, "password": {newPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the new password: status %d, want 303", res.StatusCode)
	}
	a.wantAudited(t, "change_password")
}

// TestSignOutEverywhere ends every session of the user, this one too.
func TestSignOutEverywhere(t *testing.T) {
	a := newApp(t)
	here := a.signIn("eve@example.test", bpo.RoleEvaluator)
	there := a.login("eve@example.test")
	res := here.post("/account/sessions/end", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	for name, c := range map[string]*client{"Here": here, "There": there} {
		if res := c.get("/"); !sentToLogin(res) {
			t.Errorf("%s: status %d, want sent to sign in", name, res.StatusCode)
		}
	}
	a.wantAudited(t, "sign_out_everywhere")
}

// wantAudited checks that the audit log has an event of the user entity
// with action.
func (a *app) wantAudited(t *testing.T, action string) {
	t.Helper()
	var n int
	if err := a.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_events WHERE entity = 'user' AND action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Errorf("no %s event in the audit log", action)
	}
}
