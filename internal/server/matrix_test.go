package server_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/web/static"
)

// The authorization matrix: every route of the router, found by walking it,
// against every kind of caller. A route that the table below does not
// mention fails the test, so a new route cannot ship without someone
// deciding who may use it.
//
// To add a route, add one line to routeTable: its key is the method and
// the chi pattern, as routes.go declares them; want says what each kind of
// caller gets; an unsafe route also gives a valid form, whose {placeholders}
// (and those of the path and query) name the objects of a fresh fixture,
// see matrixFixture.value.

// role is a kind of caller.
type role string

const (
	anonymous role = "anonymous"
	outsider  role = "evaluator not assigned" // an evaluator, not assigned to the evaluation
	owner     role = "evaluator assigned"     // assigned; owns the scorecards the requests name
	colleague role = "other evaluator"        // assigned too, but the objects named are the owner's
	manager   role = "manager"
	admin     role = "admin"
)

var roles = []role{anonymous, outsider, owner, colleague, manager, admin}

// toLogin is the outcome of an anonymous request to a page that needs a
// user: 303 to the sign-in page, or 401 for htmx and the JSON API.
const toLogin = -1

// outcome is the status each role gets.
type outcome map[role]int

// public routes answer everybody alike.
func public(status int) outcome {
	o := outcome{}
	for _, r := range roles {
		o[r] = status
	}
	return o
}

// signedIn routes send anonymous callers to sign in.
func signedIn(status int) outcome { return public(status).but(toLogin, anonymous) }

// admins routes refuse everyone signed in but admins.
func admins(status int) outcome { return signedIn(http.StatusForbidden).but(status, admin) }

// managers routes refuse evaluators, whether assigned or not.
func managers(status int) outcome {
	return signedIn(http.StatusForbidden).but(status, manager, admin)
}

// but returns o with rs getting status instead.
func (o outcome) but(status int, rs ...role) outcome {
	out := outcome{}
	for r, s := range o {
		out[r] = s
	}
	for _, r := range rs {
		out[r] = status
	}
	return out
}

// evalState is the state of the fixture's evaluation a request is made on.
type evalState string

const (
	stateOpen   evalState = "open" // the default
	stateDraft  evalState = "draft"
	stateClosed evalState = "closed"
	// stateDecided is closed with a decision recorded on it.
	stateDecided evalState = "decided"
)

// routeCase is one row of the matrix.
type routeCase struct {
	want  outcome
	query string    // appended to the path, with placeholders
	form  string    // the body of an unsafe request: a valid form, with placeholders
	state evalState // the state of the evaluation named; open when empty
	htmx  bool      // sent as htmx sends it (the page posts it so)
	// pending marks a route being built on another branch, not routed yet.
	// Once routed, the test fails until someone checks the row and drops
	// the mark.
	pending bool
}

