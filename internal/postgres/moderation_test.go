package postgres_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// rateAndSubmit rates every rated criterion of the vendor with value (the
// overrides by key) and submits the scorecard.
func rateAndSubmit(t *testing.T, e *env, f *fixture, u *bpo.User, vendorID int64, value int, overrides map[string]int) {
	t.Helper()
	for _, c := range f.crit {
		if c.Kind != bpo.KindRated {
			continue
		}
		v := value
		if o, ok := overrides[c.Key]; ok {
			v = o
		}
		in := bpo.RatingInput{CriterionID: c.ID, Value: &v, Justification: "Seen during the site visit of " + c.Key + "."}
		if _, err := e.scorecards.SaveRating(as(u), f.ev.ID, vendorID, in); err != nil {
			t.Fatalf("rate %s: %v", c.Key, err)
		}
	}
	sc, err := e.scorecards.FindScorecard(as(u), f.ev.ID, vendorID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.scorecards.SubmitScorecard(as(u), f.ev.ID, vendorID, sc.Version); err != nil {
		t.Fatalf("submit: %v", err)
	}
}

func TestModeration(t *testing.T) {
	e := newEnv(t)
	mod := postgres.NewModerationService(e.db)
	f := e.fixture("Moderation", setup{vendors: 2, evaluators: 2})
	ctx := as(e.manager)
	vendor, other := f.vendors[0].ID, f.vendors[1].ID
	fit := f.crit["cultural_fit"].ID
	// Alice gives 5 to cultural fit and Bob 1 (spread 4 on a 1–5 scale:
	// disputed); policies 4 and 3 (spread 1: not disputed).
	rateAndSubmit(t, e, f, f.evaluators[0], vendor, 4, map[string]int{"cultural_fit": 5})

	t.Run("ErrUnsubmittedNamesTheMissing", func(t *testing.T) {
		_, err := mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(3), Reason: "Agreed."})
		wantError(t, err, bpo.EINVALID, "error.moderation.unsubmitted")
		if args := bpo.ErrorMessage(err).Args; len(args) != 1 || !strings.Contains(args[0].(string), f.evaluators[1].Name) {
			t.Errorf("message args %v, want the missing evaluator", args)
		}
	})
	rateAndSubmit(t, e, f, f.evaluators[1], vendor, 3, map[string]int{"cultural_fit": 1})

	t.Run("ViewPutsDisputedFirst", func(t *testing.T) {
		v, err := mod.FindModeration(ctx, f.ev.ID, vendor)
		if err != nil {
			t.Fatal(err)
		}
		first := v.Items[0]
		if first.Criterion.Key != "cultural_fit" || !first.Disputed || first.Spread != 4 || len(first.Ratings) != 2 || len(v.Missing) != 0 {
			t.Fatalf("first item %+v, missing %v", first, v.Missing)
		}
		if first.Ratings[0].Justification == "" || v.Items[1].Disputed {
			t.Errorf("ratings %+v, second item %+v", first.Ratings, v.Items[1])
		}
		un, err := mod.FindUnmoderated(ctx, f.ev.ID)
		if err != nil || len(un) != 1 || un[0].CriterionID != fit || un[0].VendorID != vendor {
			t.Fatalf("unmoderated %+v, %v", un, err)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		for name, tc := range map[string]struct {
			in    bpo.ConsensusInput
			code  string
			field string
		}{
			"ErrValueOffScale": {bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(6), Reason: "x"}, bpo.EINVALID, "value"},
			"ErrValueMissing":  {bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Reason: "x"}, bpo.EINVALID, "value"},
			"ErrNoReason":      {bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(3), Reason: "  "}, bpo.EINVALID, "reason"},
			"ErrMeasured":      {bpo.ConsensusInput{VendorID: vendor, CriterionID: f.crit["price"].ID, Value: ptr(3), Reason: "x"}, bpo.EINVALID, ""},
			"ErrStaleCreate":   {bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(3), Reason: "x", Version: 4}, bpo.ECONFLICT, ""},
			"ErrOtherVendor":   {bpo.ConsensusInput{VendorID: 999999, CriterionID: fit, Value: ptr(3), Reason: "x"}, bpo.ENOTFOUND, ""},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := mod.RecordConsensus(ctx, f.ev.ID, tc.in)
				wantCode(t, err, tc.code)
				if tc.field != "" && strings.Join(fieldKeys(err), ",") != tc.field {
					t.Errorf("fields %v, want %s", fieldKeys(err), tc.field)
				}
			})
		}
		_, err := mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: f.crit["price"].ID, Value: ptr(3), Reason: "x"})
		wantError(t, err, bpo.EINVALID, "error.moderation.not_rated")
	})

	t.Run("ErrEvaluatorForbidden", func(t *testing.T) {
		_, err := mod.RecordConsensus(as(f.evaluators[0]), f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(3), Reason: "x"})
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = mod.FindModeration(as(f.evaluators[0]), f.ev.ID, vendor)
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = mod.FindConsensus(as(f.evaluators[0]), f.ev.ID)
		wantCode(t, err, bpo.EFORBIDDEN)
	})

	var c *bpo.Consensus
	t.Run("RecordChangeClearAudited", func(t *testing.T) {
		var err error
		c, err = mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(3), Reason: "  The site visit showed a fair fit.  "})
		if err != nil {
			t.Fatal(err)
		}
		if c.Value != 3 || c.Reason != "The site visit showed a fair fit." || c.RecordedByName != e.manager.Name || c.Version != 1 {
			t.Fatalf("consensus %+v", c)
		}
		if un, _ := mod.FindUnmoderated(ctx, f.ev.ID); len(un) != 0 {
			t.Errorf("still unmoderated: %+v", un)
		}
		// A second first record is stale: someone recorded one meanwhile.
		_, err = mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(4), Reason: "x"})
		wantCode(t, err, bpo.ECONFLICT)
		changed, err := mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(4), Reason: "Checked references.", Version: c.Version})
		if err != nil || changed.Version != 2 || changed.Value != 4 {
			t.Fatalf("change: %+v, %v", changed, err)
		}
		wantCode(t, mod.ClearConsensus(ctx, f.ev.ID, vendor, fit, 1), bpo.ECONFLICT)
		if err := mod.ClearConsensus(ctx, f.ev.ID, vendor, fit, 2); err != nil {
			t.Fatal(err)
		}
		if list, _ := mod.FindConsensus(ctx, f.ev.ID); len(list) != 0 {
			t.Errorf("consensus after clearing: %+v", list)
		}
		events := e.history(f.ev.ID, "consensus")
		var actions []string
		for _, ev := range events {
			actions = append(actions, ev.Action)
		}
		if strings.Join(actions, " ") != "clear change record" {
			t.Fatalf("audit actions %v", actions)
		}
		var before, after struct{ Value int }
		if err := json.Unmarshal(events[1].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(events[1].After, &after); err != nil {
			t.Fatal(err)
		}
		if before.Value != 3 || after.Value != 4 || events[0].After != nil {
			t.Errorf("change audited %d → %d; clear after %s", before.Value, after.Value, events[0].After)
		}
	})

	t.Run("OtherVendorStillWaits", func(t *testing.T) {
		_, err := mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: other, CriterionID: fit, Value: ptr(3), Reason: "x"})
		wantError(t, err, bpo.EINVALID, "error.moderation.unsubmitted")
	})

	t.Run("RequiredOption", func(t *testing.T) {
		if on, err := mod.ModerationRequired(ctx, f.ev.ID); err != nil || on {
			t.Fatalf("default %v, %v; want off", on, err)
		}
		ev, err := e.evaluations.FindEvaluationByID(ctx, f.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = mod.SetModerationRequired(ctx, f.ev.ID, ev.Version-1, true)
		wantCode(t, err, bpo.ECONFLICT)
		_, err = mod.SetModerationRequired(as(f.evaluators[0]), f.ev.ID, ev.Version, true)
		wantCode(t, err, bpo.EFORBIDDEN)
		after, err := mod.SetModerationRequired(ctx, f.ev.ID, ev.Version, true)
		if err != nil || after.Version != ev.Version+1 {
			t.Fatalf("set: %+v, %v", after, err)
		}
		if on, _ := mod.ModerationRequired(ctx, f.ev.ID); !on {
			t.Error("option not saved")
		}
	})

	t.Run("ErrClosed", func(t *testing.T) {
		ev, err := e.evaluations.FindEvaluationByID(ctx, f.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusClosed); err != nil {
			t.Fatal(err)
		}
		_, err = mod.RecordConsensus(ctx, f.ev.ID, bpo.ConsensusInput{VendorID: vendor, CriterionID: fit, Value: ptr(3), Reason: "x"})
		wantError(t, err, bpo.EINVALID, "error.moderation.not_open")
	})
}
