package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// A request is what one virtual user does once, over its own connection:
// it returns the response's status, or an error when there was none.
type request func(ctx context.Context, c *http.Client) (status int, err error)

// Stats are the measurements of one scenario at one connection count.
type Stats struct {
	Requests  int             // completed, failed or not
	Failed    map[string]int  // failures by status ("404") or by transport error ("error")
	Latencies []time.Duration // of every request, sorted
	Elapsed   time.Duration
}

// Errors is the number of failed requests.
func (s Stats) Errors() int {
	n := 0
	for _, c := range s.Failed {
		n += c
	}
	return n
}

// PerSecond is the throughput.
func (s Stats) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// Quantile returns the q-quantile (0…1) of the latencies, by the nearest
// rank: exact, and there are never so many requests that sorting them costs.
func (s Stats) Quantile(q float64) time.Duration {
	if len(s.Latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(s.Latencies))+0.5) - 1
	return s.Latencies[min(max(i, 0), len(s.Latencies)-1)]
}

// measure runs conns virtual users, each on a connection of its own and
// each calling its request back to back: first for warmup, unrecorded, so
// that connections are open and statements prepared, then for d. newUser(i)
// makes user i's request; users keep their state (their cookie, the version
// of the rating they save) from the warm-up to the measurement. between is
// called while no request is in flight, before and after the measurement.
func measure(ctx context.Context, conns int, warmup, d time.Duration, newUser func(i int) request, between func() error) (Stats, error) {
	users := make([]request, conns)
	clients := make([]*http.Client, conns)
	for i := range conns {
		users[i] = newUser(i)
		clients[i] = &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true},
			// A redirect is an answer to count (to the sign-in page, say), not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       30 * time.Second,
		}
	}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	run := func(d time.Duration) ([]Stats, time.Duration) {
		per := make([]Stats, conns)
		start := time.Now()
		end := start.Add(d)
		var wg sync.WaitGroup
		for i := range conns {
			wg.Go(func() {
				s := &per[i]
				s.Failed = map[string]int{}
				for ctx.Err() == nil && time.Now().Before(end) {
					t := time.Now()
					status, err := users[i](ctx, clients[i])
					s.Latencies = append(s.Latencies, time.Since(t))
					s.Requests++
					switch {
					case err != nil && ctx.Err() != nil:
						s.Requests--
						s.Latencies = s.Latencies[:len(s.Latencies)-1]
					case err != nil:
						s.Failed["error"]++
					case status != http.StatusOK:
						s.Failed[fmt.Sprint(status)]++
					}
				}
			})
		}
		wg.Wait()
		return per, time.Since(start)
	}
	run(warmup)
	if err := between(); err != nil {
		return Stats{}, err
	}
	per, elapsed := run(d)
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	if err := between(); err != nil {
		return Stats{}, err
	}
	total := Stats{Failed: map[string]int{}, Elapsed: elapsed}
	for _, s := range per {
		total.Requests += s.Requests
		total.Latencies = append(total.Latencies, s.Latencies...)
		for k, n := range s.Failed {
			total.Failed[k] += n
		}
	}
	slices.Sort(total.Latencies)
	return total, nil
}
