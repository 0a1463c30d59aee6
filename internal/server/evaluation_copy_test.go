package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// copySourceDraft is a draft away from the defaults: median, a threshold of
// 72.5, one vendor and one evaluator.
func (a *app) copySourceDraft(title string, e *evaluator) *bpo.Evaluation {
	a.t.Helper()
	ctx := a.adminCtx()
	in := bpo.NewEvaluationInput()
	in.Title, in.Aggregation, in.AwardThreshold = title, "median", 72.5
	ev, err := a.evaluations.CreateEvaluation(ctx, in)
	if err != nil {
		a.t.Fatal(err)
	}
	v := a.vendor(bpo.VendorInput{Name: title + " vendor", Country: "SN"})
	if _, err := a.participants.AddParticipant(ctx, ev.ID, v.ID); err != nil {
		a.t.Fatal(err)
	}
	if err := a.participants.AssignEvaluator(ctx, ev.ID, e.ID); err != nil {
		a.t.Fatal(err)
	}
	return ev
}

// TestNewEvaluationFrom: the new-evaluation page offers the previous
// evaluations; starting from one fills the form in with its set-up (in the
// reader's number grammar), and creating copies its criteria, vendor and
// evaluator. Bad input keeps the copy going (422); a source that is not
// there is a 404, a malformed one a 400, and evaluators cannot copy.
func TestNewEvaluationFrom(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("e@example.test")
	src := a.copySourceDraft("Téranga 2026", e)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	id := strconv.FormatInt(src.ID, 10)

	d := mgr.get("/evaluations/new").doc(t)
	if d.Find("[data-testid=start-from] select[name=from] option[value='"+id+"']").Length() != 1 {
		t.Fatal("the source is not offered as a starting point")
	}
	if d.Find("[data-testid=copy-note]").Length() != 0 {
		t.Error("a blank form says it copies")
	}
	if href := mgr.get("/evaluations/"+id).doc(t).Find("[data-testid=new-from]").AttrOr("href", ""); href != "/evaluations/new?from="+id {
		t.Errorf("evaluation page's New from link = %q", href)
	}

	for _, tc := range []struct{ lang, title, threshold string }{
		{"en", "Téranga 2026 (copy)", "72.5"}, {"fr", "Téranga 2026 (copie)", "72,5"},
	} {
		d := mgr.get("/evaluations/new?from="+id, "Accept-Language", tc.lang).doc(t)
		form := formOf(d, "[data-testid=evaluation-form]")
		if form.Get("title") != tc.title || form.Get("award_threshold") != tc.threshold || form.Get("aggregation") != "median" ||
			form.Get("from") != id || form.Get("due_date") != "" {
			t.Errorf("%s: form = %v", tc.lang, form)
		}
		if !strings.Contains(text(d, "[data-testid=copy-note]"), "Téranga 2026") {
			t.Errorf("%s: copy note = %q", tc.lang, text(d, "[data-testid=copy-note]"))
		}
	}

	form := formOf(mgr.get("/evaluations/new?from="+id).doc(t), "[data-testid=evaluation-form]")
	t.Run("BadInputKeepsTheCopy", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("title", "")
		count := func() int {
			_, n, err := a.evaluations.FindEvaluations(a.adminCtx(), bpo.EvaluationFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		// The refused form is answered at the address it was sent to: a
		// refresh sends it again, which is refused the same way and writes
		// nothing, while the page keeps what was typed.
		res := mgr.post("/evaluations", bad)
		if again := mgr.post("/evaluations", bad); again.StatusCode != http.StatusUnprocessableEntity || count() != before {
			t.Errorf("sent again: status %d, %d evaluations (had %d)", again.StatusCode, count(), before)
		}
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.StatusCode)
		}
		d := res.doc(t)
		if got := formOf(d, "[data-testid=evaluation-form]"); got.Get("from") != id || got.Get("award_threshold") != "72.5" {
			t.Errorf("re-rendered form = %v", got)
		}
		if text(d, "[data-testid=error-title]") == "" || d.Find("[data-testid=copy-note]").Length() != 1 {
			t.Error("no message for the title, or the copy is no longer named")
		}
	})

	res := mgr.post("/evaluations", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d: %s", res.StatusCode, res.body)
	}
	page := mgr.get(res.Header.Get("Location")).doc(t)
	if !strings.Contains(text(page, "[data-testid=flash]"), "copied") {
		t.Errorf("flash = %q", text(page, "[data-testid=flash]"))
	}
	copyID, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/evaluations/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.evaluations.FindEvaluationDetail(a.adminCtx(), copyID, bpo.WithAssignments)
	if err != nil {
		t.Fatal(err)
	}
	want, err := a.evaluations.FindEvaluationDetail(a.adminCtx(), src.ID, bpo.WithAssignments)
	if err != nil {
		t.Fatal(err)
	}
	if got.Evaluation.Status != bpo.StatusDraft || got.Evaluation.Aggregation != "median" || got.Evaluation.AwardThreshold != 72.5 ||
		len(got.Criteria) != len(want.Criteria) || len(got.Participants) != 1 || len(got.Assignments) != 1 ||
		got.Assignments[0].UserID != e.ID || got.Participants[0].VendorID != want.Participants[0].VendorID {
		t.Errorf("copy: %+v, %d criteria (want %d), %d vendors, %d evaluators", got.Evaluation,
			len(got.Criteria), len(want.Criteria), len(got.Participants), len(got.Assignments))
	}

	t.Run("Refused", func(t *testing.T) {
		for path, status := range map[string]int{
			"/evaluations/new?from=999999": http.StatusNotFound,
			"/evaluations/new?from=abc":    http.StatusBadRequest,
		} {
			if res := mgr.get(path); res.StatusCode != status {
				t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
			}
		}
		if res := e.c.get("/evaluations/new?from=" + id); res.StatusCode != http.StatusForbidden {
			t.Errorf("evaluator: status %d, want 403", res.StatusCode)
		}
		if res := e.c.post("/evaluations", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("evaluator's post: status %d, want 403", res.StatusCode)
		}
	})
}

