package mail_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/mail"
	"github.com/bpoeval/bpoeval/internal/mail/smtptest"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// env is the services over a database of the test's own, a clock the test
// moves, and a real SMTP server.
type env struct {
	t            *testing.T
	db           *postgres.DB
	clock        *clock
	users        *postgres.UserService
	vendors      *postgres.VendorService
	evaluations  *postgres.EvaluationService
	criteria     *postgres.CriterionService
	participants *postgres.ParticipantService
	scorecards   *postgres.ScorecardService
	outbox       *postgres.OutboxService
	smtp         *smtptest.Server
	manager      *bpo.User
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	e := &env{t: t, db: db, clock: c, users: postgres.NewUserService(db), vendors: postgres.NewVendorService(db),
		evaluations: postgres.NewEvaluationService(db), criteria: postgres.NewCriterionService(db),
		participants: postgres.NewParticipantService(db), scorecards: postgres.NewScorecardService(db),
		outbox: postgres.NewOutboxService(db), smtp: smtptest.Start(t)}
	e.manager = e.user("manager", bpo.RoleManager, "en")
	return e
}

func as(u *bpo.User) context.Context { return bpo.NewContextWithUser(context.Background(), u) }

func (e *env) user(name string, role bpo.Role, lang string) *bpo.User {
	e.t.Helper()
	u, err := e.users.CreateUser(context.Background(),
		bpo.NewUser{Email: name + "@example.test", Name: name, Role: role, Password: "long enough password"}, "not-a-hash")
	if err == nil && lang != "" {
		err = e.users.SetUserLang(context.Background(), u.ID, lang)
		u.Lang = lang
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// sender is an instance's sender loop over the test's SMTP server, with
// STARTTLS and authentication, as BPOEVAL_SMTP_URL sets it up.
func (e *env) sender() *mail.Sender {
	e.t.Helper()
	tr, err := mail.ParseSMTP("smtp://" + smtptest.User + ":" + smtptest.Password + "@" + e.smtp.Addr)
	if err != nil {
		e.t.Fatal(err)
	}
	tr.TLS = &tls.Config{RootCAs: e.smtp.RootCAs, MinVersion: tls.VersionTLS12}
	return &mail.Sender{Outbox: e.outbox, Transport: tr, From: "bpoeval <noreply@bpoeval.example>",
		BaseURL: "https://bpoeval.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock.Now}
}

func (e *env) drain(s *mail.Sender) int {
	e.t.Helper()
	n, err := s.Drain(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// scenario is an evaluation due in 3 days with two vendors and two
// evaluators, one of whom reads French; it is opened for scoring.
type scenario struct {
	ev         *bpo.Evaluation
	vendors    []*bpo.Vendor
	fr, en     *bpo.User
	ratedByKey map[string]*bpo.Criterion
}

func (e *env) scenario() *scenario {
	e.t.Helper()
	ctx := as(e.manager)
	in := bpo.NewEvaluationInput()
	in.Title = "Inbound calls 2026"
	due := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	in.DueDate = &due
	ev, err := e.evaluations.CreateEvaluation(ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	s := &scenario{ev: ev, fr: e.user("camille", bpo.RoleEvaluator, "fr"), en: e.user("alex", bpo.RoleEvaluator, "en"),
		ratedByKey: map[string]*bpo.Criterion{}}
	for _, name := range []string{"Acme BPO", "Beta Services"} {
		v, err := e.vendors.CreateVendor(ctx, bpo.VendorInput{Name: name, Country: "FR"})
		if err == nil {
			_, err = e.participants.AddParticipant(ctx, ev.ID, v.ID)
		}
		if err != nil {
			e.t.Fatal(err)
		}
		s.vendors = append(s.vendors, v)
	}
	for _, u := range []*bpo.User{s.fr, s.en} {
		if err := e.participants.AssignEvaluator(ctx, ev.ID, u.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	if s.ev, err = e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen); err != nil {
		e.t.Fatal(err)
	}
	cs, err := e.criteria.FindCriteria(ctx, ev.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Kind == bpo.KindRated {
			s.ratedByKey[c.Key] = c
		}
	}
	return s
}

// submit rates every rated criterion 3 and submits u's scorecard of vendor i.
func (e *env) submit(s *scenario, u *bpo.User, i int) *bpo.Scorecard {
	e.t.Helper()
	ctx := as(u)
	vendor := s.vendors[i].ID
	// A second declaration is refused; the first is what counts here.
	_ = e.scorecards.DeclareConflicts(ctx, s.ev.ID, nil)
	three := 3
	for _, c := range s.ratedByKey {
		if _, err := e.scorecards.SaveRating(ctx, s.ev.ID, vendor, bpo.RatingInput{CriterionID: c.ID, Value: &three}); err != nil {
			e.t.Fatal(err)
		}
	}
	sc, err := e.scorecards.FindScorecard(ctx, s.ev.ID, vendor, 0)
	if err == nil {
		sc, err = e.scorecards.SubmitScorecard(ctx, s.ev.ID, vendor, sc.Version)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return sc
}

// snapshot is the scoring model and result a decision is recorded with,
// recommending the first vendor.
func (e *env) snapshot(s *scenario) bpo.DecisionSnapshot {
	e.t.Helper()
	ps, err := e.participants.FindParticipants(as(e.manager), s.ev.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	key := ""
	var vendors []map[string]any
	for _, p := range ps {
		if p.VendorID == s.vendors[0].ID {
			key = p.Key
		}
		vendors = append(vendors, map[string]any{"key": p.Key, "eligible": true})
	}
	result, err := json.Marshal(map[string]any{"vendors": vendors,
		"recommendation": map[string]any{"decision": "award", "vendor": key}})
	if err != nil {
		e.t.Fatal(err)
	}
	return bpo.DecisionSnapshot{Model: []byte(`{"criteria": [], "vendors": []}`), Result: result}
}

// parsed is a received message, read as a mail reader would.
type parsed struct {
	to, subject, messageID, key string
	text, html                  string
}

func parse(t *testing.T, m smtptest.Message) parsed {
	t.Helper()
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{to: strings.Join(m.To, ","), subject: subject, messageID: m.Header.Get("Message-ID"), key: m.Header.Get(mail.KeyHeader)}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	_, body, _ := strings.Cut(string(m.Data), "\r\n\r\n")
	r := multipart.NewReader(strings.NewReader(body), params["boundary"])
	for {
		part, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		switch ct := part.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain; charset=utf-8"):
			p.text = string(b)
		case strings.HasPrefix(ct, "text/html; charset=utf-8"):
			p.html = string(b)
		default:
			t.Errorf("unexpected part %q", ct)
		}
	}
	if p.text == "" || p.html == "" {
		t.Errorf("%q: the text or the HTML part is missing", subject)
	}
	if !m.TLS || !m.Authed {
		t.Errorf("%q: sent without STARTTLS (%v) or authentication (%v)", subject, m.TLS, m.Authed)
	}
	return p
}

// received is what the SMTP server holds, by kind (the key's prefix).
func (e *env) received() map[string][]parsed {
	out := map[string][]parsed{}
	for _, m := range e.smtp.Messages() {
		p := parse(e.t, m)
		kind, _, _ := strings.Cut(p.key, ":")
		out[kind] = append(out[kind], p)
	}
	return out
}

// TestMailPerEvent walks an evaluation through the events that send mail
// and checks each message: recipient, language, parts, link, key.
func TestMailPerEvent(t *testing.T) {
	e := newEnv(t)
	s := e.scenario()
	snd := e.sender()
	if n := e.drain(snd); n != 4 {
		t.Errorf("assignment and opening sent %d messages, want 4", n)
	}
	got := e.received()
	for _, kind := range []string{"assigned", "scoring_opened"} {
		if len(got[kind]) != 2 {
			t.Fatalf("%s: %d messages", kind, len(got[kind]))
		}
	}
	for _, p := range append(got["assigned"], got["scoring_opened"]...) {
		link := "https://bpoeval.example/evaluations/" + itoa(s.ev.ID)
		if !strings.Contains(p.text, link) || !strings.Contains(p.html, `href="`+link+`"`) {
			t.Errorf("%q: no link to %s:\n%s", p.subject, link, p.text)
		}
		if p.messageID == "" || !strings.HasPrefix(p.messageID, "<") || p.key == "" {
			t.Errorf("%q: Message-ID %q, key %q", p.subject, p.messageID, p.key)
		}
		switch p.to {
		case s.fr.Email:
			if !strings.Contains(p.subject, "« Inbound calls 2026 »") || !strings.Contains(p.text, "Bonjour camille") {
				t.Errorf("French evaluator got %q:\n%s", p.subject, p.text)
			}
		case s.en.Email:
			if !strings.Contains(p.subject, "“Inbound calls 2026”") || !strings.Contains(p.text, "Hello alex") {
				t.Errorf("English evaluator got %q:\n%s", p.subject, p.text)
			}
		default:
			t.Errorf("message to %s", p.to)
		}
	}

	// Alex submits one of two scorecards; both are reminded 3 days before,
	// once however often the check runs.
	e.submit(s, s.en, 0)
	for range 3 {
		if _, err := e.outbox.QueueReminders(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	e.drain(snd)
	soon := e.received()["reminder_soon"]
	if len(soon) != 2 {
		t.Fatalf("reminder_soon: %d messages", len(soon))
	}
	for _, p := range soon {
		if p.to == s.en.Email && !strings.Contains(p.text, "You have 1 scorecard of “Inbound calls 2026” to submit by") {
			t.Errorf("reminder: %s", p.text)
		}
		if p.to == s.fr.Email && !strings.Contains(p.text, "Il vous reste 2 fiches") {
			t.Errorf("rappel : %s", p.text)
		}
		if !strings.Contains(p.text, "https://bpoeval.example/account") {
			t.Errorf("a reminder does not say where to turn reminders off: %s", p.text)
		}
	}

	// Alex turns reminders off: on the due date only Camille is reminded.
	if err := e.outbox.SetReminders(as(s.en), false); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(3 * 24 * time.Hour)
	if _, err := e.outbox.QueueReminders(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.drain(snd)
	if due := e.received()["reminder_due"]; len(due) != 1 || due[0].to != s.fr.Email {
		t.Errorf("reminder_due: %+v", due)
	}

	// The day after: overdue to Camille, a digest naming her to the manager.
	e.clock.Add(24 * time.Hour)
	if _, err := e.outbox.QueueReminders(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.drain(snd)
	got = e.received()
	if len(got["overdue"]) != 1 || got["overdue"][0].to != s.fr.Email || !strings.Contains(got["overdue"][0].subject, "En retard") {
		t.Errorf("overdue: %+v", got["overdue"])
	}
	if d := got["overdue_digest"]; len(d) != 1 || d[0].to != e.manager.Email || !strings.Contains(d[0].text, "alex, camille") {
		t.Errorf("overdue digest: %+v", d)
	}

	// A reopened scorecard, then the decision.
	sc := e.submit(s, s.fr, 0)
	if _, err := e.scorecards.ReopenScorecard(as(e.manager), s.ev.ID, sc.ID, sc.Version); err != nil {
		t.Fatal(err)
	}
	ps, err := e.participants.FindParticipants(as(e.manager), s.ev.ID)
	for _, p := range ps {
		if err == nil && p.VendorID == s.vendors[0].ID {
			_, err = e.participants.SetStage(as(e.manager), s.ev.ID, p.VendorID, p.Version, bpo.StageShortlisted, "")
		}
	}
	var ev *bpo.Evaluation
	if err == nil {
		ev, err = e.evaluations.FindEvaluationByID(as(e.manager), s.ev.ID)
	}
	if err == nil {
		ev, err = e.evaluations.SetEvaluationStatus(as(e.manager), ev.ID, ev.Version, bpo.StatusClosed)
	}
	if err == nil {
		_, err = postgres.NewDecisionService(e.db).RecordDecision(as(e.manager), ev.ID, bpo.DecisionInput{Version: ev.Version,
			Outcome: bpo.OutcomeAward, VendorID: s.vendors[0].ID, Rationale: "Best value", Snapshot: e.snapshot(s)})
	}
	if err != nil {
		t.Fatal(err)
	}
	e.drain(snd)
	got = e.received()
	if r := got["reopened"]; len(r) != 1 || r[0].to != s.fr.Email || !strings.Contains(r[0].text, "Acme BPO") ||
		!strings.Contains(r[0].text, "/scorecards/"+itoa(s.vendors[0].ID)) {
		t.Errorf("reopened: %+v", r)
	}
	if d := got["decision"]; len(d) != 1 || d[0].to != e.manager.Email || !strings.Contains(d[0].text, "awarded to Acme BPO") {
		t.Errorf("decision: %+v", d)
	}
	// A contract with the awarded vendor, started two months ago: the
	// figures of its last ended month are due, once.
	if _, err := postgres.NewContractService(e.db).CreateContract(as(e.manager), bpo.ContractInput{EvaluationID: s.ev.ID,
		VendorID: s.vendors[0].ID, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Length: bpo.PeriodLength("monthly")}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := e.outbox.QueueReminders(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	e.drain(snd)
	if c := e.received()["contract_period"]; len(c) != 1 || c[0].to != e.manager.Email ||
		!strings.Contains(c[0].subject, "Acme BPO") || !strings.Contains(c[0].text, "https://bpoeval.example/contracts/") {
		t.Errorf("contract period: %+v", c)
	}
	keys := map[string]bool{}
	for _, m := range e.smtp.Messages() {
		id := m.Header.Get("Message-ID")
		if keys[id] {
			t.Errorf("Message-ID %s delivered twice", id)
		}
		keys[id] = true
	}
}

// TestMailCrashAfterSend: the sender dies after the server accepted a
// message and before it was marked sent. The message is delivered exactly
// once more, with the same Message-ID and key.
func TestMailCrashAfterSend(t *testing.T) {
	e := newEnv(t)
	e.scenario() // 4 messages queued
	snd := e.sender()
	ctx, crash := context.WithCancel(context.Background())
	found, err := e.outbox.SendNext(ctx, func(ctx context.Context, m *bpo.OutboxMessage) error {
		err := snd.Deliver(ctx, m)
		crash() // the process dies: the mark never reaches the database
		return err
	})
	if !found || err == nil {
		t.Fatalf("the crashed send: found %v, err %v", found, err)
	}
	if n := len(e.smtp.Messages()); n != 1 {
		t.Fatalf("%d deliveries before the restart", n)
	}
	first := e.smtp.Messages()[0]
	// A fresh instance takes over.
	if n := e.drain(e.sender()); n != 4 {
		t.Errorf("after the restart %d messages were sent, want the 4 queued", n)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 5 {
		t.Fatalf("%d deliveries in all, want 5 (4 messages, one of them twice)", len(msgs))
	}
	count := map[string]int{}
	for _, m := range msgs {
		count[m.Header.Get("Message-ID")]++
	}
	id := first.Header.Get("Message-ID")
	if count[id] != 2 || len(count) != 4 {
		t.Errorf("deliveries by Message-ID: %v; the crashed one is %s", count, id)
	}
	if e.drain(e.sender()) != 0 || len(e.smtp.Messages()) != 5 {
		t.Error("a message was sent again after it was marked sent")
	}
}

// TestMailTwoInstances: two senders drain one outbox at the same time;
// every message is delivered exactly once.
func TestMailTwoInstances(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	in := bpo.NewEvaluationInput()
	in.Title = "Many evaluators"
	ev, err := e.evaluations.CreateEvaluation(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	const n = 30
	for i := range n {
		u := e.user("evaluator"+itoa(int64(i)), bpo.RoleEvaluator, "")
		if err := e.participants.AssignEvaluator(ctx, ev.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	sent := make([]int, 2)
	for i := range 2 {
		wg.Go(func() {
			s := e.sender()
			c, err := s.Drain(context.Background())
			if err != nil {
				t.Error(err)
			}
			sent[i] = c
		})
	}
	wg.Wait()
	msgs := e.smtp.Messages()
	ids := map[string]bool{}
	for _, m := range msgs {
		id := m.Header.Get("Message-ID")
		if ids[id] {
			t.Errorf("%s delivered twice", id)
		}
		ids[id] = true
	}
	if len(msgs) != n || sent[0]+sent[1] != n {
		t.Errorf("%d deliveries, senders report %v; want %d", len(msgs), sent, n)
	}
	t.Logf("the two instances sent %v", sent)
}

// TestMailRetriesWithBackoff: a refused message waits a minute, then two,
// and goes once the server accepts it again.
func TestMailRetriesWithBackoff(t *testing.T) {
	e := newEnv(t)
	ev := e.scenario().ev
	e.smtp.FailWith(errors.New("mailbox busy"))
	snd := e.sender()
	if n := e.drain(snd); n != 4 {
		t.Fatalf("%d attempts, want 4", n)
	}
	if e.drain(snd) != 0 {
		t.Error("a refused message was retried at once")
	}
	list, err := e.outbox.FindOutbox(as(e.user("root", bpo.RoleAdmin, "")), bpo.OutboxFilter{Pending: true})
	if err != nil || len(list) != 4 {
		t.Fatalf("pending: %d, %v", len(list), err)
	}
	for _, m := range list {
		if m.Attempts != 1 || !strings.Contains(m.LastError, "mailbox busy") || m.NextAttemptAt.Sub(e.clock.Now()) != time.Minute {
			t.Errorf("after one failure: attempts %d, error %q, next in %v", m.Attempts, m.LastError, m.NextAttemptAt.Sub(e.clock.Now()))
		}
	}
	e.clock.Add(time.Minute)
	e.drain(snd)
	list, _ = e.outbox.FindOutbox(as(e.manager), bpo.OutboxFilter{})
	if list != nil {
		t.Error("a manager reads the outbox")
	}
	e.smtp.FailWith(nil)
	e.clock.Add(2 * time.Minute)
	if n := e.drain(snd); n != 4 || len(e.smtp.Messages()) != 4 {
		t.Errorf("after the server recovered: %d sent, %d received", n, len(e.smtp.Messages()))
	}
	_ = ev
}

// TestMailWithoutServer: without SMTP settings nothing is sent and nothing
// fails; the messages wait in the outbox, reminders that came due too.
func TestMailWithoutServer(t *testing.T) {
	e := newEnv(t)
	e.scenario()
	snd := &mail.Sender{Outbox: e.outbox, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: 10 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	snd.Run(ctx)
	list, err := e.outbox.FindOutbox(as(e.user("root", bpo.RoleAdmin, "")), bpo.OutboxFilter{Pending: true})
	if err != nil || len(list) != 6 {
		t.Errorf("pending: %d, %v", len(list), err)
	}
	kinds := []string{}
	for _, m := range list {
		kinds = append(kinds, string(m.Kind))
	}
	slices.Sort(kinds)
	if strings.Join(kinds, ",") != "assigned,assigned,reminder_soon,reminder_soon,scoring_opened,scoring_opened" {
		t.Errorf("kinds %v", kinds)
	}
}

func TestParseSMTP(t *testing.T) {
	for _, raw := range []string{"smtp://u:p@mail.example:587", "smtps://mail.example", "smtp://relay:25?tls=none"} {
		if _, err := mail.ParseSMTP(raw); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for _, raw := range []string{"http://mail.example", "smtp://", "smtps://h?tls=none", "smtp://h?tls=maybe", "%zz"} {
		if _, err := mail.ParseSMTP(raw); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
