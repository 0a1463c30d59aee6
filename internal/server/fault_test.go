package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/localpg"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// privateCluster starts a PostgreSQL cluster of the test's own, which the
// test may stop and restart without touching anyone else's server. It is
// stopped when the test ends, whatever happens.
func privateCluster(t *testing.T) *localpg.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	// Run as root, the cluster runs as the postgres user, which must be
	// able to reach the directory.
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := localpg.StartCluster(ctx, filepath.Join(dir, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("stop the private cluster: %v", err)
		}
	})
	return c
}

// clusterDB creates a migrated database on c and returns its URL.
func clusterDB(t *testing.T, c *localpg.Cluster, name string) string {
	t.Helper()
	u := c.URL(name)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := localpg.EnsureDatabase(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(u); err != nil {
		t.Fatal(err)
	}
	return u
}

// restart stops the cluster, lets the server see it away for a while,
// then starts it again.
func restart(t *testing.T, c *localpg.Cluster, away time.Duration, whileAway func()) *localpg.Cluster {
	t.Helper()
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(away)
	if whileAway != nil {
		whileAway()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := localpg.StartCluster(ctx, c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// faultLoad is a load of autosaves and page reads against an app, each
// answer sorted by what it says about the saves.
type faultLoad struct {
	f *evalFixture
	e *evaluator

	mu         sync.Mutex
	acked      map[string][]autosave // by criterion: the saves answered 200
	statuses   map[int]int           // every answer's status, with 0 for a transport error
	unfriendly []string              // 503s without the page that says nothing was lost
	stop       atomic.Bool
}

func (l *faultLoad) count(status int) {
	l.mu.Lock()
	l.statuses[status]++
	l.mu.Unlock()
}

// write autosaves one criterion over and over, as one evaluator's tab
// would, retrying what it cannot know was saved. A criterion has one
// writer, so a 409 can only mean that the writer's own save in doubt was
// stored after all.
func (l *faultLoad) write(t *testing.T, key string) {
	c := l.f.byKey[key]
	known, n := 0, 0
	for !l.stop.Load() {
		n++
		s := autosave{criterion: key, sent: known, value: strconv.Itoa(1 + n%5), justification: fmt.Sprintf("%s save %d", key, n)}
		res, err := send(t, l.e.c, request{method: http.MethodPost, path: l.f.scorecardPath(0, "/ratings"),
			body: url.Values{"criterion": {itoa(c.ID)}, "value": {s.value}, "justification": {s.justification},
				"version": {strconv.Itoa(s.sent)}}.Encode(),
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Hx-Request": {"true"}}})
		if err != nil {
			l.count(0)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		l.count(res.StatusCode)
		switch res.StatusCode {
		case http.StatusOK, http.StatusConflict:
			if d, err := goqueryDoc(res.body); err == nil {
				v, _ := d.Find(`form[data-key="` + key + `"] input[data-testid=version]`).Attr("value")
				s.version, _ = strconv.Atoi(v)
			}
			if res.StatusCode == http.StatusOK {
				l.mu.Lock()
				l.acked[key] = append(l.acked[key], s)
				l.mu.Unlock()
			}
			known = s.version
		case http.StatusServiceUnavailable:
			l.checkFriendly(res)
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// read loads pages, as the evaluator and the manager watching would.
func (l *faultLoad) read(t *testing.T, c *client, path string) {
	for !l.stop.Load() {
		res, err := send(t, c, request{method: http.MethodGet, path: path})
		if err != nil {
			l.count(0)
			continue
		}
		l.count(res.StatusCode)
		if res.StatusCode == http.StatusServiceUnavailable {
			l.checkFriendly(res)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *faultLoad) checkFriendly(res *response) {
	msg := ""
	if d, err := goqueryDoc(res.body); err == nil {
		msg = d.Find("[data-testid=error] p").Text()
	}
	if !strings.Contains(msg, "nothing you saved has been lost") || res.Header.Get("Retry-After") == "" {
		l.mu.Lock()
		l.unfriendly = append(l.unfriendly, msg)
		l.mu.Unlock()
	}
}

// TestDatabaseFaults kills the server's database connections and restarts
// PostgreSQL, on a cluster of the test's own, under load and in the middle
// of a submission.
func TestDatabaseFaults(t *testing.T) {
	cluster := privateCluster(t)
	t.Run("UnderLoad", func(t *testing.T) { cluster = faultsUnderLoad(t, cluster) })
	t.Run("DuringSubmission", func(t *testing.T) { cluster = faultsDuringSubmission(t, cluster) })
}

// faultsUnderLoad runs autosaves and page reads while the server's
// connections are killed and PostgreSQL is restarted. The server must stay
// up, answer 503 with a friendly page while the database is away and never
// 500, recover by itself, and have kept every save it acknowledged. make
// soak runs it longer, with more faults.
func faultsUnderLoad(t *testing.T, cluster *localpg.Cluster) *localpg.Cluster {
	dbURL := clusterDB(t, cluster, "load")
	a := newAppOn(t, dbURL, func(*config.Config) {})
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Faults", 1, e)
	f.declareNone(e)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)

	l := &faultLoad{f: f, e: e, acked: map[string][]autosave{}, statuses: map[int]int{}}
	var wg sync.WaitGroup
	for _, c := range f.rated {
		wg.Go(func() { l.write(t, c.Key) })
	}
	wg.Go(func() { l.read(t, e.c, f.scorecardPath(0, "")) })
	wg.Go(func() { l.read(t, mgr, f.path("")) })
	defer func() { l.stop.Store(true); wg.Wait() }()

	rounds := 1
	if soak() {
		rounds = 10
	}
	terminated, restarts := 0, 0
	for range rounds {
		time.Sleep(time.Second)
		for range 3 {
			terminated += terminateAll(t, dbURL, "")
			time.Sleep(300 * time.Millisecond)
		}
		cluster = restart(t, cluster, time.Second, func() {
			// While the database is away: 503 with the friendly page.
			res := mustSend(t, mgr, request{method: http.MethodGet, path: f.path("")})
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("with the database stopped: status %d, want 503", res.StatusCode)
			}
			if h := mustSend(t, a.anonymous(), request{method: http.MethodGet, path: "/healthz"}); h.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/healthz with the database stopped: status %d, want 503", h.StatusCode)
			}
		})
		restarts++
		waitHealthy(t, a, 20*time.Second)
	}
	time.Sleep(time.Second)
	l.stop.Store(true)
	wg.Wait()

	// Every acknowledged save is stored, as the version it was answered
	// with, and the audit log holds it.
	events := ratingEvents(t, a, f.ev.ID)
	stored := f.scorecard(t, e, 0)
	lost, total := 0, 0
	for _, c := range f.rated {
		for _, s := range l.acked[c.Key] {
			total++
			if got := events[eventKey{c.ID, s.version}]; len(got) != 1 || got[0].Justification != s.justification {
				lost++
				t.Errorf("%s: the save acknowledged as version %d (%q) is not in the audit log: %+v", c.Key, s.version, s.justification, got)
			}
		}
		if saves := l.acked[c.Key]; len(saves) > 0 {
			last := saves[len(saves)-1]
			if r := stored.Ratings[c.ID]; r == nil || r.Version < last.version {
				t.Errorf("%s: stored %+v, older than the last acknowledged version %d", c.Key, r, last.version)
			}
		}
	}
	if l.statuses[http.StatusInternalServerError] > 0 {
		t.Errorf("%d answers were 500: a database fault must read as 503", l.statuses[http.StatusInternalServerError])
	}
	if len(l.unfriendly) > 0 {
		t.Errorf("%d 503 answers without the friendly page, e.g. %q", len(l.unfriendly), l.unfriendly[0])
	}
	if total == 0 {
		t.Error("no save was acknowledged: the load did not run")
	}
	t.Logf("%d connections terminated, %d restarts; answers by status %v; %d saves acknowledged, %d lost",
		terminated, restarts, l.statuses, total, lost)
	return cluster
}

// terminateAll kills the connections to the database at dbURL, only those
// waiting on waitEvent when it is not empty, and returns how many.
func terminateAll(t *testing.T, dbURL, waitEvent string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND ($1 = '' OR wait_event = $1)`, waitEvent).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// faultsDuringSubmission stops a scorecard submission half-way, after its
// transaction has marked the scorecard submitted and before it wrote the
// audit event, by killing its connection and then by stopping PostgreSQL.
// Either way nothing of it may remain, and submitting again must work.
func faultsDuringSubmission(t *testing.T, cluster *localpg.Cluster) *localpg.Cluster {
	dbURL := clusterDB(t, cluster, "submit")
	a := newAppOn(t, dbURL, func(*config.Config) {})
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Submission", 2, e)
	f.declareNone(e)
	// The fault: the audit event of a submission waits, so that the
	// transaction can be cut while it holds its first change.
	mustExec(t, dbURL, `CREATE FUNCTION stall_submit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.action = 'submit' THEN PERFORM pg_sleep(60); END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER stall_submit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION stall_submit()`)

	for i, fault := range []string{"connection killed", "PostgreSQL restarted"} {
		rateAll(t, f, e, i)
		page := e.c.get(f.scorecardPath(i, "")).doc(t)
		version := scorecardVersion(page)
		before := a.fingerprint(t)

		answer := make(chan *response, 1)
		go func() {
			res, err := send(t, e.c, request{method: http.MethodPost, path: f.scorecardPath(i, "/submit"),
				body:   url.Values{"version": {version}}.Encode(),
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
			if err != nil {
				t.Errorf("%s: %v", fault, err)
			}
			answer <- res
		}()
		waitFor(t, 20*time.Second, func() bool { return waitingIn(t, dbURL, "PgSleep") })
		if i == 0 {
			terminateAll(t, dbURL, "PgSleep")
		} else {
			cluster = restart(t, cluster, 500*time.Millisecond, nil)
			waitHealthy(t, a, 20*time.Second)
		}
		res := <-answer
		if res == nil {
			continue
		}
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s: the interrupted submission answered %d, want 503", fault, res.StatusCode)
		}
		if got := a.fingerprint(t); got != before {
			t.Errorf("%s: the interrupted submission left something behind", fault)
		}
		if sc := f.scorecard(t, e, i); sc.Status != "draft" || strconv.Itoa(sc.Version) != version {
			t.Errorf("%s: the scorecard is %s at version %d, want draft at %s", fault, sc.Status, sc.Version, version)
		}
	}

	mustExec(t, dbURL, `DROP TRIGGER stall_submit ON audit_events`)
	for i := range 2 {
		page := e.c.get(f.scorecardPath(i, "")).doc(t)
		res := e.c.post(f.scorecardPath(i, "/submit"), url.Values{"version": {scorecardVersion(page)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("submitting again after the fault: status %d", res.StatusCode)
		}
		if sc := f.scorecard(t, e, i); sc.Status != "submitted" {
			t.Errorf("after submitting again, the scorecard is %s", sc.Status)
		}
	}
	var events int
	queryRow(t, dbURL, `SELECT count(*) FROM audit_events WHERE action = 'submit'`, &events)
	if events != 2 {
		t.Errorf("%d submit events, want one per submission that went through", events)
	}
	return cluster
}

// waitingIn reports whether a connection to the database waits on event.
func waitingIn(t *testing.T, dbURL, event string) bool {
	var n int
	queryRow(t, dbURL, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = $1`, &n, event)
	return n > 0
}

func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v in vain", within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustExec(t *testing.T, dbURL, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

func queryRow(t *testing.T, dbURL, sql string, dest any, args ...any) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(dest); err != nil {
		t.Fatal(err)
	}
}

// waitHealthy waits for /healthz to answer ok again.
func waitHealthy(t *testing.T, a *app, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := send(t, a.anonymous(), request{method: http.MethodGet, path: "/healthz"})
		if err == nil && res.StatusCode == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not recover within %v", within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
