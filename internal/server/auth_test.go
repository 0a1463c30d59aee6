package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
)

func sessionCookie(c *client) string {
	u, _ := url.Parse(c.a.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "bpoeval_session" {
			return ck.Value
		}
	}
	return ""
}

func TestAnonymousIsSentToLoginAndBack(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	c := a.anonymous()

	res := c.get("/vendors?q=atlas")
	if got, want := res.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("Location = %q, want the login page", loc)
	}
	login := c.get(loc).doc(t)
	next, _ := login.Find(`input[name=next]`).Attr("value")
	if next != "/vendors?q=atlas" {
		t.Fatalf("next = %q", next)
	}
	res = c.post("/login", url.Values{"email": {"MGR@example.test"}, "password": {testPassword}, "next": {next}})
	if got := res.Header.Get("Location"); got != "/vendors?q=atlas" {
		t.Errorf("after sign-in Location = %q, want back to the vendor search", got)
	}
}

func TestLoginRefusesWrongCredentialsWithOneMessage(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	for name, form := range map[string]url.Values{
		"WrongPassword": {"email": {"mgr@example.test"}, "password": {"not the password"}},
		"UnknownEmail":  {"email": {"nobody@example.test"}, "password": {testPassword}},
	} {
		t.Run(name, func(t *testing.T) {
			res := a.anonymous().post("/login", form)
			if got, want := res.StatusCode, http.StatusUnauthorized; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			d := res.doc(t)
			if got, want := text(d, "[data-testid=login-error]"), "The e-mail address or the password is not right."; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
			if v, _ := d.Find("input[name=email]").Attr("value"); v != form.Get("email") {
				t.Errorf("the e-mail typed was not kept: %q", v)
			}
		})
	}
}

func TestLoginIsThrottledPerAccount(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	c := a.anonymous()
	for i := 0; i < 5; i++ {
		if res := c.post("/login", url.Values{"email": {"mgr@example.test"}, "password": {"guess"}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, res.StatusCode)
		}
	}
	// Even the right password is refused while throttled.
	res := a.anonymous().post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}})
	if got, want := res.StatusCode, http.StatusTooManyRequests; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if msg := text(res.doc(t), "[data-testid=login-error]"); !strings.Contains(msg, "Too many failed attempts") {
		t.Errorf("message = %q", msg)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After header")
	}
}

func TestSessionIsRenewedAtLoginAndDestroyedAtLogout(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	c := a.anonymous()
	// Switching language creates an anonymous session first.
	c.post("/preferences/lang", url.Values{"lang": {"fr"}})
	before := sessionCookie(c)
	if before == "" {
		t.Fatal("no anonymous session")
	}
	c.post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}})
	after := sessionCookie(c)
	if after == "" || after == before {
		t.Fatalf("session token not renewed at sign-in: %q → %q", before, after)
	}
	if res := c.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard status %d", res.StatusCode)
	}
	if got := text(c.get("/").doc(t), "h1"); !strings.HasPrefix(got, "Bonjour") {
		t.Errorf("language chosen before sign-in was lost: %q", got)
	}

	c.post("/logout", nil)
	// Replaying the old cookie must not work: the session is gone server-side.
	replay := a.anonymous()
	u, _ := url.Parse(a.srv.URL)
	replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "bpoeval_session", Value: after}})
	if res := replay.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("old session still works after logout: status %d", res.StatusCode)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for name, tc := range map[string]struct {
		secure bool
	}{"Loopback": {false}, "Secure": {true}} {
		t.Run(name, func(t *testing.T) {
			a := newAppWith(t, func(c *config.Config) { c.SecureCookies = tc.secure })
			a.user("mgr@example.test", bpo.RoleManager)
			res := a.anonymous().post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}})
			var ck *http.Cookie
			for _, c := range res.Cookies() {
				if c.Name == "bpoeval_session" {
					ck = c
				}
			}
			if ck == nil {
				t.Fatal("no session cookie")
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != tc.secure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Secure=%v", ck.HttpOnly, ck.SameSite, ck.Secure)
			}
		})
	}
}

func TestLanguageFollowsAccountThenBrowser(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	if got := text(c.get("/vendors", "Accept-Language", "fr-FR,fr;q=0.9").doc(t), "h1"); got != "Prestataires" {
		t.Errorf("with a French browser: h1 = %q", got)
	}
	c.post("/preferences/lang", url.Values{"lang": {"en"}})
	if got := text(c.get("/vendors", "Accept-Language", "fr-FR,fr;q=0.9").doc(t), "h1"); got != "Vendors" {
		t.Errorf("after choosing English: h1 = %q", got)
	}
	u, _ := a.users.FindUserByEmail(t.Context(), "mgr@example.test")
	if u.Lang != "en" {
		t.Errorf("saved language = %q", u.Lang)
	}
	if res := c.post("/preferences/lang", url.Values{"lang": {"de"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown language: status %d", res.StatusCode)
	}
}
