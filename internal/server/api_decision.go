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
	Status string `json:"status"`
	apiDecisionFields
	History []apiDecisionHistory `json:"history"`
}

// apiDecisionFields are what the current decision and each one of the
// history say of themselves.
type apiDecisionFields struct {
	Outcome         bpo.Outcome        `json:"outcome"`
	Vendor          *string            `json:"vendor"`
	Rationale       string             `json:"rationale"`
	Recommendation  *apiRecommendation `json:"recommendation"`
	Departs         bool               `json:"departs_from_recommendation"`
	DepartureReason *string            `json:"departure_reason"`
	RecordedBy      string             `json:"recorded_by"`
	RecordedAt      string             `json:"recorded_at"`
	ModelSHA256     *string            `json:"model_sha256"`
}

// apiRecommendation is the engine's recommendation a decision was made
// against; null for a decision recorded before recommendations were kept.
type apiRecommendation struct {
	Decision string  `json:"decision"`
	Vendor   *string `json:"vendor"`
}

// apiDecisionHistory is a superseded decision, most recently superseded first.
type apiDecisionHistory struct {
	apiDecisionFields
	SupersededAt string `json:"superseded_at"`
	ChangeReason string `json:"change_reason"`
}

func apiDecisionFieldsOf(d *bpo.DecisionRecord) apiDecisionFields {
	f := apiDecisionFields{Outcome: d.Outcome, Vendor: nonEmptyString(d.VendorKey), Rationale: d.Rationale,
		Departs: d.Departs, DepartureReason: nonEmptyString(d.DepartureReason), RecordedBy: d.RecordedByEmail,
		RecordedAt: apiTime(d.RecordedAt), ModelSHA256: nonEmptyString(d.ModelSHA256)}
	if r := d.Recommendation; r != nil {
		f.Recommendation = &apiRecommendation{Decision: r.Decision, Vendor: nonEmptyString(r.Vendor)}
	}
	return f
}

// apiTime is the API's timestamp: RFC 3339 in UTC, to the second.
func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func nonEmptyString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiDecisionOf is the decision record in the API's schema (DESIGN.md,
// "Decision record").
func apiDecisionOf(st *bpo.DecisionState) any {
	if st.Current == nil {
		return apiDecisionNone{Status: "none"}
	}
	out := apiDecision{Status: "recorded", apiDecisionFields: apiDecisionFieldsOf(st.Current),
		History: make([]apiDecisionHistory, len(st.History))}
	for i, h := range st.History {
		out.History[i] = apiDecisionHistory{apiDecisionFields: apiDecisionFieldsOf(h),
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
