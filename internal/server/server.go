// Package server is the HTTP interface of bpoeval: the chi router, the
// middleware, one handler file per resource, form decoding and the one error
// path. It reaches storage only through the bpo service interfaces.
//
// Every numeric field (weights, thresholds, measured figures, the award
// threshold and close-call margin) reads one grammar per language
// (parseNumber, number.go): an optional sign, digits, the language's decimal
// mark (a point in English, a comma in French) and its decimals. Thousands
// may be grouped by threes with a thin space, a no-break space, a narrow
// no-break space or an apostrophe, and in French also an ordinary space.
// The other language's decimal mark is refused as ambiguous ("3,100" in
// English, "3.100" in French), with a message giving the accepted forms.
// Forms are written back in the same grammar (inputNumber).
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/password"
)

// Deps are what the server is built from.
type Deps struct {
	Config        config.Config
	Logger        *slog.Logger
	Users         bpo.UserService
	Vendors       bpo.VendorService
	Evaluations   bpo.EvaluationService
	Criteria      bpo.CriterionService
	Participants  bpo.ParticipantService
	Scorecards    bpo.ScorecardService
	Decisions     bpo.DecisionService
	Audit         bpo.AuditService
	Tokens        bpo.TokenService
	Outbox        bpo.OutboxService
	Identities    bpo.IdentityService
	Imports       bpo.VendorImportService
	FigureImports bpo.FigureImportService
	Moderation    bpo.ModerationService
	Pairwise      bpo.PairwiseService
	Contracts     bpo.ContractService
	Assessments   bpo.AssessmentService
	SignIns       bpo.SignInService
	Accounts      bpo.AccountService
	// Passwords bounds the argon2id computations; nil means one per core
	// with password.Default and password.DefaultWait.
	Passwords *password.Limiter
	// ReportSlots is how many PDF reports are loaded and written at once;
	// 0 means one per core.
	ReportSlots int
	Sessions    scs.Store                   // where sessions live: postgres.SessionStore, which also reads the user
	Ping        func(context.Context) error // reports whether the database answers
	// Unavailable reports whether an error means the database was away
	// (a lost connection, a restart) rather than a fault; nil means never.
	Unavailable func(error) bool
	Metrics     *Metrics
	Now         bpo.Clock
	// Scored is the process's cache of scored evaluations; nil makes one of
	// evalmodel.DefaultBudget.
	Scored *evalmodel.Cache
}

// Server serves bpoeval over HTTP.
type Server struct {
	cfg           config.Config
	log           *slog.Logger
	users         bpo.UserService
	vendors       bpo.VendorService
	evaluations   bpo.EvaluationService
	criteria      bpo.CriterionService
	participants  bpo.ParticipantService
	scorecards    bpo.ScorecardService
	decisions     bpo.DecisionService
	audit         bpo.AuditService
	tokens        bpo.TokenService
	outbox        bpo.OutboxService
	identities    bpo.IdentityService
	imports       bpo.VendorImportService
	figureImports bpo.FigureImportService
	sso           sso
	moderation    bpo.ModerationService
	pairwise      bpo.PairwiseService
	contracts     bpo.ContractService
	assessments   bpo.AssessmentService
	signIns       bpo.SignInService
	accounts      bpo.AccountService
	passwords     *password.Limiter
	sessions      *scs.SessionManager
	ping          func(context.Context) error
	unavailable   func(error) bool
	metrics       *Metrics
	now           bpo.Clock
	reportSlots   chan struct{} // see inReportSlot
	scored        *evalmodel.Cache
	frames        *evalmodel.Cache // see evaluationFrame
}

// Session lifetimes: a working day at most, and sign out after two idle
// hours. The store enforces the idle timeout (see postgres.SessionStore).
const (
	sessionLifetime    = 12 * time.Hour
	SessionIdleTimeout = 2 * time.Hour
)

// SessionCodec encodes session data; the store decodes it with the same.
var SessionCodec scs.Codec = sessionCodec{}

// New returns a server over deps.
func New(d Deps) *Server {
	sm := scs.New()
	sm.Store = d.Sessions
	sm.Lifetime = sessionLifetime
	sm.Codec = SessionCodec
	sm.Cookie.Name = "bpoeval_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = d.Config.SecureCookies
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.Passwords == nil {
		d.Passwords = password.NewLimiter(password.Default, 0, password.DefaultWait)
	}
	if d.Scored == nil {
		d.Scored = evalmodel.NewCache(evalmodel.DefaultBudget())
	}
	frames := evalmodel.NewCache(frameCacheBytes)
	d.Metrics.watchCache(d.Scored, "scored", "scored evaluation (detail, model, result, derived bytes)", "scored evaluations")
	d.Metrics.watchCache(frames, "frame", "evaluation frame (settings, criteria, vendors)", "evaluation frames")
	if d.ReportSlots < 1 {
		d.ReportSlots = runtime.GOMAXPROCS(0)
	}
	if d.Unavailable == nil {
		d.Unavailable = func(error) bool { return false }
	}
	s := &Server{
		cfg: d.Config, log: d.Logger, users: d.Users, vendors: d.Vendors,
		evaluations: d.Evaluations, criteria: d.Criteria, participants: d.Participants,
		scorecards: d.Scorecards, decisions: d.Decisions, audit: d.Audit, tokens: d.Tokens,
		moderation: d.Moderation, pairwise: d.Pairwise,
		contracts: d.Contracts, assessments: d.Assessments,
		signIns: d.SignIns, accounts: d.Accounts, passwords: d.Passwords,
		outbox: d.Outbox, identities: d.Identities, imports: d.Imports, figureImports: d.FigureImports,
		sessions: sm, ping: d.Ping, unavailable: d.Unavailable, metrics: d.Metrics, now: d.Now,
		reportSlots: make(chan struct{}, d.ReportSlots), scored: d.Scored,
		frames: frames,
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.Error(w, r, err) }
	return s
}