// routeTable says who may use each route. Keys are "METHOD pattern", or
// "* pattern" for a route that answers every method.
var routeTable = map[string]routeCase{
	"GET /healthz":     {want: public(200)},
	"GET /metrics":     {want: public(200)}, // the test client is on loopback: see TestMetricsOnlyOnLoopback
	"* /static/*":      {want: public(200)},
	"GET /favicon.ico": {want: public(301)},
	"GET /login":       {want: public(303).but(200, anonymous)},
	"POST /login":      {want: public(401), form: "email={unique}%40example.test&password=not+the+password"},
	"POST /logout":     {want: public(303)},
	// Single sign-on is off in the matrix's app: see TestSingleSignOn.
	"GET /login/oidc":          {want: public(404)},
	"GET /login/oidc/callback": {want: public(404)},
	"POST /preferences/lang":   {want: public(303), form: "lang=fr"},

	"GET /":                              {want: signedIn(200)},
	"GET /vendors":                       {want: signedIn(200)},
	"GET /vendors.csv":                   {want: signedIn(200)},
	"GET /vendors/new":                   {want: managers(200)},
	"POST /vendors":                      {want: managers(303), form: "name={unique}&country=MA"},
	"GET /vendors/{vendorID}":            {want: signedIn(200)},
	"GET /vendors/{vendorID}/edit":       {want: managers(200)},
	"POST /vendors/{vendorID}":           {want: managers(303), form: "name={unique}&country=MA&version={vendorVersion}"},
	"POST /vendors/{vendorID}/archive":   {want: managers(303), form: "version={vendorVersion}"},
	"POST /vendors/{vendorID}/unarchive": {want: managers(303), form: "version={vendorVersion}"},

	"GET /evaluations":                                               {want: signedIn(200)},
	"GET /evaluations/new":                                           {want: managers(200)},
	"POST /evaluations":                                              {want: managers(303), form: "title={unique}&scale_min=1&scale_max=5&aggregation=mean&award_threshold=60&close_call_margin=3&justification=extremes"},
	"GET /evaluations/{evaluationID}":                                {want: signedIn(200).but(404, outsider)},
	"GET /evaluations/{evaluationID}/edit":                           {want: managers(200)},
	"POST /evaluations/{evaluationID}":                               {want: managers(303), form: "title={unique}&scope=Inbound+calls&justification=extremes&version={evaluationVersion}"},
	"GET /evaluations/{evaluationID}/status/confirm":                 {want: managers(200), query: "status=closed&version={evaluationVersion}"},
	"POST /evaluations/{evaluationID}/status":                        {want: managers(303), form: "status=closed&version={evaluationVersion}"},
	"GET /evaluations/{evaluationID}/delete/confirm":                 {want: managers(200), query: "version={evaluationVersion}", state: stateDraft},
	"POST /evaluations/{evaluationID}/delete":                        {want: managers(303), form: "version={evaluationVersion}", state: stateDraft},
	"POST /evaluations/{evaluationID}/decision":                      {want: managers(303), form: "vendor={vendorID}&rationale=Best+value&departure_reason=Figures+missing&version={evaluationVersion}", state: stateClosed},
	"POST /evaluations/{evaluationID}/decision/confirm":              {want: managers(200), form: "vendor={vendorID}&rationale=Best+value&departure_reason=Figures+missing&version={evaluationVersion}", state: stateClosed},
	"POST /evaluations/{evaluationID}/participants":                  {want: managers(303), form: "vendor={spareVendorID}"},
	"POST /evaluations/{evaluationID}/participants/{vendorID}/stage": {want: managers(303), form: "stage=shortlisted&reason=&version={participantVersion}"},
	"POST /evaluations/{evaluationID}/evaluators":                    {want: managers(303), form: "user={outsiderID}"},
	"POST /evaluations/{evaluationID}/evaluators/{userID}/remove":    {want: managers(303)},
	"GET /evaluations/{evaluationID}/figures":                        {want: managers(200)},
	"POST /evaluations/{evaluationID}/figures":                       {want: managers(303), form: "m_{vendorID}_{measuredID}=2100"},
	"GET /evaluations/{evaluationID}/conflicts":                      {want: signedIn(403).but(404, outsider).but(200, owner, colleague)},
	"POST /evaluations/{evaluationID}/conflicts":                     {want: signedIn(403).but(404, outsider).but(303, owner, colleague), form: "none=1", state: stateDraft},
	"POST /evaluations/{evaluationID}/conflicts/{vendorID}":          {want: signedIn(403).but(404, outsider).but(303, owner, colleague), form: "conflict=1&note=Found+since"},
	"GET /evaluations/{evaluationID}/scorecards/{vendorID}":          {want: signedIn(403).but(200, owner, manager, admin), query: "evaluator={ownerID}"},
	// The colleague saves on a scorecard of their own: a save never names whose it is.
	"GET /api/v1/openapi.json":                                             {want: public(200)},
	"POST /evaluations/{evaluationID}/scorecards/{vendorID}/ratings":       {want: signedIn(404).but(200, owner, colleague).but(403, manager, admin), form: "criterion={criterionID}&value=4&justification=&version={ratingVersion}", htmx: true},
	"GET /evaluations/{evaluationID}/scorecards/{vendorID}/submit/confirm": {want: signedIn(404).but(200, owner, colleague), query: "version={cardVersion}"},
	"POST /evaluations/{evaluationID}/scorecards/{vendorID}/submit":        {want: signedIn(404).but(303, owner).but(422, colleague), form: "version={cardVersion}"},
	"POST /evaluations/{evaluationID}/scorecards/{scorecardID}/reopen":     {want: managers(303), form: "version={scorecardVersion}"},
	"GET /evaluations/{evaluationID}/history":                              {want: managers(200)},
	"GET /evaluations/{evaluationID}/moderation":                           {want: managers(200)},
	"POST /evaluations/{evaluationID}/moderation-required":                 {want: managers(303), form: "required=1&version={evaluationVersion}"},
	"GET /evaluations/{evaluationID}/moderation/{vendorID}":                {want: managers(200)},
	// The colleague has not submitted: consensus waits for them (422).
	"POST /evaluations/{evaluationID}/moderation/{vendorID}/{criterionID}": {want: managers(422), form: "value=3&reason=Agreed&version=0"},
	"GET /evaluations/{evaluationID}/criteria":                             {want: managers(200)},
	"GET /evaluations/{evaluationID}/criteria/new":                         {want: managers(200), query: "kind=rated", state: stateDraft},
	"POST /evaluations/{evaluationID}/criteria":                            {want: managers(303), form: "kind=rated&key=k{seq}&name_en={unique}&name_fr={unique}&weight=10", state: stateDraft},
	"GET /evaluations/{evaluationID}/criteria/{criterionID}/edit":          {want: managers(200)},
	"POST /evaluations/{evaluationID}/criteria/{criterionID}":              {want: managers(303), form: "name_en={unique}&name_fr={unique}&weight=20&version={criterionVersion}"},
	"POST /evaluations/{evaluationID}/criteria/{criterionID}/remove":       {want: managers(303), form: "version={criterionVersion}", state: stateDraft},
	"POST /evaluations/{evaluationID}/criteria/{criterionID}/move":         {want: managers(303), form: "delta=1", state: stateDraft},
	"POST /evaluations/{evaluationID}/weights":                             {want: managers(303), form: "w_{criterionID}=25&v_{criterionID}={criterionVersion}"},
	"POST /evaluations/{evaluationID}/weights/preview":                     {want: managers(200), form: "w_{criterionID}=25&v_{criterionID}={criterionVersion}", htmx: true},
	"GET /evaluations/{evaluationID}/pairwise/new":                         {want: managers(200), query: "group={groupID}"},
	"POST /evaluations/{evaluationID}/pairwise":                            {want: managers(303), form: "group={groupID}&user={inviteeID}"},
	// The fixture's round compares the top level, with the owner invited:
	// a manager sees it but has no answers to give; others do not see it.
	"GET /evaluations/{evaluationID}/pairwise/{roundID}":          {want: signedIn(404).but(200, owner, manager, admin)},
	"POST /evaluations/{evaluationID}/pairwise/{roundID}/answers": {want: signedIn(404).but(303, owner).but(403, manager, admin), form: "pair_{qualityID}_{slaID}=2&pair_{qualityID}_{costID}=1&pair_{slaID}_{costID}=0&version={answerVersion}"},
	"POST /evaluations/{evaluationID}/pairwise/{roundID}/invite":  {want: managers(303), form: "user={inviteeID}&version={roundVersion}"},
	"POST /evaluations/{evaluationID}/pairwise/{roundID}/end":     {want: managers(303), form: "apply=0&version={roundVersion}"},
	"GET /api/v1/evaluations":                                     {want: managers(200)},
	"GET /api/v1/evaluations/{evaluationID}/model":                {want: managers(200)},
	"GET /api/v1/evaluations/{evaluationID}/result":               {want: managers(200)},
	"GET /api/v1/evaluations/{evaluationID}/decision":             {want: managers(200)},
	"GET /api/v1/evaluations/{evaluationID}/decision/model":       {want: managers(200), state: stateDecided},
	"GET /api/v1/contracts":                                       {want: managers(200)},
	"GET /api/v1/contracts/{contractID}":                          {want: managers(200)},
	"GET /api/v1/assessments/{assessmentID}":                      {want: managers(200)},

	// Contracts after the award and suitability assessments: managers only.
	"GET /evaluations/{evaluationID}/contracts/new": {want: managers(200), query: "vendor={selectedVendorID}", state: stateClosed},
	"POST /evaluations/{evaluationID}/contracts":    {want: managers(303), form: "vendor={selectedVendorID}&start=2026-01-01&length=monthly", state: stateClosed},
	"GET /contracts":                                {want: managers(200)},
	"GET /contracts/{contractID}":                   {want: managers(200)},
	"POST /contracts/{contractID}/kpis":             {want: managers(303), form: "target_{kpiID}=25&weight_{kpiID}=40&better_{kpiID}=lower&version={contractVersion}"},
	"POST /contracts/{contractID}/end":              {want: managers(303), form: "version={contractVersion}"},
	"GET /contracts/{contractID}/periods/{period}":  {want: managers(200)},
	"POST /contracts/{contractID}/periods/{period}": {want: managers(303), form: "actual_{kpiID}=21&comment_{kpiID}=ok&version={periodVersion}"},
	"GET /contracts/{contractID}/review.pdf":        {want: managers(200)},
	"GET /assessments":                              {want: managers(200)},
	"GET /assessments/new":                          {want: managers(200)},
	"POST /assessments":                             {want: managers(303), form: "title={unique}&name_0=Collections&cx_0=2&differentiation_0=1&risk_0=2&codifiability_0=5"},
	"GET /assessments/{assessmentID}":               {want: managers(200)},
	"GET /assessments/{assessmentID}/edit":          {want: managers(200)},
	"POST /assessments/{assessmentID}":              {want: managers(303), form: "title={unique}&name_0=Payroll&cx_0=1&differentiation_0=1&risk_0=5&codifiability_0=5&version={assessmentVersion}"},

	"GET /evaluations/{evaluationID}/compare":         {want: managers(200), query: "vendor={vendorKey}&vendor={otherVendorKey}"},
	"GET /evaluations/{evaluationID}/compare/ratings": {want: managers(200), query: "vendor={otherVendorKey}&criterion=policies"},
	"GET /evaluations/{evaluationID}/report.pdf":      {want: managers(200)},
	"GET /evaluations/{evaluationID}/scores.csv":      {want: managers(200)},
	"GET /evaluations/{evaluationID}/evaluation.xlsx": {want: managers(200)},
	// API tokens: the API serves managers only, so evaluators have no token
	// pages; every manager manages their own, and another user's token is
	// not found, even for an admin. {tokenID} is a fresh token of the manager's.
	"GET /account/tokens":                   {want: managers(200)},
	"POST /account/tokens":                  {want: managers(201), form: "name={unique}&lifetime=30"},
	"POST /account/tokens/{tokenID}/revoke": {want: managers(303).but(404, admin)},
	// Everyone's own account. The password "changes" to the same one, so
	// that the fixture's accounts keep signing in.
	"GET /account":               {want: signedIn(200)},
	"POST /account/password":     {want: signedIn(303), form: "current=correct+horse+battery&password=correct+horse+battery&confirm=correct+horse+battery"},
	"POST /account/sessions/end": {want: signedIn(303)},
	// User administration: admins only. {accountID} is a fresh account.
	"GET /admin/users":                       {want: admins(200)},
	"POST /admin/users":                      {want: admins(303), form: "email=new{seq}%40matrix.test&name={unique}&role=evaluator&password=correct+horse+battery"},
	"POST /admin/users/{accountID}/role":     {want: admins(303), form: "role=manager"},
	"POST /admin/users/{accountID}/disable":  {want: admins(303)},
	"POST /admin/users/{accountID}/enable":   {want: admins(303)},
	"POST /admin/users/{accountID}/password": {want: admins(200)},
	// E-mail: every user sets their own reminders; the outbox is the admins'.
	"POST /account/email": {want: signedIn(303), form: "reminders=0&reminders=1"},
	"GET /admin/outbox":   {want: admins(200)},
	// Vendor import. The matrix cannot attach a file: the upload answers
	// 422 (no file) to those allowed; TestVendorImport uploads. {importID}
	// is a fresh upload of the manager's, nobody else's, an admin's neither.
	"GET /vendors/import":               {want: managers(200)},
	"POST /vendors/import":              {want: managers(422), form: "file=none"},
	"GET /vendors/import/template.xlsx": {want: managers(200)},
	"GET /vendors/import/{importID}":    {want: managers(404).but(200, manager)},
	"POST /vendors/import/{importID}":   {want: managers(404).but(303, manager)},
	// Figures import, alike; {figureImportID} is an upload of the
	// manager's for the fixture's evaluation. TestFigureImport uploads.
	"GET /evaluations/{evaluationID}/figures/import":                   {want: managers(200)},
	"POST /evaluations/{evaluationID}/figures/import":                  {want: managers(422), form: "file=none"},
	"GET /evaluations/{evaluationID}/figures/import/template.xlsx":     {want: managers(200)},
	"GET /evaluations/{evaluationID}/figures/import/template.csv":      {want: managers(200)},
	"GET /evaluations/{evaluationID}/figures/import/{figureImportID}":  {want: managers(404).but(200, manager)},
	"POST /evaluations/{evaluationID}/figures/import/{figureImportID}": {want: managers(404).but(303, manager)},
}

