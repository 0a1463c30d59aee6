package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// demoVendor is the id of the open demo evaluation's vendor whose key
// starts with prefix.
func (a *app) demoVendor(open int64, prefix string) int64 {
	a.t.Helper()
	parts, err := a.participants.FindParticipants(a.adminCtx(), open)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, p := range parts {
		if strings.HasPrefix(p.Key, prefix) {
			return p.VendorID
		}
	}
	a.t.Fatalf("no vendor %s", prefix)
	return 0
}

// TestModerationAndRounds runs, on one load of the demo, the refusals of
// bad consensus input and of answers off the scale, the report's
// moderation record, and last (it closes the evaluation) the close rule.
func TestModerationAndRounds(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	t.Run("ReportModerationRecord", func(t *testing.T) { reportModerationRecord(t, mgr, open) })
	t.Run("ConsensusBadInput", func(t *testing.T) { consensusBadInput(t, a, mgr, open) })
	t.Run("AnswersOffTheScale", func(t *testing.T) { answersOffTheScale(t, a, open) })
	t.Run("CloseWithModerationRequired", func(t *testing.T) { closeWithModerationRequired(t, a, mgr, open) })
}

// consensusBadInput: a value off the scale or not a number, no reason, a
// measured criterion, a stale version and a vendor with scorecards to come
// are refused, the typed input kept, nothing changed.
func consensusBadInput(t *testing.T, a *app, mgr *client, open int64) {
	crit := a.weightIDs(open)
	carthage, lisboa := a.demoVendor(open, "carthage"), a.demoVendor(open, "lisboa")
	mod := postgres.NewModerationService(a.db)
	list, err := mod.FindConsensus(a.adminCtx(), open)
	if err != nil || len(list) != 1 {
		t.Fatalf("demo consensus %+v, %v", list, err)
	}
	version := strconv.Itoa(list[0].Version)
	post := func(vendor int64, criterion string, form url.Values) *response {
		return mgr.post(evaluationPath(open, "/moderation/"+strconv.FormatInt(vendor, 10)+"/"+strconv.FormatInt(crit[criterion].ID, 10)), form)
	}
	for name, tc := range map[string]struct {
		vendor    int64
		criterion string
		form      url.Values
		status    int
		want      string // in the page: a field's message or the alert
	}{
		"ErrValueOffScale":   {carthage, "cultural_fit", url.Values{"value": {"6"}, "reason": {"Typed reason kept"}, "version": {version}}, 422, "Enter a number from 1 to 5"},
		"ErrValueNotANumber": {carthage, "cultural_fit", url.Values{"value": {"four"}, "reason": {"Typed reason kept"}, "version": {version}}, 422, "Typed reason kept"},
		"ErrNoReason":        {carthage, "cultural_fit", url.Values{"value": {"3"}, "reason": {" "}, "version": {version}}, 422, "required"},
		"ErrMeasured":        {carthage, "price", url.Values{"value": {"3"}, "reason": {"x"}, "version": {"0"}}, 422, "Only a rated criterion"},
		"ErrStale":           {carthage, "cultural_fit", url.Values{"value": {"3"}, "reason": {"x"}, "version": {"0"}}, 409, "Someone else changed this consensus"},
		"ErrUnsubmitted":     {lisboa, "cultural_fit", url.Values{"value": {"3"}, "reason": {"x"}, "version": {"0"}}, 422, "Not every scorecard"},
	} {
		t.Run(name, func(t *testing.T) {
			res := post(tc.vendor, tc.criterion, tc.form)
			if res.StatusCode != tc.status || !strings.Contains(res.body, tc.want) {
				t.Fatalf("status %d, want %d with %q\n%s", res.StatusCode, tc.status, tc.want, snippet(res.body))
			}
		})
	}
	// Nothing was changed by the refusals.
	if after, _ := mod.FindConsensus(a.adminCtx(), open); len(after) != 1 || after[0].Version != list[0].Version || after[0].Value != list[0].Value {
		t.Errorf("consensus after refusals: %+v", after)
	}
	// The Lisboa refusal names the evaluator whose scorecard is missing.
	res := post(lisboa, "cultural_fit", url.Values{"value": {"3"}, "reason": {"x"}, "version": {"0"}})
	if d := res.doc(t); !strings.Contains(text(d, "[data-testid=form-error]"), "Missing: ") {
		t.Errorf("alert %q does not say which scorecards are missing", text(d, "[data-testid=form-error]"))
	}
}

