package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
)

// ssoApp is an app whose single sign-on points at a test provider. The
// app's server is started on a known address first, for the callback URL.
func ssoApp(t *testing.T, allowed ...string) (*app, *testOP) {
	t.Helper()
	op := startOP(t)
	a := newApp(t)
	ts := httptest.NewUnstartedServer(nil)
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCClientSecret = op.srv.URL, op.clientID, op.secret
	cfg.OIDCName, cfg.OIDCAllowedDomains, cfg.OIDCNewUserRole = "Test IdP", allowed, bpo.RoleEvaluator
	ts.Config.Handler = newHandler(a.db, cfg, a.log)
	ts.Start()
	t.Cleanup(ts.Close)
	a.srv = ts
	return a, op
}

// startSSO follows the sign-in page's link to the provider and returns the
// callback the provider redirects to.
func startSSO(t *testing.T, c *client) *url.URL {
	t.Helper()
	d := c.get("/login").doc(t)
	link, ok := d.Find(`[data-testid="sso-link"]`).Attr("href")
	if !ok || !strings.Contains(d.Find(`[data-testid="sso-link"]`).Text(), "Sign in with Test IdP") {
		t.Fatal("the sign-in page has no link to the identity provider")
	}
	return followSSO(t, c, link)
}

// followSSO starts a sign-in at link and returns the provider's callback.
func followSSO(t *testing.T, c *client, link string) *url.URL {
	t.Helper()
	res := c.get(link)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET %s: %d", link, res.StatusCode)
	}
	authorize := res.Header.Get("Location")
	q, _ := url.Parse(authorize)
	if q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("nonce") == "" || q.Query().Get("state") == "" {
		t.Fatalf("authorization request without PKCE, nonce or state: %s", authorize)
	}
	req, _ := http.NewRequest(http.MethodGet, authorize, nil)
	res = c.do(req)
	if res.StatusCode != http.StatusFound {
		t.Fatalf("provider: %d %s", res.StatusCode, res.body)
	}
	cb, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

// finish calls the app's callback with query.
func finish(c *client, cb *url.URL, query url.Values) *response {
	return c.get(cb.Path + "?" + query.Encode())
}