// allMethods are the methods chi routes; a route answering all of them is
// keyed "* pattern".
var allMethods = []string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}

// walkRoutes lists the routes of the router itself, keyed as routeTable is.
func walkRoutes(t *testing.T, h http.Handler) map[string]bool {
	t.Helper()
	routes, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("the handler is a %T, not a chi router", h)
	}
	methods := map[string][]string{}
	err := chi.Walk(routes, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		methods[pattern] = append(methods[pattern], method)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for pattern, ms := range methods {
		if len(ms) >= len(allMethods) {
			out["* "+pattern] = true
			continue
		}
		for _, m := range ms {
			out[m+" "+pattern] = true
		}
	}
	return out
}

func splitKey(key string) (method, pattern string) {
	method, pattern, _ = strings.Cut(key, " ")
	if method == "*" {
		method = http.MethodGet
	}
	return method, pattern
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// allowed reports whether an outcome lets the request through.
func allowed(status int) bool { return status >= 200 && status < 400 }

// matrixApp is an app with one account per role.
type matrixApp struct {
	*app
	users map[role]*bpo.User

	mu  sync.Mutex
	seq int
}

func newMatrixApp(t *testing.T) *matrixApp {
	t.Helper()
	m := &matrixApp{app: newApp(t), users: map[role]*bpo.User{admin: nil}}
	m.users[admin] = m.admin
	for r, email := range map[role]string{
		outsider: "outsider@matrix.test", owner: "owner@matrix.test",
		colleague: "colleague@matrix.test", manager: "manager@matrix.test",
	} {
		kind := bpo.RoleEvaluator
		if r == manager {
			kind = bpo.RoleManager
		}
		m.users[r] = m.user(email, kind)
	}
	return m
}

func (m *matrixApp) next() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	return m.seq
}

