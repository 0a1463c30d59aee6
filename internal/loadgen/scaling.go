package loadgen

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/scoring"
)

// Shape is the size of a generated evaluation: every evaluator has rated
// every vendor on every criterion and submitted.
type Shape struct {
	Vendors, Criteria, Evaluators int
}

// Ratings is how many ratings the evaluation holds.
func (sh Shape) Ratings() int { return sh.Vendors * sh.Criteria * sh.Evaluators }

func (sh Shape) String() string {
	return fmt.Sprintf("%d × %d × %d", sh.Vendors, sh.Criteria, sh.Evaluators)
}

// scalingGrid is the table of how cost grows: 10, 40 and 100 vendors, 30
// and 100 criteria, 8 and 32 evaluators.
func scalingGrid() []Shape {
	var grid []Shape
	for _, v := range []int{10, 40, 100} {
		for _, c := range []int{30, 100} {
			for _, e := range []int{8, 32} {
				grid = append(grid, Shape{v, c, e})
			}
		}
	}
	return grid
}

// ScalingRow is one generated evaluation, measured.
type ScalingRow struct {
	Shape
	Compare, WhatIf time.Duration // p50 through HTTP at one connection
	// Scoring is the engine's time for the evaluation's model, in the bench
	// process, with the robustness analysis at its default 2,000 samples
	// (what a comparison pays) and without it.
	Scoring, ScoringNoRobustness time.Duration
}

// scalingData writes the generated evaluations into the run's database,
// one at a time. The ratings are written by SQL, not through the services:
// there, every rating is an audited transaction of its own, and the
// largest shape alone holds 320,000 of them.
type scalingData struct{ conn *pgx.Conn }

// newScalingData creates the vendors and evaluators the evaluations of
// shapes share; the evaluators never sign in ('!' is no password hash).
func newScalingData(ctx context.Context, databaseURL string, shapes []Shape) (*scalingData, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("scaling data: %w", err)
	}
	most := Shape{}
	for _, sh := range shapes {
		most.Vendors, most.Evaluators = max(most.Vendors, sh.Vendors), max(most.Evaluators, sh.Evaluators)
	}
	setup := []string{
		`SELECT setseed(0.42)`,
		`INSERT INTO vendors (name, country, created_at, updated_at)
			SELECT 'Scaling vendor ' || lpad(i::text, 3, '0'), 'FR', now(), now() FROM generate_series(1, @vendors) i`,
		`INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
			SELECT 'scaling' || i || '@bench.test', 'Scaling evaluator ' || i, 'evaluator', '!', now(), now()
			FROM generate_series(1, @evaluators) i`,
	}
	for _, sql := range setup {
		if _, err := conn.Exec(ctx, sql, pgx.NamedArgs{"vendors": most.Vendors, "evaluators": most.Evaluators}); err != nil {
			conn.Close(context.Background())
			return nil, fmt.Errorf("scaling data: %w", err)
		}
	}
	return &scalingData{conn: conn}, nil
}

func (g *scalingData) close() { g.conn.Close(context.Background()) }

// shapeSQL fills evaluation @id: categories of ten rated criteria, the
// first twelve vendors shortlisted (those compared), every scorecard
// submitted with ratings drawn from 1–5.
var shapeSQL = []string{
	`INSERT INTO criteria (evaluation_id, key, kind, name_en, name_fr, weight, position)
		SELECT @id, 'cat' || g, 'group', 'Category ' || g, 'Catégorie ' || g, 1 + g % 3, g
		FROM generate_series(0, (@criteria - 1) / 10) g`,
	`INSERT INTO criteria (evaluation_id, parent_id, key, kind, name_en, name_fr, weight, position)
		SELECT @id, p.id, 'crit' || i, 'rated', 'Criterion ' || i, 'Critère ' || i, 1 + i % 5, i % 10
		FROM generate_series(0, @criteria - 1) i JOIN criteria p ON p.evaluation_id = @id AND p.key = 'cat' || (i / 10)`,
	`INSERT INTO participants (evaluation_id, vendor_id, key, stage)
		SELECT @id, id, 'v' || lpad(n::text, 3, '0'), CASE WHEN n <= 12 THEN 'shortlisted' ELSE 'candidate' END
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM vendors WHERE name LIKE 'Scaling vendor %') v
		WHERE n <= @vendors`,
	`INSERT INTO assignments (evaluation_id, user_id, coi_declared_at)
		SELECT @id, id, now()
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE email LIKE 'scaling%@bench.test') u
		WHERE n <= @evaluators`,
	`INSERT INTO scorecards (evaluation_id, vendor_id, evaluator_id, status, submitted_at, created_at, updated_at)
		SELECT @id, p.vendor_id, a.user_id, 'submitted', now(), now(), now()
		FROM participants p JOIN assignments a ON a.evaluation_id = p.evaluation_id
		WHERE p.evaluation_id = @id`,
	`INSERT INTO ratings (scorecard_id, criterion_id, value, updated_at)
		SELECT s.id, c.id, 1 + floor(random() * 5)::int, now()
		FROM scorecards s JOIN criteria c ON c.evaluation_id = s.evaluation_id AND c.kind = 'rated'
		WHERE s.evaluation_id = @id`,
}

