package evalmodel_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

func ptr[T any](v T) *T { return &v }

func TestBuild(t *testing.T) {
	quality, cost := int64(1), int64(4)
	d := &bpo.EvaluationDetail{
		Evaluation: &bpo.Evaluation{ScaleMin: 1, ScaleMax: 5, Aggregation: "median", AwardThreshold: 55, CloseCallMargin: 2},
		Criteria: []*bpo.Criterion{
			{ID: 1, Key: "quality", Kind: bpo.KindGroup, NameEN: "Quality", NameFR: "Qualité", Weight: 60},
			{ID: 2, ParentID: &quality, Key: "policies", Kind: bpo.KindRated, NameEN: "Policies", NameFR: "Politiques", Weight: 20, MinRating: ptr(3.0)},
			{ID: 3, ParentID: &quality, Key: "cultural_fit", Kind: bpo.KindRated, NameEN: "Cultural fit", NameFR: "Adéquation", Weight: 15},
			{ID: 4, Key: "cost", Kind: bpo.KindGroup, NameEN: "Cost", NameFR: "Coût", Weight: 40},
			{ID: 5, ParentID: &cost, Key: "price", Kind: bpo.KindMeasured, NameEN: "Price", NameFR: "Prix", Weight: 100, Unit: "EUR", Better: "lower", Limit: ptr(3000.0)},
		},
		Participants: []*bpo.Participant{
			{VendorID: 10, Key: "atlas", Name: "Atlas", Stage: bpo.StageShortlisted},
			{VendorID: 11, Key: "cebu", Name: "Cebu", Stage: bpo.StageRejected},
			{VendorID: 12, Key: "ile-rouge", Name: "Île Rouge", Stage: bpo.StageCandidate},
		},
		Measurements: []*bpo.Measurement{{VendorID: 10, CriterionID: 5, Value: 2100}, {VendorID: 11, CriterionID: 5, Value: 1}},
		Ratings: []*bpo.SubmittedRating{
			{VendorID: 10, EvaluatorEmail: "a@x.test", CriterionID: 2, Value: 4},
			{VendorID: 10, EvaluatorEmail: "b@x.test", CriterionID: 2, Value: 3},
			{VendorID: 11, EvaluatorEmail: "a@x.test", CriterionID: 2, Value: 5},
		},
	}
	m, err := evalmodel.Build(d, i18n.FR, nil)
	if err != nil {
		t.Fatal(err)
	}

	if got, want := len(m.Vendors), 2; got != want {
		t.Fatalf("%d vendors in the model, want %d (rejected left out)", got, want)
	}
	atlas := m.Vendors[0]
	if atlas.Ratings["a@x.test"]["policies"] != 4 || atlas.Ratings["b@x.test"]["policies"] != 3 || atlas.Metrics["price"] != 2100 {
		t.Errorf("atlas = %+v", atlas)
	}
	if len(m.Vendors[1].Ratings) != 0 || len(m.Vendors[1].Metrics) != 0 {
		t.Errorf("a vendor without data got some: %+v", m.Vendors[1])
	}
	if got := m.Criteria[0].Children[1].Name; got != "Adéquation" {
		t.Errorf("French name = %q", got)
	}
	if m.Criteria[1].Children[0].Metric == nil || *m.Criteria[1].Children[0].Metric.Limit != 3000 {
		t.Errorf("price metric = %+v", m.Criteria[1].Children[0].Metric)
	}
	if m.Options.Aggregation != scoring.Median || *m.Options.AwardThreshold != 55 {
		t.Errorf("options = %+v", m.Options)
	}

	// What-if weights replace the stored ones they name, and only those.
	m, err = evalmodel.Build(d, i18n.EN, map[int64]float64{3: 45})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Criteria[0].Children; got[0].Weight != 20 || got[1].Weight != 45 {
		t.Errorf("what-if weights = %v, %v, want 20, 45", got[0].Weight, got[1].Weight)
	}
}

// TestModelScoresAsResult holds the design's invariant on evaluations
// filled at random: `bpoeval score` of the /model bytes prints exactly the
// /result bytes.
func TestModelScoresAsResult(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		d := randomDetail(rng)
		for _, lang := range i18n.Langs {
			_, res, err := evalmodel.Score(d, lang, nil)
			if err != nil {
				t.Fatalf("seed %d: %v (%v)", seed, err, bpo.ErrorMessage(err).Args)
			}
			want, err := explain.MarshalResult(res, lang)
			if err != nil {
				t.Fatal(err)
			}
			m, _ := evalmodel.Build(d, lang, nil)
			body, err := evalmodel.ModelJSON(m)
			if err != nil {
				t.Fatal(err)
			}
			back, err := scoring.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("seed %d: the model JSON does not decode: %v\n%s", seed, err, body)
			}
			offline, err := scoring.Evaluate(back)
			if err != nil {
				t.Fatalf("seed %d: the model does not score: %v", seed, err)
			}
			got, _ := explain.MarshalResult(offline, lang)
			if !bytes.Equal(got, want) {
				t.Errorf("seed %d, %s: scoring /model offline differs from /result:\n%s\nwant\n%s", seed, lang, got, want)
			}
		}
	}
}

