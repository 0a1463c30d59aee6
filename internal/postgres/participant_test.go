package postgres_test

import (
	"math"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestParticipantKeys(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	ev := e.draft("Keys")
	for _, tc := range []struct {
		name, want string
	}{
		{"Île Rouge Services", "ile-rouge-services"},
		{"ILE ROUGE services!", "ile-rouge-services-2"},
		{"Île-Rouge  Services", "ile-rouge-services-3"},
		{"Straße & Œuvre GmbH", "strasse-oeuvre-gmbh"},
		{"日本サポート", "vendor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.participants.AddParticipant(ctx, ev.ID, e.vendor(tc.name).ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Key != tc.want || p.Stage != bpo.StageCandidate || p.Name != tc.name {
				t.Errorf("participant = %+v, want key %q", p, tc.want)
			}
		})
	}

	t.Run("keys are stable when the vendor is renamed", func(t *testing.T) {
		v := e.vendor("Acme")
		if _, err := e.participants.AddParticipant(ctx, ev.ID, v.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.vendors.UpdateVendor(ctx, v.ID, v.Version, bpo.VendorInput{Name: "Acme Worldwide", Country: "FR"}); err != nil {
			t.Fatal(err)
		}
		list, err := e.participants.FindParticipants(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list {
			if p.VendorID == v.ID && (p.Key != "acme" || p.Name != "Acme Worldwide") {
				t.Errorf("after renaming: %+v", p)
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		v := e.vendor("Archived Ltd")
		_, err := e.participants.AddParticipant(ctx, ev.ID, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.participants.AddParticipant(ctx, ev.ID, v.ID)
		wantError(t, err, bpo.EINVALID, "error.participant.exists")
		gone := e.vendor("Gone Ltd")
		if _, err := e.vendors.SetVendorArchived(ctx, gone.ID, gone.Version, true); err != nil {
			t.Fatal(err)
		}
		_, err = e.participants.AddParticipant(ctx, ev.ID, gone.ID)
		wantError(t, err, bpo.EINVALID, "error.participant.archived")
		_, err = e.participants.AddParticipant(ctx, ev.ID, gone.ID+1000)
		wantCode(t, err, bpo.ENOTFOUND)
	})
}

func TestSetStage(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	f := e.fixture("Stages", setup{vendors: 1, evaluators: 1, keepDraft: true})
	other := e.fixture("Elsewhere", setup{vendors: 1, keepDraft: true})
	v := f.vendors[0].ID

	p, err := e.participants.SetStage(ctx, f.ev.ID, v, 1, bpo.StageShortlisted, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if p.Stage != bpo.StageShortlisted || p.RejectReason != "" || p.Version != 2 {
		t.Errorf("shortlisted: %+v", p)
	}
	for name, tc := range map[string]struct {
		vendor  int64
		version int
		stage   bpo.VendorStage
		reason  string
		code    string
		field   string
	}{
		"stale version":                {v, 1, bpo.StageCandidate, "", bpo.ECONFLICT, ""},
		"reject without a reason":      {v, 2, bpo.StageRejected, "  ", bpo.EINVALID, "reason"},
		"reason with control chars":    {v, 2, bpo.StageRejected, "bad\x00reason", bpo.EINVALID, "reason"},
		"selected is the decision's":   {v, 2, bpo.StageSelected, "", bpo.EINVALID, "stage"},
		"vendor of another evaluation": {other.vendors[0].ID, 1, bpo.StageShortlisted, "", bpo.ENOTFOUND, ""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.participants.SetStage(ctx, f.ev.ID, tc.vendor, tc.version, tc.stage, tc.reason)
			wantCode(t, err, tc.code)
			if tc.field != "" {
				if got := fieldKeys(err); len(got) != 1 || got[0] != tc.field {
					t.Errorf("fields = %v, want %s", got, tc.field)
				}
			}
		})
	}
	p, err = e.participants.SetStage(ctx, f.ev.ID, v, 2, bpo.StageRejected, "Failed the site visit")
	if err != nil {
		t.Fatal(err)
	}
	if p.Stage != bpo.StageRejected || p.RejectReason != "Failed the site visit" {
		t.Errorf("rejected: %+v", p)
	}
	if events := e.history(f.ev.ID, "participant"); len(events) != 3 || events[0].Action != "stage" {
		t.Errorf("participant history: %d events", len(events))
	}
	// The only vendor is rejected: nothing to score.
	_, err = e.evaluations.SetEvaluationStatus(ctx, f.ev.ID, f.ev.Version, bpo.StatusOpen)
	wantError(t, err, bpo.EINVALID, "error.evaluation.no_vendors")
}

func TestMeasurements(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	f := e.fixture("Figures", setup{vendors: 1, evaluators: 1})
	other := e.fixture("Other figures", setup{vendors: 1, keepDraft: true})
	v, price := f.vendors[0].ID, f.crit["price"].ID

	for name, tc := range map[string]struct {
		vendor, criterion int64
		value             *float64
		code              string
	}{
		"measured criterion":               {v, price, ptr(2100.0), ""},
		"not a number":                     {v, price, ptr(math.NaN()), bpo.EINVALID},
		"infinite":                         {v, price, ptr(math.Inf(1)), bpo.EINVALID},
		"a price the scoring cannot place": {v, price, ptr(0.0), bpo.EINVALID}, // lower is better, no anchors: above 0
		"rated criterion":                  {v, f.crit["policies"].ID, ptr(3.0), bpo.EINVALID},
		"criterion of another evaluation":  {v, other.crit["price"].ID, ptr(1.0), bpo.ENOTFOUND},
		"vendor not taking part":           {other.vendors[0].ID, price, ptr(1.0), bpo.ENOTFOUND},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, e.participants.SetMeasurement(ctx, f.ev.ID, tc.vendor, tc.criterion, tc.value), tc.code)
		})
	}
	wantCode(t, e.participants.SetMeasurement(as(f.evaluators[0]), f.ev.ID, v, price, ptr(1.0)), bpo.EFORBIDDEN)

	list, err := e.measurements(ctx, f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Value != 2100 || list[0].CriterionID != price {
		t.Fatalf("measurements = %+v", list)
	}
	if err := e.participants.SetMeasurement(ctx, f.ev.ID, v, price, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.measurements(ctx, f.ev.ID); len(list) != 0 {
		t.Errorf("after clearing: %+v", list)
	}
	if events := e.history(f.ev.ID, "measurement"); len(events) != 2 {
		t.Errorf("measurement events = %d, want 2 (set, clear)", len(events))
	}
}

func TestAssignments(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	f := e.fixture("Assignments", setup{vendors: 1, evaluators: 2})
	a, b := f.evaluators[0], f.evaluators[1]

	wantError(t, e.participants.AssignEvaluator(ctx, f.ev.ID, e.manager.ID), bpo.EINVALID, "error.invalid")
	wantCode(t, e.participants.AssignEvaluator(ctx, f.ev.ID, e.manager.ID+1000), bpo.ENOTFOUND)
	if err := e.participants.AssignEvaluator(ctx, f.ev.ID, a.ID); err != nil {
		t.Errorf("assigning twice: %v", err)
	}

	rateAll(t, e, f, a, f.vendors[0].ID, 4)
	if _, err := e.scorecards.SubmitScorecard(as(a), f.ev.ID, f.vendors[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.participants.UnassignEvaluator(ctx, f.ev.ID, a.ID), bpo.EINVALID, "error.participant.has_submitted")
	if err := e.participants.UnassignEvaluator(ctx, f.ev.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.participants.UnassignEvaluator(ctx, f.ev.ID, b.ID), bpo.ENOTFOUND)

	list, err := e.participants.FindAssignments(as(a), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].UserID != a.ID || list[0].COIDeclaredAt == nil {
		t.Errorf("assignments = %+v", list)
	}
	// Unassigned, b no longer sees the evaluation.
	_, err = e.evaluations.FindEvaluationByID(as(b), f.ev.ID)
	wantCode(t, err, bpo.ENOTFOUND)
}
