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
