// Package demo holds the demo data set that `bpoeval serve --demo` and
// `bpoeval demo` load: the demo logins, a realistic registry of offshore
// and nearshore BPO vendors, and two evaluations of some of them.
package demo

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/password"
)

// Password is the password of every demo login.
const Password = "bpoeval-demo"

// Size selects how much demo data to load.
type Size string

// Sizes of the demo data set: Large is Small plus what `make bench` measures.
const (
	Small Size = "small"
	Large Size = "large"
)

// Logins are the demo accounts, in the order they are printed.
var Logins = []bpo.NewUser{
	{Email: "admin@demo.test", Name: "Alice Admin", Role: bpo.RoleAdmin},
	{Email: "manager@demo.test", Name: "Marc Lefèvre", Role: bpo.RoleManager},
	{Email: "evaluator@demo.test", Name: "Élodie Martin", Role: bpo.RoleEvaluator},
	{Email: "evaluator2@demo.test", Name: "Karim Benali", Role: bpo.RoleEvaluator},
	{Email: "evaluator3@demo.test", Name: "Sophie Dubois", Role: bpo.RoleEvaluator},
	{Email: "evaluator4@demo.test", Name: "James O’Connor", Role: bpo.RoleEvaluator},
}

// Services are what loading the demo data goes through, so it is validated
// and audited like any user's input.
type Services struct {
	Users        bpo.UserService
	Vendors      bpo.VendorService
	Evaluations  bpo.EvaluationService
	Criteria     bpo.CriterionService
	Participants bpo.ParticipantService
	Scorecards   bpo.ScorecardService
	Moderation   bpo.ModerationService
	Pairwise     bpo.PairwiseService
	// Contracts, when set, also loads the contract of the closed evaluation;
	// Assessments, the suitability assessment that prepared it.
	Contracts   bpo.ContractService
	Assessments bpo.AssessmentService
	Decisions   bpo.DecisionService
}

// Load adds the demo logins and vendors that are missing, and the demo
// evaluations when the database has none; with Large, then the large data
// set unless its main evaluation is there. It reports whether it added
// anything. Running it again changes nothing.
func Load(ctx context.Context, svc Services, size Size) (loaded bool, err error) {
	if size != Small && size != Large {
		return false, fmt.Errorf("demo: unknown size %q", size)
	}
	users := make(map[string]*bpo.User, len(Logins)+len(LargeLogins))
	for _, n := range logins(size) {
		u, err := svc.Users.FindUserByEmail(ctx, n.Email)
		if bpo.ErrorCode(err) == bpo.ENOTFOUND {
			n.Password = Password
			u, err = svc.Users.CreateUser(ctx, n, password.Hash(Password, password.Default))
			loaded = true
		}
		if err != nil {
			return loaded, fmt.Errorf("demo login %s: %w", n.Email, err)
		}
		users[n.Email] = u
	}
	added, err := loadVendors(bpo.NewContextWithUser(ctx, users["admin@demo.test"]), svc)
	if err != nil {
		return loaded, err
	}
	evaluated, err := loadEvaluations(ctx, svc, users)
	loaded = loaded || added || evaluated
	if err != nil || size == Small {
		return loaded, err
	}
	large, err := loadLarge(ctx, svc, users)
	return loaded || large, err
}

// logins are the demo accounts of a size.
func logins(size Size) []bpo.NewUser {
	if size == Large {
		return slices.Concat(Logins, LargeLogins)
	}
	return Logins
}

// loadVendors fills an empty registry. Vendors are created by the demo
// admin, as the audit log will show.
func loadVendors(ctx context.Context, svc Services) (bool, error) {
	existing, _, err := svc.Vendors.FindVendors(ctx, bpo.VendorFilter{Limit: 1})
	if err != nil {
		return false, fmt.Errorf("demo vendors: %w", err)
	}
	if len(existing) > 0 {
		return false, nil
	}
	for _, v := range Vendors {
		if _, err := svc.Vendors.CreateVendor(ctx, v); err != nil {
			return false, fmt.Errorf("demo vendor %s: %w", v.Name, err)
		}
	}
	return true, nil
}

// PrintLogins lists the demo accounts of a size for the terminal.
func PrintLogins(w io.Writer, size Size) {
	fmt.Fprintln(w, "Demo logins (password "+Password+"):")
	for _, n := range logins(size) {
		fmt.Fprintf(w, "  %-22s %s\n", n.Email, n.Role)
	}
}