// TestDeleteDraft: a draft is deleted after a confirmation page, and the
// list and dashboard no longer show it; a confirmation gone stale (the
// draft was edited or opened since) is a 409 that changes nothing.
func TestDeleteDraft(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("e@example.test")
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	draft := a.copySourceDraft("Wisła draft", e)
	base := "/evaluations/" + strconv.FormatInt(draft.ID, 10)

	link := mgr.get(base).doc(t).Find("[data-testid=delete-draft]").AttrOr("href", "")
	if link != base+"/delete/confirm?version="+strconv.Itoa(draft.Version) {
		t.Fatalf("delete link = %q", link)
	}
	d := mgr.get(link).doc(t)
	confirm := formOf(d, "[data-testid=confirmation] form")
	if d.Find("[data-testid=confirmation] form").AttrOr("action", "") != base+"/delete" || confirm.Get("version") != strconv.Itoa(draft.Version) {
		t.Fatalf("confirmation form = %v", confirm)
	}
	if res := e.c.post(base+"/delete", confirm); res.StatusCode != http.StatusForbidden {
		t.Errorf("evaluator: status %d, want 403", res.StatusCode)
	}

	t.Run("Stale", func(t *testing.T) {
		other := a.copySourceDraft("Île Rouge draft", e)
		path := "/evaluations/" + strconv.FormatInt(other.ID, 10)
		in := bpo.NewEvaluationInput()
		in.Title = "Île Rouge draft, renamed"
		if _, err := a.evaluations.UpdateEvaluation(a.adminCtx(), other.ID, other.Version, in); err != nil {
			t.Fatal(err)
		}
		res := mgr.post(path+"/delete", url.Values{"version": {strconv.Itoa(other.Version)}})
		if res.StatusCode != http.StatusConflict || text(res.doc(t), "[data-testid=alert]") == "" {
			t.Errorf("stale version: status %d, alert %q", res.StatusCode, text(res.doc(t), "[data-testid=alert]"))
		}
		open := a.openEvaluation("Opened meanwhile", 1, e)
		path = "/evaluations/" + strconv.FormatInt(open.ev.ID, 10)
		for _, res := range []*response{
			mgr.get(path + "/delete/confirm?version=" + strconv.Itoa(open.ev.Version)),
			mgr.post(path+"/delete", url.Values{"version": {strconv.Itoa(open.ev.Version)}}),
		} {
			if res.StatusCode != http.StatusConflict || !strings.Contains(text(res.doc(t), "[data-testid=alert]"), "draft") {
				t.Errorf("open evaluation: status %d, alert %q", res.StatusCode, text(res.doc(t), "[data-testid=alert]"))
			}
		}
		for _, id := range []int64{other.ID, open.ev.ID} {
			if _, err := a.evaluations.FindEvaluationByID(a.adminCtx(), id); err != nil {
				t.Errorf("evaluation %d: %v after a refused deletion", id, err)
			}
		}
	})

	res := mgr.post(base+"/delete", confirm)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/evaluations" {
		t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	list := mgr.get("/evaluations").doc(t)
	if text(list, "[data-testid=flash]") == "" {
		t.Error("no flash on the list")
	}
	for _, path := range []string{"/evaluations", "/"} {
		if body := mgr.get(path).body; strings.Contains(body, "Wisła draft") || strings.Contains(body, base+"\"") {
			t.Errorf("%s still shows the deleted draft", path)
		}
	}
	if res := mgr.get(base); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted draft's page: status %d, want 404", res.StatusCode)
	}
}
