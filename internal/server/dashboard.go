package server

import (
	"net/http"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	_, total, err := s.vendors.FindVendors(r.Context(), bpo.VendorFilter{Limit: 1})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	mine, err := s.myScorecardsView(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.Dashboard(pages.DashboardView{User: bpo.UserFromContext(r.Context()), VendorCount: total, Mine: mine}))
}
