package ahp

import "math"

// Completion stops when a whole sweep over the missing entries moves none
// of their logarithms by more than sweepTol; a coordinate's own search stops
// at coordTol. maxSweeps only guards against a pathological input.
const (
	sweepTol  = 1e-10
	coordTol  = 1e-11
	maxSweeps = 5000
	maxCoord  = 200
	// roughSteps bound each coordinate's search while a sweep still moves
	// some entry's logarithm by roughTol or more, for at most roughSweeps.
	roughSteps  = 1
	roughTol    = 1e-6
	roughSweeps = 30
)

// complete fills the missing entries of m (those listed in missing, with
// i < j) with the values that minimise λmax, by the cyclic coordinate
// method of Bozóki, Fülöp and Rónyai (2010): with the logarithms of the
// missing entries as variables λmax is a strictly convex function when the
// judgment graph is connected, so minimising it along one variable at a
// time converges to the unique optimum. The known entries must connect
// every item.
func complete(m *matrix, missing [][2]int) {
	if len(missing) == 0 {
		return
	}
	startLLSM(m, missing)
	t := make([]float64, len(missing))
	for k, p := range missing {
		t[k] = math.Log(m.at(p[0], p[1]))
	}
	var w, v []float64
	// While the sweeps still move the entries far, minimising each one
	// exactly is wasted on values the next sweep moves again: one step
	// along each does as well; the last sweeps minimise exactly, so that
	// the result is the optimum whatever the rough sweeps did.
	steps := roughSteps
	for sweep := range maxSweeps {
		moved := 0.0
		for k, p := range missing {
			next := minimiseAlong(m, p[0], p[1], t[k], &w, &v, steps)
			moved = math.Max(moved, math.Abs(next-t[k]))
			t[k] = next
			m.set(p[0], p[1], math.Exp(next))
		}
		if moved < sweepTol && steps == maxCoord {
			return
		}
		// Single steps converge in practice, but nothing guarantees it: the
		// exact searches take over after roughSweeps in any case.
		if moved < roughTol || sweep >= roughSweeps {
			steps = maxCoord
		}
	}
}

// minimiseAlong minimises λmax over x = ln a_ij with the other entries
// fixed, from x = t. The derivative of λmax in x is
// (v_i w_j e^x − v_j w_i e^−x) / vᵀw, with v and w its left and right
// eigenvectors; it vanishes where e^2x = v_j w_i / (v_i w_j). That point,
// computed with the current eigenvectors, is the next guess, sped up by a
// secant step once there are two; a bracket on the sign of the derivative
// (increasing, as λmax is convex in x) falls back to bisection when a
// guess leaves it. It stops after maxSteps guesses. w and v carry the
// eigenvectors from one call to the next, as warm starts.
func minimiseAlong(m *matrix, i, j int, t float64, w, v *[]float64, maxSteps int) float64 {
	lo, hi := math.Inf(-1), math.Inf(1)
	prevT, prevGap := math.NaN(), math.NaN()
	for range maxSteps {
		m.set(i, j, math.Exp(t))
		*w, _ = m.principal(*w, false)
		*v, _ = m.principal(*v, true)
		ri, rj := (*w)[i], (*w)[j]
		li, lj := (*v)[i], (*v)[j]
		guess := 0.5 * math.Log(lj*ri/(li*rj))
		gap := guess - t
		switch {
		case gap > 0:
			lo = t
		case gap < 0:
			hi = t
		default:
			return t
		}
		// The guess converges linearly; a secant step on the gap, where it
		// stays in the bracket, converges faster.
		if !math.IsNaN(prevGap) && gap != prevGap {
			if s := t - gap*(t-prevT)/(gap-prevGap); s > lo && s < hi {
				guess = s
			}
		}
		if !(guess > lo && guess < hi) {
			guess = (lo + hi) / 2
		}
		if math.Abs(guess-t) < coordTol {
			return guess
		}
		prevT, prevGap = t, gap
		t = guess
	}
	return t
}

// startLLSM sets the missing entries to the ratios of the logarithmic least
// squares weights of the known entries, a good start for the completion:
// it is the optimum itself when the known entries are consistent.
func startLLSM(m *matrix, missing [][2]int) {
	n := m.n
	absent := make([]bool, n*n)
	for _, p := range missing {
		absent[p[0]*n+p[1]] = true
		absent[p[1]*n+p[0]] = true
	}
	// Normal equations L·y = r of min Σ (ln a_ij − y_i + y_j)² over known
	// pairs: L is the Laplacian of the judgment graph. Fixing y_0 = 0 makes
	// the system regular when the graph is connected.
	lap := make([]float64, n*n)
	r := make([]float64, n)
	for i := range n {
		for j := range n {
			if i == j || absent[i*n+j] {
				continue
			}
			lap[i*n+i]++
			lap[i*n+j]--
			r[i] += math.Log(m.at(i, j))
		}
	}
	y := solveGrounded(lap, r, n)
	for _, p := range missing {
		m.set(p[0], p[1], math.Exp(y[p[0]]-y[p[1]]))
	}
}

// solveGrounded solves L·y = r with y_0 = 0 by Gaussian elimination with
// partial pivoting on the rows and columns 1…n−1.
func solveGrounded(lap, r []float64, n int) []float64 {
	k := n - 1
	aug := make([][]float64, k)
	for i := range k {
		row := make([]float64, k+1)
		copy(row, lap[(i+1)*n+1:(i+2)*n])
		row[k] = r[i+1]
		aug[i] = row
	}
	for c := range k {
		p := c
		for i := c + 1; i < k; i++ {
			if math.Abs(aug[i][c]) > math.Abs(aug[p][c]) {
				p = i
			}
		}
		aug[c], aug[p] = aug[p], aug[c]
		for i := c + 1; i < k; i++ {
			f := aug[i][c] / aug[c][c]
			for j := c; j <= k; j++ {
				aug[i][j] -= f * aug[c][j]
			}
		}
	}
	y := make([]float64, n)
	for i := k - 1; i >= 0; i-- {
		s := aug[i][k]
		for j := i + 1; j < k; j++ {
			s -= aug[i][j] * y[j+1]
		}
		y[i+1] = s / aug[i][i]
	}
	return y
}
