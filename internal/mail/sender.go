package mail

import (
	"context"
	"log/slog"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// Transport delivers one whole message.
type Transport interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// Sender drains the outbox: every Interval it queues the reminders that
// have come due and, when it has a transport, sends what is waiting.
// Without one, messages stay in the outbox, where administrators see them.
type Sender struct {
	Outbox    bpo.OutboxService
	Transport Transport // nil: queue only
	From      string
	BaseURL   string
	Log       *slog.Logger
	Interval  time.Duration
	Now       bpo.Clock
}

// Run works until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.Outbox.QueueReminders(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("queue reminders", "error", err)
		}
		if s.Transport != nil {
			if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("send mail", "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Drain sends messages until none is due, and returns how many it tried.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		found, err := s.Outbox.SendNext(ctx, s.Deliver)
		if err != nil || !found {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// Deliver renders and sends one message.
func (s *Sender) Deliver(ctx context.Context, m *bpo.OutboxMessage) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg, err := Build(s.From, m, Render(m, s.BaseURL), now())
	if err != nil {
		return err
	}
	if err := s.Transport.Send(ctx, s.From, m.Email, msg); err != nil {
		s.Log.Warn("mail not sent", "key", m.Key, "attempt", m.Attempts+1, "error", err)
		return err
	}
	s.Log.Info("mail sent", "key", m.Key, "kind", string(m.Kind))
	return nil
}