// client returns a new client signed in as r: each request gets a session
// of its own, so that signing out or a flash message cannot leak into the
// next one.
func (m *matrixApp) client(r role) *client {
	if r == anonymous {
		return m.anonymous()
	}
	return m.login(m.users[r].Email)
}

// matrixFixture is an evaluation with everything the routes can name: two
// taking part (the owner's scorecard of the first is submitted, of the
// second fully rated), a vendor not taking part, the owner and the
// colleague assigned.
type matrixFixture struct {
	m           *matrixApp
	ev          *bpo.Evaluation
	vendors     []*bpo.Vendor
	spare       *bpo.Vendor
	byKey       map[string]*bpo.Criterion
	scorecardID int64  // the owner's submitted scorecard
	roundID     int64  // a comparison round of the top level, the owner invited
	tokenID     int64  // an API token of the manager's
	importID    string // a vendor upload of the manager's, awaiting confirmation
	// figureImportID is the manager's upload of figures for the evaluation.
	figureImportID string
	// accountID is an account of the fixture's own: disabling one of the
	// roles' accounts would lock it out of the requests that follow.
	accountID int64
	// foreign, when set, is another evaluation: the placeholder named
	// foreignName names its object instead.
	foreign     *matrixFixture
	foreignName string
	// contract and assessment are made when a request first names them.
	contract   *bpo.Contract
	assessment *bpo.Assessment
}

