package server

import (
	"net/http"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	total, err := s.vendors.CountVendors(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	mine, err := s.myScorecardsView(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := pages.DashboardView{User: bpo.UserFromContext(r.Context()), VendorCount: total, Mine: mine}
	if bpo.IsManager(view.User) {
		if view.Evaluations, err = s.activeEvaluations(r); err != nil {
			s.Error(w, r, err)
			return
		}
		if view.Contracts, err = s.contractAlerts(r); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.render(w, r, pages.Dashboard(view))
}

// activeEvaluations are the drafts and open evaluations, with their progress.
func (s *Server) activeEvaluations(r *http.Request) ([]pages.EvaluationRow, error) {
	lang := s.lang(r)
	var rows []pages.EvaluationRow
	for _, status := range []bpo.EvaluationStatus{bpo.StatusOpen, bpo.StatusDraft} {
		list, _, err := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Status: status, Limit: 20})
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			rows = append(rows, evaluationRow(lang, e))
		}
	}
	return rows, nil
}
