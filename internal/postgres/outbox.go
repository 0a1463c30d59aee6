package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// OutboxService implements bpo.OutboxService.
type OutboxService struct{ db *DB }

// NewOutboxService returns an outbox over db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

var _ bpo.OutboxService = (*OutboxService)(nil)

// queueMail writes one message to the outbox within the event's
// transaction. A key already queued is left alone: an event queues its
// message once, however often it is replayed.
func queueMail(ctx context.Context, tx pgx.Tx, now time.Time, key string, kind bpo.MailKind, userID int64, p bpo.MailParams) error {
	var evaluationID *int64
	if p.EvaluationID != 0 {
		evaluationID = &p.EvaluationID
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (key, kind, user_id, evaluation_id, params, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (key) DO NOTHING`,
		key, kind, userID, evaluationID, p, now)
	if err != nil {
		return fmt.Errorf("queue %s mail: %w", kind, err)
	}
	return nil
}

// eventKey is the idempotency key of an event's message: its kind, the
// objects it is about and the moment of its transaction.
func eventKey(kind bpo.MailKind, now time.Time, ids ...int64) string {
	k := string(kind)
	for _, id := range ids {
		k += ":" + strconv.FormatInt(id, 10)
	}
	return k + ":" + strconv.FormatInt(now.UnixMicro(), 10)
}

// evaluationMail is the parameters of a message about e.
func evaluationMail(e *bpo.Evaluation) bpo.MailParams {
	p := bpo.MailParams{EvaluationID: e.ID, Title: e.Title, Path: "/evaluations/" + strconv.FormatInt(e.ID, 10)}
	if e.DueDate != nil {
		p.DueDate = e.DueDate.Format(time.DateOnly)
	}
	return p
}

// queueAssigned tells an evaluator they were assigned to e.
func queueAssigned(ctx context.Context, tx pgx.Tx, now time.Time, e *bpo.Evaluation, userID int64) error {
	return queueMail(ctx, tx, now, eventKey(bpo.MailAssigned, now, e.ID, userID), bpo.MailAssigned, userID, evaluationMail(e))
}

// queueScoringOpened tells every evaluator of e that scoring is open.
func queueScoringOpened(ctx context.Context, tx pgx.Tx, now time.Time, e *bpo.Evaluation) error {
	rows, _ := tx.Query(ctx, `SELECT user_id FROM assignments WHERE evaluation_id = $1 ORDER BY user_id`, e.ID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("queue scoring opened: %w", err)
	}
	for _, id := range ids {
		if err := queueMail(ctx, tx, now, eventKey(bpo.MailScoringOpened, now, e.ID, id), bpo.MailScoringOpened, id, evaluationMail(e)); err != nil {
			return err
		}
	}
	return nil
}

// queueReopened tells an evaluator a manager reopened their scorecard.
func queueReopened(ctx context.Context, tx pgx.Tx, now time.Time, evaluationID, scorecardID int64) error {
	var (
		p                   bpo.MailParams
		evaluator, vendorID int64
	)
	err := tx.QueryRow(ctx, `
		SELECT s.evaluator_id, s.vendor_id, e.title, v.name FROM scorecards s
		JOIN evaluations e ON e.id = s.evaluation_id JOIN vendors v ON v.id = s.vendor_id
		WHERE s.id = $1`, scorecardID).Scan(&evaluator, &vendorID, &p.Title, &p.Vendor)
	if err != nil {
		return fmt.Errorf("queue reopened: %w", err)
	}
	p.EvaluationID = evaluationID
	p.Path = fmt.Sprintf("/evaluations/%d/scorecards/%d", evaluationID, vendorID)
	return queueMail(ctx, tx, now, eventKey(bpo.MailReopened, now, scorecardID), bpo.MailReopened, evaluator, p)
}

// queueDecision tells the evaluation's manager (who set it up; every
// manager when nobody did) that decision decisionID was recorded, for
// vendor ("" when the work stays in-house).
func queueDecision(ctx context.Context, tx pgx.Tx, now time.Time, evaluationID, decisionID int64, vendor string) error {
	e, _, err := loadEvaluation(ctx, tx, evaluationID, lockNone)
	if err != nil {
		return err
	}
	rows, _ := tx.Query(ctx, `
		SELECT u.id FROM users u, evaluations e WHERE e.id = $1
			AND (u.id = e.created_by OR (e.created_by IS NULL AND u.role = 'manager'))
		ORDER BY u.id`, evaluationID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("queue decision: %w", err)
	}
	p := evaluationMail(e)
	p.Vendor = vendor
	for _, id := range ids {
		if err := queueMail(ctx, tx, now, eventKey(bpo.MailDecision, now, decisionID, id), bpo.MailDecision, id, p); err != nil {
			return err
		}
	}
	return nil
}

// QueueReminders implements bpo.OutboxService. "Today" is the UTC date of
// the clock. An evaluator with scorecards still to submit on an open
// evaluation gets one reminder when the due date is 3 days off or less,
// one on the due date and one overdue notice after it; the evaluation's
// manager gets a digest of who is late. Keys carry the due date, so a
// moved due date arms them again, and a restart or a second instance
// never queues them twice. Users who turned reminders off get none.
func (s *OutboxService) QueueReminders(ctx context.Context) (int, error) {
	var n int
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, remindersSQL, now.Format(time.DateOnly), now)
		if err != nil {
			return fmt.Errorf("queue reminders: %w", err)
		}
		n = int(tag.RowsAffected())
		tag, err = tx.Exec(ctx, digestSQL, now.Format(time.DateOnly), now)
		if err != nil {
			return fmt.Errorf("queue overdue digests: %w", err)
		}
		n += int(tag.RowsAffected())
		tag, err = tx.Exec(ctx, contractPeriodSQL, now.Format(time.DateOnly), now)
		if err != nil {
			return fmt.Errorf("queue contract periods: %w", err)
		}
		n += int(tag.RowsAffected())
		return nil
	})
	return n, err
}

// lateSQL lists, for each open evaluation due within 3 days or past due,
// its evaluators with the number of scorecards they have not submitted
// (vendors still in the running, less declared conflicts). $1 is today.
const lateSQL = `
	SELECT e.id, e.title, e.due_date, e.created_by, a.user_id, u.name,
		(SELECT count(*) FROM participants p
			WHERE p.evaluation_id = e.id AND p.stage <> 'rejected'
			AND NOT EXISTS (SELECT 1 FROM conflicts c
				WHERE c.evaluation_id = e.id AND c.user_id = a.user_id AND c.vendor_id = p.vendor_id)
			AND NOT EXISTS (SELECT 1 FROM scorecards s
				WHERE s.evaluation_id = e.id AND s.vendor_id = p.vendor_id AND s.evaluator_id = a.user_id
				AND s.status = 'submitted')) AS pending
	FROM evaluations e JOIN assignments a ON a.evaluation_id = e.id JOIN users u ON u.id = a.user_id
	WHERE e.status = 'open' AND e.due_date IS NOT NULL AND e.due_date <= $1::date + 3`

// wantsReminders is true for the user of column col unless they said no.
func wantsReminders(col string) string {
	return `NOT EXISTS (SELECT 1 FROM mail_preferences mp WHERE mp.user_id = ` + col + ` AND NOT mp.reminders)`
}

var remindersSQL = `
	WITH late AS (` + lateSQL + `), due AS (
		SELECT late.*, CASE WHEN due_date > $1::date THEN 'reminder_soon'
			WHEN due_date = $1::date THEN 'reminder_due' ELSE 'overdue' END AS kind
		FROM late WHERE pending > 0)
	INSERT INTO outbox (key, kind, user_id, evaluation_id, params, created_at, next_attempt_at)
	SELECT kind || ':' || id || ':' || user_id || ':' || due_date, kind, user_id, id,
		jsonb_build_object('evaluation_id', id, 'title', title, 'due_date', due_date::text,
			'pending', pending, 'path', '/evaluations/' || id), $2, $2
	FROM due WHERE ` + wantsReminders("due.user_id") + `
	ON CONFLICT (key) DO NOTHING`

var digestSQL = `
	WITH late AS (` + lateSQL + `)
	INSERT INTO outbox (key, kind, user_id, evaluation_id, params, created_at, next_attempt_at)
	SELECT 'overdue_digest:' || id || ':' || due_date, 'overdue_digest', created_by, id,
		jsonb_build_object('evaluation_id', id, 'title', min(title), 'due_date', due_date::text,
			'late', jsonb_agg(name ORDER BY name), 'path', '/evaluations/' || id), $2, $2
	FROM late WHERE pending > 0 AND due_date < $1::date AND created_by IS NOT NULL
		AND ` + wantsReminders("late.created_by") + `
	GROUP BY id, due_date, created_by
	ON CONFLICT (key) DO NOTHING`

// contractPeriodSQL queues, for each active contract whose last ended
// period (a month or a quarter after its start) has no figures yet, one
// message to its owner (else whoever set it up). $1 is today.
const contractPeriodSQL = `
	WITH ended AS (
		SELECT c.id, coalesce(c.owner_id, c.created_by) AS user_id, v.name,
			(extract(year FROM age($1::date, c.start_date)) * 12 + extract(month FROM age($1::date, c.start_date)))::int
				/ CASE c.period_length WHEN 'quarterly' THEN 3 ELSE 1 END - 1 AS idx
		FROM contracts c JOIN vendors v ON v.id = c.vendor_id
		WHERE c.status = 'active' AND c.start_date <= $1::date)
	INSERT INTO outbox (key, kind, user_id, params, created_at, next_attempt_at)
	SELECT 'contract_period:' || id || ':' || idx, 'contract_period', user_id,
		jsonb_build_object('title', name, 'vendor', name, 'path', '/contracts/' || id), $2, $2
	FROM ended WHERE idx >= 0 AND user_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM contract_actuals a WHERE a.contract_id = ended.id AND a.index = ended.idx)
	ON CONFLICT (key) DO NOTHING`

// backoff is the wait before attempt n+1 after n failures: a minute,
// doubling, at most six hours.
func backoff(n int) time.Duration {
	d := time.Minute << min(n-1, 9)
	return min(d, 6*time.Hour)
}

// SendNext implements bpo.OutboxService. The message's row stays locked
// (FOR UPDATE) while it is sent, and other instances skip it (SKIP
// LOCKED): two instances never send one message at the same time. It is
// marked sent in the same transaction after send returns; a crash in
// between rolls the claim back, and the message is sent again later with
// the same key: at least once, and recognisably the same.
func (s *OutboxService) SendNext(ctx context.Context, send func(context.Context, *bpo.OutboxMessage) error) (bool, error) {
	found := false
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		rows, _ := tx.Query(ctx, outboxSelect+`
			WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= $1
			ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED`, now)
		m, err := pgx.CollectExactlyOneRow(rows, scanOutbox)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim mail: %w", err)
		}
		found = true
		if m.Kind.IsReminder() && !m.wantsReminders {
			_, err = tx.Exec(ctx, `UPDATE outbox SET failed_at = $2, last_error = 'reminders turned off' WHERE id = $1`, m.ID, now)
			return err
		}
		if sendErr := send(ctx, &m.OutboxMessage); sendErr != nil {
			m.Attempts++
			var failed *time.Time
			if m.Attempts >= bpo.MaxMailAttempts {
				failed = &now
			}
			_, err = tx.Exec(ctx, `UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4, failed_at = $5
				WHERE id = $1`, m.ID, m.Attempts, now.Add(backoff(m.Attempts)), truncate(sendErr.Error(), 500), failed)
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, sent_at = $2, last_error = '' WHERE id = $1`, m.ID, now)
		return err
	})
	return found, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