func TestSingleSignOn(t *testing.T) {
	a, op := ssoApp(t, "app.test")
	existing := a.user("dana@app.test", bpo.RoleManager)

	t.Run("a new account, then the same account by subject", func(t *testing.T) {
		op.signInAs(opUser{sub: "s-new", email: "Newcomer@App.test", name: "New Comer", verified: true})
		c := a.anonymous()
		res := c.get(startSSO(t, c).RequestURI())
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("callback: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
		}
		if res := c.get("/"); res.StatusCode != http.StatusOK {
			t.Fatalf("signed in? %d", res.StatusCode)
		}
		u, err := a.users.FindUserByEmail(context.Background(), "newcomer@app.test")
		if err != nil || u.Role != bpo.RoleEvaluator || u.Name != "New Comer" {
			t.Fatalf("new account: %+v %v", u, err)
		}
		// The provider now gives another address: the subject still finds the account.
		op.signInAs(opUser{sub: "s-new", email: "renamed@app.test", verified: true})
		c2 := a.anonymous()
		if res := c2.get(startSSO(t, c2).RequestURI()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", res.StatusCode)
		}
		if _, err := a.users.FindUserByEmail(context.Background(), "renamed@app.test"); bpo.ErrorCode(err) != bpo.ENOTFOUND {
			t.Errorf("a second account was made: %v", err)
		}
	})

	t.Run("linked by verified e-mail", func(t *testing.T) {
		op.signInAs(opUser{sub: "s-dana", email: "dana@app.test", verified: true})
		c := a.anonymous()
		cb := startSSO(t, c)
		if res := c.get(cb.RequestURI()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("callback: %d", res.StatusCode)
		}
		if res := c.get("/vendors/new"); res.StatusCode != http.StatusOK {
			t.Errorf("the linked manager account is not the one signed in: %d", res.StatusCode)
		}
		_ = existing

		// The code once more, with a fresh state of the same browser: the
		// provider refuses it and the app says so.
		cb2 := followSSO(t, c, "/login/oidc")
		q := cb2.Query()
		q.Set("code", cb.Query().Get("code"))
		res := finish(c, cb2, q)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, "already used") {
			t.Errorf("replayed code: %d\n%s", res.StatusCode, res.body)
		}
	})

	// Each refusal below counts against the client's throttle: a fresh app each.
	t.Run("wrong state", func(t *testing.T) {
		a, op := ssoApp(t, "app.test")
		op.signInAs(opUser{sub: "s-dana", email: "dana@app.test", verified: true})
		c := a.anonymous()
		cb := startSSO(t, c)
		q := cb.Query()
		q.Set("state", "forged")
		res := finish(c, cb, q)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, "was not started here") {
			t.Errorf("wrong state: %d\n%s", res.StatusCode, res.body)
		}
		// The state was used up: the genuine callback after it fails too.
		if res := c.get(cb.RequestURI()); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("the state served twice: %d", res.StatusCode)
		}
		if res := c.get("/"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("signed in after a wrong state: %d", res.StatusCode)
		}
		// A callback in a browser that never started one.
		if res := a.anonymous().get(cb.RequestURI()); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("callback without a session: %d", res.StatusCode)
		}
	})

	for _, tc := range []struct {
		name, email, want string
		verified          bool
	}{
		{"a domain not allowed", "eve@elsewhere.test", "e-mail domain cannot sign in", true},
		{"an unverified e-mail", "unverified@app.test", "has not verified your e-mail", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, op := ssoApp(t, "app.test")
			op.signInAs(opUser{sub: "s-" + tc.email, email: tc.email, verified: tc.verified})
			c := a.anonymous()
			res := c.get(startSSO(t, c).RequestURI())
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, tc.want) {
				t.Errorf("%d\n%s", res.StatusCode, res.body)
			}
			if _, err := a.users.FindUserByEmail(context.Background(), tc.email); bpo.ErrorCode(err) != bpo.ENOTFOUND {
				t.Errorf("an account was made: %v", err)
			}
		})
	}
}

// TestSingleSignOnThrottled: failed callbacks count against the sign-in
// throttle; once a client has failed too often, even a good callback is
// refused before anything is checked.
func TestSingleSignOnThrottled(t *testing.T) {
	a, op := ssoApp(t)
	op.signInAs(opUser{sub: "s-t", email: "t@app.test", verified: true})
	// Failed callbacks from one address: a wrong state each time.
	for i := range bpo.MaxSignInsPerAccountAddr {
		c := a.anonymous()
		cb := startSSO(t, c)
		q := cb.Query()
		q.Set("state", "forged")
		if res := finish(c, cb, q); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, res.StatusCode)
		}
	}
	c := a.anonymous()
	res := c.get(startSSO(t, c).RequestURI())
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("throttled callback: %d", res.StatusCode)
	}
}

// TestSingleSignOnOff: without an issuer the routes are not found and the
// sign-in page has no link.
func TestSingleSignOnOff(t *testing.T) {
	a := newApp(t)
	c := a.anonymous()
	if c.get("/login").doc(t).Find(`[data-testid="sso-link"]`).Length() != 0 {
		t.Error("a link to a provider that is not set up")
	}
	for _, p := range []string{"/login/oidc", "/login/oidc/callback?code=x&state=y"} {
		if res := c.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

// TestSingleSignOnDisabled: a disabled account is refused, linked or not.
func TestSingleSignOnDisabled(t *testing.T) {
	a, op := ssoApp(t)
	u := a.user("gone@app.test", bpo.RoleEvaluator)
	if _, err := a.db.Pool.Exec(context.Background(), `UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	op.signInAs(opUser{sub: "s-gone", email: "gone@app.test", verified: true})
	c := a.anonymous()
	res := c.get(startSSO(t, c).RequestURI())
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, "This account is disabled") {
		t.Errorf("disabled account: %d\n%s", res.StatusCode, res.body)
	}
	if res := c.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed in as a disabled account: %d", res.StatusCode)
	}
}
