package postgres_test

import (
	"fmt"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestCriteriaTreeLimits refuses a ninth level, whether a criterion is
// created there or a group is moved so that its children would land there,
// and a criterion beyond the five hundredth; nothing is stored then.
func TestCriteriaTreeLimits(t *testing.T) {
	e := newEnv(t)
	ctx := as(e.manager)
	in := bpo.NewEvaluationInput()
	in.Title = "Deep tree"
	ev, err := e.evaluations.CreateEvaluation(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	group := func(key string, parent *int64) (*bpo.Criterion, error) {
		return e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{ParentID: parent, Key: key,
			Kind: bpo.KindGroup, NameEN: key, NameFR: key, Weight: 1})
	}
	var parent *int64
	var chain []*bpo.Criterion
	for level := 1; level <= bpo.MaxCriteriaDepth; level++ {
		c, err := group(fmt.Sprintf("level%d", level), parent)
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		chain, parent = append(chain, c), &c.ID
	}
	_, err = group("level9", parent)
	wantError(t, err, bpo.EINVALID, "error.invalid")
	if fields := problemKeys(err); fields["parent_id"] != "error.criterion.too_deep" {
		t.Errorf("ninth level: %v", fields)
	}

	// A two-level subtree moved under the seventh level would reach the ninth.
	top, err := group("side", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := group("side_child", &top.ID); err != nil {
		t.Fatal(err)
	}
	move := input(top)
	move.ParentID = &chain[6].ID
	_, err = e.criteria.UpdateCriterion(ctx, top.ID, top.Version, move)
	if fields := problemKeys(err); fields["parent_id"] != "error.criterion.too_deep" {
		t.Errorf("subtree moved too deep: %v", err)
	}
	move.ParentID = &chain[5].ID
	if _, err := e.criteria.UpdateCriterion(ctx, top.ID, top.Version, move); err != nil {
		t.Errorf("subtree moved to the deepest levels allowed: %v", err)
	}

	// Up to the five hundredth criterion; the rows are inserted directly
	// to keep the test fast.
	var n int
	if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM criteria WHERE evaluation_id = $1`, ev.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Pool.Exec(ctx, `INSERT INTO criteria (evaluation_id, key, kind, name_en, name_fr, weight, position)
		SELECT $1, 'filler' || i, 'rated', 'F', 'F', 1, i FROM generate_series(1, $2::int) AS i`, ev.ID, bpo.MaxCriteria-n); err != nil {
		t.Fatal(err)
	}
	_, err = e.criteria.CreateCriterion(ctx, ev.ID, bpo.CriterionInput{Key: "one_too_many", Kind: bpo.KindRated, NameEN: "X", NameFR: "X", Weight: 1})
	if fields := problemKeys(err); fields["key"] != "error.criterion.too_many" {
		t.Errorf("criterion %d: %v", bpo.MaxCriteria+1, err)
	}
	if got := len(e.crit(ev.ID)); got != bpo.MaxCriteria {
		t.Errorf("%d criteria stored, want %d", got, bpo.MaxCriteria)
	}
}

// problemKeys is an EINVALID error's message keys by field.
func problemKeys(err error) map[string]string {
	out := map[string]string{}
	if e, ok := err.(*bpo.Error); ok {
		for _, f := range e.Fields {
			out[f.Field] = f.Key
		}
	}
	return out
}
