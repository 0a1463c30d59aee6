package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	osexec "os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// serveChildEnv makes the test binary, started again by a test, be
// `bpoeval serve` instead: a real server process the test can kill -9.
const serveChildEnv = "BPOEVAL_TEST_SERVE_CHILD"

// serveChild runs `bpoeval serve` with the process's environment and exits.
func serveChild() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, []string{"serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bpoeval:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serverProcess is a `bpoeval serve` started by startServer.
type serverProcess struct {
	cmd  *osexec.Cmd
	addr string
	done chan struct{}
	log  *syncWriter
}

var listening = regexp.MustCompile(`bpoeval listening on http://(\S+)`)

// startServer starts `bpoeval serve` on addr (127.0.0.1:0 for any port)
// over the database, with more environment variables if given, and waits
// until it listens.
func startServer(t *testing.T, dbURL, addr string, env ...string) *serverProcess {
	t.Helper()
	return startProcess(t, osexec.Command(os.Args[0]), dbURL, addr, append([]string{serveChildEnv + "=1"}, env...)...)
}

// startProcess starts cmd, a `bpoeval serve`, as startServer does.
func startProcess(t *testing.T, cmd *osexec.Cmd, dbURL, addr string, env ...string) *serverProcess {
	t.Helper()
	p := &serverProcess{cmd: cmd, done: make(chan struct{}), log: &syncWriter{}}
	p.cmd.Env = append(append(os.Environ(), "DATABASE_URL="+dbURL, "BPOEVAL_ADDR="+addr), env...)
	p.cmd.Stderr = p.log
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Whatever happens to the test, the server goes with it.
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("server log:\n%s", p.log.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_ = p.cmd.Wait()
	}()
	select {
	case p.addr = <-found:
	case <-p.done:
		t.Fatalf("the server exited before listening:\n%s", p.log.String())
	case <-time.After(time.Minute):
		t.Fatalf("the server did not listen within a minute:\n%s", p.log.String())
	}
	return p
}

// kill ends the server as a crash would: SIGKILL, no chance to finish
// anything in flight.
func (p *serverProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// crashWriter autosaves one criterion over and over at base, whatever
// server answers there, retrying what it cannot know was saved. It is the
// criterion's only writer, so a 409 can only mean that its own save in
// doubt was stored after all.
type crashWriter struct {
	criterion int64
	acked     []crashSave
	other     map[int]int // answers neither 200 nor 409, by status (0: no answer)
}

type crashSave struct {
	version       int
	justification string
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)" data-testid="version"`)

func (w *crashWriter) run(base string, c *http.Client, path string, stop *atomic.Bool) {
	known, n := 0, 0
	for !stop.Load() {
		n++
		justification := fmt.Sprintf("criterion %d save %d", w.criterion, n)
		form := url.Values{"criterion": {strconv.FormatInt(w.criterion, 10)}, "value": {strconv.Itoa(1 + n%5)},
			"justification": {justification}, "version": {strconv.Itoa(known)}}
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		res, err := c.Do(req)
		if err != nil {
			w.other[0]++
			time.Sleep(20 * time.Millisecond)
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := versionField.FindSubmatch(b)
		switch {
		case (res.StatusCode == http.StatusOK || res.StatusCode == http.StatusConflict) && m != nil:
			known, _ = strconv.Atoi(string(m[1]))
			if res.StatusCode == http.StatusOK {
				w.acked = append(w.acked, crashSave{known, justification})
			}
		default:
			w.other[res.StatusCode]++
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestCrashKeepsAcknowledgedSaves kills -9 a real `bpoeval serve` process
// in the middle of a load of autosaves, then starts it again on the same
// address: every save it answered 200 must be in the database, and the
// evaluator's session must have survived. make soak crashes it more.
func TestCrashKeepsAcknowledgedSaves(t *testing.T) {
	dbURL := pgtest.NewDB(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	ev, criteria, vendorID := crashFixture(t, db)

	srv := startServer(t, dbURL, "127.0.0.1:0")
	// Restarted on the same address, as a supervisor would: the browser
	// keeps its cookie and its page.
	base := "http://" + srv.addr
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/login", url.Values{"email": {"eve@crash.test"}, "password": {crashPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %v %v", res, err)
	}
	res.Body.Close()

	path := fmt.Sprintf("/evaluations/%d/scorecards/%d/ratings", ev.ID, vendorID)
	var stop atomic.Bool
	var wg sync.WaitGroup
	writers := make([]*crashWriter, len(criteria))
	for i, c := range criteria {
		writers[i] = &crashWriter{criterion: c.ID, other: map[int]int{}}
		wg.Go(func() { writers[i].run(base, client, path, &stop) })
	}
	defer func() { stop.Store(true); wg.Wait() }()

	crashes := 1
	if os.Getenv("BPOEVAL_SOAK") != "" {
		crashes = 10
	}
	for range crashes {
		time.Sleep(1500 * time.Millisecond)
		srv.kill(t)
		time.Sleep(200 * time.Millisecond) // the saves in flight meet a dead server
		srv = startServer(t, dbURL, srv.addr)
	}
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()

	// The session outlived the crashes: it lives in PostgreSQL.
	res, err = client.Get(base + "/")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the dashboard after the crashes: %v %v, want 200 without signing in again", res, err)
	} else {
		res.Body.Close()
	}

	stored := map[int64]map[int]string{} // criterion → version → justification, from the audit log
	rows, err := db.Pool.Query(ctx, `SELECT (after->>'criterion_id')::bigint, (after->>'version')::int, after->>'justification'
		FROM audit_events WHERE evaluation_id = $1 AND entity = 'rating'`, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c int64
		var v int
		var j string
		if err := rows.Scan(&c, &v, &j); err != nil {
			t.Fatal(err)
		}
		if stored[c] == nil {
			stored[c] = map[int]string{}
		}
		stored[c][v] = j
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	acked, lost := 0, 0
	other := map[int]int{}
	for _, w := range writers {
		for _, s := range w.acked {
			acked++
			if stored[w.criterion][s.version] != s.justification {
				lost++
				t.Errorf("criterion %d: the save acknowledged as version %d (%q) is not stored", w.criterion, s.version, s.justification)
			}
		}
		for status, n := range w.other {
			other[status] += n
		}
	}
	if acked == 0 {
		t.Error("no save was acknowledged: the load did not run")
	}
	if other[http.StatusInternalServerError] > 0 {
		t.Errorf("%d answers were 500", other[http.StatusInternalServerError])
	}
	t.Logf("%d crashes (kill -9); %d saves acknowledged, %d lost; other answers by status (0: none) %v", crashes, acked, lost, other)
}

const crashPassword = "correct horse battery"

// crashFixture is an open evaluation with one vendor and an evaluator,
// eve@crash.test, who has declared no conflict; it returns the rated
// criteria.
func crashFixture(t *testing.T, db *postgres.DB) (*bpo.Evaluation, []*bpo.Criterion, int64) {
	t.Helper()
	ctx := context.Background()
	users := postgres.NewUserService(db)
	hash := password.Hash(crashPassword, password.Params{Memory: 64, Time: 1, Threads: 1})
	mgr, err := users.CreateUser(ctx, bpo.NewUser{Email: "mgr@crash.test", Name: "Mgr", Role: bpo.RoleManager, Password: crashPassword}, hash)
	if err != nil {
		t.Fatal(err)
	}
	eve, err := users.CreateUser(ctx, bpo.NewUser{Email: "eve@crash.test", Name: "Eve", Role: bpo.RoleEvaluator, Password: crashPassword}, hash)
	if err != nil {
		t.Fatal(err)
	}
	asMgr := bpo.NewContextWithUser(ctx, mgr)
	evals, parts := postgres.NewEvaluationService(db), postgres.NewParticipantService(db)
	in := bpo.NewEvaluationInput()
	in.Title = "Crash"
	ev, err := evals.CreateEvaluation(asMgr, in)
	if err != nil {
		t.Fatal(err)
	}
	v, err := postgres.NewVendorService(db).CreateVendor(asMgr, bpo.VendorInput{Name: "Crash vendor", Country: "MA"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parts.AddParticipant(asMgr, ev.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := parts.AssignEvaluator(asMgr, ev.ID, eve.ID); err != nil {
		t.Fatal(err)
	}
	if ev, err = evals.SetEvaluationStatus(asMgr, ev.ID, ev.Version, bpo.StatusOpen); err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewScorecardService(db).DeclareConflicts(bpo.NewContextWithUser(ctx, eve), ev.ID, nil); err != nil {
		t.Fatal(err)
	}
	all, err := postgres.NewCriterionService(db).FindCriteria(asMgr, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rated []*bpo.Criterion
	for _, c := range all {
		if c.Kind == bpo.KindRated {
			rated = append(rated, c)
		}
	}
	return ev, rated, v.ID
}