// create writes an open evaluation of shape sh, owned by the demo manager,
// in one transaction, and returns its id.
func (g *scalingData) create(ctx context.Context, sh Shape) (int64, error) {
	tx, err := g.conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO evaluations (title, status, justification, created_by, created_at, updated_at, opened_at)
		SELECT $1, 'open', 'none', id, now(), now(), now() FROM users WHERE email = 'manager@demo.test'
		RETURNING id`, "Scaling "+sh.String()).Scan(&id)
	if err != nil {
		return 0, err
	}
	args := pgx.NamedArgs{"id": id, "vendors": sh.Vendors, "criteria": sh.Criteria, "evaluators": sh.Evaluators}
	for _, sql := range shapeSQL {
		if _, err := tx.Exec(ctx, sql, args); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	// Fresh statistics, or the comparison's queries are planned for the
	// tables as they were before.
	_, err = g.conn.Exec(ctx, `ANALYZE criteria, participants, assignments, scorecards, ratings`)
	return id, err
}

// drop deletes evaluation id and what belongs to it, so that the next
// shape is measured in tables that hold the demo data and itself only.
func (g *scalingData) drop(ctx context.Context, id int64) error {
	if _, err := g.conn.Exec(ctx, `DELETE FROM evaluations WHERE id = $1`, id); err != nil {
		return err
	}
	_, err := g.conn.Exec(ctx, `VACUUM criteria, participants, assignments, scorecards, ratings`)
	return err
}

// measureShapes generates an evaluation of each shape in turn and measures
// it: its comparison and what-if re-rank for d at one connection, and its
// scoring.
func (s *site) measureShapes(ctx context.Context, databaseURL string, shapes []Shape, d time.Duration) ([]ScalingRow, error) {
	data, err := newScalingData(ctx, databaseURL, shapes)
	if err != nil {
		return nil, err
	}
	defer data.close()
	var rows []ScalingRow
	for _, sh := range shapes {
		id, err := data.create(ctx, sh)
		if err != nil {
			return nil, fmt.Errorf("scaling data %s: %w", sh, err)
		}
		row, err := s.measureShape(ctx, data.conn, sh, id, d)
		if err != nil {
			return nil, fmt.Errorf("scaling %s: %w", sh, err)
		}
		if err := data.drop(ctx, id); err != nil {
			return nil, fmt.Errorf("scaling data %s: %w", sh, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (s *site) measureShape(ctx context.Context, conn *pgx.Conn, sh Shape, id int64, d time.Duration) (ScalingRow, error) {
	row := ScalingRow{Shape: sh}
	f, err := readEvaluation(ctx, conn, id)
	if err != nil {
		return row, err
	}
	compare, whatIf := s.comparisons(f)
	none := func() error { return nil }
	for _, m := range []struct {
		sc  scenario
		p50 *time.Duration
	}{{compare, &row.Compare}, {whatIf, &row.WhatIf}} {
		// A warm-up of a millisecond is one request: the first, which
		// fills the server's caches.
		st, err := measure(ctx, 1, time.Millisecond, d, m.sc.newUser, none)
		if err != nil {
			return row, fmt.Errorf("%s: %w", m.sc.name, err)
		}
		if st.Errors() > 0 {
			return row, fmt.Errorf("%s: %s of %d requests failed", m.sc.name, errorsText(st), st.Requests)
		}
		*m.p50 = st.Quantile(0.5)
	}
	model, err := s.model(ctx, f.evaluationID)
	if err != nil {
		return row, err
	}
	row.Scoring, row.ScoringNoRobustness, err = scoringTimes(model)
	return row, err
}

// model is the evaluation's scoring model as the API gives it.
func (s *site) model(ctx context.Context, evaluationID int64) (*scoring.Model, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/evaluations/%d/model", s.url, evaluationID), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", s.manager)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("model: status %d", res.StatusCode)
	}
	return scoring.Decode(res.Body)
}

// scoringTimes are the median times of scoring m with the robustness
// analysis at its default samples and without it, over at least five runs
// each and 400 ms. The two take turns, so that whatever else the machine
// does slows both alike.
func scoringTimes(m *scoring.Model) (robust, plain time.Duration, err error) {
	withSamples := func(n int) *scoring.Model {
		c := m.Clone()
		c.Options.Robustness = &scoring.Robustness{Samples: &n}
		return c
	}
	models := []*scoring.Model{withSamples(scoring.DefaultSamples), withSamples(0)}
	times := make([][]time.Duration, len(models))
	start := time.Now()
	for len(times[0]) < 5 || time.Since(start) < 400*time.Millisecond {
		for i, m := range models {
			// The garbage of the other run is not this one's to collect.
			runtime.GC()
			t := time.Now()
			if _, err := scoring.Evaluate(m); err != nil {
				return 0, 0, fmt.Errorf("score: %w", err)
			}
			times[i] = append(times[i], time.Since(t))
		}
	}
	for _, ts := range times {
		slices.Sort(ts)
	}
	return times[0][len(times[0])/2], times[1][len(times[1])/2], nil
}

// powerLaw is t ≈ k · vendors^a · criteria^b · evaluators^c, fitted by least
// squares on the logarithms, with the share of the variance it explains.
type powerLaw struct {
	k       float64 // nanoseconds
	a, b, c float64
	r2      float64
}

func (p powerLaw) String() string {
	return fmt.Sprintf("%.3g µs × V^%.2f × C^%.2f × E^%.2f (R² %.2f)", p.k/1e3, p.a, p.b, p.c, p.r2)
}

// fitPowerLaw fits the law to the rows' times; ok is false with fewer rows
// than the law has parameters, or when the shapes do not vary in all three.
func fitPowerLaw(rows []ScalingRow, of func(ScalingRow) time.Duration) (powerLaw, bool) {
	// The normal equations XᵀX β = Xᵀy of y = β0 + β1 ln V + β2 ln C + β3 ln E.
	var xtx [4][4]float64
	var xty [4]float64
	var ys []float64
	for _, r := range rows {
		t := float64(of(r))
		if t <= 0 {
			return powerLaw{}, false
		}
		x := [4]float64{1, math.Log(float64(r.Vendors)), math.Log(float64(r.Criteria)), math.Log(float64(r.Evaluators))}
		y := math.Log(t)
		ys = append(ys, y)
		for i := range 4 {
			for j := range 4 {
				xtx[i][j] += x[i] * x[j]
			}
			xty[i] += x[i] * y
		}
	}
	beta, ok := solve4(xtx, xty)
	if !ok || len(rows) <= 4 {
		return powerLaw{}, false
	}
	mean := 0.0
	for _, y := range ys {
		mean += y / float64(len(ys))
	}
	var residual, total float64
	for i, r := range rows {
		fit := beta[0] + beta[1]*math.Log(float64(r.Vendors)) + beta[2]*math.Log(float64(r.Criteria)) + beta[3]*math.Log(float64(r.Evaluators))
		residual += (ys[i] - fit) * (ys[i] - fit)
		total += (ys[i] - mean) * (ys[i] - mean)
	}
	r2 := 1.0
	if total > 0 {
		r2 = 1 - residual/total
	}
	return powerLaw{k: math.Exp(beta[0]), a: beta[1], b: beta[2], c: beta[3], r2: r2}, true
}

// solve4 solves a 4×4 linear system by Gaussian elimination with partial
// pivoting; ok is false when it is singular.
func solve4(a [4][4]float64, b [4]float64) ([4]float64, bool) {
	for col := range 4 {
		pivot := col
		for r := col + 1; r < 4; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[pivot][col]) {
				pivot = r
			}
		}
		if math.Abs(a[pivot][col]) < 1e-9 {
			return b, false
		}
		a[col], a[pivot] = a[pivot], a[col]
		b[col], b[pivot] = b[pivot], b[col]
		for r := col + 1; r < 4; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < 4; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var x [4]float64
	for r := 3; r >= 0; r-- {
		x[r] = b[r]
		for c := r + 1; c < 4; c++ {
			x[r] -= a[r][c] * x[c]
		}
		x[r] /= a[r][r]
	}
	return x, true
}
