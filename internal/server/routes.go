package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/bpoeval/bpoeval/web/static"
)

// Handler returns the whole route surface of the application. Who may use
// a route is decided here, by the group it is in: public, signed-in users,
// managers (requireManager), or administrators (requireAdmin). Handlers and services check each object on
// top of that: an evaluator sees only the evaluations they are assigned to.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.logRequests, s.recoverPanic, s.countRequests, securityHeaders, s.https, s.limitBody, s.crossOrigin)

	r.Get("/healthz", s.showHealth)
	r.With(s.metricsAccess).Method(http.MethodGet, "/metrics", s.metrics.Handler())
	r.Handle(static.Prefix+"*", static.Handler())
	// Browsers ask for /favicon.ico whatever the page links: the logo.
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, static.URL("img/logo.svg"), http.StatusMovedPermanently)
	})

	r.Group(func(r chi.Router) {
		r.Use(s.loadSession)
		r.Get("/login", s.showLoginPage)
		r.Post("/login", s.login)
		r.Get("/login/oidc", s.startOIDC)
		r.Get("/login/oidc/callback", s.oidcCallback)
		r.Post("/logout", s.logout)
		r.Post("/preferences/lang", s.saveLang)

		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)
			s.userRoutes(r)
			r.With(s.requireManager).Group(s.managerRoutes)
			r.With(s.requireAdmin).Group(s.adminRoutes)
		})
	})

	r.Get("/api/v1/openapi.json", s.showOpenAPI)
	// The API also takes personal tokens, in place of the session.
	r.Group(func(r chi.Router) {
		r.Use(noStore, s.tokenOrSession, s.requireUser, s.requireManager)
		r.Get("/api/v1/evaluations", s.apiListEvaluations)
		r.Get("/api/v1/evaluations/{evaluationID}/model", s.apiShowModel)
		r.Get("/api/v1/evaluations/{evaluationID}/result", s.apiShowResult)
		r.Get("/api/v1/contracts", s.apiListContracts)
		r.Get("/api/v1/contracts/{contractID}", s.apiShowContract)
		r.Get("/api/v1/assessments/{assessmentID}", s.apiShowAssessment)
		r.Get("/api/v1/evaluations/{evaluationID}/decision", s.apiShowDecision)
		r.Get("/api/v1/evaluations/{evaluationID}/decision/model", s.apiShowDecisionModel)
	})
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	return r
}

// userRoutes are open to every signed-in user; evaluators see only what
// they are assigned to.
func (s *Server) userRoutes(r chi.Router) {
	r.Get("/", s.showDashboard)
	r.Get("/vendors", s.showVendorList)
	r.Get("/vendors.csv", s.exportVendors)
	r.Get("/vendors/{vendorID}", s.showVendor)
	r.Get("/evaluations", s.showEvaluationList)
	r.Get("/evaluations/{evaluationID}", s.showEvaluation)
	r.Get("/evaluations/{evaluationID}/conflicts", s.showConflictsPage)
	r.Post("/evaluations/{evaluationID}/conflicts", s.declareConflicts)
	r.Post("/evaluations/{evaluationID}/conflicts/{vendorID}", s.declareVendor)
	r.Get("/evaluations/{evaluationID}/scorecards/{vendorID}", s.showScorecard)
	r.Post("/evaluations/{evaluationID}/scorecards/{vendorID}/ratings", s.saveRating)
	r.Get("/evaluations/{evaluationID}/scorecards/{vendorID}/submit/confirm", s.confirmSubmit)
	r.Post("/evaluations/{evaluationID}/scorecards/{vendorID}/submit", s.submitScorecard)
	r.Get("/evaluations/{evaluationID}/pairwise/{roundID}", s.showRound)
	r.Post("/evaluations/{evaluationID}/pairwise/{roundID}/answers", s.saveAnswers)
	r.Get("/account", s.showAccount)
	r.Post("/account/password", s.changePassword)
	r.Post("/account/sessions/end", s.signOutEverywhere)
	r.Post("/account/email", s.saveMailPreferences)
}

