// Package mail writes bpoeval's e-mails and sends them over SMTP: the
// outbox's messages rendered in the recipient's language as multipart text
// and HTML, and the sender loop that drains the outbox.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// Content is a rendered e-mail.
type Content struct {
	Subject string
	Text    string
	HTML    string
}

// Render writes m in its recipient's language, with links under baseURL.
func Render(m *bpo.OutboxMessage, baseURL string) Content {
	lang, ok := i18n.Parse(m.Lang)
	if !ok {
		lang = i18n.EN
	}
	p := m.Params
	prefix := "mail." + string(m.Kind)
	due := ""
	if t, err := time.Parse(time.DateOnly, p.DueDate); err == nil {
		due = i18n.Date(lang, t)
	}
	var body []string
	switch m.Kind {
	case bpo.MailOverdueDigest:
		body = []string{i18n.T(lang, prefix+".body", p.Title, due), strings.Join(p.Late, ", ")}
	case bpo.MailReminderSoon, bpo.MailReminderDue, bpo.MailOverdue:
		body = []string{i18n.N(lang, prefix+".body", p.Pending, p.Title, due)}
	case bpo.MailDecision:
		key := prefix + ".body"
		if p.Vendor == "" {
			key = prefix + ".body.in_house"
		}
		body = []string{i18n.T(lang, key, p.Title, p.Vendor)}
	default:
		body = []string{i18n.T(lang, prefix+".body", p.Title, p.Vendor)}
		if due != "" && (m.Kind == bpo.MailAssigned || m.Kind == bpo.MailScoringOpened) {
			body = append(body, i18n.T(lang, "mail.due", due))
		}
	}
	link := baseURL + p.Path
	greeting := i18n.T(lang, "mail.greeting", m.Name)
	action := i18n.T(lang, prefix+".action")
	footer := i18n.T(lang, "mail.footer")
	if m.Kind.IsReminder() {
		footer = i18n.T(lang, "mail.footer.reminders", baseURL+"/account")
	}
	var text strings.Builder
	text.WriteString(greeting + "\n\n")
	for _, b := range body {
		text.WriteString(b + "\n\n")
	}
	text.WriteString(action + ": " + link + "\n\n-- \n" + footer + "\n")
	var html bytes.Buffer
	_ = htmlMail.Execute(&html, map[string]any{
		"Lang": lang, "Greeting": greeting, "Body": body, "Action": action, "Link": link, "Footer": footer,
	})
	return Content{Subject: i18n.T(lang, prefix+".subject", p.Title, p.Vendor), Text: text.String(), HTML: html.String()}
}

var htmlMail = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Action}}</title></head>
<body>
<p>{{.Greeting}}</p>
{{range .Body}}<p>{{.}}</p>
{{end}}<p><a href="{{.Link}}">{{.Action}}</a></p>
<hr>
<p><small>{{.Footer}}</small></p>
</body></html>
`))

// MessageID is the Message-ID of the outbox message with key: the same
// for every delivery attempt of the message.
func MessageID(key, from string) string {
	domain := "bpoeval.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok {
			domain = d
		}
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '.'
	}, key)
	return "<" + safe + "@" + domain + ">"
}

// KeyHeader carries the outbox key as it is, for receivers that
// deduplicate on it.
const KeyHeader = "X-Bpoeval-Idempotency-Key"

// Build writes the whole message: headers, and a multipart/alternative
// body with the text part first and the HTML part second.
func Build(from string, m *bpo.OutboxMessage, c Content, date time.Time) ([]byte, error) {
	to := mail.Address{Name: m.Name, Address: m.Email}
	var buf bytes.Buffer
	boundary := randomBoundary()
	h := []string{
		"From: " + from,
		"To: " + to.String(),
		"Subject: " + mime.QEncoding.Encode("utf-8", c.Subject),
		"Date: " + date.UTC().Format(time.RFC1123Z),
		"Message-ID: " + MessageID(m.Key, from),
		KeyHeader + ": " + m.Key,
		"Auto-Submitted: auto-generated",
		"MIME-Version: 1.0",
		`Content-Type: multipart/alternative; boundary="` + boundary + `"`,
	}
	buf.WriteString(strings.Join(h, "\r\n") + "\r\n\r\n")
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(boundary); err != nil {
		return nil, err
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", c.Text}, {"text/html", c.HTML}} {
		pw, err := w.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(part.body)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("build mail: %w", err)
	}
	return buf.Bytes(), nil
}

func randomBoundary() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return "bpoeval-" + hex.EncodeToString(b[:])
}
