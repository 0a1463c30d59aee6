package postgres_test

import (
	"encoding/json"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// answersFor answers every pair of items with step.
func answersFor(items []*bpo.Criterion, step int) []bpo.AnswerInput {
	var out []bpo.AnswerInput
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			out = append(out, bpo.AnswerInput{A: items[i].ID, B: items[j].ID, Step: step})
		}
	}
	return out
}

func TestPairwiseRounds(t *testing.T) {
	e := newEnv(t)
	pw := postgres.NewPairwiseService(e.db)
	f := e.fixture("Pairwise", setup{vendors: 1, evaluators: 2})
	ctx := as(e.manager)
	quality := f.crit["quality"].ID
	alice, bob := f.evaluators[0], f.evaluators[1]
	stakeholder := e.user("stakeholder", bpo.RoleEvaluator) // not assigned to the evaluation
	outsider := e.user("outsider", bpo.RoleEvaluator)

	t.Run("StartRefusals", func(t *testing.T) {
		_, err := pw.StartRound(as(alice), f.ev.ID, &quality, []int64{alice.ID})
		wantCode(t, err, bpo.EFORBIDDEN)
		_, err = pw.StartRound(ctx, f.ev.ID, &quality, nil)
		wantError(t, err, bpo.EINVALID, "error.pairwise.participants")
		_, err = pw.StartRound(ctx, f.ev.ID, &quality, []int64{alice.ID, 987654})
		wantError(t, err, bpo.EINVALID, "error.pairwise.participants")
		leaf := f.crit["policies"].ID
		_, err = pw.StartRound(ctx, f.ev.ID, &leaf, []int64{alice.ID})
		wantError(t, err, bpo.EINVALID, "error.pairwise.group")
	})

	round, err := pw.StartRound(ctx, f.ev.ID, &quality, []int64{alice.ID, stakeholder.ID, alice.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = pw.StartRound(ctx, f.ev.ID, &quality, []int64{bob.ID})
	wantError(t, err, bpo.ECONFLICT, "error.pairwise.already_open")
	if round, err = pw.InviteParticipants(ctx, round.ID, round.Version, []int64{bob.ID}); err != nil {
		t.Fatal(err)
	}

	t.Run("Visibility", func(t *testing.T) {
		_, err := pw.FindRound(as(outsider), round.ID)
		wantError(t, err, bpo.ENOTFOUND, "error.pairwise.not_found")
		if list, err := pw.FindRounds(as(outsider), f.ev.ID); err != nil || len(list) != 0 {
			t.Errorf("outsider sees %v, %v", list, err)
		}
		d, err := pw.FindRound(as(stakeholder), round.ID)
		if err != nil || len(d.Participants) != 3 || len(d.Items) < 2 {
			t.Fatalf("stakeholder: %+v, %v", d, err)
		}
	})

	d, err := pw.FindRound(ctx, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	items := d.Items
	t.Run("AnswerRefusals", func(t *testing.T) {
		_, err := pw.SaveAnswers(as(outsider), round.ID, 1, answersFor(items, 0))
		wantCode(t, err, bpo.ENOTFOUND)
		_, err = pw.SaveAnswers(as(alice), round.ID, 1, answersFor(items, 9))
		wantCode(t, err, bpo.EINVALID)
		_, err = pw.SaveAnswers(as(alice), round.ID, 1, answersFor(items, 0)[1:])
		wantCode(t, err, bpo.EINVALID)
		if got := fieldKeys(err); len(got) != 1 || got[0] != bpo.PairField(items[0].ID, items[1].ID) {
			t.Errorf("fields %v, want the unanswered pair", got)
		}
		_, err = pw.SaveAnswers(as(alice), round.ID, 7, answersFor(items, 0))
		wantError(t, err, bpo.ECONFLICT, "error.pairwise.stale_answers")
	})

	p, err := pw.SaveAnswers(as(alice), round.ID, 1, answersFor(items, 2))
	if err != nil || p.Version != 2 || p.AnsweredAt == nil {
		t.Fatalf("alice: %+v, %v", p, err)
	}
	if _, err := pw.SaveAnswers(as(alice), round.ID, 2, answersFor(items, -3)); err != nil {
		t.Fatal(err)
	}
	if _, err := pw.SaveAnswers(as(bob), round.ID, 1, answersFor(items, 1)); err != nil {
		t.Fatal(err)
	}

	t.Run("OwnAnswersOnly", func(t *testing.T) {
		mine, err := pw.FindRound(as(bob), round.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range mine.Answers {
			if a.UserID != bob.ID || a.Step != 1 {
				t.Fatalf("bob sees %+v", a)
			}
		}
		all, err := pw.FindRound(ctx, round.ID)
		if err != nil || len(all.Answers) != 2*len(answersFor(items, 0)) {
			t.Fatalf("manager sees %d answers, %v", len(all.Answers), err)
		}
	})

	t.Run("RevisionAudited", func(t *testing.T) {
		events := e.history(f.ev.ID, "pairwise_answers")
		if len(events) != 3 {
			t.Fatalf("%d answer events", len(events))
		}
		var before, after struct {
			UserID  int64 `json:"user_id"`
			Answers []struct{ Step int }
		}
		// events are newest first: bob's, then alice's revision.
		if err := json.Unmarshal(events[1].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(events[1].After, &after); err != nil {
			t.Fatal(err)
		}
		if before.UserID != alice.ID || before.Answers[0].Step != 2 || after.Answers[0].Step != -3 {
			t.Errorf("revision audited as %+v → %+v", before, after)
		}
	})

	t.Run("End", func(t *testing.T) {
		_, err := pw.EndRound(ctx, round.ID, round.Version-1, true)
		wantCode(t, err, bpo.ECONFLICT)
		ended, err := pw.EndRound(ctx, round.ID, round.Version, true)
		if err != nil || ended.Status != bpo.RoundApplied || ended.EndedAt == nil {
			t.Fatalf("end: %+v, %v", ended, err)
		}
		_, err = pw.SaveAnswers(as(bob), round.ID, 2, answersFor(items, 1))
		wantError(t, err, bpo.EINVALID, "error.pairwise.ended")
		// The group is free for a new round.
		if _, err := pw.StartRound(ctx, f.ev.ID, &quality, []int64{bob.ID}); err != nil {
			t.Fatal(err)
		}
		// The top level is a group too.
		if _, err := pw.StartRound(ctx, f.ev.ID, nil, []int64{bob.ID}); err != nil {
			t.Fatal(err)
		}
	})
}
