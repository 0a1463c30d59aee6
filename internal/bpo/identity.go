package bpo

import "context"

// Identity is a person as the identity provider vouches for them, after
// the provider's ID token was verified and its e-mail found verified.
type Identity struct {
	Issuer  string
	Subject string
	Email   string
	Name    string
}

// IdentityService signs people in through the identity provider.
type IdentityService interface {
	// SignInWithIdentity returns the account of id: the one linked to the
	// provider's subject, else the one with id's e-mail, which it links,
	// else a new account with role and a password nobody knows, from
	// newPassword (the password and its hash, or why it could not be made). Each link and new account
	// is audited.
	SignInWithIdentity(ctx context.Context, id Identity, role Role, newPassword func() (string, string, error)) (*User, error)
}
