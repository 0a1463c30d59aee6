package server_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
)

// behindProxy is an app that believes X-Forwarded-For and -Proto from
// loopback, where the test client is: each request can then come from
// the address it says.
func behindProxy(t *testing.T, configure ...func(*config.Config)) *app {
	t.Helper()
	return newAppWith(t, func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		for _, f := range configure {
			f(c)
		}
	})
}

// TestParallelWrongPasswordsAreCountedBeforeChecking sends 40 wrong
// passwords for one account at once: each attempt is counted before its
// password is checked, so only the first few get a 401 and the rest 429.
func TestParallelWrongPasswordsAreCountedBeforeChecking(t *testing.T) {
	a := newApp(t)
	a.user("mgr@example.test", bpo.RoleManager)
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			res, err := send(t, a.anonymous(), request{method: http.MethodPost, path: "/login",
				body:   url.Values{"email": {"mgr@example.test"}, "password": {fmt.Sprintf("guess %d", i)}}.Encode(),
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("40 parallel wrong passwords: %v", statuses)
	if statuses[http.StatusUnauthorized] > bpo.MaxSignInsPerAccountAddr || statuses[http.StatusUnauthorized] == 0 ||
		statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 40 {
		t.Errorf("statuses %v, want at most %d × 401 and the rest 429", statuses, bpo.MaxSignInsPerAccountAddr)
	}
	if n := strings.Count(a.log.String(), `msg="sign-in failed"`); n != statuses[http.StatusUnauthorized] {
		t.Errorf("%d failed sign-ins logged, want %d", n, statuses[http.StatusUnauthorized])
	}
}

// login posts a sign-in from the address from, through the trusted proxy.
func (c *client) loginFrom(from, email, pw string) *response {
	c.a.t.Helper()
	return c.post("/login", url.Values{"email": {email}, "password": {pw}}, "X-Forwarded-For", from)
}

// TestLockedOutAccountStillSignsInFromACleanAddress guesses an account's
// password from many addresses until it is under back-off: the addresses
// that guessed are refused, even with the right password, but its owner,
// from an address that has not failed, signs in.
func TestLockedOutAccountStillSignsInFromACleanAddress(t *testing.T) {
	a := behindProxy(t)
	a.user("mgr@example.test", bpo.RoleManager)
	for i := range bpo.MaxSignInsPerAccountAddr {
		if res := a.anonymous().loginFrom("198.51.100.1", "mgr@example.test", fmt.Sprintf("guess %d", i)); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d", i, res.StatusCode)
		}
	}
	if res := a.anonymous().loginFrom("198.51.100.1", "mgr@example.test", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the guessing address with the right password: status %d, want 429", res.StatusCode)
	}
	for i := 2; i <= bpo.AccountBackoffAfter; i++ {
		a.anonymous().loginFrom(fmt.Sprintf("198.51.100.%d", i), "mgr@example.test", "one more guess")
	}
	res := a.anonymous().loginFrom("198.51.100.2", "mgr@example.test", testPassword)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("an address that guessed, under back-off: status %d, Retry-After %q; want 429 with Retry-After",
			res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := a.anonymous().loginFrom("203.0.113.50", "mgr@example.test", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the owner from a clean address: status %d, want 303 (signed in)", res.StatusCode)
	}
	// Behind an untrusted hop the forwarded address is not believed.
	direct := newApp(t)
	direct.user("mgr@example.test", bpo.RoleManager)
	for i := range bpo.MaxSignInsPerAccountAddr {
		direct.anonymous().loginFrom(fmt.Sprintf("198.51.100.%d", i), "mgr@example.test", "guess")
	}
	if res := direct.anonymous().loginFrom("203.0.113.50", "mgr@example.test", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For from a client that is no proxy: status %d, want 429 (its own address counts)", res.StatusCode)
	}
}

// TestCookiesBehindATLSProxy marks cookies Secure and sends HSTS when a
// trusted proxy says the browser came over HTTPS, even with Secure cookies
// configured off; the same header from anyone else changes nothing.
func TestCookiesBehindATLSProxy(t *testing.T) {
	insecure := func(c *config.Config) { c.SecureCookies = false }
	for name, tc := range map[string]struct {
		app    *app
		proto  string
		secure bool
	}{
		"TrustedProxyHTTPS":   {behindProxy(t, insecure), "https", true},
		"TrustedProxyHTTP":    {behindProxy(t, insecure), "http", false},
		"UntrustedClaimHTTPS": {newAppWith(t, insecure), "https", false},
	} {
		t.Run(name, func(t *testing.T) {
			tc.app.user("mgr@example.test", bpo.RoleManager)
			res := tc.app.anonymous().post("/login", url.Values{"email": {"mgr@example.test"}, "password": {testPassword}},
				"X-Forwarded-Proto", tc.proto)
			var ck *http.Cookie
			for _, c := range res.Cookies() {
				if c.Name == "bpoeval_session" {
					ck = c
				}
			}
			if ck == nil || ck.Secure != tc.secure || !ck.HttpOnly {
				t.Errorf("session cookie %v, want Secure=%v", ck, tc.secure)
			}
			if hsts := res.Header.Get("Strict-Transport-Security"); (hsts != "") != tc.secure || tc.secure && !strings.Contains(hsts, "max-age=") {
				t.Errorf("Strict-Transport-Security %q", hsts)
			}
		})
	}
}

// TestRandomMethodsLeaveTheSeriesCountUnchanged sends a thousand made-up
// methods, some huge or with control characters: they share one label, so
// /metrics keeps its size, and the log carries them escaped and cut.
func TestRandomMethodsLeaveTheSeriesCountUnchanged(t *testing.T) {
	a := newApp(t)
	c := a.anonymous()
	series := func() int {
		n := 0
		for _, line := range strings.Split(c.get("/metrics").body, "\n") {
			if strings.HasPrefix(line, "bpoeval_http_") {
				n++
			}
		}
		return n
	}
	odd := func(i int) string { return fmt.Sprintf("X%dY%s", i, randomText(i%7)) }
	for _, m := range []string{"BREW", "PROPFIND"} { // the label OTHER and its statuses exist from then on
		mustSend(t, c, request{method: m, path: "/"})
		mustSend(t, c, request{method: m, path: "/vendors"})
	}
	series() // /metrics's own series exist from then on
	before := series()
	for i := range 1000 {
		m := odd(i)
		if i%100 == 0 {
			m = strings.Repeat("Q", 60_000) // one huge method in a hundred
		}
		mustSend(t, c, request{method: m, path: []string{"/", "/vendors"}[i%2]})
	}
	if after := series(); after != before {
		t.Errorf("series after 1,000 made-up methods: %d, before %d", after, before)
	}
	log := a.log.String()
	if strings.Contains(log, strings.Repeat("Q", 1000)) {
		t.Error("a huge method was logged whole")
	}
	if !strings.Contains(log, "method=OTHER") {
		t.Error("made-up methods are not logged as OTHER")
	}
}