// randomDetail is an evaluation of two categories, a few vendors and
// evaluators, random weights, ratings and figures.
func randomDetail(rng *rand.Rand) *bpo.EvaluationDetail {
	quality, cost := int64(1), int64(2)
	d := &bpo.EvaluationDetail{
		Evaluation: &bpo.Evaluation{ScaleMin: 1, ScaleMax: 5, Aggregation: []string{"mean", "median"}[rng.IntN(2)],
			AwardThreshold: float64(rng.IntN(80)), CloseCallMargin: float64(1 + rng.IntN(5))},
		Criteria: []*bpo.Criterion{
			{ID: 1, Key: "quality", Kind: bpo.KindGroup, NameEN: "Quality", NameFR: "Qualité", Weight: float64(1 + rng.IntN(60))},
			{ID: 3, ParentID: &quality, Key: "policies", Kind: bpo.KindRated, NameEN: "Policies", NameFR: "Politiques", Weight: float64(1 + rng.IntN(30))},
			{ID: 4, ParentID: &quality, Key: "fit", Kind: bpo.KindRated, NameEN: "Fit", NameFR: "Adéquation", Weight: float64(1 + rng.IntN(30))},
			{ID: 2, Key: "cost", Kind: bpo.KindGroup, NameEN: "Cost", NameFR: "Coût", Weight: float64(1 + rng.IntN(60))},
			{ID: 5, ParentID: &cost, Key: "price", Kind: bpo.KindMeasured, NameEN: "Price", NameFR: "Prix", Weight: 1, Unit: "EUR", Better: "lower"},
		},
	}
	for v := range 2 + rng.IntN(3) {
		id := int64(10 + v)
		d.Participants = append(d.Participants, &bpo.Participant{VendorID: id, Key: fmt.Sprintf("v%d", v), Name: fmt.Sprintf("Vendor %d", v),
			Stage: []bpo.VendorStage{bpo.StageCandidate, bpo.StageShortlisted, bpo.StageRejected}[rng.IntN(3)]})
		if v == 0 {
			d.Participants[0].Stage = bpo.StageShortlisted // someone to score
		}
		if rng.IntN(4) > 0 {
			d.Measurements = append(d.Measurements, &bpo.Measurement{VendorID: id, CriterionID: 5, Value: float64(1 + rng.IntN(3000))})
		}
		for e := range 3 {
			for _, c := range []int64{3, 4} {
				if rng.IntN(3) > 0 {
					d.Ratings = append(d.Ratings, &bpo.SubmittedRating{VendorID: id, EvaluatorEmail: fmt.Sprintf("e%d@x.test", e),
						CriterionID: c, Value: 1 + rng.IntN(5)})
				}
			}
		}
	}
	return d
}

// TestBuildAnalysisOptions: the cost criterion and the robustness spread go
// into the model's options; a cost criterion that is no longer a measured
// "lower" criterion is left out rather than making the model unscorable.
func TestBuildAnalysisOptions(t *testing.T) {
	price := int64(2)
	d := &bpo.EvaluationDetail{
		Evaluation: &bpo.Evaluation{ScaleMin: 1, ScaleMax: 5, Aggregation: "mean", AwardThreshold: 60, CloseCallMargin: 3,
			Analysis: bpo.AnalysisOptions{CostCriterionID: &price, RobustnessSpread: 0.4}},
		Criteria: []*bpo.Criterion{
			{ID: 1, Key: "quality", Kind: bpo.KindRated, NameEN: "Quality", NameFR: "Qualité", Weight: 60},
			{ID: 2, Key: "price", Kind: bpo.KindMeasured, NameEN: "Price", NameFR: "Prix", Weight: 40, Unit: "EUR", Better: "lower"},
		},
	}
	m, err := evalmodel.Build(d, i18n.EN, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Options.CostCriterion != "price" || m.Options.Robustness == nil || *m.Options.Robustness.Spread != 0.4 || m.Options.Robustness.Samples != nil {
		t.Errorf("options = %+v, want price and a spread of 0.4 (default samples)", m.Options)
	}
	if _, err := scoring.Evaluate(m); err != nil {
		t.Fatal(err)
	}
	d.Criteria[1].Better = "higher"
	if m, _ = evalmodel.Build(d, i18n.EN, nil); m.Options.CostCriterion != "" {
		t.Errorf("a cost criterion turned higher is passed: %q", m.Options.CostCriterion)
	}
	d.Evaluation.Analysis.CostCriterionID = nil
	if m, _ = evalmodel.Build(d, i18n.EN, nil); m.Options.CostCriterion != "" {
		t.Errorf("no cost criterion, but %q is passed", m.Options.CostCriterion)
	}
}