const outboxSelect = `
	SELECT o.id, o.key, o.kind, o.user_id, u.email, u.name, u.lang, o.params, o.created_at, o.attempts,
		o.next_attempt_at, o.last_error, o.sent_at, o.failed_at, ` + `
		NOT EXISTS (SELECT 1 FROM mail_preferences mp WHERE mp.user_id = o.user_id AND NOT mp.reminders)
	FROM outbox o JOIN users u ON u.id = o.user_id`

type outboxRow struct {
	bpo.OutboxMessage
	wantsReminders bool
}

func scanOutbox(row pgx.CollectableRow) (*outboxRow, error) {
	var m outboxRow
	err := row.Scan(&m.ID, &m.Key, &m.Kind, &m.UserID, &m.Email, &m.Name, &m.Lang, &m.Params, &m.CreatedAt,
		&m.Attempts, &m.NextAttemptAt, &m.LastError, &m.SentAt, &m.FailedAt, &m.wantsReminders)
	return &m, err
}

// FindOutbox implements bpo.OutboxService.
func (s *OutboxService) FindOutbox(ctx context.Context, f bpo.OutboxFilter) ([]*bpo.OutboxMessage, error) {
	if u := bpo.UserFromContext(ctx); u == nil || u.Role != bpo.RoleAdmin {
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.forbidden")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	where := ""
	if f.Pending {
		where = " WHERE o.sent_at IS NULL AND o.failed_at IS NULL"
	}
	rows, _ := s.db.Pool.Query(ctx, outboxSelect+where+` ORDER BY o.created_at DESC, o.id DESC LIMIT $1`, f.Limit)
	list, err := pgx.CollectRows(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("find outbox: %w", err)
	}
	out := make([]*bpo.OutboxMessage, len(list))
	for i, m := range list {
		out[i] = &m.OutboxMessage
	}
	return out, nil
}

// Reminders implements bpo.OutboxService.
func (s *OutboxService) Reminders(ctx context.Context) (bool, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return false, bpo.Errorf(bpo.EUNAUTHORIZED, "error.unauthorized")
	}
	on := true
	err := s.db.Pool.QueryRow(ctx, `SELECT reminders FROM mail_preferences WHERE user_id = $1`, u.ID).Scan(&on)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("read reminders: %w", err)
	}
	return on, nil
}

// SetReminders implements bpo.OutboxService; the change is audited.
func (s *OutboxService) SetReminders(ctx context.Context, on bool) error {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return bpo.Errorf(bpo.EUNAUTHORIZED, "error.unauthorized")
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := tx.Exec(ctx, `INSERT INTO mail_preferences (user_id, reminders) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET reminders = EXCLUDED.reminders`, u.ID, on); err != nil {
			return fmt.Errorf("set reminders: %w", err)
		}
		return audit(ctx, tx, now, bpo.EntityUser, u.ID, bpo.ActionUpdate, nil, map[string]bool{"reminders": on})
	})
}
