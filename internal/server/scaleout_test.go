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
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// TestTwoInstancesServeOneUser runs a second instance of the application,
// with a connection pool of its own, on another port over the same
// database, as two instances behind a load balancer without sticky
// sessions. One browser goes back and forth between them: signed in on one,
// it is signed in on the other; signed out on one, it is out on both. The
// instances reach PostgreSQL directly, then through PgBouncer in
// transaction pooling mode, set up as the README prescribes.
func TestTwoInstancesServeOneUser(t *testing.T) {
	t.Run("Direct", func(t *testing.T) { twoInstancesServeOneUser(t, newApp(t)) })
	t.Run("PgBouncer", func(t *testing.T) { twoInstancesServeOneUser(t, newBouncedApp(t)) })
}

// newBouncedApp is an app reaching its database through PgBouncer in
// transaction pooling mode.
func newBouncedApp(t *testing.T) *app {
	t.Helper()
	bouncer := pgtest.StartPgBouncer(t)
	return newAppOn(t, bouncer.URL(pgtest.NewDB(t)), func(*config.Config) {})
}

func twoInstancesServeOneUser(t *testing.T, a *app) {
	second := a.secondInstance()

	a.user("eve@example.test", bpo.RoleEvaluator)
	c := a.anonymous() // one cookie jar: cookies are per host, not per port
	on := func(instance string) *client { return &client{a: c.a, http: c.http, base: instance} }
	first, other := on(a.srv.URL), on(second)

	if res := first.post("/login", url.Values{"email": {"eve@example.test"}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on the first instance: status %d", res.StatusCode)
	}
	for i, instance := range []*client{other, first, other, first} {
		res := instance.get("/")
		if res.StatusCode != http.StatusOK || text(res.doc(t), "[data-testid=whoami]") == "" {
			t.Fatalf("request %d, on %s: status %d, not signed in", i+1, instance.base, res.StatusCode)
		}
	}
	if res := other.post("/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on the second instance: status %d", res.StatusCode)
	}
	for _, instance := range []*client{first, other} {
		res := instance.get("/")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("after signing out, %s answers %d %q, want the sign-in page", instance.base, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// secondInstance starts another instance of the application over a's
// database, with a connection pool and a cache of its own, and returns its
// address.
func (a *app) secondInstance() string {
	a.t.Helper()
	db, err := postgres.Open(context.Background(), a.db.Pool.Config().ConnString())
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(db.Close)
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		a.t.Fatal(err)
	}
	second := httptest.NewServer(newHandler(db, cfg, a.log))
	a.t.Cleanup(second.Close)
	if a.srv.URL == second.URL {
		a.t.Fatal("both instances on one address")
	}
	return second.URL
}
