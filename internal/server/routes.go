package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/bpoeval/bpoeval/web/static"
)

// Handler returns the whole route surface of the application.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.logRequests, s.recoverPanic, s.countRequests, securityHeaders, s.limitBody, s.crossOrigin)

	r.Get("/healthz", s.showHealth)
	r.With(s.metricsAccess).Method(http.MethodGet, "/metrics", s.metrics.Handler())
	r.Handle(static.Prefix+"*", static.Handler())

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.loadUser)

		r.Get("/login", s.showLoginPage)
		r.Post("/login", s.login)
		r.Post("/logout", s.logout)
		r.Post("/preferences/lang", s.saveLang)

		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)

			r.Get("/", s.showDashboard)

			r.Get("/vendors", s.showVendorList)
			r.Get("/vendors/new", s.showNewVendorPage)
			r.Post("/vendors", s.createVendor)
			r.Get("/vendors/{vendorID}", s.showVendor)
			r.Get("/vendors/{vendorID}/edit", s.showEditVendorPage)
			r.Post("/vendors/{vendorID}", s.updateVendor)
			r.Post("/vendors/{vendorID}/archive", s.archiveVendor)
			r.Post("/vendors/{vendorID}/unarchive", s.unarchiveVendor)
		})
	})
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	return r
}
