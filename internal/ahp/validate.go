package ahp

import (
	"math"
	"strconv"
)

// checkItems returns the position of each item, adding a problem for an
// empty list, too many items, and empty or repeated names.
func checkItems(items []string) (map[string]int, problems) {
	var ps problems
	switch {
	case len(items) == 0:
		ps.add(at("items"), "at least one item is needed")
	case len(items) > MaxItems:
		ps.add(at("items"), "%d items given; at most %d can be compared together", len(items), MaxItems)
	}
	index := make(map[string]int, len(items))
	for i, it := range items {
		path := at("items[" + strconv.Itoa(i) + "]")
		if it == "" {
			ps.add(path, "an item needs a name")
			continue
		}
		if first, dup := index[it]; dup {
			ps.add(path, "%s is listed twice (first as items[%d])", quote(it), first)
			continue
		}
		index[it] = i
	}
	return index, ps
}

// Values within this relative distance of 1/9 or 9 are taken as on the
// scale: 1/9 is written 0.1111111111 in a file as often as 1/9.
const boundTol = 1e-9

// checkJudgments validates each judgment and returns the valid ones as each
// person's logarithms (the anonymous person is ""), with the people in the
// order they first appear.
func checkJudgments(js []Judgment, index map[string]int, ps *problems) (map[string]judged, []string) {
	n := len(index)
	people := map[string]judged{}
	var order []string
	where := map[string]map[int]int{} // person → pair → first judgment
	named := -1
	for i, j := range js {
		if j.By != "" && named < 0 {
			named = i
		}
	}
	for i, j := range js {
		path := judgmentRef{i, j}
		a, okA := index[j.A]
		b, okB := index[j.B]
		switch {
		case !okA:
			ps.add(path, "%s is not one of the items", quote(j.A))
			continue
		case !okB:
			ps.add(path, "%s is not one of the items", quote(j.B))
			continue
		case a == b:
			ps.add(path, "an item cannot be compared with itself")
			continue
		case math.IsNaN(j.Value) || math.IsInf(j.Value, 0):
			ps.add(path, "value %s is not a finite number", num(j.Value))
			continue
		case j.Value < MinValue*(1-boundTol) || j.Value > MaxValue*(1+boundTol):
			ps.add(path, "value %s is outside Saaty's scale, from 1/9 to 9", num(j.Value))
			continue
		case j.By == "" && named >= 0:
			ps.add(path, "\"by\" is missing, while %s names who judged: name the person of every judgment or of none", judgmentPath(named))
			continue
		}
		l := math.Log(j.Value)
		if a > b {
			a, b, l = b, a, -l
		}
		key := a*n + b
		if where[j.By] == nil {
			where[j.By] = map[int]int{}
			people[j.By] = judged{}
			order = append(order, j.By)
		}
		if first, dup := where[j.By][key]; dup {
			by := ""
			if j.By != "" {
				by = " by " + j.By
			}
			ps.add(path, "this pair is already judged%s in %s (a/b and b/a are the same pair)", by, judgmentPath(first))
			continue
		}
		where[j.By][key] = i
		people[j.By][key] = l
	}
	return people, order
}

func quote(s string) string { return strconv.Quote(s) }

// judgmentRef names judgment i and its items for a message, lazily: most
// judgments are fine, and building every name would dominate the work.
type judgmentRef struct {
	i int
	j Judgment
}

func (r judgmentRef) String() string {
	return judgmentPath(r.i) + " (" + quote(r.j.A) + " vs " + quote(r.j.B) + ")"
}