func (m *matrixApp) fixture(t *testing.T, state evalState) *matrixFixture {
	t.Helper()
	n := m.next()
	ctx := m.adminCtx()
	fail := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
	}
	in := bpo.NewEvaluationInput()
	in.Title = fmt.Sprintf("Matrix %d", n)
	ev, err := m.evaluations.CreateEvaluation(ctx, in)
	fail(err)
	f := &matrixFixture{m: m, byKey: map[string]*bpo.Criterion{}}
	for i := range 3 {
		v, err := m.vendors.CreateVendor(ctx, bpo.VendorInput{Name: fmt.Sprintf("Matrix %d vendor %c", n, 'A'+i), Country: "MA"})
		fail(err)
		if i == 2 {
			f.spare = v
			break
		}
		_, err = m.participants.AddParticipant(ctx, ev.ID, v.ID)
		fail(err)
		f.vendors = append(f.vendors, v)
	}
	for _, r := range []role{owner, colleague} {
		fail(m.participants.AssignEvaluator(ctx, ev.ID, m.users[r].ID))
	}
	criteria, err := m.criteria.FindCriteria(ctx, ev.ID)
	fail(err)
	for _, c := range criteria {
		f.byKey[c.Key] = c
	}
	f.ev = ev
	round, err := postgres.NewPairwiseService(m.db).StartRound(ctx, ev.ID, nil, []int64{m.users[owner].ID})
	fail(err)
	f.roundID = round.ID
	tok, _, err := postgres.NewTokenService(m.db).CreateToken(as(m.users[manager]), fmt.Sprintf("Matrix token %d", n), bpo.DefaultTokenLifetime)
	fail(err)
	f.tokenID = tok.ID
	vendor := fmt.Sprintf("Matrix %d imported", n)
	upload := &bpo.PendingVendors{FileName: "v.csv", Rows: []bpo.VendorImportRow{{Line: 2,
		Cells: map[string]string{"name": vendor}, Input: bpo.VendorInput{Name: vendor, Country: "FR"}}}}
	fail(postgres.NewVendorImportService(m.db).SavePendingImport(as(m.users[manager]), upload))
	f.importID = upload.ID
	figures := &bpo.PendingFigures{EvaluationID: ev.ID, FileName: "f.csv"}
	fail(postgres.NewFigureImportService(m.db).SavePendingFigures(as(m.users[manager]), figures))
	f.figureImportID = figures.ID
	spare, err := m.app.users.CreateUser(context.Background(), bpo.NewUser{Email: fmt.Sprintf("account%d@matrix.test", n),
		Name: "Spare", Role: bpo.RoleEvaluator, Password: testPassword}, cheapHash)
	fail(err)
	f.accountID = spare.ID
	if state == stateDraft {
		return f
	}
	f.ev, err = m.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen)
	fail(err)
	own := as(m.users[owner])
	fail(m.scorecards.DeclareConflicts(own, ev.ID, nil))
	fail(m.scorecards.DeclareConflicts(as(m.users[colleague]), ev.ID, nil))
	three := 3
	for _, v := range f.vendors {
		for _, c := range criteria {
			if c.Kind == bpo.KindRated {
				_, err := m.scorecards.SaveRating(own, ev.ID, v.ID, bpo.RatingInput{CriterionID: c.ID, Value: &three})
				fail(err)
			}
		}
	}
	sc, err := m.scorecards.FindScorecard(own, ev.ID, f.vendors[0].ID, 0)
	fail(err)
	sc, err = m.scorecards.SubmitScorecard(own, ev.ID, f.vendors[0].ID, sc.Version)
	fail(err)
	f.scorecardID = sc.ID
	if state == stateClosed || state == stateDecided {
		// Only a shortlisted vendor can be awarded.
		_, err = m.participants.SetStage(ctx, ev.ID, f.vendors[1].ID, 1, bpo.StageShortlisted, "")
		fail(err)
		f.ev, err = m.evaluations.SetEvaluationStatus(ctx, ev.ID, f.ev.Version, bpo.StatusClosed)
		fail(err)
	}
	if state == stateDecided {
		d, err := m.evaluations.FindEvaluationDetail(ctx, ev.ID, evalmodel.Parts)
		fail(err)
		snap, _, err := evalmodel.Snapshot(d)
		fail(err)
		_, err = m.decisions.RecordDecision(ctx, ev.ID, bpo.DecisionInput{Version: f.ev.Version, Outcome: bpo.OutcomeInHouse,
			Rationale: "Kept in-house.", DepartureReason: "Figures missing.", Snapshot: snap})
		fail(err)
	}
	return f
}

// scoped are the placeholders naming an object that belongs to the
// evaluation in the path: another evaluation's must never be accepted.
var scoped = []string{"vendorID", "criterionID", "measuredID", "scorecardID", "userID", "ownerID", "groupID", "roundID"}

// value resolves a placeholder for a request made by caller. Versions are
// read when asked for, so that a request is never stale by accident.
func (f *matrixFixture) value(t *testing.T, name string, caller role) string {
	t.Helper()
	m := f.m
	if f.foreign != nil && name == f.foreignName {
		if name == "userID" || name == "ownerID" {
			// Every fixture assigns the same evaluators: the one who is not
			// assigned stands for another evaluation's.
			return itoa(m.users[outsider].ID)
		}
		return f.foreign.value(t, name, caller)
	}
	ctx := m.adminCtx()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("{%s}: %v", name, err)
		}
	}
	switch name {
	case "evaluationID":
		return itoa(f.ev.ID)
	case "evaluationVersion":
		e, err := m.evaluations.FindEvaluationByID(ctx, f.ev.ID)
		must(err)
		return strconv.Itoa(e.Version)
	case "vendorID":
		return itoa(f.vendors[1].ID)
	case "otherVendorID":
		return itoa(f.vendors[0].ID)
	case "vendorKey", "otherVendorKey":
		id := f.vendors[1].ID
		if name == "otherVendorKey" {
			id = f.vendors[0].ID
		}
		parts, err := m.participants.FindParticipants(ctx, f.ev.ID)
		must(err)
		for _, p := range parts {
			if p.VendorID == id {
				return p.Key
			}
		}
		return "none"
	case "spareVendorID":
		return itoa(f.spare.ID)
	case "vendorVersion":
		v, err := m.vendors.FindVendorByID(ctx, f.vendors[1].ID)
		must(err)
		return strconv.Itoa(v.Version)
	case "participantVersion":
		parts, err := m.participants.FindParticipants(ctx, f.ev.ID)
		must(err)
		for _, p := range parts {
			if p.VendorID == f.vendors[1].ID {
				return strconv.Itoa(p.Version)
			}
		}
		return "0" // no longer taking part: any version is stale
	case "criterionID":
		return itoa(f.byKey["policies"].ID)
	case "measuredID":
		return itoa(f.byKey["price"].ID)
	case "otherMeasuredID":
		return itoa(f.byKey["asa"].ID)
	case "criterionVersion":
		criteria, err := m.criteria.FindCriteria(ctx, f.ev.ID)
		must(err)
		for _, c := range criteria {
			if c.ID == f.byKey["policies"].ID {
				return strconv.Itoa(c.Version)
			}
		}
		return "0" // removed by an earlier request: any version is stale
	case "scorecardID":
		return itoa(f.scorecardID)
	case "scorecardVersion":
		sc, err := m.scorecards.FindScorecard(ctx, f.ev.ID, f.vendors[0].ID, m.users[owner].ID)
		must(err)
		return strconv.Itoa(sc.Version)
	case "cardVersion", "ratingVersion":
		// The caller's own scorecard of the vendor: 0 for anyone who has none.
		u := m.users[caller]
		if u == nil || u.Role != bpo.RoleEvaluator {
			return "0"
		}
		sc, err := m.scorecards.FindScorecard(as(u), f.ev.ID, f.vendors[1].ID, 0)
		if err != nil {
			return "0"
		}
		if name == "cardVersion" {
			return strconv.Itoa(sc.Version)
		}
		if r := sc.Ratings[f.byKey["policies"].ID]; r != nil {
			return strconv.Itoa(r.Version)
		}
		return "0"
	case "userID":
		return itoa(m.users[colleague].ID)
	case "ownerID":
		return itoa(m.users[owner].ID)
	case "outsiderID":
		return itoa(m.users[outsider].ID)
	case "unique":
		return fmt.Sprintf("Matrix item %d", m.next())
	case "seq":
		return strconv.Itoa(m.next())
	case "tokenID":
		return itoa(f.tokenID)
	case "inviteeID":
		// Anyone with an account may be invited to a comparison round, so
		// the invitee is not scoped to the evaluation.
		return itoa(m.users[colleague].ID)
	case "groupID":
		return itoa(f.byKey["quality"].ID)
	case "qualityID", "slaID", "costID":
		return itoa(f.byKey[map[string]string{"qualityID": "quality", "slaID": "service_levels", "costID": "cost"}[name]].ID)
	case "roundID":
		return itoa(f.roundID)
	case "roundVersion", "answerVersion":
		return f.roundVersion(t, name, caller)
	case "accountID":
		return itoa(f.accountID)
	case "importID":
		return f.importID
	case "figureImportID":
		return f.figureImportID
	}
	if v, ok := f.contractValue(t, name); ok {
		return v
	}
	t.Fatalf("no fixture value for {%s}: add one to matrixFixture.value", name)
	return ""
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

