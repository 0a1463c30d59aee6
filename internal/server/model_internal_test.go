package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

func ptr[T any](v T) *T { return &v }

func TestScoringModel(t *testing.T) {
	quality, cost := int64(1), int64(4)
	d := &evaluationData{
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
	m := scoringModel(d, "fr")

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

	// What the API serves must be what `bpoeval score` accepts.
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := scoring.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the model JSON does not decode: %v\n%s", err, b)
	}
	if _, err := scoring.Evaluate(back); err != nil {
		t.Fatalf("the model does not score: %v", err)
	}
}
