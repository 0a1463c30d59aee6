package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// decided is a closed evaluation with three vendors: A and B shortlisted,
// C left a candidate, and the keys of the three.
type decided struct {
	*fixture
	keys []string
}

func (e *env) closedForDecision(title string) *decided {
	e.t.Helper()
	ctx := as(e.manager)
	f := e.fixture(title, setup{vendors: 3, evaluators: 1})
	d := &decided{fixture: f}
	parts, err := e.participants.FindParticipants(ctx, f.ev.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, v := range f.vendors {
		for _, p := range parts {
			if p.VendorID != v.ID {
				continue
			}
			d.keys = append(d.keys, p.Key)
			if i < 2 {
				if _, err := e.participants.SetStage(ctx, f.ev.ID, v.ID, p.Version, bpo.StageShortlisted, ""); err != nil {
					e.t.Fatal(err)
				}
			}
		}
	}
	ev, err := e.evaluations.FindEvaluationByID(ctx, f.ev.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if d.ev, err = e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusClosed); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// snapshot is a model and a result in the engine's schemas, with the
// recommendation given and the vendors of knockedOut not eligible.
func snapshot(t *testing.T, decision, vendor string, keys []string, knockedOut ...string) bpo.DecisionSnapshot {
	t.Helper()
	type v struct {
		Key      string `json:"key"`
		Eligible bool   `json:"eligible"`
	}
	var vendors []v
	for _, k := range keys {
		vendors = append(vendors, v{Key: k, Eligible: !slices.Contains(knockedOut, k)})
	}
	var rv *string
	if vendor != "" {
		rv = &vendor
	}
	result, err := json.Marshal(map[string]any{"vendors": vendors,
		"recommendation": map[string]any{"decision": decision, "vendor": rv}})
	if err != nil {
		t.Fatal(err)
	}
	model := fmt.Appendf(nil, `{"criteria": [], "vendors": %d, "note": "%s"}`+"\n", len(keys), decision)
	return bpo.DecisionSnapshot{Model: model, Result: result}
}

func TestRecordDecisionRules(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name       string
		decision   string // the engine's
		recommends int    // index of the vendor it names, -1 for none
		knockedOut []int
		outcome    bpo.Outcome
		vendor     int // index of the awarded vendor
		reason     string
		code       string // "" for success
		field      string
		departs    bool
	}{
		{name: "FollowsAward", decision: "award", recommends: 0, outcome: bpo.OutcomeAward, vendor: 0},
		{name: "FollowsNoAward", decision: "no_award", recommends: 0, outcome: bpo.OutcomeInHouse},
		{name: "OtherVendorNeedsReason", decision: "award", recommends: 0, outcome: bpo.OutcomeAward, vendor: 1,
			code: bpo.EINVALID, field: "departure_reason"},
		{name: "OtherVendorWithReason", decision: "award", recommends: 0, outcome: bpo.OutcomeAward, vendor: 1,
			reason: "B's references were better", departs: true},
		{name: "InHouseAgainstAward", decision: "award", recommends: 0, outcome: bpo.OutcomeInHouse,
			code: bpo.EINVALID, field: "departure_reason"},
		{name: "CloseCallLeaderDeparts", decision: "close_call", recommends: 0, outcome: bpo.OutcomeAward, vendor: 0,
			code: bpo.EINVALID, field: "departure_reason"},
		{name: "IncompleteLeaderDeparts", decision: "incomplete", recommends: 0, outcome: bpo.OutcomeAward, vendor: 0,
			reason: "the missing figure cannot change the order", departs: true},
		{name: "AwardAgainstNoAward", decision: "no_award", recommends: -1, outcome: bpo.OutcomeAward, vendor: 0,
			code: bpo.EINVALID, field: "departure_reason"},
		{name: "KnockedOutAlwaysDeparts", decision: "award", recommends: 1, knockedOut: []int{0}, outcome: bpo.OutcomeAward, vendor: 0,
			code: bpo.EINVALID, field: "departure_reason"},
		{name: "CandidateRefused", decision: "award", recommends: 0, outcome: bpo.OutcomeAward, vendor: 2,
			reason: "x", code: bpo.EINVALID, field: "vendor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := e.closedForDecision(tc.name)
			rec := ""
			if tc.recommends >= 0 {
				rec = d.keys[tc.recommends]
			}
			var out []string
			for _, i := range tc.knockedOut {
				out = append(out, d.keys[i])
			}
			in := bpo.DecisionInput{Version: d.ev.Version, Outcome: tc.outcome, Rationale: "Because.",
				DepartureReason: tc.reason, Snapshot: snapshot(t, tc.decision, rec, d.keys, out...)}
			if tc.outcome == bpo.OutcomeAward {
				in.VendorID = d.vendors[tc.vendor].ID
			}
			got, err := e.decisions.RecordDecision(as(e.manager), d.ev.ID, in)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				if fields := fieldKeys(err); !slices.Equal(fields, []string{tc.field}) {
					t.Errorf("fields = %v, want %s", fields, tc.field)
				}
				if st, _ := e.decisions.FindDecision(as(e.manager), d.ev.ID); st.Current != nil {
					t.Errorf("a refused decision was stored: %+v", st.Current)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Departs != tc.departs || got.Recommendation == nil || got.Recommendation.Decision != tc.decision {
				t.Errorf("departs %v, recommendation %+v; want departs %v from %s", got.Departs, got.Recommendation, tc.departs, tc.decision)
			}
			if tc.departs && got.DepartureReason != tc.reason {
				t.Errorf("departure reason %q", got.DepartureReason)
			}
		})
	}
}

func TestRecordDecisionSnapshotAndStages(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	d := e.closedForDecision("Snapshot")
	snap := snapshot(t, "award", d.keys[0], d.keys)
	rec, err := e.decisions.RecordDecision(ctx, d.ev.ID, bpo.DecisionInput{Version: d.ev.Version,
		Outcome: bpo.OutcomeAward, VendorID: d.vendors[0].ID, Rationale: "  Best on quality.  ", Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(snap.Model)
	if rec.ModelSHA256 != hex.EncodeToString(sum[:]) || rec.VendorKey != d.keys[0] || rec.Rationale != "Best on quality." ||
		rec.RecordedByEmail != e.manager.Email || rec.Departs {
		t.Errorf("record = %+v", rec)
	}
	stored, err := e.decisions.FindDecisionSnapshot(ctx, d.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(stored.Model) != string(snap.Model) || string(stored.Result) != string(snap.Result) {
		t.Errorf("stored snapshot differs:\n%s\n%s", stored.Model, stored.Result)
	}
	stages := func() map[int64]bpo.VendorStage {
		parts, err := e.participants.FindParticipants(ctx, d.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]bpo.VendorStage{}
		for _, p := range parts {
			m[p.VendorID] = p.Stage
		}
		return m
	}
	if s := stages(); s[d.vendors[0].ID] != bpo.StageSelected || s[d.vendors[1].ID] != bpo.StageShortlisted {
		t.Errorf("stages after the award: %v", s)
	}
	ev, err := e.evaluations.FindEvaluationByID(ctx, d.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Decision == nil || ev.Decision.InHouse || *ev.Decision.VendorID != d.vendors[0].ID || ev.Version != d.ev.Version+1 {
		t.Errorf("evaluation after the decision: %+v, version %d", ev.Decision, ev.Version)
	}

	t.Run("PlainSecondRecordingIsAConflict", func(t *testing.T) {
		_, err := e.decisions.RecordDecision(ctx, d.ev.ID, bpo.DecisionInput{Version: ev.Version,
			Outcome: bpo.OutcomeAward, VendorID: d.vendors[1].ID, Rationale: "Changed my mind.",
			DepartureReason: "B", Snapshot: snap})
		wantError(t, err, bpo.ECONFLICT, "error.decision.recorded")
	})
	t.Run("StaleVersion", func(t *testing.T) {
		_, err := e.decisions.RecordDecision(ctx, d.ev.ID, bpo.DecisionInput{Version: d.ev.Version,
			Outcome: bpo.OutcomeInHouse, Rationale: "x", DepartureReason: "y", Change: true, ChangeReason: "z", Snapshot: snap})
		wantError(t, err, bpo.ECONFLICT, "error.evaluation.stale")
	})
	t.Run("ChangeNeedsReason", func(t *testing.T) {
		_, err := e.decisions.RecordDecision(ctx, d.ev.ID, bpo.DecisionInput{Version: ev.Version,
			Outcome: bpo.OutcomeInHouse, Rationale: "x", DepartureReason: "y", Change: true, Snapshot: snap})
		wantCode(t, err, bpo.EINVALID)
		if f := fieldKeys(err); !slices.Equal(f, []string{"change_reason"}) {
			t.Errorf("fields = %v", f)
		}
	})
	t.Run("ChangeMovesTheDecisionToHistory", func(t *testing.T) {
		_, err := e.decisions.RecordDecision(ctx, d.ev.ID, bpo.DecisionInput{Version: ev.Version,
			Outcome: bpo.OutcomeInHouse, Rationale: "Budget frozen.", DepartureReason: "The budget was cut.",
			Change: true, ChangeReason: "The board froze the budget.", Snapshot: snap})
		if err != nil {
			t.Fatal(err)
		}
		st, err := e.decisions.FindDecision(ctx, d.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current == nil || st.Current.Outcome != bpo.OutcomeInHouse || !st.Current.Departs || st.Current.SupersededAt != nil {
			t.Fatalf("current = %+v", st.Current)
		}
		if len(st.History) != 1 || st.History[0].Outcome != bpo.OutcomeAward || st.History[0].SupersededAt == nil ||
			st.History[0].ChangeReason != "The board froze the budget." || st.History[0].ModelSHA256 != rec.ModelSHA256 {
			t.Fatalf("history = %+v", st.History)
		}
		if s := stages(); s[d.vendors[0].ID] != bpo.StageShortlisted {
			t.Errorf("the vendor selected before is %s, want back on the shortlist", s[d.vendors[0].ID])
		}
		events := e.history(d.ev.ID, "decision")
		if len(events) != 2 || events[0].Action != "change" || events[1].Action != "record" || events[1].Before != nil {
			t.Fatalf("audit = %+v", events)
		}
		var before struct {
			Outcome      string `json:"outcome"`
			ChangeReason string `json:"change_reason"`
		}
		if err := json.Unmarshal(events[0].Before, &before); err != nil || before.Outcome != "award" ||
			before.ChangeReason != "The board froze the budget." {
			t.Errorf("audit before = %s (%v)", events[0].Before, err)
		}
	})
}

func TestRecordDecisionRefusals(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Open", setup{vendors: 1, evaluators: 1})
	snap := snapshot(t, "no_award", "", nil)
	in := bpo.DecisionInput{Version: f.ev.Version, Outcome: bpo.OutcomeInHouse, Rationale: "x", Snapshot: snap}
	_, err := e.decisions.RecordDecision(as(e.manager), f.ev.ID, in)
	wantError(t, err, bpo.EINVALID, "error.decision.not_closed")
	_, err = e.decisions.RecordDecision(as(f.evaluators[0]), f.ev.ID, in)
	wantCode(t, err, bpo.EFORBIDDEN)
	_, err = e.decisions.FindDecision(as(f.evaluators[0]), f.ev.ID)
	wantCode(t, err, bpo.EFORBIDDEN)
	_, err = e.decisions.FindDecision(as(e.manager), f.ev.ID+1000)
	wantCode(t, err, bpo.ENOTFOUND)
	st, err := e.decisions.FindDecision(as(e.manager), f.ev.ID)
	if err != nil || st.Current != nil || len(st.History) != 0 {
		t.Errorf("before any decision: %+v, %v", st, err)
	}
	_, err = e.decisions.FindDecisionSnapshot(as(e.manager), f.ev.ID)
	wantCode(t, err, bpo.ENOTFOUND)

	d := e.closedForDecision("Refusals")
	for name, vendorID := range map[string]int64{"Unknown": d.vendors[0].ID + 1000, "NotTakingPart": e.vendor("Outsider").ID} {
		t.Run(name, func(t *testing.T) {
			_, err := e.decisions.RecordDecision(as(e.manager), d.ev.ID, bpo.DecisionInput{Version: d.ev.Version,
				Outcome: bpo.OutcomeAward, VendorID: vendorID, Rationale: "x", DepartureReason: "y", Snapshot: snap})
			wantCode(t, err, bpo.EINVALID)
		})
	}
	t.Run("ChangeWithoutDecision", func(t *testing.T) {
		_, err := e.decisions.RecordDecision(as(e.manager), d.ev.ID, bpo.DecisionInput{Version: d.ev.Version,
			Outcome: bpo.OutcomeInHouse, Rationale: "x", Change: true, ChangeReason: "y", Snapshot: snap})
		wantError(t, err, bpo.ECONFLICT, "error.decision.none")
	})
}

// Two managers recording at once: exactly one wins, the others get a
// conflict, and one decision stands.
func TestRecordDecisionConcurrently(t *testing.T) {
	e := newEnv(t)
	d := e.closedForDecision("Race")
	managers := []*bpo.User{e.manager, e.user("second-manager", bpo.RoleManager), e.user("third-manager", bpo.RoleAdmin)}
	snap := snapshot(t, "award", d.keys[0], d.keys)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		wins     int
		conflict int
	)
	start := make(chan struct{})
	for i, m := range managers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			in := bpo.DecisionInput{Version: d.ev.Version, Outcome: bpo.OutcomeAward, VendorID: d.vendors[i%2].ID,
				Rationale: "mine", DepartureReason: "mine too", Snapshot: snap}
			_, err := e.decisions.RecordDecision(as(m), d.ev.ID, in)
			mu.Lock()
			defer mu.Unlock()
			switch bpo.ErrorCode(err) {
			case "":
				wins++
			case bpo.ECONFLICT:
				conflict++
			default:
				t.Errorf("manager %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins != 1 || conflict != len(managers)-1 {
		t.Fatalf("wins %d, conflicts %d", wins, conflict)
	}
	st, err := e.decisions.FindDecision(as(e.manager), d.ev.ID)
	if err != nil || st.Current == nil || len(st.History) != 0 {
		t.Fatalf("after the race: %+v, %v", st, err)
	}
}

// The decision columns of evaluations move to the decisions table and
// back, so that a database decided before keeps its decisions.
func TestDecisionMigrationKeepsOldDecisions(t *testing.T) {
	e := newEnv(t)
	d := e.closedForDecision("Migrated")
	if _, err := e.decisions.RecordDecision(as(e.manager), d.ev.ID, bpo.DecisionInput{Version: d.ev.Version,
		Outcome: bpo.OutcomeAward, VendorID: d.vendors[1].ID, Rationale: "Kept.", DepartureReason: "B",
		Snapshot: snapshot(t, "award", d.keys[0], d.keys)}); err != nil {
		t.Fatal(err)
	}
	mg := e.migrator()
	version, _, err := mg.Version()
	if err != nil {
		t.Fatal(err)
	}
	if err := mg.Down(int(version) - 5); err != nil {
		t.Fatal(err)
	}
	var vendorID int64
	var rationale string
	if err := e.db.Pool.QueryRow(context.Background(),
		`SELECT decision_vendor_id, decision_rationale FROM evaluations WHERE id = $1`, d.ev.ID).Scan(&vendorID, &rationale); err != nil {
		t.Fatal(err)
	}
	if vendorID != d.vendors[1].ID || rationale != "Kept." {
		t.Errorf("after down: vendor %d, rationale %q", vendorID, rationale)
	}
	if err := mg.Up(); err != nil {
		t.Fatal(err)
	}
	st, err := e.decisions.FindDecision(as(e.manager), d.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Current; c == nil || *c.VendorID != d.vendors[1].ID || c.Rationale != "Kept." || c.VendorKey != d.keys[1] ||
		c.Recommendation != nil || c.ModelSHA256 != "" || c.RecordedByEmail != e.manager.Email {
		t.Errorf("after up again: %+v", c)
	}
	_, err = e.decisions.FindDecisionSnapshot(as(e.manager), d.ev.ID)
	wantCode(t, err, bpo.ENOTFOUND)
}
