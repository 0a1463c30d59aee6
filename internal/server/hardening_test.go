package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestExpiredTokenIsRefused lets a token pass its expiry: 401 from then
// on, and the token list says it expired.
func TestExpiredTokenIsRefused(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	res := mgr.post("/account/tokens", url.Values{"name": {"weekly"}, "lifetime": {"7"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: status %d", res.StatusCode)
	}
	secret := res.doc(t).Find("[data-testid=token-secret]").AttrOr("value", "")
	if got := text(res.doc(t), "[data-testid=token-expires]"); got == "" {
		t.Error("the list does not show when the token expires")
	}
	if res := mgr.post("/account/tokens", url.Values{"name": {"forever"}, "lifetime": {"36500"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a lifetime not offered: status %d, want 422", res.StatusCode)
	}
	if res := bearer(a, "/api/v1/evaluations", secret); res.StatusCode != http.StatusOK {
		t.Fatalf("before expiry: status %d", res.StatusCode)
	}
	if _, err := a.db.Pool.Exec(t.Context(), `UPDATE api_tokens SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	wantTokenRefused(t, bearer(a, "/api/v1/evaluations", secret))
	if mgr.get("/account/tokens").doc(t).Find("[data-testid=token-expired]").Length() != 1 {
		t.Error("the list does not say the token expired")
	}
}

// TestAPIAnswersAreNotStored checks Cache-Control on the API's answers,
// successes and failures alike, and on the pages that show ratings.
func TestAPIAnswersAreNotStored(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Cache", 2, e)
	f.declareNone(e)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	for _, p := range []string{"/api/v1/evaluations", "/api/v1" + f.path("/model"), "/api/v1" + f.path("/result"),
		"/api/v1/evaluations/999999/result", f.path("/compare"), f.scorecardPath(0, "") + "?evaluator=" + itoa(e.ID)} {
		res := mgr.get(p)
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s (status %d): Cache-Control %q, want no-store", p, res.StatusCode, cc)
		}
	}
	if cc := e.c.get(f.scorecardPath(0, "")).Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the evaluator's scorecard: Cache-Control %q", cc)
	}
}

// TestEvaluatorsSeeTheirOwnProgressOnly lets a colleague declare a
// conflict and submit: the evaluator's list counts their own scorecards
// only and does not move, while the manager's counts everyone's.
func TestEvaluatorsSeeTheirOwnProgressOnly(t *testing.T) {
	a := newApp(t)
	eve, bob := a.newEvaluator("eve@example.test"), a.newEvaluator("bob@example.test")
	f := a.openEvaluation("Independent", 2, eve, bob)
	f.declareNone(eve)
	own := func() string {
		t.Helper()
		return text(eve.c.get("/evaluations").doc(t), "[data-testid=own-progress]")
	}
	before := own()
	if before != "0 of your 2 scorecards submitted" {
		t.Errorf("before: %q", before)
	}
	ctx := as(bob.User)
	if err := a.scorecards.DeclareConflicts(ctx, f.ev.ID, []bpo.Conflict{{VendorID: f.vendors[0].ID, Note: "former employer"}}); err != nil {
		t.Fatal(err)
	}
	three := 3
	for _, c := range f.rated {
		if _, err := a.scorecards.SaveRating(ctx, f.ev.ID, f.vendors[1].ID, bpo.RatingInput{CriterionID: c.ID, Value: &three}); err != nil {
			t.Fatal(err)
		}
	}
	sc := f.scorecard(t, bob, 1)
	if _, err := a.scorecards.SubmitScorecard(ctx, f.ev.ID, f.vendors[1].ID, sc.Version); err != nil {
		t.Fatal(err)
	}
	if after := own(); after != before {
		t.Errorf("the evaluator's list moved when a colleague submitted: %q, then %q", before, after)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	if got := mgr.get("/evaluations").body; !strings.Contains(got, "1 of 3 scorecards submitted") {
		t.Error("the manager's list does not count everyone's scorecards")
	}
}

// TestClientAbortIsNotAFault cuts a form's body short and closes the
// connection: the log records a client abort (499), not a 500.
func TestClientAbortIsNotAFault(t *testing.T) {
	a := newApp(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=half")
	time.Sleep(100 * time.Millisecond)
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(a.log.String(), "path=/login") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	var line string
	sc := bufio.NewScanner(strings.NewReader(a.log.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "path=/login") {
			line = sc.Text()
		}
	}
	if !strings.Contains(line, "status=499") || !strings.Contains(line, "client_abort") {
		t.Errorf("a body cut by the client is logged as %q, want status=499 and client_abort", line)
	}
	if strings.Contains(a.log.String(), "internal error") {
		t.Error("a client abort was logged as an internal error")
	}
}
