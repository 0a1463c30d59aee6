package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

func TestFindEvaluationDetail(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Detail", setup{vendors: 2, evaluators: 2})
	other := e.fixture("Other detail", setup{vendors: 1, evaluators: 1})
	evaluator, vendor := f.evaluators[0], f.vendors[0].ID
	for _, k := range ratedKeys {
		if _, err := e.scorecards.SaveRating(as(evaluator), f.ev.ID, vendor,
			bpo.RatingInput{CriterionID: f.crit[k].ID, Value: ptr(3)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.scorecards.SubmitScorecard(as(evaluator), f.ev.ID, vendor, 1); err != nil {
		t.Fatal(err)
	}
	// A draft of the other evaluator: never part of the detail.
	if _, err := e.scorecards.SaveRating(as(f.evaluators[1]), f.ev.ID, vendor,
		bpo.RatingInput{CriterionID: f.crit["policies"].ID, Value: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	if err := e.participants.SetMeasurement(as(e.manager), f.ev.ID, vendor, f.crit["price"].ID, ptr(2100.0)); err != nil {
		t.Fatal(err)
	}
	all := bpo.WithAssignments | bpo.WithMeasurements | bpo.WithRatings

	t.Run("EverythingInOneRoundTrip", func(t *testing.T) {
		// One connection, warmed up, so that the count is the steady state's.
		db, err := postgres.Open(context.Background(), strings.Replace(e.dbURL, "pool_max_conns=32", "pool_max_conns=1", 1))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		evaluations := postgres.NewEvaluationService(db)
		if _, err := evaluations.FindEvaluationDetail(as(e.manager), f.ev.ID, all); err != nil {
			t.Fatal(err)
		}
		ctx, trips := roundtrip.WithCounter(as(e.manager))
		d, err := evaluations.FindEvaluationDetail(ctx, f.ev.ID, all)
		if err != nil {
			t.Fatal(err)
		}
		if n := trips.Load(); n != 1 {
			t.Errorf("%d round trips, want 1", n)
		}
		if d.Evaluation.ID != f.ev.ID || len(d.Criteria) != len(f.crit) || len(d.Participants) != 2 ||
			len(d.Assignments) != 2 || len(d.Measurements) != 1 || len(d.Ratings) != len(ratedKeys) {
			t.Errorf("detail: evaluation %d, %d criteria, %d vendors, %d evaluators, %d figures, %d ratings",
				d.Evaluation.ID, len(d.Criteria), len(d.Participants), len(d.Assignments), len(d.Measurements), len(d.Ratings))
		}
		for _, r := range d.Ratings {
			if r.EvaluatorID != evaluator.ID {
				t.Errorf("a draft rating of user %d is in the detail", r.EvaluatorID)
			}
		}
	})
	t.Run("OnlyThePartsAskedFor", func(t *testing.T) {
		d, err := e.evaluations.FindEvaluationDetail(as(e.manager), f.ev.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Criteria) == 0 || len(d.Participants) != 2 || d.Assignments != nil || d.Measurements != nil || d.Ratings != nil {
			t.Errorf("detail without parts: %d criteria, %d vendors, %v, %v, %v",
				len(d.Criteria), len(d.Participants), d.Assignments, d.Measurements, d.Ratings)
		}
	})
	t.Run("AssignedEvaluatorSeesTheSetUp", func(t *testing.T) {
		d, err := e.evaluations.FindEvaluationDetail(as(evaluator), f.ev.ID, bpo.WithAssignments)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Participants) != 2 || len(d.Assignments) != 2 {
			t.Errorf("%d vendors, %d evaluators", len(d.Participants), len(d.Assignments))
		}
	})
	t.Run("EvaluatorMayNotReadFiguresOrRatings", func(t *testing.T) {
		for _, parts := range []bpo.EvaluationParts{bpo.WithMeasurements, bpo.WithRatings} {
			_, err := e.evaluations.FindEvaluationDetail(as(evaluator), f.ev.ID, parts)
			wantCode(t, err, bpo.EFORBIDDEN)
		}
	})
	t.Run("NotAssignedIsNotFound", func(t *testing.T) {
		_, err := e.evaluations.FindEvaluationDetail(as(other.evaluators[0]), f.ev.ID, bpo.WithAssignments)
		wantError(t, err, bpo.ENOTFOUND, "error.evaluation.not_found")
	})
	t.Run("MissingIsNotFound", func(t *testing.T) {
		_, err := e.evaluations.FindEvaluationDetail(as(e.manager), 1<<40, all)
		wantCode(t, err, bpo.ENOTFOUND)
	})
	t.Run("Anonymous", func(t *testing.T) {
		_, err := e.evaluations.FindEvaluationDetail(context.Background(), f.ev.ID, 0)
		wantCode(t, err, bpo.EFORBIDDEN)
	})
}

func TestAutosaveRating(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Autosave detail", setup{vendors: 1, evaluators: 2})
	other := e.fixture("Autosave other", setup{vendors: 1, evaluators: 1})
	evaluator, vendor, c := f.evaluators[0], f.vendors[0].ID, f.crit["policies"].ID

	saved, card, err := e.scorecards.AutosaveRating(as(evaluator), f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(4)})
	if err != nil {
		t.Fatal(err)
	}
	if r := card.Ratings[c]; r == nil || *r.Value != 4 || r.Version != saved.Version {
		t.Errorf("the scorecard does not show the save: %+v", r)
	}
	if card.EvaluatorID != evaluator.ID || card.VendorID != vendor || card.ID == 0 {
		t.Errorf("scorecard %d of evaluator %d, vendor %d", card.ID, card.EvaluatorID, card.VendorID)
	}

	t.Run("OnlyTheSavedJustificationIsRead", func(t *testing.T) {
		other := f.crit["language"].ID
		_, card, err := e.scorecards.AutosaveRating(as(evaluator), f.ev.ID, vendor, bpo.RatingInput{CriterionID: other, Value: ptr(3), Justification: "Fluent"})
		if err != nil {
			t.Fatal(err)
		}
		if r := card.Ratings[other]; r == nil || r.Justification != "Fluent" {
			t.Errorf("the saved rating: %+v", r)
		}
		// The first criterion saved again as it is: the other's
		// justification is not read.
		_, card, err = e.scorecards.AutosaveRating(as(evaluator), f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(4), Version: saved.Version})
		if err != nil {
			t.Fatal(err)
		}
		if r := card.Ratings[other]; r == nil || *r.Value != 3 || r.Justification != "" {
			t.Errorf("another criterion's rating: %+v, want its value without its justification", r)
		}
	})
	t.Run("StaleSaveStillReadsTheScorecard", func(t *testing.T) {
		_, card, err := e.scorecards.AutosaveRating(as(evaluator), f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(2)})
		wantCode(t, err, bpo.ECONFLICT)
		if card == nil || *card.Ratings[c].Value != 4 {
			t.Errorf("a refused save should come with the stored rating: %+v", card)
		}
	})
	t.Run("InvalidSaveStillReadsTheScorecard", func(t *testing.T) {
		_, card, err := e.scorecards.AutosaveRating(as(evaluator), f.ev.ID, vendor,
			bpo.RatingInput{CriterionID: c, Value: ptr(f.ev.ScaleMax + 1), Version: saved.Version})
		wantCode(t, err, bpo.EINVALID)
		if card == nil || *card.Ratings[c].Value != 4 {
			t.Errorf("a refused save should come with the stored rating: %+v", card)
		}
	})
	t.Run("NotAssignedGetsNothing", func(t *testing.T) {
		_, card, err := e.scorecards.AutosaveRating(as(other.evaluators[0]), f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(2)})
		wantCode(t, err, bpo.ENOTFOUND)
		if card != nil {
			t.Error("an evaluator not assigned read the scorecard")
		}
	})
	t.Run("NotDeclaredReadsTheirOwnScorecard", func(t *testing.T) {
		undeclared := e.fixture("Autosave undeclared", setup{vendors: 1, evaluators: 1, undeclared: true})
		_, card, err := e.scorecards.AutosaveRating(as(undeclared.evaluators[0]), undeclared.ev.ID, undeclared.vendors[0].ID,
			bpo.RatingInput{CriterionID: undeclared.crit["policies"].ID, Value: ptr(2)})
		wantCode(t, err, bpo.EFORBIDDEN)
		if card == nil || card.ID != 0 || len(card.Ratings) != 0 {
			t.Errorf("the refused save should come with the scorecard not started: %+v", card)
		}
	})
	t.Run("MissingVendorGetsNothing", func(t *testing.T) {
		_, card, err := e.scorecards.AutosaveRating(as(evaluator), f.ev.ID, other.vendors[0].ID, bpo.RatingInput{CriterionID: c, Value: ptr(2)})
		wantCode(t, err, bpo.ENOTFOUND)
		if card != nil {
			t.Error("a save for a vendor not taking part came with a scorecard")
		}
	})
	t.Run("AnotherEvaluatorsScorecardIsNotReadable", func(t *testing.T) {
		_, err := e.scorecards.FindScorecardDetail(as(f.evaluators[1]), f.ev.ID, vendor, evaluator.ID)
		wantCode(t, err, bpo.EFORBIDDEN)
	})
}
