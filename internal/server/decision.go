package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// modelJSON is the one encoding of a scoring model: GET …/model answers
// it, and a decision stores it.
func modelJSON(m *scoring.Model) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return buf.Bytes(), nil
}

// DecisionSnapshot builds what a decision on evaluation id is recorded
// with: the model exactly as GET …/model returns it, and the result that
// `bpoeval score` prints for those bytes, computed from them.
func DecisionSnapshot(ctx context.Context, evaluations bpo.EvaluationService, id int64) (bpo.DecisionSnapshot, error) {
	d, err := evaluations.FindEvaluationDetail(ctx, id, forScoring)
	if err != nil {
		return bpo.DecisionSnapshot{}, err
	}
	model, err := modelJSON(scoringModel(d, string(i18n.EN)))
	if err != nil {
		return bpo.DecisionSnapshot{}, err
	}
	m, err := scoring.Decode(bytes.NewReader(model))
	if err != nil {
		return bpo.DecisionSnapshot{}, scoringError(err)
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		return bpo.DecisionSnapshot{}, scoringError(err)
	}
	result, err := explain.MarshalResult(res, i18n.EN)
	if err != nil {
		return bpo.DecisionSnapshot{}, err
	}
	return bpo.DecisionSnapshot{Model: model, Result: result}, nil
}

// decisionInput reads the decision form: vendor is a vendor id or
// "in_house", change=1 asks to replace the current decision.
func decisionInput(form url.Values, version int) (bpo.DecisionInput, error) {
	in := bpo.DecisionInput{Version: version, Rationale: form.Get("rationale"),
		DepartureReason: form.Get("departure_reason"), Change: form.Get("change") == "1",
		ChangeReason: form.Get("change_reason")}
	switch v := form.Get("vendor"); v {
	case "in_house":
		in.Outcome = bpo.OutcomeInHouse
	case "":
	default:
		in.Outcome = bpo.OutcomeAward
		id, err := formID(form, "vendor")
		if err != nil {
			var p bpo.Problems
			p.Add("vendor", "error.decision.choice")
			return in, p.Err()
		}
		in.VendorID = id
	}
	return in, nil
}

// recordDecision records, or with change=1 changes, the decision of a
// closed evaluation, on a snapshot of the evaluation as it stands.
func (s *Server) recordDecision(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	in, err := decisionInput(form, version)
	if err == nil {
		in.Snapshot, err = DecisionSnapshot(r.Context(), s.evaluations, id)
	}
	if err == nil {
		_, err = s.decisions.RecordDecision(r.Context(), id, in)
	}
	s.evaluationDone(w, r, id, err, "decision.recorded_flash")
}