// closeWithModerationRequired: with the option on, an evaluation with a
// disputed criterion left closes only with a confirmation naming it.
func closeWithModerationRequired(t *testing.T, a *app, mgr *client, open int64) {
	crit := a.weightIDs(open)
	carthage := a.demoVendor(open, "carthage")
	mod := postgres.NewModerationService(a.db)
	list, _ := mod.FindConsensus(a.adminCtx(), open)
	if err := mod.ClearConsensus(a.adminCtx(), open, carthage, crit["cultural_fit"].ID, list[0].Version); err != nil {
		t.Fatal(err)
	}
	version := func() string {
		e, err := a.evaluations.FindEvaluationByID(a.adminCtx(), open)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(e.Version)
	}
	if res := mgr.post(evaluationPath(open, "/moderation-required"), url.Values{"required": {"1"}, "version": {version()}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn the option on: %d", res.StatusCode)
	}
	page := mgr.get(evaluationPath(open, "")).doc(t)
	if left := text(page, "[data-testid=unmoderated-left]"); !strings.Contains(left, "Carthage Nearshore Services — Cultural fit") {
		t.Fatalf("the evaluation page lists %q as left to moderate", left)
	}
	// The confirmation of closing names them, and carries the confirmation.
	confirmPage := mgr.get(evaluationPath(open, "/status/confirm?status=closed&version="+version())).doc(t)
	confirm := confirmPage.Find(`input[name=confirm_unmoderated]`).AttrOr("value", "")
	if !strings.Contains(confirmPage.Text(), "Carthage Nearshore Services — Cultural fit") || confirm == "" {
		t.Fatalf("the confirmation does not name the criteria left (%q)", confirm)
	}
	res := mgr.post(evaluationPath(open, "/status"), url.Values{"status": {"closed"}, "version": {version()}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Carthage Nearshore Services — Cultural fit") {
		t.Fatalf("close without confirming: %d\n%s", res.StatusCode, snippet(res.body))
	}
	// A confirmation of another set of criteria is no confirmation.
	res = mgr.post(evaluationPath(open, "/status"), url.Values{"status": {"closed"}, "version": {version()}, "confirm_unmoderated": {"1-2"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("close with a wrong confirmation: %d", res.StatusCode)
	}
	if e, _ := a.evaluations.FindEvaluationByID(a.adminCtx(), open); e.Status != bpo.StatusOpen {
		t.Fatalf("closed by a refused request: %s", e.Status)
	}
	res = mgr.post(evaluationPath(open, "/status"), url.Values{"status": {"closed"}, "version": {version()}, "confirm_unmoderated": {confirm}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close confirming the criteria left: %d\n%s", res.StatusCode, snippet(res.body))
	}
}

// answersOffTheScale: a step outside the 17 of the scale, or a pair left
// out, is refused with the pair named, and nothing is saved.
func answersOffTheScale(t *testing.T, a *app, open int64) {
	ana := a.user("ana@example.test", bpo.RoleEvaluator)
	pw := postgres.NewPairwiseService(a.db)
	sla := a.weightIDs(open)["service_levels"].ID
	round, err := pw.StartRound(a.adminCtx(), open, &sla, []int64{ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	d, err := pw.FindRound(a.adminCtx(), round.ID)
	if err != nil {
		t.Fatal(err)
	}
	client := a.login(ana.Email)
	form := url.Values{"version": {"1"}}
	for i := range d.Items {
		for j := i + 1; j < len(d.Items); j++ {
			form.Set(bpo.PairField(d.Items[i].ID, d.Items[j].ID), "0")
		}
	}
	first := bpo.PairField(d.Items[0].ID, d.Items[1].ID)
	path := evaluationPath(open, "/pairwise/"+strconv.FormatInt(round.ID, 10)+"/answers")
	for name, value := range map[string]string{"ErrNine": "9", "ErrMinusNine": "-9", "ErrFraction": "1/3", "ErrMissing": ""} {
		t.Run(name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if value == "" {
				f.Del(first)
			} else {
				f.Set(first, value)
			}
			res := client.post(path, f)
			doc := res.doc(t)
			if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(`[data-field="`+first+`"] .field-error`).Length() != 1 {
				t.Fatalf("status %d, want 422 naming the pair\n%s", res.StatusCode, snippet(res.body))
			}
		})
	}
	if after, _ := pw.FindRound(a.adminCtx(), round.ID); len(after.Answers) != 0 {
		t.Errorf("%d answers saved by refused requests", len(after.Answers))
	}
	if res := client.post(path, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid answers: %d", res.StatusCode)
	}
	// The same form again is stale: the answers were saved since.
	if res := client.post(path, form); res.StatusCode != http.StatusConflict {
		t.Errorf("stale answers: %d, want 409", res.StatusCode)
	}
}
