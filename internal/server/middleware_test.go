package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
)

func TestOversizedBodyIsRefused(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	res := c.post("/login", url.Values{"email": {strings.Repeat("a", 1<<20)}})
	if got, want := res.StatusCode, http.StatusRequestEntityTooLarge; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
}

func TestHealthz(t *testing.T) {
	a := newApp(t)
	res := a.anonymous().get("/healthz")
	if res.StatusCode != http.StatusOK || res.body != "ok" {
		t.Errorf("healthy: %d %q", res.StatusCode, res.body)
	}
	a.db.Close()
	if res := a.anonymous().get("/healthz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("database away: status %d, want 503", res.StatusCode)
	}
	// Pages say the database is away, not "internal error".
	res = a.anonymous().get("/login")
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("login page with the database away: status %d", res.StatusCode)
	}
}

func TestPagesAnswer503WhileTheDatabaseIsAway(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	a.db.Close()
	res := c.get("/vendors")
	if got, want := res.StatusCode, http.StatusServiceUnavailable; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if msg := text(res.doc(t), "[data-testid=error] p"); !strings.Contains(msg, "nothing you saved has been lost") {
		t.Errorf("message = %q", msg)
	}
}

func TestMetrics(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	v := a.vendor(bpo.VendorInput{Name: "Atlas", Country: "MA"})
	c.get("/vendors/" + itoa(v.ID))
	res := c.get("/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("loopback: status %d", res.StatusCode)
	}
	if !strings.Contains(res.body, `route="/vendors/{vendorID}"`) {
		t.Error("requests are not labelled by route pattern")
	}
	if strings.Contains(res.body, `/vendors/`+itoa(v.ID)) {
		t.Error("a raw path with an id leaked into the labels")
	}
	if res := c.get("/metrics", "X-Forwarded-For", "203.0.113.9"); res.StatusCode != http.StatusNotFound {
		t.Errorf("through a proxy: status %d, want 404", res.StatusCode)
	}
	open := newAppWith(t, func(c *config.Config) { c.MetricsPublic = true })
	if res := open.anonymous().get("/metrics", "X-Forwarded-For", "203.0.113.9"); res.StatusCode != http.StatusOK {
		t.Errorf("public metrics through a proxy: status %d", res.StatusCode)
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	a := newApp(t)
	c := a.anonymous()
	d := c.get("/login").doc(t)
	var urls []string
	d.Find(`link[rel=stylesheet], script[src]`).Each(func(_ int, s *goquery.Selection) {
		if u, ok := s.Attr("href"); ok {
			urls = append(urls, u)
		}
		if u, ok := s.Attr("src"); ok {
			urls = append(urls, u)
		}
	})
	if len(urls) != 4 {
		t.Fatalf("assets = %q, want pico, app.css, htmx and the forms script", urls)
	}
	for _, u := range urls {
		if !regexp.MustCompile(`^/static/.+\.[0-9a-f]{10}\.(css|js)$`).MatchString(u) {
			t.Errorf("%s is not content-hashed", u)
		}
		res := c.get(u)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: status %d, Cache-Control %q", u, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	if res := c.get("/static/css/app.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unhashed asset: status %d, want 404", res.StatusCode)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestRequestLogNamesTheSignedInUser(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	u, err := a.users.FindUserByEmail(context.Background(), "mgr@example.test")
	if err != nil {
		t.Fatal(err)
	}
	c.get("/vendors")
	line := regexp.MustCompile(`(?m)^.*route=/vendors .*$`).FindString(a.log.String())
	if !strings.Contains(line, " user="+itoa(u.ID)) {
		t.Errorf("request log line = %q, want the user's id", line)
	}
}

// TestMetricsOnlyOnLoopback asks for /metrics from the connection addresses
// a server sees, on loopback and not: only loopback gets them, unless
// they are configured public. A proxy on loopback relays remote clients.
func TestMetricsOnlyOnLoopback(t *testing.T) {
	apps := map[bool]*app{
		false: newApp(t),
		true:  newAppWith(t, func(c *config.Config) { c.MetricsPublic = true }),
	}
	for name, tc := range map[string]struct {
		remote, forwarded string
		public            bool
		want              int
	}{
		"IPv4Loopback":          {"127.0.0.1:40000", "", false, http.StatusOK},
		"IPv6Loopback":          {"[::1]:40000", "", false, http.StatusOK},
		"OtherLoopbackAddress":  {"127.8.9.10:40000", "", false, http.StatusOK},
		"PrivateNetwork":        {"10.1.2.3:40000", "", false, http.StatusNotFound},
		"PublicIPv4":            {"203.0.113.9:40000", "", false, http.StatusNotFound},
		"PublicIPv6":            {"[2001:db8::7]:40000", "", false, http.StatusNotFound},
		"IPv4MappedPublic":      {"[::ffff:203.0.113.9]:40000", "", false, http.StatusNotFound},
		"UnspecifiedAddress":    {"0.0.0.0:40000", "", false, http.StatusNotFound},
		"Unparsable":            {"somewhere", "", false, http.StatusNotFound},
		"ProxiedFromLoopback":   {"127.0.0.1:40000", "203.0.113.9", false, http.StatusNotFound},
		"PublicWhenConfigured":  {"203.0.113.9:40000", "", true, http.StatusOK},
		"ProxiedWhenConfigured": {"127.0.0.1:40000", "203.0.113.9", true, http.StatusOK},
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				req.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			rec := httptest.NewRecorder()
			apps[tc.public].srv.Config.Handler.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
			if rec.Code == http.StatusOK && !strings.Contains(rec.Body.String(), "# TYPE") {
				t.Errorf("no metrics in the answer")
			}
		})
	}
}
