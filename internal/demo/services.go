package demo

import "github.com/bpoeval/bpoeval/internal/postgres"

// PostgresServices are the services the demo data set is loaded through,
// on db: every one of them, contracts and assessments included.
func PostgresServices(db *postgres.DB) Services {
	return Services{
		Users:        postgres.NewUserService(db),
		Vendors:      postgres.NewVendorService(db),
		Evaluations:  postgres.NewEvaluationService(db),
		Criteria:     postgres.NewCriterionService(db),
		Participants: postgres.NewParticipantService(db),
		Scorecards:   postgres.NewScorecardService(db),
		Moderation:   postgres.NewModerationService(db),
		Pairwise:     postgres.NewPairwiseService(db),
		Decisions:    postgres.NewDecisionService(db),
		Contracts:    postgres.NewContractService(db),
		Assessments:  postgres.NewAssessmentService(db),
	}
}
