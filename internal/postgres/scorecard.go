package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unique"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// ScorecardService implements bpo.ScorecardService.
type ScorecardService struct{ db *DB }

// NewScorecardService returns the scorecard service over db.
func NewScorecardService(db *DB) *ScorecardService { return &ScorecardService{db: db} }

var _ bpo.ScorecardService = (*ScorecardService)(nil)

// requireEvaluator refuses, before any query, the callers who never rate:
// scorecards are the evaluators' own.
func requireEvaluator(ctx context.Context) (*bpo.User, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil || u.Role != bpo.RoleEvaluator {
		return nil, forbiddenUnless(false)
	}
	return u, nil
}

// DeclareConflicts implements bpo.ScorecardService.
func (s *ScorecardService) DeclareConflicts(ctx context.Context, evaluationID int64, conflicts []bpo.Conflict) error {
	u, err := requireEvaluator(ctx)
	if err != nil {
		return err
	}
	var p bpo.Problems
	vendors := make([]int64, len(conflicts))
	notes := make([]string, len(conflicts))
	for i, c := range conflicts {
		if slices.Contains(vendors[:i], c.VendorID) {
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.duplicate_conflict")
		}
		vendors[i], notes[i] = c.VendorID, c.Note
		bpo.CheckFreeText(&p, "note", c.Note, bpo.ConflictNoteMax)
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if err := lockForDeclaration(ctx, tx, evaluationID); err != nil {
			return err
		}
		var (
			declared *time.Time
			known    int
		)
		err = tx.QueryRow(ctx, `SELECT a.coi_declared_at,
				(SELECT count(*) FROM participants WHERE evaluation_id = $1 AND vendor_id = ANY($3))
			FROM assignments a WHERE a.evaluation_id = $1 AND a.user_id = $2 FOR UPDATE`,
			evaluationID, u.ID, vendors).Scan(&declared, &known)
		if errors.Is(err, pgx.ErrNoRows) {
			// Unassigned since loadEvaluation saw the assignment.
			return bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
		}
		if err != nil {
			return fmt.Errorf("declare conflicts: %w", err)
		}
		if declared != nil {
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.already_declared")
		}
		if known != len(vendors) {
			return bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
		}
		// The declaration covers every vendor taking part now; one added
		// later needs a declaration of its own (DeclareVendor).
		_, err = tx.Exec(ctx, `
			WITH k AS (
				INSERT INTO conflicts (evaluation_id, user_id, vendor_id, note, declared_at)
				SELECT $1, $2, v, n, $5 FROM unnest($3::bigint[], $4::text[]) AS t (v, n)
			), d AS (
				INSERT INTO vendor_declarations (evaluation_id, user_id, vendor_id, declared_at)
				SELECT $1, $2, vendor_id, $5 FROM participants WHERE evaluation_id = $1
			)
			UPDATE assignments SET coi_declared_at = $5 WHERE evaluation_id = $1 AND user_id = $2`,
			evaluationID, u.ID, vendors, notes, now)
		if err != nil {
			return fmt.Errorf("declare conflicts: %w", err)
		}
		list := make([]bpo.ConflictSnapshot, len(conflicts))
		for i, c := range conflicts {
			list[i] = bpo.ConflictSnapshot{VendorID: c.VendorID, Note: c.Note}
		}
		return auditEval(ctx, tx, now, evaluationID, bpo.EntityAssignment, u.ID, bpo.ActionDeclare, nil, bpo.DeclarationSnapshot{Conflicts: list})
	})
}

// readScorecard returns a scorecard with its ratings, empty (ID 0) when the
// evaluator has not started it.
func readScorecard(ctx context.Context, q querier, evaluationID, vendorID, evaluatorID int64) (*bpo.Scorecard, error) {
	rows, _ := q.Query(ctx, scorecardSQL, evaluationID, vendorID, evaluatorID)
	return scanScorecard(rows, evaluationID, vendorID, evaluatorID)
}

// scorecardSQL reads the scorecard of evaluation $1, vendor $2 and evaluator
// $3: one row per rating, or one row of NULL ratings for a scorecard
// without any; the scorecard's columns repeat on every row.
const scorecardSQL = scorecardColumns + `r.justification` + scorecardRows

// autosaveScorecardSQL is scorecardSQL, plus $4 a criterion: the one
// rating whose justification it reads, the others' being left empty (see
// bpo.ScorecardService.AutosaveRating).
const autosaveScorecardSQL = scorecardColumns + `CASE WHEN r.criterion_id = $4 THEN r.justification ELSE '' END` + scorecardRows

const (
	scorecardColumns = `
	SELECT s.id, s.status, s.submitted_at, s.version, s.updated_at,
		r.criterion_id, r.value, `
	scorecardRows = `, r.version, r.updated_at
	FROM scorecards s LEFT JOIN ratings r ON r.scorecard_id = s.id
	WHERE s.evaluation_id = $1 AND s.vendor_id = $2 AND s.evaluator_id = $3`
)

