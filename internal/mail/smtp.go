package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"time"
)

// SMTP sends messages to one mail server, from BPOEVAL_SMTP_URL:
//
//	smtp://user:pass@host:587     STARTTLS, required (the default)
//	smtps://user:pass@host:465    TLS from the first byte
//	smtp://host:25?tls=none       plain text, for a relay on the same host
type SMTP struct {
	addr     string // host:port
	host     string
	implicit bool // smtps
	starttls bool
	auth     smtp.Auth
	// TLS is the client's TLS configuration; nil verifies the server's
	// certificate against the system's roots for host.
	TLS *tls.Config
	// Timeout bounds one delivery, connection included.
	Timeout time.Duration
}

// ParseSMTP reads a BPOEVAL_SMTP_URL.
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	s := &SMTP{host: u.Hostname(), Timeout: time.Minute}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		s.starttls = true
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("smtp url: scheme %q is neither smtp nor smtps", u.Scheme)
	}
	switch u.Query().Get("tls") {
	case "":
	case "none":
		if s.implicit {
			return nil, errors.New("smtp url: smtps with tls=none")
		}
		s.starttls = false
	default:
		return nil, fmt.Errorf("smtp url: tls=%q is not none", u.Query().Get("tls"))
	}
	if s.host == "" {
		return nil, errors.New("smtp url: no host")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		pass, _ := u.User.Password()
		s.auth = smtp.PlainAuth("", u.User.Username(), pass, s.host)
	}
	return s, nil
}

// Send delivers msg, a whole message, from from to the address to.
func (s *SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("smtp: from: %w", err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cfg := s.tlsConfig()
	if s.implicit {
		conn = tls.Client(conn, cfg)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if s.starttls {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS (use smtps:// or ?tls=none)")
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp: starttls: %w", err)
		}
	}
	if s.auth != nil {
		if err := c.Auth(s.auth); err != nil {
			return fmt.Errorf("smtp: auth: %w", err)
		}
	}
	if err := c.Mail(sender.Address); err != nil {
		return fmt.Errorf("smtp: mail from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp: rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: data: %w", err)
	}
	// The message is accepted once DATA is; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		c := s.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}
