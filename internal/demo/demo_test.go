package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counts are the rows of the tables the demo fills.
type counts struct{ users, vendors, evaluations, participants, scorecards, ratings, audit int }

func countRows(t *testing.T, db *postgres.DB) counts {
	t.Helper()
	var c counts
	err := db.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM users), (SELECT count(*) FROM vendors), (SELECT count(*) FROM evaluations),
		(SELECT count(*) FROM participants), (SELECT count(*) FROM scorecards), (SELECT count(*) FROM ratings),
		(SELECT count(*) FROM audit_events)`).Scan(&c.users, &c.vendors, &c.evaluations, &c.participants,
		&c.scorecards, &c.ratings, &c.audit)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	svc := demo.PostgresServices(db)
	if loaded, err := demo.Load(ctx, svc, demo.Small); err != nil || !loaded {
		t.Fatalf("first load: loaded %v, %v", loaded, err)
	}
	first := countRows(t, db)
	if loaded, err := demo.Load(ctx, svc, demo.Small); err != nil || loaded {
		t.Fatalf("second load: loaded %v, %v", loaded, err)
	}
	if second := countRows(t, db); second != first {
		t.Fatalf("a second load changed the data: %+v, then %+v", first, second)
	}
	if first.evaluations != 2 {
		t.Fatalf("%d evaluations, want 2", first.evaluations)
	}

	manager, err := svc.Users.FindUserByEmail(ctx, "manager@demo.test")
	if err != nil {
		t.Fatal(err)
	}
	mctx := bpo.NewContextWithUser(ctx, manager)
	list, _, err := svc.Evaluations.FindEvaluations(mctx, bpo.EvaluationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[bpo.EvaluationStatus]*bpo.EvaluationSummary{}
	for _, e := range list {
		byStatus[e.Status] = e
	}

	t.Run("Open", func(t *testing.T) {
		e := byStatus[bpo.StatusOpen]
		if e == nil {
			t.Fatal("no open evaluation")
		}
		if e.Title != "Customer support & back-office outsourcing 2027" {
			t.Errorf("title %q", e.Title)
		}
		if e.Evaluators != 4 || e.Vendors < 5 || e.Submitted < 8 || e.Submitted >= e.Expected {
			t.Errorf("%d evaluators, %d vendors, %d of %d scorecards submitted", e.Evaluators, e.Vendors, e.Submitted, e.Expected)
		}
		checkProgress(t, svc, mctx, e.ID)

		res := evaluate(t, svc, mctx, &e.Evaluation)
		var knockedOut, disputed, moderated []string
		for _, v := range res.Vendors {
			if len(v.KnockOuts) > 0 {
				knockedOut = append(knockedOut, v.Key)
			}
			if v.Eligible && v.Completeness != 1 {
				t.Errorf("%s: completeness %v", v.Key, v.Completeness)
			}
			for _, c := range v.Criteria {
				if c.Disputed {
					disputed = append(disputed, v.Key+"/"+c.Key)
				}
				if c.Consensus {
					moderated = append(moderated, v.Key+"/"+c.Key)
				}
			}
		}
		// The one criterion the evaluators disputed was settled at moderation.
		if len(knockedOut) != 1 || len(disputed) != 0 || len(moderated) != 1 || !strings.HasPrefix(moderated[0], "carthage") || !strings.HasSuffix(moderated[0], "/cultural_fit") {
			t.Errorf("knocked out: %v; disputed: %v; moderated: %v; want one knock-out and Carthage's cultural fit moderated", knockedOut, disputed, moderated)
		}
		checkQualityRound(t, svc, mctx, e.ID)
		rec := res.Recommendation
		if rec.Decision != scoring.Award && rec.Decision != scoring.CloseCall {
			t.Errorf("recommendation %s, want an award or a close call", rec.Decision)
		}
		margin := 0.0
		if rec.Margin != nil {
			margin = *rec.Margin
		}
		t.Logf("recommendation: %s, %s ahead of %s by %.2f; knocked out %v; disputed %v",
			rec.Decision, rec.Vendor, rec.RunnerUp, margin, knockedOut, disputed)
		for _, v := range res.Vendors {
			t.Logf("  %d. %s %.2f eligible=%v", v.Rank, v.Key, v.Score, v.Eligible)
		}
		for _, r := range rec.Reasons {
			t.Logf("  - %s", explain.Reason(i18n.EN, r))
		}
	})

	t.Run("Closed", func(t *testing.T) {
		e := byStatus[bpo.StatusClosed]
		if e == nil {
			t.Fatal("no closed evaluation")
		}
		if e.Submitted != e.Expected || e.Expected == 0 {
			t.Errorf("%d of %d scorecards submitted", e.Submitted, e.Expected)
		}
		if e.Decision == nil || e.Decision.VendorID == nil || e.Decision.Rationale == "" {
			t.Fatalf("decision %+v", e.Decision)
		}
		res := evaluate(t, svc, mctx, &e.Evaluation)
		parts, err := svc.Participants.FindParticipants(mctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts {
			if p.VendorID == *e.Decision.VendorID && (p.Key != res.Recommendation.Vendor || p.Stage != bpo.StageSelected) {
				t.Errorf("decision for %s (%s); the engine recommends %s %s", p.Key, p.Stage, res.Recommendation.Decision, res.Recommendation.Vendor)
			}
		}
	})
}

// checkProgress wants every evaluator to have submitted several scorecards,
// and some scorecards still in draft or not started.
func checkProgress(t *testing.T, svc demo.Services, ctx context.Context, evaluationID int64) {
	t.Helper()
	progress, err := svc.Scorecards.FindProgress(ctx, evaluationID)
	if err != nil {
		t.Fatal(err)
	}
	byEvaluator := map[int64]int{}
	states := map[bpo.ScorecardStatus]int{}
	for _, p := range progress {
		states[p.Status]++
		if p.Status == bpo.ScorecardSubmitted {
			byEvaluator[p.EvaluatorID]++
		}
	}
	for id, n := range byEvaluator {
		if n < 3 {
			t.Errorf("evaluator %d submitted %d scorecards", id, n)
		}
	}
	if len(byEvaluator) != 4 || states[bpo.ScorecardDraft] == 0 || states[""] == 0 {
		t.Errorf("%d evaluators submitted; scorecards by state: %v", len(byEvaluator), states)
	}
}

// evaluate scores an evaluation the way the server does: the vendors not
// rejected, the ratings of submitted scorecards by evaluator, the figures.
func evaluate(t *testing.T, svc demo.Services, ctx context.Context, e *bpo.Evaluation) *scoring.Result {
	t.Helper()
	criteria, err := svc.Criteria.FindCriteria(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := svc.Participants.FindParticipants(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Evaluations.FindEvaluationDetail(ctx, e.ID, bpo.WithMeasurements|bpo.WithRatings)
	if err != nil {
		t.Fatal(err)
	}
	measurements, ratings := d.Measurements, d.Ratings
	threshold, margin := e.AwardThreshold, e.CloseCallMargin
	m := &scoring.Model{
		Scale:    &scoring.Scale{Min: float64(e.ScaleMin), Max: float64(e.ScaleMax)},
		Options:  scoring.Options{Aggregation: scoring.Aggregation(e.Aggregation), AwardThreshold: &threshold, CloseCallMargin: &margin},
		Criteria: tree(criteria, nil),
	}
	keyOf := map[int64]string{}
	for _, c := range criteria {
		keyOf[c.ID] = c.Key
	}
	index := map[int64]int{}
	for _, p := range parts {
		if p.Stage != bpo.StageRejected {
			index[p.VendorID] = len(m.Vendors)
			m.Vendors = append(m.Vendors, scoring.Vendor{Key: p.Key, Name: p.Name,
				Ratings: map[string]map[string]float64{}, Metrics: map[string]float64{}})
		}
	}
	for _, r := range ratings {
		if i, ok := index[r.VendorID]; ok {
			v := m.Vendors[i]
			if v.Ratings[r.EvaluatorEmail] == nil {
				v.Ratings[r.EvaluatorEmail] = map[string]float64{}
			}
			v.Ratings[r.EvaluatorEmail][keyOf[r.CriterionID]] = float64(r.Value)
		}
	}
	for _, ms := range measurements {
		if i, ok := index[ms.VendorID]; ok {
			m.Vendors[i].Metrics[keyOf[ms.CriterionID]] = ms.Value
		}
	}
	for _, c := range d.Consensus {
		if i, ok := index[c.VendorID]; ok {
			v := &m.Vendors[i]
			if v.Consensus == nil {
				v.Consensus = map[string]scoring.Consensus{}
			}
			v.Consensus[keyOf[c.CriterionID]] = scoring.Consensus{Value: float64(c.Value), Reason: c.Reason}
		}
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tree rebuilds the children of parent from the tree-ordered criteria.
func tree(all []*bpo.Criterion, parent *int64) []scoring.Criterion {
	var out []scoring.Criterion
	for _, c := range all {
		if (c.ParentID == nil) != (parent == nil) || (parent != nil && *c.ParentID != *parent) {
			continue
		}
		sc := scoring.Criterion{Key: c.Key, Name: c.NameEN, Weight: c.Weight}
		switch c.Kind {
		case bpo.KindGroup:
			sc.Children = tree(all, &c.ID)
		case bpo.KindRated:
			sc.MinRating = c.MinRating
		case bpo.KindMeasured:
			sc.Metric = &scoring.Metric{Unit: c.Unit, Better: scoring.Direction(c.Better), Best: c.Best, Worst: c.Worst, Limit: c.Limit}
		}
		out = append(out, sc)
	}
	return out
}

func TestLoadLarge(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.OpenForLoading(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	svc := demo.PostgresServices(db)
	if loaded, err := demo.Load(ctx, svc, demo.Large); err != nil || !loaded {
		t.Fatalf("first load: loaded %v, %v", loaded, err)
	}
	first := countRows(t, db)
	for _, size := range []demo.Size{demo.Large, demo.Small} {
		if loaded, err := demo.Load(ctx, svc, size); err != nil || loaded {
			t.Fatalf("load %s again: loaded %v, %v", size, loaded, err)
		}
	}
	if again := countRows(t, db); again != first {
		t.Fatalf("loading again changed the data: %+v, then %+v", first, again)
	}
	if first.users != 10 || first.vendors < 300 || first.evaluations != 53 || first.ratings < 4000 {
		t.Errorf("%+v, want 10 users, 300+ vendors, 2 + 50 + 1 evaluations, thousands of ratings", first)
	}

	manager, err := svc.Users.FindUserByEmail(ctx, "manager@demo.test")
	if err != nil {
		t.Fatal(err)
	}
	mctx := bpo.NewContextWithUser(ctx, manager)
	list, _, err := svc.Evaluations.FindEvaluations(mctx, bpo.EvaluationFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[bpo.EvaluationStatus]int{}
	var main *bpo.EvaluationSummary
	for _, e := range list {
		byStatus[e.Status]++
		if e.Title == demo.LargeTitle {
			main = e
		}
	}
	if byStatus[bpo.StatusDraft] < 10 || byStatus[bpo.StatusOpen] < 10 || byStatus[bpo.StatusClosed] < 10 {
		t.Errorf("evaluations by status: %v", byStatus)
	}
	if main == nil {
		t.Fatal("no main evaluation")
	}
	if list[0].ID != main.ID || main.Status != bpo.StatusOpen {
		t.Errorf("the main evaluation is %s and not the newest", main.Status)
	}
	// 12 shortlisted vendors, 8 evaluators, one declared conflict, and
	// each evaluator with two scorecards still in draft.
	if main.Vendors != 12 || main.Evaluators != 8 || main.Expected != 95 || main.Submitted != 95-16 {
		t.Errorf("%d vendors, %d evaluators, %d of %d scorecards submitted", main.Vendors, main.Evaluators, main.Submitted, main.Expected)
	}
	parts, err := svc.Participants.FindParticipants(mctx, main.ID)
	if err != nil {
		t.Fatal(err)
	}
	criteria, err := svc.Criteria.FindCriteria(mctx, main.ID)
	if err != nil {
		t.Fatal(err)
	}
	leaves := 0
	for _, c := range criteria {
		if c.Kind != bpo.KindGroup {
			leaves++
		}
	}
	if len(parts) != 40 || leaves != 30 {
		t.Errorf("%d vendors, %d criteria; want 40 and 30", len(parts), leaves)
	}
	d, err := svc.Evaluations.FindEvaluationDetail(mctx, main.ID, bpo.WithJustifications)
	if err != nil {
		t.Fatal(err)
	}
	ratings := d.Ratings
	french, long := 0, 0
	for _, r := range ratings {
		if strings.ContainsAny(r.Justification, "éèàçô") {
			french++
		}
		if len(r.Justification) > 600 {
			long++
		}
	}
	if french < len(ratings)/5 || long == 0 {
		t.Errorf("of %d justifications, %d in French and %d long", len(ratings), french, long)
	}
	res := evaluate(t, svc, mctx, &main.Evaluation)
	for _, v := range res.Vendors {
		if v.Completeness != 1 {
			t.Errorf("%s: completeness %v", v.Key, v.Completeness)
		}
	}
	t.Logf("recommendation: %s %s", res.Recommendation.Decision, res.Recommendation.Vendor)
}

// checkQualityRound wants the Service quality group weighed by a finished
// comparison round of two participants, its weights applied.
func checkQualityRound(t *testing.T, svc demo.Services, ctx context.Context, evaluationID int64) {
	t.Helper()
	rounds, err := svc.Pairwise.FindRounds(ctx, evaluationID)
	if err != nil || len(rounds) != 1 || rounds[0].Status != bpo.RoundApplied {
		t.Fatalf("rounds %+v, %v; want one applied", rounds, err)
	}
	d, err := svc.Pairwise.FindRound(ctx, rounds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Parent == nil || d.Parent.Key != "quality" || len(d.Participants) != 2 || len(d.Answers) != 2*len(d.Items)*(len(d.Items)-1)/2 {
		t.Fatalf("round over %v with %d participants and %d answers", d.Parent, len(d.Participants), len(d.Answers))
	}
	rr, err := evalmodel.ScoreRound(d)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range rr.WeightChanges() {
		if d.Items[i].Weight != w.Weight {
			t.Errorf("%s weighs %v, the round gave %v", d.Items[i].Key, d.Items[i].Weight, w.Weight)
		}
	}
	t.Logf("quality round: group CR %.3f", rr.Group.CR)
}
