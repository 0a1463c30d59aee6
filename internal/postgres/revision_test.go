package postgres_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

// revision reads an evaluation's revision; 0 when it has none.
func (e *env) revision(id int64) int64 {
	e.t.Helper()
	var rev int64
	err := e.db.Pool.QueryRow(context.Background(),
		`SELECT coalesce(max(revision), 0) FROM evaluation_revisions WHERE evaluation_id = $1`, id).Scan(&rev)
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

// readOnly are the methods of the services below that change nothing an
// evaluation's model, result or scored pages are built from: reads, and
// writes of what no cached view shows.
var readOnly = map[string]string{
	"EvaluationService.FindEvaluationByID":          "read",
	"EvaluationService.FindEvaluationDetail":        "read",
	"EvaluationService.FindEvaluations":             "read",
	"CriterionService.FindCriteria":                 "read",
	"ParticipantService.FindParticipants":           "read",
	"ParticipantService.FindAssignments":            "read",
	"ScorecardService.FindScorecard":                "read",
	"ScorecardService.FindMyScorecards":             "read",
	"ScorecardService.FindScorecardDetail":          "read",
	"ScorecardService.FindProgress":                 "read",
	"ScorecardService.ExportRatings":                "read",
	"DecisionService.FindDecision":                  "read",
	"DecisionService.FindDecisionSnapshot":          "read",
	"ModerationService.FindModeration":              "read",
	"ModerationService.FindConsensus":               "read",
	"ModerationService.FindUnmoderated":             "read",
	"ModerationService.ModerationRequired":          "read",
	"PairwiseService.FindRounds":                    "read",
	"PairwiseService.FindRound":                     "read",
	"VendorService.FindVendorByID":                  "read",
	"VendorService.FindVendors":                     "read",
	"VendorService.CountVendors":                    "read",
	"VendorImportService.MatchVendors":              "read: it fills in the rows given",
	"VendorImportService.FindPendingImport":         "read",
	"FigureImportService.FindPendingFigures":        "read",
	"AssessmentService.FindAssessments":             "read",
	"AssessmentService.FindAssessmentByID":          "read",
	"AssessmentService.FindAssessmentForEvaluation": "read",
}

// revisionStep calls one writing method once, the way a user would, and
// says which evaluations it must revise; the others it must leave alone.
type revisionStep struct {
	method string // Service.Method
	call   func(t *testing.T) []int64
}

// TestEveryWriteRevisesItsEvaluation calls every method of the services
// that write an evaluation's data, except the reads listed in readOnly,
// and checks that each raises the revision of exactly the evaluations it
// changes. A method added to one of these services fails the test until
// it is listed as read-only or given a step here.
func TestEveryWriteRevisesItsEvaluation(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	mod, pw, imp := postgres.NewModerationService(e.db), postgres.NewPairwiseService(e.db), postgres.NewVendorImportService(e.db)
	figures, assessments := postgres.NewFigureImportService(e.db), postgres.NewAssessmentService(e.db)
	services := []any{e.evaluations, e.criteria, e.participants, e.scorecards, e.decisions, mod, pw, e.vendors, imp, figures, assessments}

	open := e.fixture("Revised open", setup{vendors: 2, evaluators: 2, undeclared: true})
	draft := e.fixture("Revised draft", setup{vendors: 1, keepDraft: true})
	bystander := e.fixture("Revised bystander", setup{vendors: 1, evaluators: 1})
	alice, bob := open.evaluators[0], open.evaluators[1]
	vendorA, vendorB := open.vendors[0].ID, open.vendors[1].ID
	fail := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	evaluation := func(t *testing.T, id int64) *bpo.Evaluation {
		ev, err := e.evaluations.FindEvaluationByID(ctx, id)
		fail(t, err)
		return ev
	}
	criterion := func(t *testing.T, evaluationID int64, key string) *bpo.Criterion {
		c := e.crit(evaluationID)[key]
		if c == nil {
			t.Fatalf("no criterion %q", key)
		}
		return c
	}
	participant := func(t *testing.T, evaluationID, vendorID int64) *bpo.Participant {
		list, err := e.participants.FindParticipants(ctx, evaluationID)
		fail(t, err)
		for _, p := range list {
			if p.VendorID == vendorID {
				return p
			}
		}
		t.Fatalf("vendor %d takes no part", vendorID)
		return nil
	}
	rateAll := func(t *testing.T, u *bpo.User, vendorID int64) {
		for _, c := range e.crit(open.ev.ID) {
			if c.Kind == bpo.KindRated {
				_, err := e.scorecards.SaveRating(as(u), open.ev.ID, vendorID, bpo.RatingInput{CriterionID: c.ID, Value: ptr(3)})
				fail(t, err)
			}
		}
	}
	submit := func(t *testing.T, u *bpo.User, vendorID int64) *bpo.Scorecard {
		sc, err := e.scorecards.FindScorecard(as(u), open.ev.ID, vendorID, 0)
		fail(t, err)
		sc, err = e.scorecards.SubmitScorecard(as(u), open.ev.ID, vendorID, sc.Version)
		fail(t, err)
		return sc
	}
	var (
		created      *bpo.Criterion
		round        *bpo.PairwiseRound
		submitted    *bpo.Scorecard
		importRow    bpo.PendingVendors
		figureUpload bpo.PendingFigures
		assessment   *bpo.Assessment
	)
	newCriterion := bpo.CriterionInput{ParentID: &criterion(t, draft.ev.ID, "quality").ID, Key: "revised", Kind: bpo.KindRated,
		NameEN: "Revised", NameFR: "Révisé", Weight: 2}

	steps := []revisionStep{
		{"EvaluationService.CreateEvaluation", func(t *testing.T) []int64 {
			ev := e.draft("Revised new")
			if got := e.revision(ev.ID); got != 1 {
				t.Errorf("a new evaluation's revision = %d, want 1", got)
			}
			return nil
		}},
		{"EvaluationService.CopyEvaluation", func(t *testing.T) []int64 {
			// The copy starts at 1 like any new evaluation; reading the
			// source revises nothing.
			in := bpo.NewEvaluationInput()
			in.Title = "Revised copy"
			cp, err := e.evaluations.CopyEvaluation(ctx, bystander.ev.ID, in)
			fail(t, err)
			if got := e.revision(cp.ID); got != 1 {
				t.Errorf("a copy's revision = %d, want 1", got)
			}
			return nil
		}},
		{"EvaluationService.DeleteEvaluation", func(t *testing.T) []int64 {
			// The revision goes with the draft; no other evaluation moves.
			doomed := e.draft("Revised, then deleted")
			fail(t, e.evaluations.DeleteEvaluation(ctx, doomed.ID, doomed.Version))
			if got := e.revision(doomed.ID); got != 0 {
				t.Errorf("a deleted draft still has revision %d", got)
			}
			return nil
		}},
		{"EvaluationService.UpdateEvaluation", func(t *testing.T) []int64 {
			in := bpo.NewEvaluationInput()
			in.Title = "Revised draft, renamed"
			_, err := e.evaluations.UpdateEvaluation(ctx, draft.ev.ID, evaluation(t, draft.ev.ID).Version, in)
			fail(t, err)
			return []int64{draft.ev.ID}
		}},
		{"CriterionService.CreateCriterion", func(t *testing.T) []int64 {
			var err error
			created, err = e.criteria.CreateCriterion(ctx, draft.ev.ID, newCriterion)
			fail(t, err)
			return []int64{draft.ev.ID}
		}},
		{"CriterionService.UpdateCriterion", func(t *testing.T) []int64 {
			in := newCriterion
			in.NameEN = "Revised again"
			var err error
			created, err = e.criteria.UpdateCriterion(ctx, created.ID, created.Version, in)
			fail(t, err)
			return []int64{draft.ev.ID}
		}},
		{"CriterionService.MoveCriterion", func(t *testing.T) []int64 {
			fail(t, e.criteria.MoveCriterion(ctx, created.ID, -1))
			return []int64{draft.ev.ID}
		}},
		{"CriterionService.SetWeights", func(t *testing.T) []int64 {
			c := criterion(t, draft.ev.ID, "revised")
			fail(t, e.criteria.SetWeights(ctx, draft.ev.ID, []bpo.WeightChange{{CriterionID: c.ID, Version: c.Version, Weight: 3}}))
			return []int64{draft.ev.ID}
		}},
		{"CriterionService.RemoveCriterion", func(t *testing.T) []int64 {
			c := criterion(t, draft.ev.ID, "revised")
			fail(t, e.criteria.RemoveCriterion(ctx, c.ID, c.Version))
			return []int64{draft.ev.ID}
		}},
		{"ParticipantService.AddParticipant", func(t *testing.T) []int64 {
			_, err := e.participants.AddParticipant(ctx, draft.ev.ID, e.vendor("Revised newcomer").ID)
			fail(t, err)
			return []int64{draft.ev.ID}
		}},
		{"ParticipantService.AssignEvaluator", func(t *testing.T) []int64 {
			fail(t, e.participants.AssignEvaluator(ctx, draft.ev.ID, alice.ID))
			return []int64{draft.ev.ID}
		}},
		{"ParticipantService.UnassignEvaluator", func(t *testing.T) []int64 {
			fail(t, e.participants.UnassignEvaluator(ctx, draft.ev.ID, alice.ID))
			return []int64{draft.ev.ID}
		}},
		{"ParticipantService.SetMeasurement", func(t *testing.T) []int64 {
			fail(t, e.participants.SetMeasurement(ctx, open.ev.ID, vendorA, criterion(t, open.ev.ID, "price").ID, ptr(2100.0)))
			return []int64{open.ev.ID}
		}},
		{"ParticipantService.SetMeasurements", func(t *testing.T) []int64 {
			price := criterion(t, open.ev.ID, "price").ID
			fail(t, e.participants.SetMeasurements(ctx, open.ev.ID, []bpo.Figure{
				{VendorID: vendorA, CriterionID: price, Value: ptr(2000.0)}, {VendorID: vendorB, CriterionID: price, Value: ptr(2500.0)}}))
			return []int64{open.ev.ID}
		}},
		// An upload changes nothing until it is confirmed.
		{"FigureImportService.SavePendingFigures", func(t *testing.T) []int64 {
			price := criterion(t, open.ev.ID, "price")
			figureUpload = bpo.PendingFigures{EvaluationID: open.ev.ID, FileName: "figures.csv", Rows: bpo.FigureSheet{
				Lang: "en", Columns: []bpo.FigureImportColumn{{Header: "price", CriterionID: price.ID}},
				Rows: []bpo.FigureImportRow{{Line: 2, Vendor: "A", VendorID: vendorA,
					Cells: []bpo.FigureImportCell{{Text: "1900", Value: ptr(1900.0), Current: ptr(2000.0)}}}}}}
			fail(t, figures.SavePendingFigures(ctx, &figureUpload))
			return nil
		}},
		{"FigureImportService.ApplyFigureImport", func(t *testing.T) []int64 {
			res, err := figures.ApplyFigureImport(ctx, open.ev.ID, figureUpload.ID)
			fail(t, err)
			if res.Updated != 1 {
				t.Fatalf("import %+v, want one figure updated", res)
			}
			return []int64{open.ev.ID}
		}},
		{"ScorecardService.DeclareConflicts", func(t *testing.T) []int64 {
			fail(t, e.scorecards.DeclareConflicts(as(alice), open.ev.ID, nil))
			return []int64{open.ev.ID}
		}},
		{"ScorecardService.DeclareConflicts", func(t *testing.T) []int64 {
			fail(t, e.scorecards.DeclareConflicts(as(bob), open.ev.ID, nil))
			return []int64{open.ev.ID}
		}},
		// A draft's ratings are in no model and no cached page: autosaving
		// them must not queue every evaluator on the revision row.
		{"ScorecardService.SaveRating", func(t *testing.T) []int64 {
			rateAll(t, alice, vendorA)
			rateAll(t, bob, vendorA)
			return nil
		}},
		{"ScorecardService.AutosaveRating", func(t *testing.T) []int64 {
			_, _, err := e.scorecards.AutosaveRating(as(alice), open.ev.ID, vendorB,
				bpo.RatingInput{CriterionID: criterion(t, open.ev.ID, "policies").ID, Value: ptr(4)})
			fail(t, err)
			return nil
		}},
		{"ScorecardService.SubmitScorecard", func(t *testing.T) []int64 {
			submitted = submit(t, alice, vendorA)
			return []int64{open.ev.ID}
		}},
		{"ScorecardService.ReopenScorecard", func(t *testing.T) []int64 {
			_, err := e.scorecards.ReopenScorecard(ctx, open.ev.ID, submitted.ID, submitted.Version)
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"ScorecardService.DeclareVendor", func(t *testing.T) []int64 {
			_, err := e.scorecards.DeclareVendor(as(bob), open.ev.ID, vendorB, true, "My cousin works there.")
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"ScorecardService.SubmitScorecard", func(t *testing.T) []int64 {
			submit(t, alice, vendorA)
			return []int64{open.ev.ID}
		}},
		{"ScorecardService.SubmitScorecard", func(t *testing.T) []int64 {
			submit(t, bob, vendorA)
			return []int64{open.ev.ID}
		}},
		{"ModerationService.SetModerationRequired", func(t *testing.T) []int64 {
			_, err := mod.SetModerationRequired(ctx, open.ev.ID, evaluation(t, open.ev.ID).Version, true)
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"ModerationService.RecordConsensus", func(t *testing.T) []int64 {
			_, err := mod.RecordConsensus(ctx, open.ev.ID, bpo.ConsensusInput{VendorID: vendorA,
				CriterionID: criterion(t, open.ev.ID, "policies").ID, Value: ptr(3), Reason: "Agreed at the panel."})
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"ModerationService.ClearConsensus", func(t *testing.T) []int64 {
			fail(t, mod.ClearConsensus(ctx, open.ev.ID, vendorA, criterion(t, open.ev.ID, "policies").ID, 1))
			return []int64{open.ev.ID}
		}},
		// A round changes no weight: the weights it suggests are saved with
		// SetWeights, as any others. Its state shows on pages of its own,
		// never cached.
		{"PairwiseService.StartRound", func(t *testing.T) []int64 {
			var err error
			round, err = pw.StartRound(ctx, open.ev.ID, &criterion(t, open.ev.ID, "quality").ID, []int64{alice.ID})
			fail(t, err)
			return nil
		}},
		{"PairwiseService.InviteParticipants", func(t *testing.T) []int64 {
			var err error
			round, err = pw.InviteParticipants(ctx, round.ID, round.Version, []int64{bob.ID})
			fail(t, err)
			return nil
		}},
		{"PairwiseService.SaveAnswers", func(t *testing.T) []int64 {
			d, err := pw.FindRound(ctx, round.ID)
			fail(t, err)
			_, err = pw.SaveAnswers(as(alice), round.ID, 1, answersFor(d.Items, 2))
			fail(t, err)
			return nil
		}},
		{"PairwiseService.EndRound", func(t *testing.T) []int64 {
			d, err := pw.FindRound(ctx, round.ID)
			fail(t, err)
			_, err = pw.EndRound(ctx, round.ID, d.Round.Version, true)
			fail(t, err)
			return nil
		}},
		{"ParticipantService.SetStage", func(t *testing.T) []int64 {
			_, err := e.participants.SetStage(ctx, open.ev.ID, vendorA, participant(t, open.ev.ID, vendorA).Version, bpo.StageShortlisted, "")
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"EvaluationService.SetEvaluationStatus", func(t *testing.T) []int64 {
			_, err := e.evaluations.SetEvaluationStatus(ctx, open.ev.ID, evaluation(t, open.ev.ID).Version, bpo.StatusClosed)
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"DecisionService.RecordDecision", func(t *testing.T) []int64 {
			keys := []string{participant(t, open.ev.ID, vendorA).Key, participant(t, open.ev.ID, vendorB).Key}
			_, err := e.decisions.RecordDecision(ctx, open.ev.ID, bpo.DecisionInput{Version: evaluation(t, open.ev.ID).Version,
				Outcome: bpo.OutcomeAward, VendorID: vendorA, Rationale: "Best on quality.", Snapshot: snapshot(t, "award", keys[0], keys)})
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		// A vendor's name is on every evaluation it takes part in.
		{"VendorService.CreateVendor", func(t *testing.T) []int64 {
			e.vendor("Revised outsider")
			return nil
		}},
		{"VendorService.UpdateVendor", func(t *testing.T) []int64 {
			v, err := e.vendors.FindVendorByID(ctx, vendorA)
			fail(t, err)
			_, err = e.vendors.UpdateVendor(ctx, v.ID, v.Version, bpo.VendorInput{Name: "Revised vendor A", Country: "FR"})
			fail(t, err)
			return []int64{open.ev.ID}
		}},
		{"VendorService.SetVendorArchived", func(t *testing.T) []int64 {
			v := draft.vendors[0]
			v, err := e.vendors.FindVendorByID(ctx, v.ID)
			fail(t, err)
			_, err = e.vendors.SetVendorArchived(ctx, v.ID, v.Version, true)
			fail(t, err)
			return []int64{draft.ev.ID}
		}},
		{"VendorImportService.SavePendingImport", func(t *testing.T) []int64 {
			rows := []bpo.VendorImportRow{{Line: 2, Cells: map[string]string{"name": "Revised vendor B"},
				Input: bpo.VendorInput{Name: "Revised vendor B", Country: "MA"}}}
			rows[0].Input.Name = open.vendors[1].Name
			fail(t, imp.MatchVendors(ctx, rows))
			importRow = bpo.PendingVendors{FileName: "vendors.csv", Rows: rows}
			fail(t, imp.SavePendingImport(ctx, &importRow))
			return nil
		}},
		{"VendorImportService.ApplyVendorImport", func(t *testing.T) []int64 {
			res, err := imp.ApplyVendorImport(ctx, importRow.ID, map[int]bool{2: true})
			fail(t, err)
			if res.Updated != 1 {
				t.Fatalf("import %+v, want vendor B updated", res)
			}
			return []int64{open.ev.ID}
		}},
		// The activities in scope are on the cover of the evaluation's report.
		{"AssessmentService.CreateAssessment", func(t *testing.T) []int64 {
			a, err := assessments.CreateAssessment(ctx, bpo.AssessmentInput{Title: "Revised scope", EvaluationID: &draft.ev.ID,
				Activities: []bpo.Activity{{Name: "Collections", CXInfluence: 2, Differentiation: 1, Risk: 2, Codifiability: 5}}})
			fail(t, err)
			assessment = a
			return []int64{draft.ev.ID}
		}},
		{"AssessmentService.UpdateAssessment", func(t *testing.T) []int64 {
			_, err := assessments.UpdateAssessment(ctx, assessment.ID, assessment.Version, bpo.AssessmentInput{Title: "Revised scope",
				EvaluationID: &draft.ev.ID, Activities: []bpo.Activity{{Name: "Payroll", CXInfluence: 1, Differentiation: 1, Risk: 3, Codifiability: 4}}})
			fail(t, err)
			return []int64{draft.ev.ID}
		}},
	}

	exercised := map[string]bool{}
	for _, s := range steps {
		exercised[s.method] = true
	}
	for _, svc := range services {
		typ := reflect.TypeOf(svc)
		name := typ.Elem().Name()
		for i := range typ.NumMethod() {
			m := name + "." + typ.Method(i).Name
			if _, ok := readOnly[m]; !ok && !exercised[m] {
				t.Errorf("%s writes and is not checked: list it in readOnly or give it a step", m)
			}
			if _, ok := readOnly[m]; ok && exercised[m] {
				t.Errorf("%s is both read-only and a step", m)
			}
			delete(exercised, m)
		}
	}
	for m := range exercised {
		t.Errorf("step %s names no method of the services", m)
	}

	all := []int64{open.ev.ID, draft.ev.ID, bystander.ev.ID}
	for _, s := range steps {
		before := map[int64]int64{}
		for _, id := range all {
			before[id] = e.revision(id)
		}
		revised := s.call(t)
		for _, id := range all {
			got, want := e.revision(id), before[id]
			if slices.Contains(revised, id) {
				want++ // once per transaction, however many rows it wrote
			}
			if got != want {
				t.Errorf("%s: evaluation %d revision %d → %d, want %d", s.method, id, before[id], got, want)
			}
		}
		if t.Failed() {
			t.FailNow() // the later steps build on this one
		}
	}
}

// TestRevisionMigrationGivesEveryEvaluationARevision reverts the
// revisions and applies them again over existing evaluations.
func TestRevisionMigrationGivesEveryEvaluationARevision(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Migrated revision", setup{vendors: 1, evaluators: 1})
	mg := e.migrator()
	if err := mg.Down(1); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT to_regclass('evaluation_revisions') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("after down: table exists %v, %v", exists, err)
	}
	if err := mg.Up(); err != nil {
		t.Fatal(err)
	}
	if got := e.revision(f.ev.ID); got != 1 {
		t.Errorf("revision after up = %d, want 1", got)
	}
	if err := e.participants.SetMeasurement(as(e.manager), f.ev.ID, f.vendors[0].ID, f.crit["price"].ID, ptr(10.0)); err != nil {
		t.Fatal(err)
	}
	if got := e.revision(f.ev.ID); got != 2 {
		t.Errorf("revision after a figure = %d, want 2", got)
	}
}

// TestCredentialChecksReadTheRevision reads the revision of the evaluation
// a request names with its session, or its API token, in one round trip.
func TestCredentialChecksReadTheRevision(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Credential revision", setup{vendors: 1, evaluators: 1})
	store := postgres.NewSessionStore(e.db, time.Hour, scs.GobCodec{})
	b, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{bpo.SessionUserIDKey: e.manager.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CommitCtx(context.Background(), "revision-token", b, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, secret := e.token(e.manager, "revision notebook")
	tokens := postgres.NewTokenService(e.db)
	checks := map[string]func(ctx context.Context) error{
		"Session": func(ctx context.Context) error {
			_, found, err := store.FindCtx(ctx, "revision-token")
			if err == nil && !found {
				t.Fatal("session not found")
			}
			return err
		},
		"Token": func(ctx context.Context) error {
			_, _, err := tokens.AuthenticateToken(ctx, secret)
			return err
		},
	}
	for name, check := range checks {
		t.Run(name, func(t *testing.T) {
			if err := check(context.Background()); err != nil { // prepares the statement; no room: nothing asked
				t.Fatal(err)
			}
			for _, tc := range []struct {
				id   int64
				want int64
			}{{f.ev.ID, e.revision(f.ev.ID)}, {987654, 0}} {
				ctx, trips := roundtrip.WithCounter(context.Background())
				ctx, rr := bpo.NewContextWithRevisionRead(ctx, tc.id)
				if err := check(ctx); err != nil {
					t.Fatal(err)
				}
				if got, ok := bpo.Revision(ctx, tc.id); !ok || got != tc.want || trips.Load() != 1 {
					t.Errorf("evaluation %d: revision %d (read %v) in %d round trips, want %d in 1", tc.id, got, rr.Read, trips.Load(), tc.want)
				}
			}
		})
	}
}
