package postgres_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// input is the form a criterion would be edited with.
func input(c *bpo.Criterion) bpo.CriterionInput {
	return bpo.CriterionInput{ParentID: c.ParentID, Key: c.Key, Kind: c.Kind, NameEN: c.NameEN, NameFR: c.NameFR,
		GuidanceEN: c.GuidanceEN, GuidanceFR: c.GuidanceFR, Weight: c.Weight, MinRating: c.MinRating,
		Unit: c.Unit, Better: c.Better, Best: c.Best, Worst: c.Worst, Limit: c.Limit}
}

func TestCriteriaWhileOpen(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	f := e.fixture("Open tree", setup{vendors: 1, evaluators: 1})
	policies, aht := f.crit["policies"], f.crit["aht"]

	t.Run("shape is frozen", func(t *testing.T) {
		for name, try := range map[string]func() error{
			"create": func() error {
				_, err := e.criteria.CreateCriterion(ctx, f.ev.ID, bpo.CriterionInput{Key: "late", Kind: bpo.KindRated, NameEN: "Late", NameFR: "Tard", Weight: 1})
				return err
			},
			"remove": func() error { return e.criteria.RemoveCriterion(ctx, policies.ID, policies.Version) },
			"move":   func() error { return e.criteria.MoveCriterion(ctx, policies.ID, 1) },
			"change key": func() error {
				in := input(policies)
				in.Key = "rules"
				_, err := e.criteria.UpdateCriterion(ctx, policies.ID, policies.Version, in)
				return err
			},
			"change kind": func() error {
				in := input(policies)
				in.Kind, in.Unit, in.Better = bpo.KindMeasured, "s", "lower"
				_, err := e.criteria.UpdateCriterion(ctx, policies.ID, policies.Version, in)
				return err
			},
		} {
			t.Run(name, func(t *testing.T) { wantError(t, try(), bpo.EINVALID, "error.criterion.frozen") })
		}
		if got := len(e.crit(f.ev.ID)); got != len(f.crit) {
			t.Errorf("criteria after refused changes = %d, want %d", got, len(f.crit))
		}
	})

	t.Run("weights and thresholds still change, audited", func(t *testing.T) {
		in := input(policies)
		in.Weight, in.MinRating, in.NameEN = 25, ptr(2.0), "Policies and procedures"
		after, err := e.criteria.UpdateCriterion(ctx, policies.ID, policies.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if after.Weight != 25 || *after.MinRating != 2 || after.Version != policies.Version+1 {
			t.Errorf("after update: %+v", after)
		}
		in = input(aht)
		in.Best, in.Worst, in.Limit = ptr(200.0), ptr(600.0), ptr(900.0)
		if _, err := e.criteria.UpdateCriterion(ctx, aht.ID, aht.Version, in); err != nil {
			t.Fatal(err)
		}
		events := e.history(f.ev.ID, "criterion")
		var actions []string
		for _, ev := range events {
			actions = append(actions, ev.Action)
		}
		// Newest first: the anchors of aht, then policies' other fields and its weight.
		if !slices.Equal(actions, []string{"update", "update", "weight"}) {
			t.Fatalf("criterion history = %v", actions)
		}
		var before, afterW map[string]any
		if err := json.Unmarshal(events[2].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(events[2].After, &afterW); err != nil {
			t.Fatal(err)
		}
		if before["weight"] != 20.0 || afterW["weight"] != 25.0 || events[2].EntityID != policies.ID {
			t.Errorf("weight event: before %v after %v", before, afterW)
		}
	})

	t.Run("SetWeights is all or nothing", func(t *testing.T) {
		c := e.crit(f.ev.ID)
		err := e.criteria.SetWeights(ctx, f.ev.ID, []bpo.WeightChange{
			{CriterionID: c["language"].ID, Version: c["language"].Version, Weight: 30},
			{CriterionID: c["technology"].ID, Version: c["technology"].Version - 1, Weight: 30},
		})
		wantError(t, err, bpo.ECONFLICT, "error.criterion.stale_weights")
		if got := e.crit(f.ev.ID)["language"].Weight; got != 10 {
			t.Errorf("language weight after a refused batch = %v, want 10", got)
		}
		err = e.criteria.SetWeights(ctx, f.ev.ID, []bpo.WeightChange{
			{CriterionID: c["language"].ID, Version: c["language"].Version, Weight: 30},
			{CriterionID: c["technology"].ID, Version: c["technology"].Version, Weight: 5}, // unchanged
		})
		if err != nil {
			t.Fatal(err)
		}
		weights := 0
		for _, ev := range e.history(f.ev.ID, "criterion") {
			if ev.Action == "weight" && ev.EntityID == c["language"].ID {
				weights++
			}
		}
		if weights != 1 {
			t.Errorf("weight events for language = %d, want 1", weights)
		}
	})
}

func TestCriterionEdits(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	ev := e.draft("Draft tree")
	other := e.draft("Other tree")
	c := e.crit(ev.ID)
	foreign := e.crit(other.ID)["policies"]

	t.Run("stale edit", func(t *testing.T) {
		in := input(c["cultural_fit"])
		in.NameEN = "Culture"
		if _, err := e.criteria.UpdateCriterion(ctx, c["cultural_fit"].ID, c["cultural_fit"].Version, in); err != nil {
			t.Fatal(err)
		}
		in.NameEN = "Fit"
		_, err := e.criteria.UpdateCriterion(ctx, c["cultural_fit"].ID, c["cultural_fit"].Version, in)
		wantError(t, err, bpo.ECONFLICT, "error.criterion.stale")
		if got := e.crit(ev.ID)["cultural_fit"].NameEN; got != "Culture" {
			t.Errorf("name after a stale edit = %q, want the first edit kept", got)
		}
	})

	t.Run("criterion of another evaluation", func(t *testing.T) {
		err := e.criteria.SetWeights(ctx, ev.ID, []bpo.WeightChange{{CriterionID: foreign.ID, Version: foreign.Version, Weight: 3}})
		wantCode(t, err, bpo.ENOTFOUND)
		in := input(c["language"])
		in.ParentID = foreign.ParentID
		_, err = e.criteria.UpdateCriterion(ctx, c["language"].ID, c["language"].Version, in)
		wantCode(t, err, bpo.ENOTFOUND)
		_, err = e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{ParentID: foreign.ParentID, Key: "stray",
			Kind: bpo.KindRated, NameEN: "Stray", NameFR: "Égaré", Weight: 1})
		wantCode(t, err, bpo.ENOTFOUND)
	})

	t.Run("duplicate key and bad parent", func(t *testing.T) {
		_, err := e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{Key: "policies", Kind: bpo.KindRated,
			NameEN: "Again", NameFR: "Encore", Weight: 1})
		wantCode(t, err, bpo.EINVALID)
		if got := fieldKeys(err); !slices.Equal(got, []string{"key"}) {
			t.Errorf("fields = %v", got)
		}
		_, err = e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{ParentID: &c["policies"].ID, Key: "sub",
			Kind: bpo.KindRated, NameEN: "Sub", NameFR: "Sous", Weight: 1})
		wantCode(t, err, bpo.EINVALID)
		in := input(c["quality"])
		in.ParentID = &c["quality"].ID
		_, err = e.criteria.UpdateCriterion(ctx, c["quality"].ID, c["quality"].Version, in)
		wantCode(t, err, bpo.EINVALID)
	})

	t.Run("move under another group", func(t *testing.T) {
		in := input(c["technology"])
		in.ParentID = &c["cost"].ID
		moved, err := e.criteria.UpdateCriterion(ctx, c["technology"].ID, c["technology"].Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if *moved.ParentID != c["cost"].ID || moved.Position != 1 {
			t.Errorf("moved: parent %d position %d, want last under cost", *moved.ParentID, moved.Position)
		}
		list, err := e.criteria.FindCriteria(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, x := range list[len(list)-3:] {
			keys = append(keys, x.Key)
		}
		if !slices.Equal(keys, []string{"cost", "price", "technology"}) {
			t.Errorf("tree ends with %v", keys)
		}
	})

	t.Run("move and remove", func(t *testing.T) {
		if err := e.criteria.MoveCriterion(ctx, c["process_expertise"].ID, -1); err != nil {
			t.Fatal(err)
		}
		if err := e.criteria.MoveCriterion(ctx, c["process_expertise"].ID, -1); err != nil {
			t.Fatalf("moving the first sibling up: %v", err)
		}
		cur := e.crit(ev.ID)
		if err := e.criteria.RemoveCriterion(ctx, cur["service_levels"].ID, cur["service_levels"].Version); err != nil {
			t.Fatal(err)
		}
		list, err := e.criteria.FindCriteria(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, x := range list[:4] {
			keys = append(keys, x.Key)
		}
		if !slices.Equal(keys, []string{"quality", "process_expertise", "policies", "cultural_fit"}) {
			t.Errorf("order after moving = %v", keys)
		}
		if _, ok := e.crit(ev.ID)["aht"]; ok {
			t.Errorf("the children of a removed group are still there")
		}
	})
}