// expand fills the placeholders of s, each value escaped by escape.
func (f *matrixFixture) expand(t *testing.T, s string, caller role, escape func(string) string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		return escape(f.value(t, p[1:len(p)-1], caller))
	})
}

// request is a route's request for caller, ready to send.
type request struct {
	method, path, body string
	header             http.Header
}

func (f *matrixFixture) request(t *testing.T, key string, rc routeCase, caller role) request {
	t.Helper()
	method, pattern := splitKey(key)
	path := pattern
	if strings.HasSuffix(path, "/*") {
		// The one wildcard route: the static assets.
		path = static.URL("css/app.css")
	}
	path = f.expand(t, path, caller, url.PathEscape)
	if rc.query != "" {
		path += "?" + f.expand(t, rc.query, caller, url.QueryEscape)
	}
	req := request{method: method, path: path, header: http.Header{}}
	if unsafeMethod(method) {
		req.body = f.expand(t, rc.form, caller, url.QueryEscape)
		req.header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if rc.htmx {
		req.header.Set("HX-Request", "true")
	}
	return req
}

// send makes req as c and reads the answer; it reports failures on t, not
// on the app's test, so that it serves subtests and goroutines alike.
func send(t testing.TB, c *client, req request) (*response, error) {
	hr, err := http.NewRequest(req.method, c.a.srv.URL+req.path, strings.NewReader(req.body))
	if err != nil {
		return nil, err
	}
	for k, vs := range req.header {
		hr.Header[k] = vs
	}
	// The transport, not the client: a client refuses an answer whose
	// Location it cannot parse, and that is exactly the answer to see.
	for _, ck := range c.http.Jar.Cookies(hr.URL) {
		hr.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(hr)
	if err != nil {
		return nil, err
	}
	c.http.Jar.SetCookies(hr.URL, res.Cookies())
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &response{Response: res, body: string(b)}, nil
}

func mustSend(t *testing.T, c *client, req request) *response {
	t.Helper()
	res, err := send(t, c, req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	return res
}

// sentToLogin reports whether res sends an anonymous caller to sign in.
func sentToLogin(res *response) bool {
	switch res.StatusCode {
	case http.StatusSeeOther:
		return strings.HasPrefix(res.Header.Get("Location"), "/login")
	case http.StatusUnauthorized:
		return strings.HasPrefix(res.Header.Get("HX-Redirect"), "/login") ||
			strings.HasPrefix(res.Header.Get("Content-Type"), "application/json")
	}
	return false
}

func statusText(status int) string {
	if status == toLogin {
		return "sign-in"
	}
	return strconv.Itoa(status)
}

// fingerprint sums up everything stored but sessions and sign-in failures,
// so that a refused request can be shown to have changed nothing at all.
func (a *app) fingerprint(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	rows, _ := a.db.Pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
			AND table_name NOT IN ('sessions', 'login_counters', 'schema_migrations')
		ORDER BY 1`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]string, len(tables))
	for i, name := range tables {
		// A sum of row hashes: as telling as a hash of the sorted rows, without the sort.
		parts[i] = fmt.Sprintf(`(SELECT '%s:' || count(*) || ':' || coalesce(sum(('x' || left(md5(x::text), 15))::bit(60)::bigint), 0) FROM %s x)`,
			strings.ReplaceAll(name, "'", "''"), pgx.Identifier{name}.Sanitize())
	}
	var sum string
	if err := a.db.Pool.QueryRow(ctx, "SELECT "+strings.Join(parts, " || ' ' || ")).Scan(&sum); err != nil {
		t.Fatalf("fingerprint: %v", err)
	}
	return sum
}

// securityHeaders checks what every answer must carry.
func checkSecurityHeaders(t *testing.T, what string, res *response) {
	t.Helper()
	h := res.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %s", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP %q allows inline script", what, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q", what, h.Get("X-Content-Type-Options"))
	}
	if rp := h.Get("Referrer-Policy"); rp != "same-origin" && rp != "no-referrer" && rp != "strict-origin-when-cross-origin" {
		t.Errorf("%s: Referrer-Policy = %q", what, rp)
	}
	if h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("%s: X-Frame-Options = %q", what, h.Get("X-Frame-Options"))
	}
	if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		if inlineScript.MatchString(res.body) {
			t.Errorf("%s: inline script in the page", what)
		}
		if strings.Contains(res.body, " style=") || inlineHandler.MatchString(res.body) {
			t.Errorf("%s: inline style or event handler in the page", what)
		}
	}
}

var (
	inlineScript  = regexp.MustCompile(`<script(\s[^>]*)?>[^<]`)
	inlineHandler = regexp.MustCompile(`\son[a-z]+=`)
)

func TestAuthorizationMatrix(t *testing.T) {
	m := newMatrixApp(t)
	routed := walkRoutes(t, m.srv.Config.Handler)
	for _, key := range slices.Sorted(maps.Keys(routed)) {
		rc, ok := routeTable[key]
		switch {
		case !ok:
			t.Errorf("%s is routed but not in routeTable: add a row saying who may use it", key)
		case rc.pending:
			t.Errorf("%s is routed now: check its row in routeTable and drop pending", key)
		}
	}
	for key, rc := range routeTable {
		if !routed[key] && !rc.pending {
			t.Errorf("routeTable has %s, which is not routed: remove the row, or fix its method or pattern", key)
		}
	}

	checked := 0
	for _, key := range slices.Sorted(maps.Keys(routeTable)) {
		rc := routeTable[key]
		if !routed[key] {
			continue
		}
		t.Run(key, func(t *testing.T) {
			method, _ := splitKey(key)
			// Refused callers go first, on one fixture; each caller let
			// through an unsafe request after the first gets a fresh one,
			// as the first may have changed what the request is about.
			order := slices.Clone(roles)
			slices.SortStableFunc(order, func(a, b role) int {
				return boolInt(allowed(rc.want[a])) - boolInt(allowed(rc.want[b]))
			})
			shared, used := m.fixture(t, rc.state), false
			for _, r := range order {
				want, ok := rc.want[r]
				if !ok {
					t.Fatalf("no outcome for %s", r)
				}
				f := shared
				if allowed(want) && unsafeMethod(method) {
					if used {
						f = m.fixture(t, rc.state)
					}
					used = true
				}
				req := f.request(t, key, rc, r)
				c := m.client(r)
				before := m.fingerprint(t)
				res := mustSend(t, c, req)
				checked++
				got := res.StatusCode
				if want == toLogin && sentToLogin(res) {
					got = toLogin
				}
				if got != want {
					t.Errorf("%s: %s %s answered %d, want %s\n%s", r, req.method, req.path, res.StatusCode, statusText(want), snippet(res.body))
				}
				if !allowed(got) && m.fingerprint(t) != before {
					t.Errorf("%s: a refused %s %s changed what is stored", r, req.method, req.path)
				}
				checkSecurityHeaders(t, fmt.Sprintf("%s as %s", req.path, r), res)
			}
		})
	}
	t.Logf("%d routes × %d roles: %d requests checked", len(routed), len(roles), checked)
}

// TestUnroutedRequestsAreRefused sends every routed path the methods it
// does not answer: 405, before any handler or authorization runs, and
// nothing changes. An unrouted path is not found. Both carry the security
// headers.
func TestUnroutedRequestsAreRefused(t *testing.T) {
	m := newMatrixApp(t)
	routed := walkRoutes(t, m.srv.Config.Handler)
	routes := m.srv.Config.Handler.(chi.Routes)
	methods := map[string][]string{}
	for key := range routed {
		method, pattern := splitKey(key)
		if strings.HasPrefix(key, "* ") {
			method = "*"
		}
		methods[pattern] = append(methods[pattern], method)
	}
	f := m.fixture(t, stateOpen)
	f.makeNamed(t)
	before := m.fingerprint(t)
	tried := 0
	for pattern, ms := range methods {
		if slices.Contains(ms, "*") {
			continue
		}
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if slices.Contains(ms, method) {
				continue
			}
			path := f.request(t, "GET "+pattern, routeCase{}, admin).path
			if routes.Match(chi.NewRouteContext(), method, path) {
				continue // another pattern answers it: /vendors/new is also /vendors/{vendorID}
			}
			for _, r := range []role{anonymous, admin} {
				req := f.request(t, method+" "+pattern, routeCase{form: "version=0"}, r)
				tried++
				res := mustSend(t, m.client(r), req)
				if res.StatusCode != http.StatusMethodNotAllowed {
					t.Errorf("%s %s as %s: status %d, want 405", method, req.path, r, res.StatusCode)
				}
				checkSecurityHeaders(t, method+" "+req.path, res)
			}
		}
	}
	for _, r := range []role{anonymous, admin} {
		res := mustSend(t, m.client(r), request{method: http.MethodGet, path: "/no-such-page"})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("an unrouted path as %s: status %d, want 404", r, res.StatusCode)
		}
		checkSecurityHeaders(t, "/no-such-page", res)
	}
	if m.fingerprint(t) != before {
		t.Error("a refused method changed what is stored")
	}
	t.Logf("%d requests with a method the path does not answer", tried)
}

// TestOtherEvaluationsObjectsAreNotFound names, in every route under an
// evaluation, the vendors, criteria, scorecards and evaluators of another
// evaluation, as the callers the route lets through: always refused, and
// nothing changes.
func TestOtherEvaluationsObjectsAreNotFound(t *testing.T) {
	m := newMatrixApp(t)
	routed := walkRoutes(t, m.srv.Config.Handler)
	foreign := m.fixture(t, stateOpen)
	tried := 0
	for _, key := range slices.Sorted(maps.Keys(routeTable)) {
		rc := routeTable[key]
		_, pattern := splitKey(key)
		if !routed[key] || !strings.HasPrefix(pattern, "/evaluations/{evaluationID}/") {
			continue
		}
		for _, name := range scoped {
			if !strings.Contains(pattern+rc.query+rc.form, "{"+name+"}") {
				continue
			}
			t.Run(key+"/"+name, func(t *testing.T) {
				// Refused requests change nothing, so one fixture serves all
				// the callers; a request let through fails the test anyway.
				f := m.fixture(t, rc.state)
				f.foreign, f.foreignName = foreign, name
				for _, r := range roles {
					if !allowed(rc.want[r]) {
						continue
					}
					req := f.request(t, key, rc, r)
					before := m.fingerprint(t)
					res := mustSend(t, m.client(r), req)
					tried++
					if res.StatusCode < 400 || res.StatusCode >= 500 || res.StatusCode == http.StatusUnauthorized {
						t.Errorf("%s: %s %s (%s of another evaluation) %q: status %d, want a 4xx refusal\n%s",
							r, req.method, req.path, name, req.body, res.StatusCode, snippet(res.body))
					}
					if m.fingerprint(t) != before {
						t.Errorf("%s: %s %s (%s of another evaluation) changed what is stored", r, req.method, req.path, name)
					}
				}
			})
		}
	}
	if tried == 0 {
		t.Fatal("no route names an evaluation's objects")
	}
	t.Logf("%d requests naming another evaluation's objects", tried)
}

// TestCrossSiteRequestsAreRefused sends every unsafe route, as a caller it
// lets through, the way a page on another site would: refused with a
// message, nothing changed. The same request from this site goes through,
// so the refusal is the cross-origin check's and not the authorization's.
func TestCrossSiteRequestsAreRefused(t *testing.T) {
	m := newMatrixApp(t)
	routed := walkRoutes(t, m.srv.Config.Handler)
	tried := 0
	for _, key := range slices.Sorted(maps.Keys(routeTable)) {
		rc := routeTable[key]
		method, _ := splitKey(key)
		if strings.HasPrefix(key, "* ") {
			method = http.MethodPost
		}
		if !routed[key] || !unsafeMethod(method) && !strings.HasPrefix(key, "* ") {
			continue
		}
		caller := firstAllowed(rc.want)
		t.Run(key, func(t *testing.T) {
			f := m.fixture(t, rc.state)
			for name, header := range map[string][2]string{
				"CrossSite":     {"Sec-Fetch-Site", "cross-site"},
				"SameSite":      {"Sec-Fetch-Site", "same-site"}, // a sibling subdomain may be someone else's
				"ForeignOrigin": {"Origin", "https://evil.example"},
				"NullOrigin":    {"Origin", "null"}, // a sandboxed frame
			} {
				req := f.request(t, key, rc, caller)
				req.method = method
				req.header.Set(header[0], header[1])
				before := m.fingerprint(t)
				res := mustSend(t, m.client(caller), req)
				tried++
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s as %s, %s: status %d, want 403", req.path, caller, name, res.StatusCode)
					continue
				}
				if msg := text(res.doc(t), "[data-testid=error] p"); !strings.Contains(msg, "another site") {
					t.Errorf("%s, %s: message %q", req.path, name, msg)
				}
				if m.fingerprint(t) != before {
					t.Errorf("%s, %s: a refused cross-site request changed what is stored", req.path, name)
				}
			}
			if strings.HasPrefix(key, "* ") {
				return
			}
			req := f.request(t, key, rc, caller)
			req.header.Set("Sec-Fetch-Site", "same-origin")
			req.header.Set("Origin", m.srv.URL)
			if res := mustSend(t, m.client(caller), req); res.StatusCode != rc.want[caller] {
				t.Errorf("%s as %s from this site: status %d, want %d", req.path, caller, res.StatusCode, rc.want[caller])
			}
		})
	}
	t.Logf("%d cross-site requests refused", tried)
}

// firstAllowed is the least privileged caller a route lets through, or the
// admin when it lets nobody through.
func firstAllowed(o outcome) role {
	for _, r := range roles {
		if allowed(o[r]) {
			return r
		}
	}
	return admin
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// snippet is what a failure message shows of an answer: the text of an
// HTML page's main part, or the start of any other body.
func snippet(body string) string {
	if d, err := goquery.NewDocumentFromReader(strings.NewReader(body)); err == nil && d.Find("main").Length() > 0 {
		body = strings.Join(strings.Fields(d.Find("main").Text()), " ")
	}
	if len(body) > 400 {
		return body[:400] + "…"
	}
	return body
}

// roundVersion is the version of the fixture's round, or, for
// answerVersion, of the caller's answers to it: 0 for anyone not invited.
func (f *matrixFixture) roundVersion(t *testing.T, name string, caller role) string {
	t.Helper()
	d, err := postgres.NewPairwiseService(f.m.db).FindRound(f.m.adminCtx(), f.roundID)
	if err != nil {
		t.Fatalf("{%s}: %v", name, err)
	}
	if name == "roundVersion" {
		return strconv.Itoa(d.Round.Version)
	}
	for _, p := range d.Participants {
		if u := f.m.users[caller]; u != nil && p.UserID == u.ID {
			return strconv.Itoa(p.Version)
		}
	}
	return "0"
}
