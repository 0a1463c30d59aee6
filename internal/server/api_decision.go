package server

import (
	"net/http"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// apiDecisionNone is GET …/decision before any decision.
type apiDecisionNone struct {
	Status string `json:"status"`
}

// apiDecision is GET …/decision: the current decision with its history.
type apiDecision struct {
	Status          string               `json:"status"`
	Outcome         bpo.Outcome          `json:"outcome"`
	Vendor          *string              `json:"vendor"`
	Rationale       string               `json:"rationale"`
	Recommendation  *apiRecommendation   `json:"recommendation"`
	Departs         bool                 `json:"departs_from_recommendation"`
	DepartureReason *string              `json:"departure_reason"`
	RecordedBy      string               `json:"recorded_by"`
	RecordedAt      string               `json:"recorded_at"`
	ModelSHA256     *string              `json:"model_sha256"`
	History         []apiDecisionHistory `json:"history"`
}

// apiRecommendation is the engine's recommendation a decision was made
// against; null for a decision recorded before recommendations were kept.
type apiRecommendation struct {
	Decision string  `json:"decision"`
	Vendor   *string `json:"vendor"`
}

// apiDecisionHistory is a superseded decision, most recently superseded first.
type apiDecisionHistory struct {
	Outcome         bpo.Outcome        `json:"outcome"`
	Vendor          *string            `json:"vendor"`
	Rationale       string             `json:"rationale"`
	Recommendation  *apiRecommendation `json:"recommendation"`
	Departs         bool               `json:"departs_from_recommendation"`
	DepartureReason *string            `json:"departure_reason"`
	RecordedBy      string             `json:"recorded_by"`
	RecordedAt      string             `json:"recorded_at"`
	ModelSHA256     *string            `json:"model_sha256"`
	SupersededAt    string             `json:"superseded_at"`
	ChangeReason    string             `json:"change_reason"`
}

// apiTime is the API's timestamp: RFC 3339 in UTC, to the second.
func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func nonEmptyString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func apiRecommendationOf(r *bpo.Recommendation) *apiRecommendation {
	if r == nil {
		return nil
	}
	return &apiRecommendation{Decision: r.Decision, Vendor: nonEmptyString(r.Vendor)}
}

// apiDecisionOf is the decision record in the API's schema (DESIGN.md,
// "Decision record").
func apiDecisionOf(st *bpo.DecisionState) any {
	c := st.Current
	if c == nil {
		return apiDecisionNone{Status: "none"}
	}
	out := apiDecision{Status: "recorded", Outcome: c.Outcome, Vendor: nonEmptyString(c.VendorKey),
		Rationale: c.Rationale, Recommendation: apiRecommendationOf(c.Recommendation), Departs: c.Departs,
		DepartureReason: nonEmptyString(c.DepartureReason), RecordedBy: c.RecordedByEmail,
		RecordedAt: apiTime(c.RecordedAt), ModelSHA256: nonEmptyString(c.ModelSHA256),
		History: make([]apiDecisionHistory, len(st.History))}
	for i, h := range st.History {
		out.History[i] = apiDecisionHistory{Outcome: h.Outcome, Vendor: nonEmptyString(h.VendorKey),
			Rationale: h.Rationale, Recommendation: apiRecommendationOf(h.Recommendation), Departs: h.Departs,
			DepartureReason: nonEmptyString(h.DepartureReason), RecordedBy: h.RecordedByEmail,
			RecordedAt: apiTime(h.RecordedAt), ModelSHA256: nonEmptyString(h.ModelSHA256),
			SupersededAt: apiTime(*h.SupersededAt), ChangeReason: h.ChangeReason}
	}
	return out
}

// apiShowDecision answers the evaluation's decision record.
func (s *Server) apiShowDecision(w http.ResponseWriter, r *http.Request) {
	s.apiDecisionRead(w, r, func(id int64) error {
		st, err := s.decisions.FindDecision(r.Context(), id)
		if err == nil {
			writeJSON(w, http.StatusOK, apiDecisionOf(st))
		}
		return err
	})
}

// apiShowDecisionModel answers, byte for byte, the model the current
// decision was recorded on: `bpoeval score` of it prints the stored result.
func (s *Server) apiShowDecisionModel(w http.ResponseWriter, r *http.Request) {
	s.apiDecisionRead(w, r, func(id int64) error {
		snap, err := s.decisions.FindDecisionSnapshot(r.Context(), id)
		if err == nil {
			writeJSONBytes(w, snap.Model)
		}
		return err
	})
}

// apiDecisionRead runs answer for the evaluation in the path, and answers
// its error, if any, the one way errors are answered.
func (s *Server) apiDecisionRead(w http.ResponseWriter, r *http.Request, answer func(id int64) error) {
	id, err := evaluationID(r)
	if err == nil {
		err = answer(id)
	}
	if err != nil {
		s.Error(w, r, err)
	}
}
