package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/postgres"
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
			// Host-only, for the whole site: no Domain that would hand it to
			// sibling subdomains.
			if ck.Domain != "" || ck.Path != "/" {
				t.Errorf("cookie Domain=%q Path=%q, want host-only and /", ck.Domain, ck.Path)
			}
			if len(ck.Value) < 32 {
				t.Errorf("session token %q is too short to be unguessable", ck.Value)
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

// TestSessionFixationTokenIsDeadAfterLogin plants a session before sign-in,
// as an attacker who set a victim's cookie would: after the victim signs
// in, the planted token must not carry their account.
func TestSessionFixationTokenIsDeadAfterLogin(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	victim := a.anonymous()
	victim.post("/preferences/lang", url.Values{"lang": {"en"}})
	planted := sessionCookie(victim)
	if planted == "" {
		t.Fatal("no anonymous session")
	}
	victim.post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}})

	attacker := a.anonymous()
	u, _ := url.Parse(a.srv.URL)
	attacker.http.Jar.SetCookies(u, []*http.Cookie{{Name: "bpoeval_session", Value: planted}})
	if res := attacker.get("/"); !sentToLogin(res) {
		t.Errorf("the planted token is signed in after the victim's sign-in: status %d", res.StatusCode)
	}
}

// TestSessionExpiresServerSide lets a session pass its expiry in the store,
// as two idle hours would: the cookie the browser still holds no longer
// signs anyone in. Every request moves the idle expiry, within bounds.
func TestSessionExpiresServerSide(t *testing.T) {
	a := newApp(t)
	for name, expire := range map[string]string{
		// The store refuses a session unused for the idle timeout, whatever
		// its cookie says; last_seen is what a request refreshes.
		"IdleForTwoHours": `UPDATE sessions SET last_seen = now() - interval '2 hours 1 second' WHERE token_hash = sha256(convert_to($1, 'UTF8'))`,
		// And any session past its absolute lifetime.
		"PastItsLifetime": `UPDATE sessions SET expiry = now() - interval '1 second' WHERE token_hash = sha256(convert_to($1, 'UTF8'))`,
	} {
		t.Run(name, func(t *testing.T) {
			c := a.signIn(strings.ToLower(name)+"@example.test", bpo.RoleManager)
			token := sessionCookie(c)
			if res := c.get("/"); res.StatusCode != http.StatusOK {
				t.Fatalf("dashboard: status %d", res.StatusCode)
			}
			var expiry time.Time
			if err := a.db.Pool.QueryRow(t.Context(), `SELECT expiry FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, token).Scan(&expiry); err != nil {
				t.Fatal(err)
			}
			if until := time.Until(expiry); until > 12*time.Hour+time.Minute {
				t.Errorf("stored expiry in %v, want at most the twelve-hour lifetime", until)
			}
			if _, err := a.db.Pool.Exec(t.Context(), expire, token); err != nil {
				t.Fatal(err)
			}
			if res := c.get("/vendors"); !sentToLogin(res) {
				t.Errorf("an expired session still signs in: status %d", res.StatusCode)
			}
			if res := c.post("/vendors", validVendorForm()); !sentToLogin(res) {
				t.Errorf("an expired session still writes: status %d", res.StatusCode)
			}
		})
	}
}

// TestLoginIsThrottledPerAddress guesses from one address across many
// accounts, as password spraying does: the address is throttled, and a
// forged X-Forwarded-For does not get round it, since only the connection's
// address counts.
func TestLoginIsThrottledPerAddress(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	// The first attempts are counted as the sign-in form would count
	// them, from the test client's address; the last ones go through it.
	signIns := postgres.NewSignInService(a.db)
	for i := range 28 {
		if _, err := signIns.ReserveSignIn(t.Context(), fmt.Sprintf("user%d@example.test", i), "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	c := a.anonymous()
	for i := range 2 {
		res := c.post("/login", url.Values{"email": {fmt.Sprintf("spray%d@example.test", i)}, "password": {"Winter2026!"}},
			"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", 29+i, res.StatusCode)
		}
	}
	res := c.post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}},
		"X-Forwarded-For", "203.0.113.77")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("after 30 failures from one address: status %d, Retry-After %q; want 429 with Retry-After",
			res.StatusCode, res.Header.Get("Retry-After"))
	}
}

// TestThrottlingSaysNothingAboutAccounts throttles an address that does
// not exist exactly as one that does, so the 429 cannot be used to find
// accounts.
func TestThrottlingSaysNothingAboutAccounts(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	messages := map[string]string{}
	for _, email := range []string{"mgr@example.test", "ghost@example.test"} {
		var last *response
		for range 6 {
			last = a.anonymous().post("/login", url.Values{"email": {email}, "password": {"guess guess guess"}})
		}
		if last.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s after 6 failures: status %d, want 429", email, last.StatusCode)
		}
		messages[email] = text(last.doc(t), "[data-testid=login-error]")
	}
	if messages["mgr@example.test"] != messages["ghost@example.test"] {
		t.Errorf("throttling tells accounts apart: %q vs %q", messages["mgr@example.test"], messages["ghost@example.test"])
	}
}

// TestLogoutClearsTheCookie checks that signing out also tells the browser
// to forget the cookie, and only answers POST.
func TestLogoutClearsTheCookie(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	if res := c.get("/logout"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: status %d, want 405 (a link or an image must not sign anyone out)", res.StatusCode)
	}
	res := c.post("/logout", nil)
	var cleared bool
	for _, ck := range res.Cookies() {
		if ck.Name == "bpoeval_session" && ck.Value == "" && ck.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("logout does not clear the session cookie: %v", res.Header.Values("Set-Cookie"))
	}
}

// TestLoginRefusesMalformedAddresses types into the e-mail field what no
// account can have: refused like any wrong address, never a fault.
func TestLoginRefusesMalformedAddresses(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	for name, email := range map[string]string{
		"InvalidUTF8": "mgr\xff@example.test",
		"NUL":         "mgr\x00@example.test",
		"Control":     "mgr\x1b@example.test",
		"Oversized":   randomText(20_000), // too varied to compress into an index entry
	} {
		t.Run(name, func(t *testing.T) {
			res := a.anonymous().post("/login", url.Values{"email": {email}, "password": {testPassword}})
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", res.StatusCode)
			}
			if msg := text(res.doc(t), "[data-testid=login-error]"); msg != "The e-mail address or the password is not right." {
				t.Errorf("message = %q", msg)
			}
		})
	}
}

// randomText is n letters and digits from a fixed seed.
func randomText(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	x := uint64(7331)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = alphabet[x%uint64(len(alphabet))]
	}
	return string(b)
}
