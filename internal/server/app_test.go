package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
	"github.com/bpoeval/bpoeval/internal/server"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// cheapHash keeps argon2id but with tiny costs, so tests that create many
// accounts stay fast; Check reads the parameters from the hash.
var cheapHash = password.Hash(testPassword, password.Params{Memory: 64, Time: 1, Threads: 1})

// app is a running server over a database of its own.
type app struct {
	t       *testing.T
	srv     *httptest.Server
	db      *postgres.DB
	users   *postgres.UserService
	vendors *postgres.VendorService
	log     *syncBuffer
	admin   *bpo.User

	evaluations  *postgres.EvaluationService
	criteria     *postgres.CriterionService
	participants *postgres.ParticipantService
	scorecards   *postgres.ScorecardService
	decisions    *postgres.DecisionService
}

// adminCtx is a context signed in as the app's administrator, for setting
// up data and checking what was stored.
func (a *app) adminCtx() context.Context {
	return bpo.NewContextWithUser(context.Background(), a.admin)
}

func newApp(t *testing.T) *app {
	t.Helper()
	return newAppWith(t, func(*config.Config) {})
}

func newAppWith(t *testing.T, configure func(*config.Config)) *app {
	t.Helper()
	return newAppOn(t, pgtest.NewDB(t), configure)
}

// newAppOn is an app over the database at databaseURL, already migrated:
// the fault tests give it a database on a cluster of their own.
func newAppOn(t *testing.T, databaseURL string, configure func(*config.Config)) *app {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	configure(&cfg)
	logs := &syncBuffer{}
	a := &app{t: t, db: db, users: postgres.NewUserService(db), vendors: postgres.NewVendorService(db), log: logs,
		evaluations: postgres.NewEvaluationService(db), criteria: postgres.NewCriterionService(db),
		participants: postgres.NewParticipantService(db), scorecards: postgres.NewScorecardService(db),
		decisions: postgres.NewDecisionService(db)}
	a.admin = a.user("admin@app.test", bpo.RoleAdmin)
	dumpLogOnFailure(a)
	a.srv = httptest.NewServer(newHandler(db, cfg, logs))
	t.Cleanup(a.srv.Close)
	return a
}

// newHandler is the whole application over db, put together as `bpoeval
// serve` does, logging to log.
func newHandler(db *postgres.DB, cfg config.Config, log io.Writer) http.Handler {
	return server.New(server.Deps{
		Config:        cfg,
		Logger:        slog.New(slog.NewTextHandler(log, nil)),
		Users:         postgres.NewUserService(db),
		Vendors:       postgres.NewVendorService(db),
		Evaluations:   postgres.NewEvaluationService(db),
		Criteria:      postgres.NewCriterionService(db),
		Participants:  postgres.NewParticipantService(db),
		Scorecards:    postgres.NewScorecardService(db),
		Decisions:     postgres.NewDecisionService(db),
		Audit:         postgres.NewAuditService(db),
		Tokens:        postgres.NewTokenService(db),
		Outbox:        postgres.NewOutboxService(db),
		Identities:    postgres.NewIdentityService(db),
		Imports:       postgres.NewVendorImportService(db),
		FigureImports: postgres.NewFigureImportService(db),
		Moderation:    postgres.NewModerationService(db),
		Pairwise:      postgres.NewPairwiseService(db),
		Contracts:     postgres.NewContractService(db),
		Assessments:   postgres.NewAssessmentService(db),
		SignIns:       postgres.NewSignInService(db),
		Accounts:      postgres.NewAccountService(db),
		Sessions:      postgres.NewSessionStore(db, server.SessionIdleTimeout, server.SessionCodec),
		Ping:          db.Ping,
		Unavailable:   postgres.Unavailable,
	}).Handler()
}

// demoServices are the app's services as the demo data set is loaded through them.
func (a *app) demoServices() demo.Services { return demo.PostgresServices(a.db) }

// syncBuffer collects the server's log lines from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// user creates an account with the given role.
func (a *app) user(email string, role bpo.Role) *bpo.User {
	a.t.Helper()
	u, err := a.users.CreateUser(context.Background(),
		bpo.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: testPassword}, cheapHash)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// vendor creates a vendor as an administrator.
func (a *app) vendor(in bpo.VendorInput) *bpo.Vendor {
	a.t.Helper()
	v, err := a.vendors.CreateVendor(a.adminCtx(), in)
	if err != nil {
		a.t.Fatal(err)
	}
	return v
}

// client is one browser: a cookie jar, no automatic redirects, talking to
// base, the app's server unless a test runs another instance.
type client struct {
	a    *app
	http *http.Client
	base string
}

func (a *app) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, base: a.srv.URL, http: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// signIn creates an account with role and returns a client signed in as it.
func (a *app) signIn(email string, role bpo.Role) *client {
	a.t.Helper()
	a.user(email, role)
	return a.login(email)
}

// login returns a new client signed in to an existing account.
func (a *app) login(email string) *client {
	a.t.Helper()
	c := a.anonymous()
	res := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign in as %s: status %d", email, res.StatusCode)
	}
	return c
}

// response is a finished request with its body read.
type response struct {
	*http.Response
	body string
}

func (r *response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (c *client) do(req *http.Request) *response {
	c.a.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.a.t.Fatal(err)
	}
	return &response{Response: res, body: string(b)}
}

func (c *client) get(path string, header ...string) *response {
	c.a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.a.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values, header ...string) *response {
	c.a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// text returns the trimmed text of the first element matching sel.
func text(d *goquery.Document, sel string) string {
	return strings.TrimSpace(d.Find(sel).First().Text())
}

func dumpLogOnFailure(a *app) {
	a.t.Cleanup(func() {
		if a.t.Failed() {
			a.t.Log(a.log.String())
		}
	})
}
