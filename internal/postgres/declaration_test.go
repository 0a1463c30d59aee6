package postgres_test

import (
	"encoding/json"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// A vendor added after an evaluator's declaration needs a declaration of
// its own before they may rate it.
func TestDeclareLateVendor(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Late vendor", setup{vendors: 1, evaluators: 2})
	u := f.evaluators[0]
	late := e.vendor("Late vendor newcomer")
	if _, err := e.participants.AddParticipant(as(e.manager), f.ev.ID, late.ID); err != nil {
		t.Fatal(err)
	}
	rate := func(who *bpo.User, vendorID int64) error {
		_, err := e.scorecards.SaveRating(as(who), f.ev.ID, vendorID, bpo.RatingInput{CriterionID: f.crit["policies"].ID, Value: ptr(3)})
		return err
	}
	wantError(t, rate(u, late.ID), bpo.EFORBIDDEN, "error.scorecard.declaration_required")
	if err := rate(u, f.vendors[0].ID); err != nil {
		t.Fatalf("the vendor declared for: %v", err)
	}

	mine, err := e.scorecards.FindMyScorecards(as(u))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[int64]bool{}
	for _, m := range mine {
		declared[m.VendorID] = m.VendorDeclared
	}
	if len(mine) != 2 || declared[late.ID] || !declared[f.vendors[0].ID] {
		t.Errorf("dashboard lines = %+v, want the late vendor to need a declaration", mine)
	}

	if _, err := e.scorecards.DeclareVendor(as(u), f.ev.ID, late.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	if err := rate(u, late.ID); err != nil {
		t.Fatalf("after the declaration: %v", err)
	}
	_, err = e.scorecards.DeclareVendor(as(u), f.ev.ID, late.ID, false, "")
	wantError(t, err, bpo.EINVALID, "error.scorecard.already_declared_vendor")

	// The second evaluator declares a conflict with the newcomer: no rating
	// to withdraw, and the cell leaves the progress matrix.
	if n, err := e.scorecards.DeclareVendor(as(f.evaluators[1]), f.ev.ID, late.ID, true, "Former employer."); err != nil || n != 0 {
		t.Fatalf("declare a conflict: %d, %v", n, err)
	}
	wantError(t, rate(f.evaluators[1], late.ID), bpo.EFORBIDDEN, "error.scorecard.conflict")
	_, err = e.scorecards.DeclareVendor(as(e.manager), f.ev.ID, late.ID, false, "")
	wantCode(t, err, bpo.EFORBIDDEN)

	list, err := e.participants.FindAssignments(as(e.manager), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if !a.DeclaredFor(late.ID) || !a.DeclaredFor(f.vendors[0].ID) {
			t.Errorf("%s: declared for %v", a.Name, a.Declared)
		}
	}
}

func TestDeclareVendorBeforeDeclaration(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Undeclared", setup{vendors: 1, evaluators: 1, undeclared: true})
	_, err := e.scorecards.DeclareVendor(as(f.evaluators[0]), f.ev.ID, f.vendors[0].ID, true, "")
	wantError(t, err, bpo.EINVALID, "error.scorecard.declaration_required")
	_, err = e.scorecards.DeclareVendor(as(f.evaluators[0]), f.ev.ID, f.vendors[0].ID+1000, true, "")
	wantCode(t, err, bpo.EINVALID)
}

// A conflict found after rating withdraws the ratings from scoring: they
// stay, counted in the declaration and in the audit log.
func TestLateConflictWithdrawsRatings(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Late conflict", setup{vendors: 2, evaluators: 2})
	u, vendor := f.evaluators[0], f.vendors[0].ID
	rateAll(t, e, f, u, vendor, 4)
	rateAll(t, e, f, f.evaluators[1], vendor, 2)
	sc, err := e.scorecards.FindScorecard(as(u), f.ev.ID, vendor, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.scorecards.SubmitScorecard(as(u), f.ev.ID, vendor, sc.Version); err != nil {
		t.Fatal(err)
	}
	counted := func() map[int64]int {
		ratings, err := e.submittedRatings(as(e.manager), f.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := map[int64]int{}
		for _, r := range ratings {
			n[r.EvaluatorID]++
		}
		return n
	}
	if n := counted(); n[u.ID] != len(ratedKeys) {
		t.Fatalf("before the conflict, %d ratings count", n[u.ID])
	}

	withdrawn, err := e.scorecards.DeclareVendor(as(u), f.ev.ID, vendor, true, "I found out my cousin runs their site.")
	if err != nil {
		t.Fatal(err)
	}
	if withdrawn != len(ratedKeys) {
		t.Errorf("withdrawn = %d, want %d", withdrawn, len(ratedKeys))
	}
	if n := counted(); n[u.ID] != 0 {
		t.Errorf("after the conflict, %d of the evaluator's ratings still count", n[u.ID])
	}
	kept, err := e.scorecards.FindScorecard(as(e.manager), f.ev.ID, vendor, u.ID)
	if err != nil || len(kept.Ratings) != len(ratedKeys) {
		t.Errorf("the withdrawn ratings are gone: %v", err)
	}
	_, err = e.scorecards.DeclareVendor(as(u), f.ev.ID, vendor, true, "again")
	wantError(t, err, bpo.EINVALID, "error.scorecard.already_conflicted")

	list, err := e.participants.FindAssignments(as(e.manager), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.UserID != u.ID {
			continue
		}
		if len(a.Conflicts) != 1 || a.Conflicts[0].Withdrawn != len(ratedKeys) || a.Conflicts[0].DeclaredAt.IsZero() {
			t.Errorf("conflicts = %+v", a.Conflicts)
		}
	}
	events := e.history(f.ev.ID, "assignment")
	var after struct {
		Withdrawn int  `json:"withdrawn_ratings"`
		Submitted bool `json:"scorecard_submitted"`
		Conflict  bool `json:"conflict"`
	}
	if len(events) == 0 || events[0].Action != "declare_vendor" {
		t.Fatalf("audit = %+v", events)
	}
	if err := json.Unmarshal(events[0].After, &after); err != nil || after.Withdrawn != len(ratedKeys) || !after.Submitted || !after.Conflict {
		t.Errorf("audit after = %s", events[0].After)
	}
	list2, _, err := e.evaluations.FindEvaluations(as(e.manager), bpo.EvaluationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list2 {
		if s.ID == f.ev.ID && (s.Submitted != 0 || s.Expected != 3) {
			t.Errorf("progress: %d submitted of %d expected, want 0 of 3", s.Submitted, s.Expected)
		}
	}
}

// Closing records how many scorecards were still pending.
func TestCloseRecordsPendingScorecards(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Pending", setup{vendors: 2, evaluators: 2})
	rateAll(t, e, f, f.evaluators[0], f.vendors[0].ID, 3)
	sc, err := e.scorecards.FindScorecard(as(f.evaluators[0]), f.ev.ID, f.vendors[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.scorecards.SubmitScorecard(as(f.evaluators[0]), f.ev.ID, f.vendors[0].ID, sc.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := e.evaluations.SetEvaluationStatus(as(e.manager), f.ev.ID, f.ev.Version, bpo.StatusClosed); err != nil {
		t.Fatal(err)
	}
	events := e.history(f.ev.ID, "evaluation")
	var after struct {
		Pending *int `json:"pending_scorecards"`
	}
	if err := json.Unmarshal(events[0].After, &after); err != nil || events[0].Action != "close" || after.Pending == nil || *after.Pending != 3 {
		t.Errorf("close event = %s %s", events[0].Action, events[0].After)
	}
}
