package server

import (
	"encoding/json"
	"net/http"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// apiEvaluation is one entry of GET /api/v1/evaluations.
type apiEvaluation struct {
	ID         int64   `json:"id"`
	Title      string  `json:"title"`
	Status     string  `json:"status"`
	Vendors    int     `json:"vendors"`
	Evaluators int     `json:"evaluators"`
	Progress   float64 `json:"progress"`
}

func (s *Server) apiListEvaluations(w http.ResponseWriter, r *http.Request) {
	if !bpo.IsManager(bpo.UserFromContext(r.Context())) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
		return
	}
	list, _, err := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Limit: 10000})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]apiEvaluation, len(list))
	for i, e := range list {
		out[i] = apiEvaluation{ID: e.ID, Title: e.Title, Status: string(e.Status),
			Vendors: e.Vendors, Evaluators: e.Evaluators, Progress: e.Progress()}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiShowModel(w http.ResponseWriter, r *http.Request) {
	m, _, ok := s.apiModel(w, r)
	if !ok {
		return
	}
	b, err := modelJSON(m)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSONBytes(w, b)
}

func (s *Server) apiShowResult(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := s.apiModel(w, r)
	if !ok {
		return
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		s.Error(w, r, scoringError(err))
		return
	}
	b, err := explain.MarshalResult(res, lang)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

// apiModel loads the evaluation named in the path as a scoring model, in
// the language of ?lang= (English by default: API texts are stable).
func (s *Server) apiModel(w http.ResponseWriter, r *http.Request) (*scoring.Model, i18n.Lang, bool) {
	if !bpo.IsManager(bpo.UserFromContext(r.Context())) {
		s.Error(w, r, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden"))
		return nil, "", false
	}
	id, err := evaluationID(r)
	if err != nil {
		s.Error(w, r, err)
		return nil, "", false
	}
	lang, ok := i18n.Parse(r.URL.Query().Get("lang"))
	if !ok {
		lang = i18n.EN
	}
	d, err := s.loadEvaluation(r.Context(), id, forScoring)
	if err != nil {
		s.Error(w, r, err)
		return nil, "", false
	}
	return scoringModel(d, string(lang)), lang, true
}

// scoringError explains why an evaluation cannot be scored yet (its criteria
// break a rule of the engine): the manager can fix that, so it is a 422.
func scoringError(err error) error {
	if _, ok := err.(*scoring.InputError); ok {
		return bpo.Errorf(bpo.EINVALID, "error.evaluation.not_scorable", err.Error())
	}
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeJSONBytes answers JSON encoded already: a stored document, sent
// byte for byte.
func writeJSONBytes(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// apiError is the body of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}