// scanScorecard reads the rows of scorecardSQL or autosaveScorecardSQL; no
// row is a scorecard not started (ID 0). A scorecard was last updated when
// it or its latest rating was.
func scanScorecard(rows pgx.Rows, evaluationID, vendorID, evaluatorID int64) (*bpo.Scorecard, error) {
	sc := &bpo.Scorecard{EvaluationID: evaluationID, VendorID: vendorID, EvaluatorID: evaluatorID}
	// The ratings in one array, and the map made once at its size: this
	// runs on every autosave.
	var ratings []bpo.Rating
	var (
		cardUpdatedAt        time.Time
		criterionID, version *int64
		value                *int
		justification        *string
		updatedAt            *time.Time
	)
	_, err := pgx.ForEachRow(rows, []any{&sc.ID, &sc.Status, &sc.SubmittedAt, &sc.Version, &cardUpdatedAt,
		&criterionID, &value, &justification, &version, &updatedAt}, func() error {
		if cardUpdatedAt.After(sc.UpdatedAt) {
			sc.UpdatedAt = cardUpdatedAt
		}
		if criterionID != nil {
			r := bpo.Rating{CriterionID: *criterionID, Value: value, Justification: *justification, Version: int(*version), UpdatedAt: *updatedAt}
			ratings = append(ratings, r)
			if r.UpdatedAt.After(sc.UpdatedAt) {
				sc.UpdatedAt = r.UpdatedAt
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read scorecard: %w", err)
	}
	sc.Ratings = make(map[int64]*bpo.Rating, len(ratings))
	for i := range ratings {
		sc.Ratings[ratings[i].CriterionID] = &ratings[i]
	}
	return sc, nil
}

// FindScorecard implements bpo.ScorecardService. An evaluatorID of 0 means
// the caller.
func (s *ScorecardService) FindScorecard(ctx context.Context, evaluationID, vendorID, evaluatorID int64) (*bpo.Scorecard, error) {
	u := bpo.UserFromContext(ctx)
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	if evaluatorID == 0 {
		evaluatorID = u.ID
	}
	if evaluatorID != u.ID && !bpo.CanSeeOthersRatings(u) {
		return nil, forbiddenUnless(false)
	}
	var vendor, assigned bool
	err := s.db.Pool.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM participants WHERE evaluation_id = $1 AND vendor_id = $2),
			EXISTS (SELECT 1 FROM assignments WHERE evaluation_id = $1 AND user_id = $3)`,
		evaluationID, vendorID, evaluatorID).Scan(&vendor, &assigned)
	switch {
	case err != nil:
		return nil, fmt.Errorf("find scorecard: %w", err)
	case !vendor:
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
	case !assigned:
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_assigned")
	}
	return readScorecard(ctx, s.db.Pool, evaluationID, vendorID, evaluatorID)
}

// FindMyScorecards implements bpo.ScorecardService in one query over every
// open evaluation the caller is assigned to: a row per vendor they may
// score once they have declared, a row without a vendor before.
func (s *ScorecardService) FindMyScorecards(ctx context.Context) ([]*bpo.MyScorecard, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil || u.Role != bpo.RoleEvaluator {
		return nil, nil
	}
	rows, _ := s.db.Pool.Query(ctx, `
		SELECT e.id, e.title, e.due_date, a.coi_declared_at IS NOT NULL,
			EXISTS (SELECT 1 FROM vendor_declarations d
				WHERE d.evaluation_id = e.id AND d.user_id = a.user_id AND d.vendor_id = p.vendor_id),
			coalesce(p.vendor_id, 0), coalesce(v.name, ''), coalesce(sc.status, ''),
			(SELECT count(*) FROM ratings r JOIN criteria c ON c.id = r.criterion_id
				WHERE r.scorecard_id = sc.id AND c.kind = 'rated' AND r.value IS NOT NULL),
			(SELECT count(*) FROM criteria c WHERE c.evaluation_id = e.id AND c.kind = 'rated')
		FROM assignments a
		JOIN evaluations e ON e.id = a.evaluation_id AND e.status = 'open'
		LEFT JOIN participants p ON a.coi_declared_at IS NOT NULL
			AND p.evaluation_id = e.id AND p.stage <> 'rejected'
			AND NOT EXISTS (SELECT 1 FROM conflicts k
				WHERE k.evaluation_id = e.id AND k.user_id = a.user_id AND k.vendor_id = p.vendor_id)
		LEFT JOIN vendors v ON v.id = p.vendor_id
		LEFT JOIN scorecards sc ON sc.evaluation_id = e.id AND sc.vendor_id = p.vendor_id AND sc.evaluator_id = a.user_id
		WHERE a.user_id = $1
		ORDER BY e.due_date NULLS LAST, e.created_at DESC, e.id DESC, lower(v.name), p.vendor_id`, u.ID)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.MyScorecard, error) {
		var m bpo.MyScorecard
		err := row.Scan(&m.EvaluationID, &m.EvaluationTitle, &m.DueDate, &m.Declared, &m.VendorDeclared,
			&m.VendorID, &m.VendorName, &m.Status, &m.Rated, &m.Total)
		return &m, err
	})
	if err != nil {
		return nil, fmt.Errorf("find my scorecards: %w", err)
	}
	// A declared evaluator of an evaluation without vendors to score has nothing to do there.
	return slices.DeleteFunc(list, func(m *bpo.MyScorecard) bool { return m.Declared && m.VendorID == 0 }), nil
}

// An autosave is one statement, hence one round trip and one implicit
// transaction, in one of two forms: the first save of a criterion (the
// page saw no rating: version 0), which may create the scorecard and
// inserts the rating, and every later one, which may only update it. A
// statement's nodes all cost their set-up on every execution, run or not,
// so each form holds only the steps it can take:
//
//   - ev locks the evaluation FOR SHARE, so that it cannot close while the
//     save is in flight, and reads its latest status;
//   - facts gathers everything the authorization rules need;
//   - allowed holds a row only when every check passes;
//   - card is the scorecard. An existing one is locked FOR SHARE: the lock
//     serialises the saves of a scorecard with its submission, and gives
//     its latest status, without writing a new version of its row on every
//     save. The first save creates it if need be, with ON CONFLICT DO
//     UPDATE (a no-op update) rather than DO NOTHING, which returns, and
//     locks, the scorecard even when a concurrent first save has just
//     created it. A later save never creates it: without a scorecard, the
//     rating it was based on is gone and the save is stale;
//   - prev locks the rating and reads its latest committed version;
//   - saved is the rating written only if it is still at the version the
//     page saw (none, for a first save), or left as it was when the save
//     changes nothing;
//   - logged appends exactly one audit event per accepted change.
//
// When nothing is written, the final row still says why, from facts.
// The arguments are by position, as newSave lists them.
const (
	// $7, the version the save is based on, is 0 in this form; its
	// conditions keep the statement right whatever it is given.
	saveFirstRatingSQL = saveRatingFacts + `, created AS (
	INSERT INTO scorecards AS s (evaluation_id, vendor_id, evaluator_id, created_at, updated_at)
	SELECT $1, $2, $3, $8, $8 FROM allowed
	WHERE $7::int = 0 AND NOT EXISTS (SELECT FROM existing)
	ON CONFLICT (evaluation_id, vendor_id, evaluator_id) DO UPDATE SET updated_at = s.updated_at
	RETURNING s.id, s.status
), card AS (
	SELECT id, status FROM existing UNION ALL SELECT id, status FROM created
),` + saveRatingPrev + `, saved AS (
	INSERT INTO ratings (scorecard_id, criterion_id, value, justification, updated_at)
	SELECT card.id, $4, $5::int, $6::text, $8 FROM card
	WHERE card.status = 'draft' AND $7::int = 0 AND NOT EXISTS (SELECT FROM prev)
	ON CONFLICT (scorecard_id, criterion_id) DO NOTHING
	RETURNING id, value, justification, version, updated_at
), logged AS (
	INSERT INTO audit_events (at, actor_id, evaluation_id, entity, entity_id, action, after)
	SELECT $8, $3, $1, 'rating', saved.id, 'create', ` + savedRatingJSON + `
	FROM saved
	RETURNING 1
)` + saveRatingAnswer

	saveNextRatingSQL = saveRatingFacts + `, card AS (
	SELECT id, status FROM existing
),` + saveRatingPrev + `, updated AS (
	UPDATE ratings r SET value = $5::int, justification = $6::text,
		version = r.version + 1, updated_at = $8
	FROM prev, card
	WHERE r.id = prev.id AND prev.version = $7::int AND card.status = 'draft'
		AND (prev.value IS DISTINCT FROM $5::int OR prev.justification IS DISTINCT FROM $6::text)
	RETURNING r.id, r.value, r.justification, r.version, r.updated_at
), saved AS (
	SELECT * FROM updated
	UNION ALL
	-- A save of what is stored (a radio chosen again, a box left as it
	-- was) writes nothing and is not audited: it answers as saved.
	SELECT prev.id, prev.value, prev.justification, prev.version, prev.updated_at
	FROM prev, card
	WHERE prev.version = $7::int AND card.status = 'draft'
		AND prev.value IS NOT DISTINCT FROM $5::int AND prev.justification IS NOT DISTINCT FROM $6::text
), logged AS (
	INSERT INTO audit_events (at, actor_id, evaluation_id, entity, entity_id, action, before, after)
	SELECT $8, $3, $1, 'rating', saved.id, 'update',
		jsonb_build_object('value', prev.value, 'justification', prev.justification, 'version', prev.version),
		` + savedRatingJSON + `
	FROM updated saved, prev
	RETURNING 1
)` + saveRatingAnswer

	saveRatingFacts = `
WITH ev AS (
	SELECT id, status, scale_min, scale_max FROM evaluations WHERE id = $1 FOR SHARE
), facts AS (
	SELECT ev.status, ev.scale_min, ev.scale_max,
		a.user_id IS NOT NULL AS assigned,
		EXISTS (SELECT 1 FROM vendor_declarations d
			WHERE d.evaluation_id = ev.id AND d.user_id = $3 AND d.vendor_id = $2) AS declared,
		p.stage,
		EXISTS (SELECT 1 FROM conflicts k
			WHERE k.evaluation_id = ev.id AND k.user_id = $3 AND k.vendor_id = $2) AS conflicted,
		c.kind
	FROM ev
	LEFT JOIN assignments a ON a.evaluation_id = ev.id AND a.user_id = $3
	LEFT JOIN participants p ON p.evaluation_id = ev.id AND p.vendor_id = $2
	LEFT JOIN criteria c ON c.evaluation_id = ev.id AND c.id = $4
), allowed AS (
	SELECT FROM facts
	WHERE status = 'open' AND assigned AND declared AND stage <> 'rejected' AND NOT conflicted
		AND kind = 'rated' AND ($5::int IS NULL OR $5::int BETWEEN scale_min AND scale_max)
), existing AS (
	SELECT s.id, s.status FROM scorecards s
	WHERE s.evaluation_id = $1 AND s.vendor_id = $2 AND s.evaluator_id = $3 AND EXISTS (SELECT FROM allowed)
	FOR SHARE OF s
)`

	saveRatingPrev = ` prev AS (
	SELECT r.id, r.value, r.justification, r.version, r.updated_at
	FROM ratings r JOIN card ON r.scorecard_id = card.id
	WHERE r.criterion_id = $4
	FOR UPDATE OF r
)`

	savedRatingJSON = `jsonb_build_object('vendor_id', $2::bigint, 'criterion_id', $4::bigint,
			'value', saved.value, 'justification', saved.justification, 'version', saved.version)`

	saveRatingAnswer = `
SELECT f.status, f.scale_min, f.scale_max, f.assigned, f.declared, f.stage, f.conflicted, f.kind,
	card.status, prev.id IS NOT NULL, prev.value, prev.version,
	saved.value, saved.justification, saved.version, saved.updated_at, (SELECT count(*) FROM logged)
FROM facts f LEFT JOIN card ON true LEFT JOIN prev ON true LEFT JOIN saved ON true`
)

// SaveRating implements bpo.ScorecardService. It takes one round trip to
// the database: see saveFirstRatingSQL. A second one is needed only to report
// the current value when two saves of a criterion that had no rating race.
func (s *ScorecardService) SaveRating(ctx context.Context, evaluationID, vendorID int64, in bpo.RatingInput) (*bpo.Rating, error) {
	sv, err := s.newSave(ctx, evaluationID, vendorID, in)
	if err != nil {
		return nil, err
	}
	return sv.outcome(ctx, s.db.Pool.QueryRow(ctx, sv.sql(), sv.args...).Scan(sv.dest()...))
}

// AutosaveRating implements bpo.ScorecardService: the save, then
// autosaveScorecardSQL, pipelined in one batch. Statements of a batch run
// in order, so the read sees the save. The scorecard read is the caller's own; it is
// returned only when the save's facts show the caller may see it.
func (s *ScorecardService) AutosaveRating(ctx context.Context, evaluationID, vendorID int64, in bpo.RatingInput) (*bpo.Rating, *bpo.Scorecard, error) {
	sv, err := s.newSave(ctx, evaluationID, vendorID, in)
	if err != nil {
		return nil, nil, err
	}
	var (
		b                pgx.Batch
		scanErr, cardErr error
		card             *bpo.Scorecard
	)
	b.Queue(sv.sql(), sv.args...).QueryRow(func(row pgx.Row) error {
		scanErr = row.Scan(sv.dest()...)
		return nil
	})
	b.Queue(autosaveScorecardSQL, evaluationID, vendorID, sv.user.ID, in.CriterionID).Query(func(rows pgx.Rows) error {
		card, cardErr = scanScorecard(rows, evaluationID, vendorID, sv.user.ID)
		return nil
	})
	if err := s.db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, nil, fmt.Errorf("autosave rating: %w", err)
	}
	saved, saveErr := sv.outcome(ctx, scanErr)
	// The scorecard is the caller's to see, whether the save went through
	// or not, when they are assigned and the vendor takes part.
	if scanErr != nil || !bpo.CanSeeEvaluation(sv.user, sv.assigned) || sv.stage == nil {
		return nil, nil, saveErr
	}
	if cardErr != nil {
		return nil, nil, cmp.Or(saveErr, cardErr)
	}
	return saved, card, saveErr
}

// FindScorecardDetail implements bpo.ScorecardService.
func (s *ScorecardService) FindScorecardDetail(ctx context.Context, evaluationID, vendorID, evaluatorID int64) (*bpo.ScorecardDetail, error) {
	u := bpo.UserFromContext(ctx)
	if u == nil {
		return nil, forbiddenUnless(false)
	}
	if evaluatorID == 0 {
		evaluatorID = u.ID
	}
	var b pgx.Batch
	read := queueScorecardDetail(&b, u, evaluationID, vendorID, evaluatorID)
	if err := s.db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, fmt.Errorf("find scorecard detail: %w", err)
	}
	return read()
}

// queueScorecardDetail queues the reads of a scorecard's page and returns
// what assembles them, once the batch has run, with FindScorecard's checks.
func queueScorecardDetail(b *pgx.Batch, u *bpo.User, evaluationID, vendorID, evaluatorID int64) func() (*bpo.ScorecardDetail, error) {
	var (
		d            bpo.ScorecardDetail
		visible      error
		participants []*bpo.Participant
		assignments  []*bpo.Assignment
		cardErr      error
	)
	b.Queue(evaluationSQL, evaluationID, u.ID).Query(func(rows pgx.Rows) error {
		d.Evaluation, _, visible = visibleEvaluation(u, rows)
		return nil
	})
	queueCriteria(b, &d.Criteria, evaluationID)
	queueList(b, participantSQL, scanParticipant, &participants, evaluationID, vendorID)
	queueList(b, assignmentSQL, scanAssignment, &assignments, evaluationID, evaluatorID)
	b.Queue(scorecardSQL, evaluationID, vendorID, evaluatorID).Query(func(rows pgx.Rows) error {
		d.Scorecard, cardErr = scanScorecard(rows, evaluationID, vendorID, evaluatorID)
		return nil
	})
	return func() (*bpo.ScorecardDetail, error) {
		switch {
		case visible != nil:
			return nil, visible
		case evaluatorID != u.ID && !bpo.CanSeeOthersRatings(u):
			return nil, forbiddenUnless(false)
		case cardErr != nil:
			return nil, cardErr
		}
		for _, p := range participants {
			if p.VendorID == vendorID {
				d.Vendor = p
			}
		}
		for _, a := range assignments {
			if a.UserID == evaluatorID {
				d.Evaluator = a
			}
		}
		switch {
		case d.Vendor == nil:
			return nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
		case d.Evaluator == nil:
			return nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_assigned")
		}
		return &d, nil
	}
}

// save is one autosave: its statement's arguments and what the
// statement answers.
type save struct {
	db                    *DB
	user                  *bpo.User
	in                    bpo.RatingInput
	evaluationID          int64
	vendorID              int64
	args                  []any // the statement's, in order
	status                bpo.EvaluationStatus
	scaleMin, scaleMax    int
	assigned, declared    bool
	conflicted, hadRating bool
	stage                 *bpo.VendorStage
	kind                  *bpo.CriterionKind
	cardStatus            *bpo.ScorecardStatus
	prevValue             *int
	prevVersion, version  *int
	value                 *int
	justification         *string
	updatedAt             *time.Time
	logged                int
}

// newSave checks what needs no query and prepares the statement's arguments.
func (s *ScorecardService) newSave(ctx context.Context, evaluationID, vendorID int64, in bpo.RatingInput) (*save, error) {
	u, err := requireEvaluator(ctx)
	if err != nil {
		return nil, err
	}
	var p bpo.Problems
	bpo.CheckFreeText(&p, "justification", in.Justification, bpo.JustificationMax)
	if in.Version < 0 {
		p.Add("version", "error.field.integer")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	// The arguments of the save's statement by position: $1 evaluation, $2 vendor,
	// $3 evaluator, $4 criterion, $5 value, $6 justification, $7 version the
	// save is based on, $8 now. (Named arguments would have pgx rewrite the
	// long statement on every autosave.)
	args := []any{evaluationID, vendorID, u.ID, in.CriterionID, in.Value, in.Justification, in.Version,
		s.db.Now().UTC().Truncate(time.Microsecond)}
	return &save{db: s.db, user: u, in: in, evaluationID: evaluationID, vendorID: vendorID, args: args}, nil
}

func (sv *save) dest() []any {
	return []any{&sv.status, &sv.scaleMin, &sv.scaleMax, &sv.assigned, &sv.declared, &sv.stage, &sv.conflicted, &sv.kind,
		&sv.cardStatus, &sv.hadRating, &sv.prevValue, &sv.prevVersion,
		&sv.value, &sv.justification, &sv.version, &sv.updatedAt, &sv.logged}
}

// sql is the save's statement: see saveFirstRatingSQL.
func (sv *save) sql() string {
	if sv.in.Version == 0 {
		return saveFirstRatingSQL
	}
	return saveNextRatingSQL
}

// outcome interprets what the save's statement answered (err is the scan's).
func (sv *save) outcome(ctx context.Context, err error) (*bpo.Rating, error) {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("save rating: %w", err)
	}
	in, u := sv.in, sv.user
	if sv.version != nil {
		return &bpo.Rating{CriterionID: in.CriterionID, Value: sv.value, Justification: *sv.justification,
			Version: *sv.version, UpdatedAt: *sv.updatedAt}, nil
	}
	// Nothing was written: say why, in the order a user can act on it. The
	// rules are the ones the statement's card CTE applies.
	var p bpo.Problems
	e := &bpo.Evaluation{Status: sv.status, ScaleMin: sv.scaleMin, ScaleMax: sv.scaleMax}
	switch {
	case !bpo.CanSeeEvaluation(u, sv.assigned):
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.evaluation.not_found")
	case sv.stage == nil:
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
	case sv.kind == nil:
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
	case *sv.kind != bpo.KindRated:
		p.Add("criterion", "error.scorecard.not_rated")
		return nil, p.Err()
	case in.Value != nil && (*in.Value < sv.scaleMin || *in.Value > sv.scaleMax):
		p.Add("value", "error.field.range", sv.scaleMin, sv.scaleMax)
		return nil, p.Err()
	case !bpo.CanScore(u, e, sv.assigned):
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.not_open")
	case !sv.declared:
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.declaration_required")
	case sv.conflicted:
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.conflict")
	case *sv.stage == bpo.StageRejected:
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.vendor_rejected")
	case sv.cardStatus == nil && in.Version == 0:
		return nil, fmt.Errorf("save rating: refused without a reason")
	case sv.cardStatus != nil && *sv.cardStatus == bpo.ScorecardSubmitted:
		return nil, bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.submitted")
	}
	if !sv.hadRating && in.Version == 0 {
		// A concurrent save created the rating after this statement began:
		// read what it stored.
		err := sv.db.Pool.QueryRow(ctx, `SELECT r.value FROM ratings r JOIN scorecards s ON s.id = r.scorecard_id
			WHERE s.evaluation_id = $1 AND s.vendor_id = $2 AND s.evaluator_id = $3 AND r.criterion_id = $4`,
			sv.evaluationID, sv.vendorID, u.ID, in.CriterionID).Scan(&sv.prevValue)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("save rating: %w", err)
		}
	}
	return nil, staleRating(sv.prevValue)
}

// staleRating is the ECONFLICT of an autosave that lost a race: its
// arguments name the value now stored, so that the page can say what the
// other save changed.
func staleRating(current *int) error {
	if current == nil {
		return bpo.Errorf(bpo.ECONFLICT, "error.scorecard.rating_stale_empty")
	}
	return bpo.Errorf(bpo.ECONFLICT, "error.scorecard.rating_stale", *current)
}

// scoringRights checks, for a submission, what SaveRating checks in SQL:
// the vendor takes part and is not rejected, and the caller declared for
// it and has no conflict with it.
func scoringRights(ctx context.Context, tx pgx.Tx, evaluationID, vendorID, userID int64) error {
	var (
		stage              bpo.VendorStage
		declared, conflict bool
	)
	err := tx.QueryRow(ctx, `
		SELECT p.stage,
			EXISTS (SELECT 1 FROM vendor_declarations d WHERE d.evaluation_id = $1 AND d.user_id = $3 AND d.vendor_id = $2),
			EXISTS (SELECT 1 FROM conflicts k WHERE k.evaluation_id = $1 AND k.user_id = $3 AND k.vendor_id = $2)
		FROM participants p JOIN assignments a ON a.evaluation_id = p.evaluation_id AND a.user_id = $3
		WHERE p.evaluation_id = $1 AND p.vendor_id = $2`, evaluationID, vendorID, userID).Scan(&stage, &declared, &conflict)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
	case err != nil:
		return fmt.Errorf("check scoring rights: %w", err)
	case !declared:
		return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.declaration_required")
	case conflict:
		return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.conflict")
	case stage == bpo.StageRejected:
		return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.vendor_rejected")
	}
	return nil
}

// SubmitScorecard implements bpo.ScorecardService.
func (s *ScorecardService) SubmitScorecard(ctx context.Context, evaluationID, vendorID int64, version int) (*bpo.Scorecard, error) {
	u, err := requireEvaluator(ctx)
	if err != nil {
		return nil, err
	}
	var sc *bpo.Scorecard
	err = s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, assigned, err := loadEvaluation(ctx, tx, evaluationID, lockShare)
		if err != nil {
			return err
		}
		if !bpo.CanScore(u, e, assigned) {
			return bpo.Errorf(bpo.EFORBIDDEN, "error.scorecard.not_open")
		}
		if err := scoringRights(ctx, tx, evaluationID, vendorID, u.ID); err != nil {
			return err
		}
		// Locking the scorecard waits for the autosaves in flight, which hold
		// it too; the ratings read below include them.
		var (
			id      int64
			status  bpo.ScorecardStatus
			current int
		)
		err = tx.QueryRow(ctx, `SELECT id, status, version FROM scorecards
			WHERE evaluation_id = $1 AND vendor_id = $2 AND evaluator_id = $3 FOR UPDATE`,
			evaluationID, vendorID, u.ID).Scan(&id, &status, &current)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("submit scorecard: %w", err)
		}
		// A scorecard never started has version 0 and no ratings, so it
		// fails the check below.
		switch {
		case current != version:
			return bpo.Errorf(bpo.ECONFLICT, "error.scorecard.stale")
		case status == bpo.ScorecardSubmitted:
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.already_submitted")
		}
		if err := checkComplete(ctx, tx, e, id); err != nil {
			return err
		}
		if id == 0 {
			// Only an evaluation without rated criteria lets an empty
			// scorecard through, and there is then nothing to submit.
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.incomplete", 0)
		}
		_, err = tx.Exec(ctx, `UPDATE scorecards SET status = 'submitted', submitted_at = $2,
			version = version + 1, updated_at = $2 WHERE id = $1`, id, now)
		if err != nil {
			return fmt.Errorf("submit scorecard: %w", err)
		}
		if err := auditEval(ctx, tx, now, evaluationID, bpo.EntityScorecard, id, bpo.ActionSubmit,
			bpo.ScorecardSnapshot{VendorID: vendorID, Status: status, Version: current},
			bpo.ScorecardSnapshot{VendorID: vendorID, Status: bpo.ScorecardSubmitted, Version: current + 1}); err != nil {
			return err
		}
		sc, err = readScorecard(ctx, tx, evaluationID, vendorID, u.ID)
		return err
	})
	return sc, err
}

// checkComplete refuses a scorecard with a rated criterion left unrated, or
// a rating without the justification the evaluation's policy asks for. It
// names every such criterion, by key, in the order of the tree.
func checkComplete(ctx context.Context, tx pgx.Tx, e *bpo.Evaluation, scorecardID int64) error {
	criteria, err := findCriteria(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	sc := map[int64]*bpo.Rating{}
	if scorecardID != 0 {
		rows, _ := tx.Query(ctx, `SELECT criterion_id, value, justification FROM ratings WHERE scorecard_id = $1`, scorecardID)
		list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.Rating, error) {
			var r bpo.Rating
			return &r, row.Scan(&r.CriterionID, &r.Value, &r.Justification)
		})
		if err != nil {
			return fmt.Errorf("submit scorecard: %w", err)
		}
		for _, r := range list {
			sc[r.CriterionID] = r
		}
	}
	var p bpo.Problems
	for _, c := range criteria {
		if c.Kind != bpo.KindRated {
			continue
		}
		r := sc[c.ID]
		switch {
		case r == nil || r.Value == nil:
			p.Add(c.Key, "error.scorecard.missing_rating")
		case e.LacksJustification(r.Value, r.Justification):
			p.Add(c.Key, "error.scorecard.missing_justification", *r.Value)
		}
	}
	if len(p) == 0 {
		return nil
	}
	return &bpo.Error{Code: bpo.EINVALID, Message: bpo.Message{Key: "error.scorecard.incomplete", Args: []any{len(p)}}, Fields: p}
}

// ReopenScorecard implements bpo.ScorecardService.
func (s *ScorecardService) ReopenScorecard(ctx context.Context, evaluationID, scorecardID int64, version int) (*bpo.Scorecard, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	var sc *bpo.Scorecard
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := setUpEvaluation(ctx, tx, evaluationID, lockShare); err != nil {
			return err
		}
		var (
			vendorID, evaluatorID int64
			status                bpo.ScorecardStatus
			current               int
		)
		err := tx.QueryRow(ctx, `SELECT vendor_id, evaluator_id, status, version FROM scorecards
			WHERE id = $1 AND evaluation_id = $2 FOR UPDATE`, scorecardID, evaluationID).Scan(&vendorID, &evaluatorID, &status, &current)
		if err != nil {
			return notFound(err, "error.scorecard.not_found")
		}
		switch {
		case current != version:
			return bpo.Errorf(bpo.ECONFLICT, "error.scorecard.stale")
		case status != bpo.ScorecardSubmitted:
			return bpo.Errorf(bpo.EINVALID, "error.scorecard.not_submitted")
		}
		_, err = tx.Exec(ctx, `UPDATE scorecards SET status = 'draft', submitted_at = NULL,
			version = version + 1, updated_at = $2 WHERE id = $1`, scorecardID, now)
		if err != nil {
			return fmt.Errorf("reopen scorecard: %w", err)
		}
		if err := auditEval(ctx, tx, now, evaluationID, bpo.EntityScorecard, scorecardID, bpo.ActionReopen,
			bpo.ScorecardSnapshot{VendorID: vendorID, EvaluatorID: evaluatorID, Status: status, Version: current},
			bpo.ScorecardSnapshot{VendorID: vendorID, EvaluatorID: evaluatorID, Status: bpo.ScorecardDraft, Version: current + 1}); err != nil {
			return err
		}
		if err := queueReopened(ctx, tx, now, evaluationID, scorecardID); err != nil {
			return err
		}
		sc, err = readScorecard(ctx, tx, evaluationID, vendorID, evaluatorID)
		return err
	})
	return sc, err
}

// FindProgress implements bpo.ScorecardService. The matrix has a cell for
// every vendor still in the running and every evaluator who may score it:
// a declared conflict removes the cell, as it removes it from what is expected.
func (s *ScorecardService) FindProgress(ctx context.Context, evaluationID int64) ([]*bpo.ScorecardProgress, error) {
	u := bpo.UserFromContext(ctx)
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, progressSQL, evaluationID, progressOf(u))
	list, err := pgx.CollectRows(rows, scanProgress)
	if err != nil {
		return nil, fmt.Errorf("find progress: %w", err)
	}
	return list, nil
}

// progressOf is whose scorecards u may follow: everyone's for a manager
// (nil), their own for an evaluator.
func progressOf(u *bpo.User) *int64 {
	if bpo.CanSeeOthersRatings(u) {
		return nil
	}
	return &u.ID
}

// progressSQL reads the progress matrix of evaluation $1, of evaluator $2
// only unless it is NULL.
const progressSQL = `
	SELECT coalesce(s.id, 0), p.vendor_id, a.user_id, coalesce(s.status, ''), coalesce(n.rated, 0),
		s.submitted_at, coalesce(s.version, 0)
	FROM participants p
	JOIN assignments a ON a.evaluation_id = p.evaluation_id
	JOIN vendors v ON v.id = p.vendor_id
	JOIN users u ON u.id = a.user_id
	LEFT JOIN scorecards s
		ON s.evaluation_id = p.evaluation_id AND s.vendor_id = p.vendor_id AND s.evaluator_id = a.user_id
	LEFT JOIN (
		SELECT r.scorecard_id, count(*) AS rated
		FROM ratings r JOIN criteria c ON c.id = r.criterion_id
		WHERE c.evaluation_id = $1 AND c.kind = 'rated' AND r.value IS NOT NULL
		GROUP BY r.scorecard_id
	) n ON n.scorecard_id = s.id
	WHERE p.evaluation_id = $1 AND p.stage <> 'rejected'
		AND ($2::bigint IS NULL OR a.user_id = $2)
		AND NOT EXISTS (SELECT 1 FROM conflicts k
			WHERE k.evaluation_id = p.evaluation_id AND k.user_id = a.user_id AND k.vendor_id = p.vendor_id)
	ORDER BY lower(v.name), p.vendor_id, lower(u.name), a.user_id`

func scanProgress(row pgx.CollectableRow) (*bpo.ScorecardProgress, error) {
	var sp bpo.ScorecardProgress
	err := row.Scan(&sp.ScorecardID, &sp.VendorID, &sp.EvaluatorID, &sp.Status, &sp.Rated, &sp.SubmittedAt, &sp.Version)
	return &sp, err
}

// countedRatings joins and filters the ratings the scoring model counts:
// those of the submitted scorecards of vendors still in the running, less
// those an evaluator withdrew by declaring a conflict later; with $2, those
// of draft scorecards too. The model, the pages and the exports
// all read them through it, so they cannot disagree on which ratings count.
// Queries add their own joins between the two halves.
const (
	countedRatingsFrom = `
FROM scorecards s
JOIN participants p ON p.evaluation_id = s.evaluation_id AND p.vendor_id = s.vendor_id
JOIN users u ON u.id = s.evaluator_id
JOIN ratings r ON r.scorecard_id = s.id
JOIN criteria c ON c.id = r.criterion_id AND c.kind = 'rated'`
	countedRatingsWhere = `
WHERE s.evaluation_id = $1 AND (s.status = 'submitted' OR $2) AND p.stage <> 'rejected' AND r.value IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM conflicts k
		WHERE k.evaluation_id = s.evaluation_id AND k.user_id = s.evaluator_id AND k.vendor_id = s.vendor_id)`
)

// ratingsSQL reads the counted ratings with the names an export shows, in
// the order people read them.
const ratingsSQL = `WITH ` + criteriaTree + `
SELECT s.vendor_id, s.evaluator_id, u.email, r.criterion_id, r.value, r.justification, r.updated_at,
	v.name, u.name, c.key, c.name_en, c.name_fr, s.status` + countedRatingsFrom + `
JOIN vendors v ON v.id = s.vendor_id
JOIN tree ON tree.id = c.id` + countedRatingsWhere + `
ORDER BY lower(v.name), v.id, lower(u.name), u.id, tree.path`

// ratingValuesSQL reads the counted ratings as the scoring model needs
// them: values, unordered (the model is keyed, not ordered), without the
// texts that make up most of their size.
const ratingValuesSQL = `SELECT s.vendor_id, s.evaluator_id, u.email, r.criterion_id, r.value` +
	countedRatingsFrom + countedRatingsWhere

// ratingTextsSQL is ratingValuesSQL with the justifications.
const ratingTextsSQL = `SELECT s.vendor_id, s.evaluator_id, u.email, r.criterion_id, r.value, r.justification, r.updated_at` +
	countedRatingsFrom + countedRatingsWhere

// ExportRatings implements bpo.ScorecardService.
func (s *ScorecardService) ExportRatings(ctx context.Context, evaluationID int64, f bpo.RatingFilter, fn func(*bpo.RatingRecord) error) error {
	if err := requireManager(ctx); err != nil {
		return err
	}
	if _, _, err := loadEvaluation(ctx, s.db.Pool, evaluationID, lockNone); err != nil {
		return err
	}
	rows, _ := s.db.Pool.Query(ctx, ratingsSQL, evaluationID, f.Drafts)
	var r bpo.RatingRecord
	_, err := pgx.ForEachRow(rows, []any{&r.VendorID, &r.EvaluatorID, &r.EvaluatorEmail, &r.CriterionID, &r.Value,
		&r.Justification, &r.UpdatedAt, &r.VendorName, &r.EvaluatorName, &r.CriterionKey,
		&r.CriterionNameEN, &r.CriterionNameFR, &r.Status}, func() error {
		row := r // fn may keep what it is given
		return fn(&row)
	})
	if err != nil {
		return fmt.Errorf("export ratings: %w", err)
	}
	return nil
}

// scanRatingValue reads a row of ratingValuesSQL. An evaluator's e-mail
// is on each of their ratings, thousands of them in a large evaluation:
// they all share one copy (unique.Make), which the detail keeps.
func scanRatingValue(row pgx.CollectableRow) (*bpo.SubmittedRating, error) {
	var sr bpo.SubmittedRating
	err := row.Scan(&sr.VendorID, &sr.EvaluatorID, &sr.EvaluatorEmail, &sr.CriterionID, &sr.Value)
	sr.EvaluatorEmail = unique.Make(sr.EvaluatorEmail).Value()
	return &sr, err
}

// scanRatingText reads a row of ratingTextsSQL.
func scanRatingText(row pgx.CollectableRow) (*bpo.SubmittedRating, error) {
	var sr bpo.SubmittedRating
	err := row.Scan(&sr.VendorID, &sr.EvaluatorID, &sr.EvaluatorEmail, &sr.CriterionID, &sr.Value, &sr.Justification, &sr.UpdatedAt)
	sr.EvaluatorEmail = unique.Make(sr.EvaluatorEmail).Value()
	return &sr, err
}
