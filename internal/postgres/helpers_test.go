package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// env is the services over a database of the test's own, with a manager.
type env struct {
	t            *testing.T
	db           *postgres.DB
	dbURL        string
	users        *postgres.UserService
	vendors      *postgres.VendorService
	evaluations  *postgres.EvaluationService
	criteria     *postgres.CriterionService
	participants *postgres.ParticipantService
	scorecards   *postgres.ScorecardService
	audit        *postgres.AuditService
	decisions    *postgres.DecisionService
	manager      *bpo.User
}

func newEnv(t *testing.T) *env {
	t.Helper()
	u, err := url.Parse(pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	// Enough connections for the concurrency tests to really run in parallel.
	q := u.Query()
	q.Set("pool_max_conns", "32")
	u.RawQuery = q.Encode()
	db, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e := &env{t: t, db: db, dbURL: u.String(),
		users: postgres.NewUserService(db), vendors: postgres.NewVendorService(db),
		evaluations: postgres.NewEvaluationService(db), criteria: postgres.NewCriterionService(db),
		participants: postgres.NewParticipantService(db), scorecards: postgres.NewScorecardService(db),
		audit: postgres.NewAuditService(db), decisions: postgres.NewDecisionService(db)}
	e.manager = e.user("manager", bpo.RoleManager)
	return e
}

// migrator migrates the test's database; it is closed with the test.
func (e *env) migrator() *postgres.Migrator {
	e.t.Helper()
	u, err := url.Parse(e.dbURL)
	if err != nil {
		e.t.Fatal(err)
	}
	u.RawQuery = ""
	mg, err := postgres.NewMigrator(u.String())
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { mg.Close() })
	return mg
}

// as is a context signed in as u.
func as(u *bpo.User) context.Context { return bpo.NewContextWithUser(context.Background(), u) }

// user creates an account; tests never sign in, so the hash is a placeholder.
func (e *env) user(name string, role bpo.Role) *bpo.User {
	e.t.Helper()
	u, err := e.users.CreateUser(context.Background(),
		bpo.NewUser{Email: name + "@example.test", Name: name, Role: role, Password: "long enough password"}, "not-a-hash")
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// vendor creates a registry vendor.
func (e *env) vendor(name string) *bpo.Vendor {
	e.t.Helper()
	v, err := e.vendors.CreateVendor(as(e.manager), bpo.VendorInput{Name: name, Country: "FR"})
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// draft creates a draft evaluation from the template.
func (e *env) draft(title string) *bpo.Evaluation {
	e.t.Helper()
	in := bpo.NewEvaluationInput()
	in.Title = title
	ev, err := e.evaluations.CreateEvaluation(as(e.manager), in)
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

// crit returns the evaluation's criteria by key.
func (e *env) crit(evaluationID int64) map[string]*bpo.Criterion {
	e.t.Helper()
	list, err := e.criteria.FindCriteria(as(e.manager), evaluationID)
	if err != nil {
		e.t.Fatal(err)
	}
	m := make(map[string]*bpo.Criterion, len(list))
	for _, c := range list {
		m[c.Key] = c
	}
	return m
}

// fixture is an evaluation ready to score: vendors taking part, evaluators
// assigned who declared no conflict unless told otherwise.
type fixture struct {
	ev         *bpo.Evaluation
	vendors    []*bpo.Vendor
	evaluators []*bpo.User
	crit       map[string]*bpo.Criterion
}

type setup struct {
	vendors, evaluators int
	extraRated          int  // rated criteria added to the template's, under "quality"
	keepDraft           bool // do not open it
	undeclared          bool // evaluators have not declared yet
}

func (e *env) fixture(title string, s setup) *fixture {
	e.t.Helper()
	ctx := as(e.manager)
	f := &fixture{ev: e.draft(title)}
	quality := e.crit(f.ev.ID)["quality"]
	for i := range s.extraRated {
		_, err := e.criteria.CreateCriterion(ctx, f.ev.ID, bpo.CriterionInput{ParentID: &quality.ID,
			Key: "extra_" + string(rune('a'+i)), Kind: bpo.KindRated, NameEN: "Extra", NameFR: "Extra", Weight: 1})
		if err != nil {
			e.t.Fatal(err)
		}
	}
	for i := range s.vendors {
		v := e.vendor(title + " vendor " + string(rune('A'+i)))
		if _, err := e.participants.AddParticipant(ctx, f.ev.ID, v.ID); err != nil {
			e.t.Fatal(err)
		}
		f.vendors = append(f.vendors, v)
	}
	for i := range s.evaluators {
		u := e.user(strings.ReplaceAll(strings.ToLower(title), " ", "-")+"-evaluator-"+string(rune('a'+i)), bpo.RoleEvaluator)
		if err := e.participants.AssignEvaluator(ctx, f.ev.ID, u.ID); err != nil {
			e.t.Fatal(err)
		}
		if !s.undeclared {
			if err := e.scorecards.DeclareConflicts(as(u), f.ev.ID, nil); err != nil {
				e.t.Fatal(err)
			}
		}
		f.evaluators = append(f.evaluators, u)
	}
	if !s.keepDraft {
		ev, err := e.evaluations.FindEvaluationByID(ctx, f.ev.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if f.ev, err = e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen); err != nil {
			e.t.Fatal(err)
		}
	}
	f.crit = e.crit(f.ev.ID)
	return f
}

// ratedKeys are the template's rated criteria, in tree order.
var ratedKeys = []string{"policies", "process_expertise", "cultural_fit", "communication",
	"cx_alignment", "language", "technology", "knowledge_transfer"}

// history returns the evaluation's audit events of one entity, newest first.
func (e *env) history(evaluationID int64, entity string) []*bpo.AuditEvent {
	e.t.Helper()
	events, _, err := e.audit.FindEvaluationHistory(as(e.manager), evaluationID, bpo.AuditFilter{Entity: entity, Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return events
}

// submittedRatings are the ratings the scoring model counts, as pages read them.
func (e *env) submittedRatings(ctx context.Context, evaluationID int64) ([]*bpo.SubmittedRating, error) {
	d, err := e.evaluations.FindEvaluationDetail(ctx, evaluationID, bpo.WithRatings)
	if err != nil {
		return nil, err
	}
	return d.Ratings, nil
}

// measurements are an evaluation's measured figures, as pages read them.
func (e *env) measurements(ctx context.Context, evaluationID int64) ([]*bpo.Measurement, error) {
	d, err := e.evaluations.FindEvaluationDetail(ctx, evaluationID, bpo.WithMeasurements)
	if err != nil {
		return nil, err
	}
	return d.Measurements, nil
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := bpo.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantError fails the test unless err carries code and message key.
func wantError(t *testing.T, err error, code, key string) {
	t.Helper()
	wantCode(t, err, code)
	if got := bpo.ErrorMessage(err).Key; got != key {
		t.Fatalf("error message = %q, want %q", got, key)
	}
}

// fieldKeys lists the fields an EINVALID error names.
func fieldKeys(err error) []string {
	var e *bpo.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
