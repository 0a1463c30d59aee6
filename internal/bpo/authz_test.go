package bpo_test

import (
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestAuthorizationRules(t *testing.T) {
	admin := &bpo.User{ID: 1, Role: bpo.RoleAdmin}
	manager := &bpo.User{ID: 2, Role: bpo.RoleManager}
	evaluator := &bpo.User{ID: 3, Role: bpo.RoleEvaluator}
	var anonymous *bpo.User
	draft := &bpo.Evaluation{Status: bpo.StatusDraft}
	open := &bpo.Evaluation{Status: bpo.StatusOpen}
	closed := &bpo.Evaluation{Status: bpo.StatusClosed}

	type user struct {
		name string
		u    *bpo.User
	}
	users := []user{{"Anonymous", anonymous}, {"Evaluator", evaluator}, {"Manager", manager}, {"Admin", admin}}
	for _, tc := range []struct {
		action string
		can    func(u *bpo.User) bool
		want   map[string]bool // by user name; absent = false
	}{
		{"ReadVendors", bpo.CanReadVendors, map[string]bool{"Evaluator": true, "Manager": true, "Admin": true}},
		{"EditVendors", bpo.CanEditVendors, map[string]bool{"Manager": true, "Admin": true}},
		{"ManageUsers", bpo.CanManageUsers, map[string]bool{"Admin": true}},
		{"SetUp", bpo.CanSetUp, map[string]bool{"Manager": true, "Admin": true}},
		{"SeeOthersRatings", bpo.CanSeeOthersRatings, map[string]bool{"Manager": true, "Admin": true}},
		{"SeeAssignedEvaluation", func(u *bpo.User) bool { return bpo.CanSeeEvaluation(u, true) }, map[string]bool{"Evaluator": true, "Manager": true, "Admin": true}},
		{"SeeOtherEvaluation", func(u *bpo.User) bool { return bpo.CanSeeEvaluation(u, false) }, map[string]bool{"Manager": true, "Admin": true}},
		{"ScoreOpenAssigned", func(u *bpo.User) bool { return bpo.CanScore(u, open, true) }, map[string]bool{"Evaluator": true}},
		{"ScoreOpenNotAssigned", func(u *bpo.User) bool { return bpo.CanScore(u, open, false) }, nil},
		{"ScoreDraftAssigned", func(u *bpo.User) bool { return bpo.CanScore(u, draft, true) }, nil},
		{"ScoreClosedAssigned", func(u *bpo.User) bool { return bpo.CanScore(u, closed, true) }, nil},
	} {
		for _, u := range users {
			t.Run(tc.action+"/"+u.name, func(t *testing.T) {
				if got, want := tc.can(u.u), tc.want[u.name]; got != want {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	}
}

func TestNeedsJustification(t *testing.T) {
	e := &bpo.Evaluation{ScaleMin: 1, ScaleMax: 5}
	for _, tc := range []struct {
		policy bpo.JustificationPolicy
		value  int
		want   bool
	}{
		{bpo.JustifyNone, 1, false}, {bpo.JustifyExtremes, 1, true}, {bpo.JustifyExtremes, 3, false},
		{bpo.JustifyExtremes, 5, true}, {bpo.JustifyAll, 3, true},
	} {
		e.Justification = tc.policy
		if got := e.NeedsJustification(tc.value); got != tc.want {
			t.Errorf("%s, rating %d: %v, want %v", tc.policy, tc.value, got, tc.want)
		}
	}
}
