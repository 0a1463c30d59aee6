package bpo

// The pure authorization rules. Services enforce them on every call; pages use
// them to decide which controls to show.

// CanReadVendors reports whether u may see the vendor registry: anyone signed in.
func CanReadVendors(u *User) bool { return u != nil }

// CanEditVendors reports whether u may create, edit and archive vendors.
func CanEditVendors(u *User) bool { return IsManager(u) }

// IsManager reports whether u has manager rights (managers and admins).
func IsManager(u *User) bool { return u != nil && (u.Role == RoleManager || u.Role == RoleAdmin) }

// CanManageUsers reports whether u may manage user accounts.
func CanManageUsers(u *User) bool { return u != nil && u.Role == RoleAdmin }

// CanSetUp reports whether u may create and set up evaluations.
func CanSetUp(u *User) bool { return IsManager(u) }

// CanScore reports whether u may rate vendors in an evaluation: an evaluator
// assigned to it, while it is open.
func CanScore(u *User, e *Evaluation, assigned bool) bool {
	return u != nil && u.Role == RoleEvaluator && assigned && e.Status == StatusOpen
}

// CanSeeEvaluation reports whether u may see an evaluation at all: managers
// always, evaluators when assigned.
func CanSeeEvaluation(u *User, assigned bool) bool {
	return IsManager(u) || (u != nil && assigned)
}

// CanSeeOthersRatings reports whether u may read other evaluators' ratings.
// Evaluators never do: scoring stays independent.
func CanSeeOthersRatings(u *User) bool { return IsManager(u) }
