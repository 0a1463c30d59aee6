package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// Integrations are the settings of what bpoeval talks to besides its
// database: the mail server, the identity provider, and the public address
// that links in e-mails point to.
type Integrations struct {
	BaseURL  string // BPOEVAL_BASE_URL: the public address of the site, for links in e-mails
	SMTPURL  string // BPOEVAL_SMTP_URL: smtp://user:pass@host:port (STARTTLS), smtps:// (TLS), ?tls=none (plain)
	MailFrom string // BPOEVAL_MAIL_FROM: the From address of every e-mail

	OIDCIssuer         string   // BPOEVAL_OIDC_ISSUER: the provider's issuer URL; empty turns single sign-on off
	OIDCClientID       string   // BPOEVAL_OIDC_CLIENT_ID
	OIDCClientSecret   string   // BPOEVAL_OIDC_CLIENT_SECRET
	OIDCName           string   // BPOEVAL_OIDC_NAME: shown as "Sign in with …"; default "single sign-on"
	OIDCAllowedDomains []string // BPOEVAL_OIDC_ALLOWED_DOMAINS: comma-separated; empty allows every domain
	OIDCNewUserRole    bpo.Role // BPOEVAL_OIDC_NEW_USER_ROLE: role of accounts made at first sign-in; default evaluator
}

// MailEnabled reports whether e-mail can be sent: both the server and the
// sender are set.
func (c Integrations) MailEnabled() bool { return c.SMTPURL != "" && c.MailFrom != "" }

// OIDCEnabled reports whether single sign-on is set up.
func (c Integrations) OIDCEnabled() bool { return c.OIDCIssuer != "" }

func loadIntegrations(getenv func(string) string) (Integrations, error) {
	c := Integrations{
		BaseURL:          strings.TrimRight(getenv("BPOEVAL_BASE_URL"), "/"),
		SMTPURL:          getenv("BPOEVAL_SMTP_URL"),
		MailFrom:         getenv("BPOEVAL_MAIL_FROM"),
		OIDCIssuer:       getenv("BPOEVAL_OIDC_ISSUER"),
		OIDCClientID:     getenv("BPOEVAL_OIDC_CLIENT_ID"),
		OIDCClientSecret: getenv("BPOEVAL_OIDC_CLIENT_SECRET"),
		OIDCName:         getenv("BPOEVAL_OIDC_NAME"),
		OIDCNewUserRole:  bpo.Role(getenv("BPOEVAL_OIDC_NEW_USER_ROLE")),
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("BPOEVAL_BASE_URL: %q is not an http(s) URL", c.BaseURL)
		}
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return c, fmt.Errorf("BPOEVAL_SMTP_URL: %q is not an smtp:// or smtps:// URL", redact(c.SMTPURL))
		}
	}
	if c.MailFrom != "" {
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			return c, fmt.Errorf("BPOEVAL_MAIL_FROM: %q is not an address: %w", c.MailFrom, err)
		}
	}
	for d := range strings.SplitSeq(getenv("BPOEVAL_OIDC_ALLOWED_DOMAINS"), ",") {
		if d = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "@"))); d != "" {
			c.OIDCAllowedDomains = append(c.OIDCAllowedDomains, d)
		}
	}
	if c.OIDCName == "" {
		c.OIDCName = "single sign-on"
	}
	switch c.OIDCNewUserRole {
	case "":
		c.OIDCNewUserRole = bpo.RoleEvaluator
	case bpo.RoleEvaluator, bpo.RoleManager, bpo.RoleAdmin:
	default:
		return c, fmt.Errorf("BPOEVAL_OIDC_NEW_USER_ROLE: %q is not evaluator, manager or admin", c.OIDCNewUserRole)
	}
	if c.OIDCIssuer != "" {
		if u, err := url.Parse(c.OIDCIssuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, fmt.Errorf("BPOEVAL_OIDC_ISSUER: %q is not an http(s) URL", c.OIDCIssuer)
		}
		if c.OIDCClientID == "" {
			return c, fmt.Errorf("BPOEVAL_OIDC_CLIENT_ID: needed with BPOEVAL_OIDC_ISSUER")
		}
	}
	return c, nil
}

// redact hides the password of a URL, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
