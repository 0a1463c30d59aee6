package ahp

import "math"

// matrix is an n×n positive reciprocal matrix, row-major: at(i, j) says how
// many times item i is as important as item j.
type matrix struct {
	n int
	a []float64
}

func newMatrix(n int) *matrix {
	m := &matrix{n: n, a: make([]float64, n*n)}
	for i := range n {
		m.a[i*n+i] = 1
	}
	return m
}

func (m *matrix) at(i, j int) float64 { return m.a[i*m.n+j] }

// set stores v at (i, j) and its reciprocal at (j, i).
func (m *matrix) set(i, j int, v float64) {
	m.a[i*m.n+j] = v
	m.a[j*m.n+i] = 1 / v
}

// Power iteration stops when successive vectors (summing to 1) differ by
// less than powerTol in the L1 norm. A positive matrix is primitive, so the
// iteration converges; maxPower only guards against a pathological input.
const (
	powerTol = 1e-15
	maxPower = 100000
)

// principal returns the principal right eigenvector of m (or of its
// transpose, for the left one), scaled to sum to 1, and its eigenvalue λmax.
// start, when not nil, is where the iteration begins: a nearby vector, such
// as the previous solution of a slightly changed matrix, saves most of it.
func (m *matrix) principal(start []float64, transpose bool) ([]float64, float64) {
	n := m.n
	w := make([]float64, n)
	if start != nil {
		copy(w, start)
	} else {
		// The row geometric means are the exact eigenvector of a consistent
		// matrix and a close one of a nearly consistent matrix.
		for i := range n {
			s := 0.0
			for j := range n {
				if transpose {
					s += math.Log(m.at(j, i))
				} else {
					s += math.Log(m.at(i, j))
				}
			}
			w[i] = math.Exp(s / float64(n))
		}
	}
	normalise(w)
	next := make([]float64, n)
	lambda := float64(n)
	for range maxPower {
		sum := 0.0
		for i := range n {
			s := 0.0
			for j := range n {
				if transpose {
					s += m.a[j*n+i] * w[j]
				} else {
					s += m.a[i*n+j] * w[j]
				}
			}
			next[i] = s
			sum += s
		}
		// w sums to 1, so the sum of A·w is the Rayleigh-like estimate of
		// λmax, exact at the fixed point.
		lambda = sum
		diff := 0.0
		for i := range n {
			next[i] /= sum
			diff += math.Abs(next[i] - w[i])
		}
		w, next = next, w
		if diff < powerTol {
			break
		}
	}
	return w, lambda
}

func normalise(w []float64) {
	s := 0.0
	for _, x := range w {
		s += x
	}
	for i := range w {
		w[i] /= s
	}
}

// consistent reports whether every triple of m satisfies
// a_ij·a_jk = a_ik to within rounding: then λmax = n exactly and the
// computed value's excess over n is rounding error, not inconsistency.
func (m *matrix) consistent() bool {
	const tol = 1e-12
	n := m.n
	for i := range n {
		for j := i + 1; j < n; j++ {
			for k := j + 1; k < n; k++ {
				if math.Abs(m.at(i, j)*m.at(j, k)/m.at(i, k)-1) > tol {
					return false
				}
			}
		}
	}
	return true
}

// stats returns λmax, CI and CR for the eigenvalue lambda of an n×n matrix.
// λmax ≥ n holds for every positive reciprocal matrix (Saaty), so a value
// below it is rounding error.
func stats(m *matrix, lambda float64) (lmax, ci, cr float64) {
	n := float64(m.n)
	if lambda < n || m.n <= 2 || m.consistent() {
		lambda = n
	}
	if m.n > 1 {
		ci = (lambda - n) / (n - 1)
	}
	if m.n > 2 {
		cr = ci / RandomIndex(m.n)
	}
	return lambda, ci, cr
}
