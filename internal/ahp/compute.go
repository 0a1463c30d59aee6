package ahp

import (
	"math"
	"sort"
	"strings"
)

// Compute derives the weights of in.Items from in.Judgments. It returns an
// *InputError naming every offending item or judgment (by index and items)
// when the input is refused: no items, more than MaxItems, an item named
// twice or not at all, a judgment naming an unknown item or comparing an
// item with itself, a value that is not finite or lies outside
// [MinValue, MaxValue], a pair judged twice by the same person (a/b and b/a
// are the same pair), a judgment without By among judgments with one, or
// judgments that leave some items unconnected to the others — for the
// group, or for one person among the items they compared.
func Compute(in Input) (*Result, error) {
	index, ps := checkItems(in.Items)
	people, order := checkJudgments(in.Judgments, index, &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	n := len(in.Items)
	group := aggregate(n, people)
	if cut := unconnected(n, group); cut != nil {
		ps.add(at("judgments"), "%s", cutMessage(in.Items, cut))
		return nil, ps.err()
	}
	res := &Result{Items: in.Items}
	res.Weights, res.LambdaMax, res.CI, res.CR, res.Completed, res.Inconsistent = solve(in.Items, group)
	res.Consistent = res.CR <= ConsistentCR
	for _, name := range order {
		if name == "" {
			continue
		}
		p, msg := person(in.Items, name, people[name])
		if msg != "" {
			ps.add(at("judgments"), "by %s: %s", name, msg)
			continue
		}
		res.People = append(res.People, p)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return res, nil
}

// judged maps a pair (i < j, as i*n+j) to the logarithm of a_ij.
type judged map[int]float64

// aggregate returns the group's matrix of logarithms (NaN where nobody
// judged): each pair's value is the geometric mean of the values of the
// people who judged it, that is the mean of their logarithms.
func aggregate(n int, people map[string]judged) []float64 {
	sum := make([]float64, n*n)
	count := make([]int, n*n)
	for _, js := range people {
		for key, l := range js {
			sum[key] += l
			count[key]++
		}
	}
	out := make([]float64, n*n)
	for k := range out {
		out[k] = math.NaN()
		if count[k] > 0 {
			out[k] = sum[k] / float64(count[k])
		}
	}
	return out
}

// unconnected returns the items (by index) that no chain of judgments links
// to the first item, or nil when the judgments connect them all. logs is
// the matrix of logarithms with NaN where nothing was judged.
func unconnected(n int, logs []float64) []int {
	seen := make([]bool, n)
	seen[0] = true
	stack := []int{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for j := range n {
			a, b := min(i, j), max(i, j)
			if !seen[j] && i != j && !math.IsNaN(logs[a*n+b]) {
				seen[j] = true
				stack = append(stack, j)
			}
		}
	}
	var cut []int
	for i, s := range seen {
		if !s {
			cut = append(cut, i)
		}
	}
	return cut
}

func cutMessage(items []string, cut []int) string {
	var out, in []string
	isCut := make(map[int]bool, len(cut))
	for _, i := range cut {
		isCut[i] = true
		out = append(out, quote(items[i]))
	}
	for i, it := range items {
		if !isCut[i] {
			in = append(in, quote(it))
		}
	}
	return "the judgments do not connect " + strings.Join(out, ", ") + " to " + strings.Join(in, ", ") +
		": compare at least one of them, directly or through other items, with the rest"
}

// solve completes the matrix of logarithms logs (NaN where missing) over
// items and returns its weights, λmax, CI, CR, the pairs it completed and
// the judged pairs, most inconsistent first.
func solve(items []string, logs []float64) (w []float64, lmax, ci, cr float64, filled, worst []Pair) {
	n := len(items)
	m := newMatrix(n)
	var completed [][2]int
	for i := range n {
		for j := i + 1; j < n; j++ {
			l := logs[i*n+j]
			if math.IsNaN(l) {
				completed = append(completed, [2]int{i, j})
				m.set(i, j, 1)
				continue
			}
			m.set(i, j, math.Exp(l))
		}
	}
	complete(m, completed)
	w, lambda := m.principal(nil, false)
	lmax, ci, cr = stats(m, lambda)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if !math.IsNaN(logs[i*n+j]) {
				worst = append(worst, Pair{A: items[i], B: items[j], Value: m.at(i, j), Implied: w[i] / w[j]})
			}
		}
	}
	worst = byDeviation(worst)
	for _, p := range completed {
		i, j := p[0], p[1]
		filled = append(filled, Pair{A: items[i], B: items[j], Value: m.at(i, j), Implied: w[i] / w[j]})
	}
	return w, lmax, ci, cr, filled, worst
}

// person computes one person's outcome over the items they compared, or
// says why their judgments cannot be used.
func person(items []string, name string, js judged) (Person, string) {
	n := len(items)
	used := make([]bool, n)
	for key := range js {
		used[key/n], used[key%n] = true, true
	}
	var sub []string
	var pos []int
	for i, u := range used {
		if u {
			sub = append(sub, items[i])
			pos = append(pos, i)
		}
	}
	k := len(sub)
	logs := make([]float64, k*k)
	for a := range k {
		for b := range k {
			logs[a*k+b] = math.NaN()
			if l, ok := js[pos[a]*n+pos[b]]; ok {
				logs[a*k+b] = l
			}
		}
	}
	if cut := unconnected(k, logs); cut != nil {
		return Person{}, cutMessage(sub, cut)
	}
	p := Person{Name: name, Items: sub}
	p.Weights, p.LambdaMax, _, p.CR, _, p.Inconsistent = solve(sub, logs)
	p.Consistent = p.CR <= ConsistentCR
	return p, ""
}

// byDeviation sorts pairs most inconsistent first, keeping the order of the
// items among equals; each deviation is computed once.
func byDeviation(pairs []Pair) []Pair {
	type scored struct {
		p   Pair
		dev float64
	}
	s := make([]scored, len(pairs))
	for i, p := range pairs {
		s[i] = scored{p, p.Deviation()}
	}
	sort.SliceStable(s, func(a, b int) bool { return s[a].dev > s[b].dev })
	for i := range s {
		pairs[i] = s[i].p
	}
	return pairs
}