// managerRoutes are for managers and administrators only: the vendor
// registry's edits, an evaluation's set-up, and everything that shows more
// than one evaluator's ratings.
func (s *Server) managerRoutes(r chi.Router) {
	r.Get("/vendors/new", s.showNewVendorPage)
	r.Get("/vendors/import", s.showVendorImport)
	r.Post("/vendors/import", s.uploadVendors)
	r.Get("/vendors/import/template.xlsx", s.vendorTemplate)
	r.Get("/vendors/import/{importID}", s.showVendorPreview)
	r.Post("/vendors/import/{importID}", s.confirmVendorImport)
	r.Post("/vendors", s.createVendor)
	r.Get("/vendors/{vendorID}/edit", s.showEditVendorPage)
	r.Post("/vendors/{vendorID}", s.updateVendor)
	r.Post("/vendors/{vendorID}/archive", s.archiveVendor)
	r.Post("/vendors/{vendorID}/unarchive", s.unarchiveVendor)

	r.Get("/evaluations/new", s.showNewEvaluationPage)
	r.Post("/evaluations", s.createEvaluation)
	r.Get("/evaluations/{evaluationID}/edit", s.showEditEvaluationPage)
	r.Post("/evaluations/{evaluationID}", s.updateEvaluation)
	r.Get("/evaluations/{evaluationID}/status/confirm", s.confirmStatus)
	r.Post("/evaluations/{evaluationID}/status", s.setEvaluationStatus)
	r.Get("/evaluations/{evaluationID}/delete/confirm", s.confirmDelete)
	r.Post("/evaluations/{evaluationID}/delete", s.deleteEvaluation)
	r.Post("/evaluations/{evaluationID}/decision", s.recordDecision)
	r.Post("/evaluations/{evaluationID}/decision/confirm", s.confirmDecision)
	r.Post("/evaluations/{evaluationID}/participants", s.addParticipant)
	r.Post("/evaluations/{evaluationID}/participants/{vendorID}/stage", s.setParticipantStage)
	r.Post("/evaluations/{evaluationID}/evaluators", s.assignEvaluator)
	r.Post("/evaluations/{evaluationID}/evaluators/{userID}/remove", s.unassignEvaluator)
	r.Get("/evaluations/{evaluationID}/figures", s.showFigures)
	r.Post("/evaluations/{evaluationID}/figures", s.saveFigures)
	r.Get("/evaluations/{evaluationID}/figures/import", s.showFigureImport)
	r.Post("/evaluations/{evaluationID}/figures/import", s.uploadFigures)
	r.Get("/evaluations/{evaluationID}/figures/import/template.xlsx", s.figureTemplate)
	r.Get("/evaluations/{evaluationID}/figures/import/template.csv", s.figureTemplate)
	r.Get("/evaluations/{evaluationID}/figures/import/{figureImportID}", s.showFigurePreview)
	r.Post("/evaluations/{evaluationID}/figures/import/{figureImportID}", s.confirmFigureImport)
	r.Post("/evaluations/{evaluationID}/scorecards/{scorecardID}/reopen", s.reopenScorecard)

	r.Get("/evaluations/{evaluationID}/moderation", s.showModerationIndex)
	r.Post("/evaluations/{evaluationID}/moderation-required", s.setModerationRequired)
	r.Get("/evaluations/{evaluationID}/moderation/{vendorID}", s.showModeration)
	r.Post("/evaluations/{evaluationID}/moderation/{vendorID}/{criterionID}", s.saveConsensus)

	r.Get("/evaluations/{evaluationID}/history", s.showHistory)
	r.Get("/evaluations/{evaluationID}/compare", s.showCompare)
	r.Get("/evaluations/{evaluationID}/compare/ratings", s.showCompareRatings)
	r.Get("/evaluations/{evaluationID}/scores.csv", s.exportScores)
	r.Get("/evaluations/{evaluationID}/report.pdf", s.showReport)
	r.Get("/evaluations/{evaluationID}/evaluation.xlsx", s.exportWorkbook)

	r.Get("/evaluations/{evaluationID}/criteria", s.showCriteriaPage)
	r.Get("/evaluations/{evaluationID}/criteria/new", s.showNewCriterionPage)
	r.Post("/evaluations/{evaluationID}/criteria", s.createCriterion)
	r.Get("/evaluations/{evaluationID}/criteria/{criterionID}/edit", s.showEditCriterionPage)
	r.Post("/evaluations/{evaluationID}/criteria/{criterionID}", s.updateCriterion)
	r.Post("/evaluations/{evaluationID}/criteria/{criterionID}/remove", s.removeCriterion)
	r.Post("/evaluations/{evaluationID}/criteria/{criterionID}/move", s.moveCriterion)
	r.Post("/evaluations/{evaluationID}/weights", s.saveWeights)
	r.Get("/evaluations/{evaluationID}/pairwise/new", s.showNewRound)
	r.Post("/evaluations/{evaluationID}/pairwise", s.startRound)
	r.Post("/evaluations/{evaluationID}/pairwise/{roundID}/invite", s.inviteToRound)
	r.Post("/evaluations/{evaluationID}/pairwise/{roundID}/end", s.endRound)
	r.Post("/evaluations/{evaluationID}/weights/preview", s.previewWeights)
	s.contractRoutes(r)

	// The API serves managers only, so only they have tokens for it.
	r.Get("/account/tokens", s.showTokens)
	r.Post("/account/tokens", s.createToken)
	r.Post("/account/tokens/{tokenID}/revoke", s.revokeToken)
}

// adminRoutes are for administrators only: user accounts.
func (s *Server) adminRoutes(r chi.Router) {
	r.Get("/admin/users", s.showAdminUsers)
	r.Post("/admin/users", s.createUser)
	r.Post("/admin/users/{accountID}/role", s.setUserRole)
	r.Post("/admin/users/{accountID}/disable", s.disableUser)
	r.Post("/admin/users/{accountID}/enable", s.enableUser)
	r.Post("/admin/users/{accountID}/password", s.resetUserPassword)
	r.Get("/admin/outbox", s.showOutbox)
}

// contractRoutes are the contracts after the award and the outsourcing
// suitability assessments: managers only, like the set-up.
func (s *Server) contractRoutes(r chi.Router) {
	r.Get("/evaluations/{evaluationID}/contracts/new", s.showNewContractPage)
	r.Post("/evaluations/{evaluationID}/contracts", s.createContract)
	r.Get("/contracts", s.showContractList)
	r.Get("/contracts/{contractID}", s.showContract)
	r.Post("/contracts/{contractID}/kpis", s.saveKPIs)
	r.Post("/contracts/{contractID}/end", s.endContract)
	r.Get("/contracts/{contractID}/periods/{period}", s.showContractPeriod)
	r.Post("/contracts/{contractID}/periods/{period}", s.saveContractPeriod)
	r.Get("/contracts/{contractID}/review.pdf", s.showPerformanceReview)

	r.Get("/assessments", s.showAssessmentList)
	r.Get("/assessments/new", s.showNewAssessmentPage)
	r.Post("/assessments", s.createAssessment)
	r.Get("/assessments/{assessmentID}", s.showAssessment)
	r.Get("/assessments/{assessmentID}/edit", s.showEditAssessmentPage)
	r.Post("/assessments/{assessmentID}", s.updateAssessment)
}
