package bpo_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestSnapshotJSON pins the stored shapes that differ by case: the audit
// log's old rows were written in these shapes and are read with them.
func TestSnapshotJSON(t *testing.T) {
	vendor := int64(6)
	drafts := 2
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		v    any
		want string
	}{
		"InHouse": {bpo.SnapshotOfDecision(&bpo.DecisionRecord{Outcome: bpo.OutcomeInHouse, Rationale: "Budget"}),
			`{"outcome":"in_house","vendor_id":null,"rationale":"Budget","departs_from_recommendation":false}`},
		"Award": {bpo.SnapshotOfDecision(&bpo.DecisionRecord{Outcome: bpo.OutcomeAward, VendorID: &vendor, VendorKey: "acme",
			Rationale: "Best", Recommendation: &bpo.Recommendation{Decision: "close_call", Vendor: "acme"}, Departs: true,
			DepartureReason: "References", ModelSHA256: "ab"}),
			`{"outcome":"award","vendor_id":6,"vendor_key":"acme","rationale":"Best","recommendation":"close_call","recommended_vendor":"acme","departs_from_recommendation":true,"departure_reason":"References","model_sha256":"ab"}`},
		"Submit":       {bpo.ScorecardSnapshot{VendorID: 6, Status: bpo.ScorecardDraft, Version: 3}, `{"vendor_id":6,"status":"draft","version":3}`},
		"Reopen":       {bpo.ScorecardSnapshot{VendorID: 6, EvaluatorID: 7, Status: bpo.ScorecardSubmitted, Version: 2}, `{"vendor_id":6,"evaluator_id":7,"status":"submitted","version":2}`},
		"Assign":       {bpo.AssignmentSnapshot{Email: "a@x.test"}, `{"email":"a@x.test"}`},
		"Unassign":     {bpo.AssignmentSnapshot{Email: "a@x.test", DraftScorecards: &drafts}, `{"email":"a@x.test","draft_scorecards":2}`},
		"DeclareNone":  {bpo.DeclarationSnapshot{Conflicts: []bpo.ConflictSnapshot{}}, `{"conflicts":[]}`},
		"Unmeasured":   {bpo.MeasurementSnapshot{VendorID: 6, Criterion: "price"}, `{"vendor_id":6,"criterion":"price","value":null}`},
		"NotRevoked":   {bpo.RevocationSnapshot{}, `{"revoked_at":null}`},
		"Revoked":      {bpo.RevocationSnapshot{RevokedAt: &at}, `{"revoked_at":"2026-11-02T09:30:00Z"}`},
		"RemovedGroup": {bpo.RemovedCriterionSnapshot{Children: []string{}}, `{"key":"","kind":"","parent_id":null,"name_en":"","name_fr":"","guidance_en":"","guidance_fr":"","weight":0,"position":0,"min_rating":null,"unit":"","better":"","best":null,"worst":null,"limit":null,"version":0,"children":[]}`},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("JSON = %s, want %s", b, tc.want)
			}
		})
	}
}
