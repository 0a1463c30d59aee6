package server

import (
	"net/http"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/mail"
	"github.com/bpoeval/bpoeval/web/pages"
)

// showOutbox lists the e-mails of the outbox for administrators: what was
// sent, what waits (all of it while SMTP is not set up) and what failed.
// The service refuses anyone else.
func (s *Server) showOutbox(w http.ResponseWriter, r *http.Request) {
	pending := r.URL.Query().Get("pending") == "1"
	list, err := s.outbox.FindOutbox(r.Context(), bpo.OutboxFilter{Pending: pending, Limit: 500})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view := pages.OutboxView{Enabled: s.cfg.MailEnabled(), PendingOnly: pending}
	for _, m := range list {
		c := mail.Render(m, s.cfg.BaseURL)
		row := pages.OutboxRow{Created: i18n.DateTime(lang, m.CreatedAt), Kind: i18n.T(lang, "mail.kind."+string(m.Kind)),
			To: m.Email, Subject: c.Subject, Attempts: m.Attempts}
		switch {
		case m.SentAt != nil:
			row.Status = i18n.T(lang, "mail.outbox.sent", i18n.DateTime(lang, *m.SentAt))
		case m.FailedAt != nil:
			row.Status = i18n.T(lang, "mail.outbox.failed", m.LastError)
		case m.Attempts > 0:
			row.Status = i18n.T(lang, "mail.outbox.retry", i18n.DateTime(lang, m.NextAttemptAt), m.LastError)
		default:
			row.Status = i18n.T(lang, "mail.outbox.pending")
		}
		view.Rows = append(view.Rows, row)
	}
	s.render(w, r, pages.Outbox(view))
}

// saveMailPreferences turns the user's reminders on or off. The form
// sends reminders=0 always and reminders=1 when the box is ticked.
func (s *Server) saveMailPreferences(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	on := false
	for _, v := range form["reminders"] {
		switch v {
		case "1":
			on = true
		case "0":
		default:
			s.Error(w, r, errBadRequest)
			return
		}
	}
	if len(form["reminders"]) == 0 {
		s.Error(w, r, errBadRequest)
		return
	}
	if err := s.outbox.SetReminders(r.Context(), on); err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "mail.preferences.saved")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
