package bpo

import (
	"context"
	"time"
)

// MailKind is what an e-mail of the outbox is about.
type MailKind string

// The e-mails bpoeval sends. Each is written to the outbox in the
// transaction of the event that causes it (the reminders: of the check
// that finds them due), and rendered in the recipient's language when sent.
const (
	MailAssigned       MailKind = "assigned"        // an evaluator was assigned to an evaluation
	MailScoringOpened  MailKind = "scoring_opened"  // an evaluation the evaluator is assigned to opened
	MailReminderSoon   MailKind = "reminder_soon"   // due within 3 days, scorecards not all submitted
	MailReminderDue    MailKind = "reminder_due"    // due today, scorecards not all submitted
	MailOverdue        MailKind = "overdue"         // past due, scorecards not all submitted
	MailOverdueDigest  MailKind = "overdue_digest"  // to the manager: who is late
	MailReopened       MailKind = "reopened"        // a manager reopened the evaluator's scorecard
	MailDecision       MailKind = "decision"        // a decision was recorded, to the evaluation's manager
	MailContractPeriod MailKind = "contract_period" // a contract period's figures are due
)

// IsReminder reports whether the user's "no reminders" choice silences k.
func (k MailKind) IsReminder() bool {
	return k == MailReminderSoon || k == MailReminderDue || k == MailOverdue || k == MailOverdueDigest
}

// MailParams are the facts an e-mail is written from, captured with the
// event: names may change before it is sent, ids do not.
type MailParams struct {
	EvaluationID int64    `json:"evaluation_id,omitempty"`
	Title        string   `json:"title,omitempty"`
	Vendor       string   `json:"vendor,omitempty"`
	DueDate      string   `json:"due_date,omitempty"` // YYYY-MM-DD
	Pending      int      `json:"pending,omitempty"`  // scorecards not submitted
	Late         []string `json:"late,omitempty"`     // the digest's evaluators
	Path         string   `json:"path,omitempty"`     // the page the e-mail links to
}

// OutboxMessage is one e-mail to send.
type OutboxMessage struct {
	ID int64
	// Key is the message's idempotency key: one event, one key, and the
	// Message-ID of every delivery attempt, so that a receiver sees a
	// repeat after a crash as the same message.
	Key           string
	Kind          MailKind
	UserID        int64
	Email         string // the recipient's, read when sent
	Name          string
	Lang          string // the recipient's language, "" for the default
	Params        MailParams
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	SentAt        *time.Time
	FailedAt      *time.Time // given up after MaxMailAttempts
}

// MaxMailAttempts is how often a message is tried before it is given up.
const MaxMailAttempts = 10

// OutboxFilter selects messages for the administrators' page.
type OutboxFilter struct {
	Pending bool // only those not sent (nor given up)
	Limit   int
}

// OutboxService is the notifications outbox.
type OutboxService interface {
	// SendNext claims the oldest message due, calls send with it and
	// records the outcome: sent, or a retry later with back-off. A message
	// claimed by another instance is skipped, never sent twice at once.
	// It reports whether there was a message.
	SendNext(ctx context.Context, send func(context.Context, *OutboxMessage) error) (bool, error)
	// QueueReminders queues the reminders and overdue notices due at now;
	// each is queued once per evaluation, person and due date.
	QueueReminders(ctx context.Context) (int, error)
	// FindOutbox lists messages, newest first. Administrators only.
	FindOutbox(ctx context.Context, f OutboxFilter) ([]*OutboxMessage, error)
	// Reminders reports whether the signed-in user gets reminders.
	Reminders(ctx context.Context) (bool, error)
	// SetReminders turns the signed-in user's reminders on or off.
	SetReminders(ctx context.Context, on bool) error
}
