package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestOutboxPageWithoutSMTP: without SMTP settings the messages of an
// assignment wait in the outbox, and the administrators' page lists them
// in the reader's language, saying that sending is off.
func TestOutboxPageWithoutSMTP(t *testing.T) {
	a := newApp(t)
	ev := a.newEvaluator("waiting@app.test")
	f := a.openEvaluation("Outbox", 1, ev)
	admin := a.login(a.admin.Email)
	res := admin.get("/admin/outbox?pending=1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("outbox: %d", res.StatusCode)
	}
	d := res.doc(t)
	if d.Find(`[data-testid="mail-disabled"]`).Length() != 1 {
		t.Error("the page does not say that sending is off")
	}
	rows := d.Find(`[data-testid="outbox-row"]`)
	if rows.Length() != 2 || !strings.Contains(rows.Text(), "waiting@app.test") ||
		!strings.Contains(rows.Text(), "Scoring is open: “"+f.ev.Title+"”") {
		t.Errorf("outbox rows: %d\n%s", rows.Length(), rows.Text())
	}
	if res := ev.c.get("/admin/outbox"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an evaluator reads the outbox: %d", res.StatusCode)
	}
}

// TestReminderPreference: a user turns reminders off and on again on
// their account; anything but 0 or 1 is refused and changes nothing.
func TestReminderPreference(t *testing.T) {
	a := newApp(t)
	c := a.signIn("prefs@app.test", bpo.RoleEvaluator)
	checked := func() bool {
		t.Helper()
		res := c.get("/account")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /account: %d", res.StatusCode)
		}
		_, on := res.doc(t).Find(`[data-testid="reminders"]`).Attr("checked")
		return on
	}
	if !checked() {
		t.Error("reminders are off by default")
	}
	if res := c.post("/account/email", url.Values{"reminders": {"0"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn off: %d", res.StatusCode)
	}
	if checked() {
		t.Error("reminders still on")
	}
	if res := c.post("/account/email", url.Values{"reminders": {"yes"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("reminders=yes: %d", res.StatusCode)
	}
	if checked() {
		t.Error("a refused form changed the setting")
	}
	c.post("/account/email", url.Values{"reminders": {"0", "1"}})
	if !checked() {
		t.Error("reminders not back on")
	}
}
