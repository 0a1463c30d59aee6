package main

import (
	"log/slog"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/mail"
)

// newMailSender is the server's outbox loop: it always queues the
// reminders that come due, and sends only when BPOEVAL_SMTP_URL and
// BPOEVAL_MAIL_FROM are both set; otherwise messages wait in the outbox.
func newMailSender(cfg config.Config, outbox bpo.OutboxService, log *slog.Logger) (*mail.Sender, error) {
	s := &mail.Sender{Outbox: outbox, From: cfg.MailFrom, BaseURL: cfg.BaseURL, Log: log}
	if !cfg.MailEnabled() {
		log.Info("e-mail is off: messages stay in the outbox (set BPOEVAL_SMTP_URL and BPOEVAL_MAIL_FROM)")
		return s, nil
	}
	tr, err := mail.ParseSMTP(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	s.Transport = tr
	return s, nil
}
