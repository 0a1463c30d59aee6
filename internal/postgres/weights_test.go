package postgres_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// Two saves that each leave the top level some weight, but together none:
// whatever the timing, exactly one is refused and the group keeps a weight.
func TestConcurrentWeightsNeverEmptyAGroup(t *testing.T) {
	e := newEnv(t)
	for round := range 5 {
		f := e.fixture("Weights race "+string(rune('a'+round)), setup{vendors: 1, evaluators: 1})
		c := f.crit
		saves := [][]bpo.WeightChange{
			{{CriterionID: c["quality"].ID, Version: c["quality"].Version},
				{CriterionID: c["service_levels"].ID, Version: c["service_levels"].Version}},
			{{CriterionID: c["cost"].ID, Version: c["cost"].Version}},
		}
		var (
			wg   sync.WaitGroup
			errs = make([]error, len(saves))
		)
		start := make(chan struct{})
		for i, ws := range saves {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = e.criteria.SetWeights(as(e.manager), f.ev.ID, ws)
			}()
		}
		close(start)
		wg.Wait()
		refused := 0
		for _, err := range errs {
			switch bpo.ErrorCode(err) {
			case "":
			case bpo.EINVALID:
				refused++
				if got := fieldKeys(err); len(got) != 1 || got[0] != "group_0" {
					t.Errorf("fields = %v, want group_0", got)
				}
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if refused != 1 {
			t.Errorf("round %d: %d saves refused, want exactly 1", round, refused)
		}
		after := e.crit(f.ev.ID)
		if sum := after["quality"].Weight + after["service_levels"].Weight + after["cost"].Weight; sum <= 0 {
			t.Errorf("round %d: the top level weighs %v", round, sum)
		}
	}
}

func TestUpdateCriterionKeepsAGroupWeighed(t *testing.T) {
	e := newEnv(t)
	f := e.fixture("Single weight", setup{vendors: 1, evaluators: 1})
	price := f.crit["price"] // the only criterion of the cost group
	in := input(price)
	in.Weight = 0
	_, err := e.criteria.UpdateCriterion(as(e.manager), price.ID, price.Version, in)
	wantCode(t, err, bpo.EINVALID)
	if got := fieldKeys(err); len(got) != 1 || got[0] != "group_"+strconv.FormatInt(*price.ParentID, 10) {
		t.Errorf("fields = %v", got)
	}
}
