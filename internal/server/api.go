package server

import (
	"encoding/json"
	"net/http"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
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

// apiListEvaluations lists every evaluation with its progress.
func (s *Server) apiListEvaluations(w http.ResponseWriter, r *http.Request) {
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

// apiShowModel serves the scoring model, as `bpoeval score` reads it.
func (s *Server) apiShowModel(w http.ResponseWriter, r *http.Request) {
	d, lang, ok := s.apiEvaluation(w, r)
	if !ok {
		return
	}
	b, err := derived(d, "model.json/"+string(lang), func() ([]byte, error) {
		m, err := evalmodel.Build(d.EvaluationDetail, lang, nil)
		if err != nil {
			return nil, err
		}
		return evalmodel.ModelJSON(m)
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSONBytes(w, b)
}

// apiShowResult serves the engine's result, as `bpoeval score` prints it.
func (s *Server) apiShowResult(w http.ResponseWriter, r *http.Request) {
	d, lang, ok := s.apiEvaluation(w, r)
	if !ok {
		return
	}
	b, err := derived(d, "result.json/"+string(lang), func() ([]byte, error) {
		_, res, err := d.score(lang, nil)
		if err != nil {
			return nil, err
		}
		return explain.MarshalResult(res, lang)
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

// apiEvaluation loads the evaluation named in the path with what it is
// scored on, and the language of ?lang= (English by default: API texts
// are stable).
func (s *Server) apiEvaluation(w http.ResponseWriter, r *http.Request) (*scoredEvaluation, i18n.Lang, bool) {
	id, err := evaluationID(r)
	var d *scoredEvaluation
	if err == nil {
		d, err = s.loadScored(r.Context(), id, evalmodel.Parts)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, "", false
	}
	return d, apiLang(r), true
}

// apiLang is the language of ?lang=, English by default: API texts are stable.
func apiLang(r *http.Request) i18n.Lang {
	lang, ok := i18n.Parse(r.URL.Query().Get("lang"))
	if !ok {
		return i18n.EN
	}
	return lang
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
