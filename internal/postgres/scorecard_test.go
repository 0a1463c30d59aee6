package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

// rateAll rates every rated criterion of the vendor with value, justified,
// on a scorecard the evaluator has not started.
func rateAll(t *testing.T, e *env, f *fixture, u *bpo.User, vendorID int64, value int) {
	t.Helper()
	for _, c := range f.crit {
		if c.Kind != bpo.KindRated {
			continue
		}
		in := bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: "Seen during the site visit."}
		if _, err := e.scorecards.SaveRating(as(u), f.ev.ID, vendorID, in); err != nil {
			t.Fatalf("rate %s: %v", c.Key, err)
		}
	}
}

func TestConflictOfInterest(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Conflicts", setup{vendors: 2, evaluators: 1, undeclared: true})
	other := e.fixture("Unrelated", setup{vendors: 1, keepDraft: true})
	u, conflicted, free := f.evaluators[0], f.vendors[0].ID, f.vendors[1].ID
	ctx := as(u)
	rate := func(vendorID int64) error {
		_, err := e.scorecards.SaveRating(ctx, f.ev.ID, vendorID, bpo.RatingInput{CriterionID: f.crit["policies"].ID, Value: ptr(3)})
		return err
	}

	wantError(t, rate(free), bpo.EFORBIDDEN, "error.scorecard.declaration_required")
	wantCode(t, e.scorecards.DeclareConflicts(ctx, f.ev.ID, []bpo.Conflict{{VendorID: other.vendors[0].ID}}), bpo.ENOTFOUND)
	wantCode(t, e.scorecards.DeclareConflicts(as(e.manager), f.ev.ID, nil), bpo.EFORBIDDEN)
	if err := e.scorecards.DeclareConflicts(ctx, f.ev.ID, []bpo.Conflict{{VendorID: conflicted, Note: "My brother works there."}}); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.scorecards.DeclareConflicts(ctx, f.ev.ID, nil), bpo.EINVALID, "error.scorecard.already_declared")

	wantError(t, rate(conflicted), bpo.EFORBIDDEN, "error.scorecard.conflict")
	if err := rate(free); err != nil {
		t.Fatalf("rating the vendor without a conflict: %v", err)
	}

	list, err := e.participants.FindAssignments(as(e.manager), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !list[0].HasConflict(conflicted) || list[0].HasConflict(free) || list[0].Conflicts[0].Note != "My brother works there." {
		t.Errorf("declaration = %+v", list)
	}
	progress, err := e.scorecards.FindProgress(as(e.manager), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 1 || progress[0].VendorID != free || progress[0].Rated != 1 || progress[0].Status != bpo.ScorecardDraft {
		t.Errorf("progress = %+v, want one draft cell for the vendor without a conflict", progress)
	}
	if events := e.history(f.ev.ID, "assignment"); len(events) != 2 || events[0].Action != "declare" {
		t.Errorf("assignment history: %d events", len(events))
	}
}

func TestSaveRatingRefusals(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Refusals", setup{vendors: 2, evaluators: 1})
	draft := e.fixture("Still draft", setup{vendors: 1, evaluators: 1, keepDraft: true})
	closed := e.fixture("Closed", setup{vendors: 1, evaluators: 1})
	if _, err := e.evaluations.SetEvaluationStatus(as(e.manager), closed.ev.ID, closed.ev.Version, bpo.StatusClosed); err != nil {
		t.Fatal(err)
	}
	rejected := f.vendors[1].ID
	if _, err := e.participants.SetStage(as(e.manager), f.ev.ID, rejected, 1, bpo.StageRejected, "Out of budget"); err != nil {
		t.Fatal(err)
	}
	u, vendor, policies := f.evaluators[0], f.vendors[0].ID, f.crit["policies"].ID

	for name, tc := range map[string]struct {
		user       *bpo.User
		evaluation int64
		vendor     int64
		in         bpo.RatingInput
		code, key  string
	}{
		"value above the scale":       {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(6)}, bpo.EINVALID, "error.invalid"},
		"value below the scale":       {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(0)}, bpo.EINVALID, "error.invalid"},
		"measured criterion":          {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: f.crit["price"].ID, Value: ptr(3)}, bpo.EINVALID, "error.invalid"},
		"group":                       {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: f.crit["quality"].ID, Value: ptr(3)}, bpo.EINVALID, "error.invalid"},
		"criterion of another one":    {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: draft.crit["policies"].ID, Value: ptr(3)}, bpo.ENOTFOUND, "error.criterion.not_found"},
		"vendor of another one":       {u, f.ev.ID, draft.vendors[0].ID, bpo.RatingInput{CriterionID: policies, Value: ptr(3)}, bpo.ENOTFOUND, "error.participant.not_found"},
		"evaluation not assigned":     {draft.evaluators[0], f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3)}, bpo.ENOTFOUND, "error.evaluation.not_found"},
		"missing evaluation":          {u, f.ev.ID + 1000, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3)}, bpo.ENOTFOUND, "error.evaluation.not_found"},
		"manager":                     {e.manager, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3)}, bpo.EFORBIDDEN, "error.forbidden"},
		"rejected vendor":             {u, f.ev.ID, rejected, bpo.RatingInput{CriterionID: policies, Value: ptr(3)}, bpo.EFORBIDDEN, "error.scorecard.vendor_rejected"},
		"draft evaluation":            {draft.evaluators[0], draft.ev.ID, draft.vendors[0].ID, bpo.RatingInput{CriterionID: draft.crit["policies"].ID, Value: ptr(3)}, bpo.EFORBIDDEN, "error.scorecard.not_open"},
		"closed evaluation":           {closed.evaluators[0], closed.ev.ID, closed.vendors[0].ID, bpo.RatingInput{CriterionID: closed.crit["policies"].ID, Value: ptr(3)}, bpo.EFORBIDDEN, "error.scorecard.not_open"},
		"justification too long":      {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3), Justification: strings.Repeat("é", 5001)}, bpo.EINVALID, "error.invalid"},
		"justification not UTF-8":     {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3), Justification: "caf\xe9"}, bpo.EINVALID, "error.invalid"},
		"justification control chars": {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3), Justification: "ok\x07"}, bpo.EINVALID, "error.invalid"},
		"rating that does not exist":  {u, f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(3), Version: 4}, bpo.ECONFLICT, "error.scorecard.rating_stale_empty"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.scorecards.SaveRating(as(tc.user), tc.evaluation, tc.vendor, tc.in)
			wantError(t, err, tc.code, tc.key)
		})
	}

	// None of the refusals started a scorecard.
	progress, err := e.scorecards.FindProgress(as(e.manager), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 1 || progress[0].ScorecardID != 0 {
		t.Errorf("progress after refusals = %+v, want one scorecard not started", progress)
	}

	t.Run("accepted at the edges", func(t *testing.T) {
		long := strings.Repeat("é", 4990) + "\r\n\tfin"
		r, err := e.scorecards.SaveRating(as(u), f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Value: ptr(5), Justification: long})
		if err != nil {
			t.Fatal(err)
		}
		if *r.Value != 5 || r.Justification != long || r.Version != 1 {
			t.Errorf("saved %+v", r)
		}
		r, err = e.scorecards.SaveRating(as(u), f.ev.ID, vendor, bpo.RatingInput{CriterionID: policies, Justification: "Not sure yet", Version: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Value != nil || r.Version != 2 {
			t.Errorf("clearing the value: %+v", r)
		}
	})
}

func TestRatingAudit(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Audit trail", setup{vendors: 1, evaluators: 1})
	ctx, vendor, c := as(f.evaluators[0]), f.vendors[0].ID, f.crit["language"].ID

	r, err := e.scorecards.SaveRating(ctx, f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(2), Justification: "Weak French"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.scorecards.SaveRating(ctx, f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(4), Justification: "Retested", Version: r.Version}); err != nil {
		t.Fatal(err)
	}
	_, err = e.scorecards.SaveRating(ctx, f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(1), Version: r.Version})
	wantError(t, err, bpo.ECONFLICT, "error.scorecard.rating_stale")
	if got := bpo.ErrorMessage(err).Args; len(got) != 1 || got[0] != 4 {
		t.Errorf("stale save arguments = %v, want the current value 4", got)
	}

	// Saving what is stored answers as saved and writes nothing.
	same, err := e.scorecards.SaveRating(ctx, f.ev.ID, vendor, bpo.RatingInput{CriterionID: c, Value: ptr(4), Justification: "Retested", Version: r.Version + 1})
	if err != nil || same.Version != r.Version+1 || *same.Value != 4 {
		t.Fatalf("the same rating saved again: %+v, %v", same, err)
	}

	events := e.history(f.ev.ID, "rating")
	if len(events) != 2 {
		t.Fatalf("rating events = %d, want 2 (the refused and the unchanged saves leave none)", len(events))
	}
	type snap struct {
		Value         *int   `json:"value"`
		Justification string `json:"justification"`
		CriterionID   int64  `json:"criterion_id"`
	}
	var before, after snap
	if err := json.Unmarshal(events[0].Before, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(events[0].After, &after); err != nil {
		t.Fatal(err)
	}
	if events[0].Action != "update" || *before.Value != 2 || before.Justification != "Weak French" ||
		*after.Value != 4 || after.Justification != "Retested" || after.CriterionID != c {
		t.Errorf("update event: %s before %s after %s", events[0].Action, events[0].Before, events[0].After)
	}
	if events[1].Action != "create" || events[1].Before != nil || events[0].ActorName != f.evaluators[0].Name {
		t.Errorf("create event: %+v", events[1])
	}
	mine := f.evaluators[0].ID
	if events, total, err := e.audit.FindEvaluationHistory(as(e.manager), f.ev.ID, bpo.AuditFilter{ActorID: &mine}); err != nil || total != 3 || len(events) != 3 {
		// The declaration and the two saves.
		t.Errorf("the evaluator's events: %d of %d (%v), want 3", len(events), total, err)
	}
}

func TestSubmitAndReopen(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Submit", setup{vendors: 1, evaluators: 1})
	u, vendor := f.evaluators[0], f.vendors[0].ID
	ctx := as(u)
	save := func(key string, value int, justification string) error {
		sc, err := e.scorecards.FindScorecard(ctx, f.ev.ID, vendor, 0)
		if err != nil {
			return err
		}
		version := 0
		if r := sc.Ratings[f.crit[key].ID]; r != nil {
			version = r.Version
		}
		_, err = e.scorecards.SaveRating(ctx, f.ev.ID, vendor, bpo.RatingInput{CriterionID: f.crit[key].ID, Value: &value, Justification: justification, Version: version})
		return err
	}

	_, err := e.scorecards.SubmitScorecard(ctx, f.ev.ID, vendor, 0)
	wantError(t, err, bpo.EINVALID, "error.scorecard.incomplete")
	if got := fieldKeys(err); !slices.Equal(got, ratedKeys) {
		t.Errorf("an empty scorecard names %v", got)
	}

	for _, k := range ratedKeys[:6] {
		if err := save(k, 3, ""); err != nil {
			t.Fatal(err)
		}
	}
	// The policy is "extremes": 5 needs a justification, 3 does not.
	if err := save("technology", 5, ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.scorecards.SubmitScorecard(ctx, f.ev.ID, vendor, 1)
	wantCode(t, err, bpo.EINVALID)
	var be *bpo.Error
	errors.As(err, &be)
	var problems []string
	for _, fe := range be.Fields {
		problems = append(problems, fe.Field+" "+fe.Key)
	}
	want := []string{"technology error.scorecard.missing_justification", "knowledge_transfer error.scorecard.missing_rating"}
	if !slices.Equal(problems, want) {
		t.Errorf("problems = %v, want %v", problems, want)
	}
	if sc, _ := e.scorecards.FindScorecard(ctx, f.ev.ID, vendor, 0); sc.Status != bpo.ScorecardDraft || sc.SubmittedAt != nil {
		t.Errorf("a refused submission changed the scorecard: %+v", sc)
	}

	if err := save("technology", 5, "Best RPA platform we saw"); err != nil {
		t.Fatal(err)
	}
	if err := save("knowledge_transfer", 2, ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.scorecards.SubmitScorecard(as(e.manager), f.ev.ID, vendor, 1)
	wantCode(t, err, bpo.EFORBIDDEN)
	sc, err := e.scorecards.SubmitScorecard(ctx, f.ev.ID, vendor, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Status != bpo.ScorecardSubmitted || sc.SubmittedAt == nil || sc.Version != 2 || len(sc.Ratings) != 8 {
		t.Errorf("submitted scorecard: status %q at %v version %d, %d ratings", sc.Status, sc.SubmittedAt, sc.Version, len(sc.Ratings))
	}

	wantError(t, save("policies", 4, ""), bpo.EFORBIDDEN, "error.scorecard.submitted")
	_, err = e.scorecards.SubmitScorecard(ctx, f.ev.ID, vendor, 2)
	wantError(t, err, bpo.EINVALID, "error.scorecard.already_submitted")
	ratings, err := e.submittedRatings(as(e.manager), f.ev.ID)
	if err != nil || len(ratings) != 8 {
		t.Errorf("submitted ratings: %d (%v), want 8", len(ratings), err)
	}

	_, err = e.scorecards.ReopenScorecard(ctx, sc.EvaluationID, sc.ID, sc.Version)
	wantCode(t, err, bpo.EFORBIDDEN)
	otherIn := bpo.NewEvaluationInput()
	otherIn.Title = "Another evaluation"
	other, err := e.evaluations.CreateEvaluation(as(e.manager), otherIn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.scorecards.ReopenScorecard(as(e.manager), other.ID, sc.ID, sc.Version)
	wantCode(t, err, bpo.ENOTFOUND)
	_, err = e.scorecards.ReopenScorecard(as(e.manager), sc.EvaluationID, sc.ID, 1)
	wantError(t, err, bpo.ECONFLICT, "error.scorecard.stale")
	reopened, err := e.scorecards.ReopenScorecard(as(e.manager), sc.EvaluationID, sc.ID, sc.Version)
	if err != nil {
		t.Fatal(err)
	}
	if reopened.Status != bpo.ScorecardDraft || reopened.SubmittedAt != nil || reopened.Version != 3 {
		t.Errorf("reopened: %+v", reopened)
	}
	if err := save("policies", 4, ""); err != nil {
		t.Errorf("rating after reopening: %v", err)
	}
	if ratings, _ := e.submittedRatings(as(e.manager), f.ev.ID); len(ratings) != 0 {
		t.Errorf("a reopened scorecard still counts: %d ratings", len(ratings))
	}

	var actions []string
	for _, ev := range e.history(f.ev.ID, "scorecard") {
		actions = append(actions, ev.Action)
	}
	if !slices.Equal(actions, []string{"reopen", "submit"}) {
		t.Errorf("scorecard history = %v", actions)
	}
}

func TestScorecardIndependence(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Independent", setup{vendors: 2, evaluators: 2})
	a, b, vendor := f.evaluators[0], f.evaluators[1], f.vendors[0].ID
	rateAll(t, e, f, b, vendor, 4)

	_, err := e.scorecards.FindScorecard(as(a), f.ev.ID, vendor, b.ID)
	wantCode(t, err, bpo.EFORBIDDEN)
	mine, err := e.scorecards.FindScorecard(as(a), f.ev.ID, vendor, 0)
	if err != nil {
		t.Fatal(err)
	}
	if mine.ID != 0 || len(mine.Ratings) != 0 || mine.EvaluatorID != a.ID {
		t.Errorf("a's own scorecard, not started: %+v", mine)
	}
	theirs, err := e.scorecards.FindScorecard(as(e.manager), f.ev.ID, vendor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if theirs.ID == 0 || len(theirs.Ratings) != 8 {
		t.Errorf("the manager reads b's scorecard: id %d, %d ratings", theirs.ID, len(theirs.Ratings))
	}

	progress, err := e.scorecards.FindProgress(as(a), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 2 {
		t.Fatalf("a's progress has %d cells, want 2 (own only)", len(progress))
	}
	for _, p := range progress {
		if p.EvaluatorID != a.ID || p.ScorecardID != 0 {
			t.Errorf("a sees %+v", p)
		}
	}
	all, err := e.scorecards.FindProgress(as(e.manager), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Errorf("manager's progress has %d cells, want 4", len(all))
	}
	for _, p := range all {
		if p.EvaluatorID == b.ID && p.VendorID == vendor && (p.Rated != 8 || p.Status != bpo.ScorecardDraft) {
			t.Errorf("b's cell: %+v", p)
		}
	}
}

// TestSaveRatingConcurrency autosaves from many goroutines at once on one
// scorecard: saves of distinct criteria must all land, and of several saves
// of one criterion from the same version exactly one may win.
func TestSaveRatingConcurrency(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Race", setup{vendors: 2, evaluators: 1, extraRated: 3})
	u := f.evaluators[0]
	ctx := as(u)
	var rated []*bpo.Criterion
	for _, c := range f.crit {
		if c.Kind == bpo.KindRated {
			rated = append(rated, c)
		}
	}
	slices.SortFunc(rated, func(a, b *bpo.Criterion) int { return int(a.ID - b.ID) })
	if len(rated) != 11 {
		t.Fatalf("%d rated criteria, want 11", len(rated))
	}
	distinct, contested := rated[:10], rated[10]

	for name, tc := range map[string]struct {
		vendorID int64
		prepared bool // every rating already saved once, so the saves are updates
	}{
		"new scorecard":      {f.vendors[0].ID, false},
		"existing scorecard": {f.vendors[1].ID, true},
	} {
		t.Run(name, func(t *testing.T) {
			version := 0
			if tc.prepared {
				for _, c := range rated {
					if _, err := e.scorecards.SaveRating(ctx, f.ev.ID, tc.vendorID, bpo.RatingInput{CriterionID: c.ID, Value: ptr(1), Justification: "first"}); err != nil {
						t.Fatal(err)
					}
				}
				version = 1
			}
			eventsBefore := len(e.history(f.ev.ID, "rating"))

			const racers = 10
			type result struct {
				criterion int64
				value     int
				err       error
			}
			results := make(chan result, len(distinct)+racers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			save := func(c *bpo.Criterion, value int) {
				defer wg.Done()
				<-start
				_, err := e.scorecards.SaveRating(ctx, f.ev.ID, tc.vendorID, bpo.RatingInput{
					CriterionID: c.ID, Value: &value, Justification: fmt.Sprintf("value %d", value), Version: version})
				results <- result{c.ID, value, err}
			}
			for i, c := range distinct {
				wg.Add(1)
				go save(c, 2+i%4)
			}
			for i := range racers {
				wg.Add(1)
				// Racers differ in value so that the winner can be told apart.
				go save(contested, 1+i%5)
			}
			close(start)
			wg.Wait()
			close(results)

			winners, conflicts := []int{}, []bpo.Message{}
			want := map[int64]int{}
			for r := range results {
				switch {
				case r.criterion != contested.ID:
					if r.err != nil {
						t.Errorf("save of a distinct criterion failed: %v", r.err)
					}
					want[r.criterion] = r.value
				case r.err == nil:
					winners = append(winners, r.value)
				case bpo.ErrorCode(r.err) == bpo.ECONFLICT:
					conflicts = append(conflicts, bpo.ErrorMessage(r.err))
				default:
					t.Errorf("racing save: %v", r.err)
				}
			}
			if len(winners) != 1 || len(conflicts) != racers-1 {
				t.Fatalf("racing saves: %d won, %d conflicts; want exactly 1 winner and %d conflicts", len(winners), len(conflicts), racers-1)
			}
			want[contested.ID] = winners[0]
			for _, m := range conflicts {
				if m.Key != "error.scorecard.rating_stale" || len(m.Args) != 1 || m.Args[0] != winners[0] {
					t.Errorf("a losing save says %s %v, want the winner's value %d", m.Key, m.Args, winners[0])
				}
			}

			sc, err := e.scorecards.FindScorecard(ctx, f.ev.ID, tc.vendorID, 0)
			if err != nil {
				t.Fatal(err)
			}
			for id, v := range want {
				r := sc.Ratings[id]
				if r == nil || r.Value == nil || *r.Value != v || r.Version != version+1 || r.Justification != fmt.Sprintf("value %d", v) {
					t.Errorf("criterion %d: stored %+v, want value %d at version %d", id, r, v, version+1)
				}
			}

			// Exactly one audit event per accepted save, each naming its rating's new version.
			events := e.history(f.ev.ID, "rating")
			if got, want := len(events)-eventsBefore, len(distinct)+1; got != want {
				t.Errorf("audit events for the race = %d, want %d", got, want)
			}
			perRating := map[int64]int{}
			for _, ev := range events[:len(events)-eventsBefore] {
				perRating[ev.EntityID]++
			}
			for id, n := range perRating {
				if n != 1 {
					t.Errorf("rating %d has %d events for one accepted save", id, n)
				}
			}
		})
	}
}

// TestSaveRatingRoundTrips keeps the autosave, the hot path, at one
// statement, whether it creates the scorecard, updates a rating or is refused.
func TestSaveRatingRoundTrips(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Round trips", setup{vendors: 1, evaluators: 1})
	// A pool of its own, whose one connection is new: the statements are
	// prepared as it opens, so the very first save is already one round
	// trip, like every later one.
	db, err := postgres.Open(context.Background(), strings.Replace(e.dbURL, "pool_max_conns=32", "pool_max_conns=1", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scorecards := postgres.NewScorecardService(db)
	c := f.crit["policies"].ID
	vendor := f.vendors[0].ID

	for _, tc := range []struct {
		name string
		in   bpo.RatingInput
		code string
	}{
		{"first save creates the scorecard", bpo.RatingInput{CriterionID: c, Value: ptr(3)}, ""},
		{"update", bpo.RatingInput{CriterionID: c, Value: ptr(4), Version: 1}, ""},
		{"stale", bpo.RatingInput{CriterionID: c, Value: ptr(2), Version: 1}, bpo.ECONFLICT},
		{"out of scale", bpo.RatingInput{CriterionID: c, Value: ptr(9), Version: 2}, bpo.EINVALID},
	} {
		ctx, trips := roundtrip.WithCounter(as(f.evaluators[0]))
		_, err := scorecards.SaveRating(ctx, f.ev.ID, vendor, tc.in)
		wantCode(t, err, tc.code)
		if n := trips.Load(); n != 1 {
			t.Errorf("%s: %d statements, want 1", tc.name, n)
		}
	}
}

// TestExportRatings streams the ratings the model counts, with the names an
// export shows, and the drafts' ratings only when asked.
func TestExportRatings(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Export", setup{vendors: 3, evaluators: 2})
	ctx := as(e.manager)
	a, b := f.evaluators[0], f.evaluators[1]
	submit := func(u *bpo.User, vendorID int64) {
		t.Helper()
		sc, err := e.scorecards.FindScorecard(as(u), f.ev.ID, vendorID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.scorecards.SubmitScorecard(as(u), f.ev.ID, vendorID, sc.Version); err != nil {
			t.Fatal(err)
		}
	}
	// Vendor A: a submitted scorecard of 8 ratings, and a draft of 2 ratings
	// and a justification without a rating.
	rateAll(t, e, f, a, f.vendors[0].ID, 4)
	submit(a, f.vendors[0].ID)
	for key, value := range map[string]*int{"policies": ptr(2), "language": ptr(5), "technology": nil} {
		in := bpo.RatingInput{CriterionID: f.crit[key].ID, Value: value, Justification: "Draft note"}
		if _, err := e.scorecards.SaveRating(as(b), f.ev.ID, f.vendors[0].ID, in); err != nil {
			t.Fatal(err)
		}
	}
	// Vendor C is rejected after a submitted scorecard: it no longer counts.
	rateAll(t, e, f, a, f.vendors[2].ID, 3)
	submit(a, f.vendors[2].ID)
	if _, err := e.participants.SetStage(ctx, f.ev.ID, f.vendors[2].ID, 1, bpo.StageRejected, "Too expensive"); err != nil {
		t.Fatal(err)
	}

	export := func(filter bpo.RatingFilter) []*bpo.RatingRecord {
		t.Helper()
		var got []*bpo.RatingRecord
		if err := e.scorecards.ExportRatings(ctx, f.ev.ID, filter, func(r *bpo.RatingRecord) error {
			got = append(got, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}

	t.Run("Submitted", func(t *testing.T) {
		got := export(bpo.RatingFilter{})
		if len(got) != len(ratedKeys) {
			t.Fatalf("%d ratings, want %d", len(got), len(ratedKeys))
		}
		for i, r := range got {
			if r.CriterionKey != ratedKeys[i] {
				t.Errorf("rating %d is of %s, want %s: not in the tree's order", i, r.CriterionKey, ratedKeys[i])
			}
			if r.VendorName != "Export vendor A" || r.EvaluatorName != a.Name || r.EvaluatorEmail != a.Email ||
				r.Status != bpo.ScorecardSubmitted || r.Value != 4 || r.Justification != "Seen during the site visit." {
				t.Errorf("rating %d = %+v", i, r)
			}
		}
		if c := f.crit["policies"]; got[0].CriterionName("fr") != c.NameFR || got[0].CriterionName("en") != c.NameEN {
			t.Errorf("criterion names %q / %q", got[0].CriterionNameEN, got[0].CriterionNameFR)
		}
		// The scoring model reads the same ratings.
		model, err := e.submittedRatings(ctx, f.ev.ID)
		if err != nil || len(model) != len(got) {
			t.Errorf("the model's ratings: %d (%v), export %d", len(model), err, len(got))
		}
	})
	t.Run("WithDrafts", func(t *testing.T) {
		got := export(bpo.RatingFilter{Drafts: true})
		var drafts []string
		for _, r := range got {
			if r.Status == bpo.ScorecardDraft {
				drafts = append(drafts, r.CriterionKey)
			}
		}
		if len(got) != len(ratedKeys)+2 || !slices.Equal(drafts, []string{"policies", "language"}) {
			t.Errorf("%d ratings, drafts %v; want %d and policies, language", len(got), drafts, len(ratedKeys)+2)
		}
	})
	t.Run("StopsAtTheFirstError", func(t *testing.T) {
		stop := errors.New("client went away")
		n := 0
		err := e.scorecards.ExportRatings(ctx, f.ev.ID, bpo.RatingFilter{}, func(*bpo.RatingRecord) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("err %v after %d calls", err, n)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		none := func(*bpo.RatingRecord) error { t.Error("a rating was passed on"); return nil }
		wantCode(t, e.scorecards.ExportRatings(as(a), f.ev.ID, bpo.RatingFilter{}, none), bpo.EFORBIDDEN)
		wantCode(t, e.scorecards.ExportRatings(ctx, f.ev.ID+1000, bpo.RatingFilter{}, none), bpo.ENOTFOUND)
	})
}
