package loadgen

import (
	"context"
	"fmt"
	"net"
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
		clients[i] = newClient(&net.Dialer{})
	}
	defer closeClients(clients)
	run := func(d time.Duration) ([]Stats, time.Duration) {
		per := make([]Stats, conns)
		start := time.Now()
		end := start.Add(d)
		var wg sync.WaitGroup
		for i := range conns {
			wg.Go(func() {
				for ctx.Err() == nil && time.Now().Before(end) {
					per[i].do(ctx, users[i], clients[i])
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
	return sum(per, elapsed), nil
}

// burst has n virtual users make their request once, all at the same
// moment, user i over a connection from the local address from(i).
func burst(ctx context.Context, n int, from func(i int) net.IP, newUser func(i int) request) (Stats, error) {
	users := make([]request, n)
	clients := make([]*http.Client, n)
	for i := range n {
		users[i] = newUser(i)
		clients[i] = newClient(&net.Dialer{LocalAddr: &net.TCPAddr{IP: from(i)}})
	}
	defer closeClients(clients)
	per := make([]Stats, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			per[i].do(ctx, users[i], clients[i])
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	return sum(per, time.Since(began)), nil
}

// newClient is a virtual user's browser: one keep-alive connection, dialled
// by d.
func newClient(d *net.Dialer) *http.Client {
	return &http.Client{
		Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true},
		// A redirect is an answer to count (to the sign-in page, say), not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

func closeClients(clients []*http.Client) {
	for _, c := range clients {
		c.CloseIdleConnections()
	}
}

// do makes one request and records it; a request cut short because ctx
// ended is not one.
func (s *Stats) do(ctx context.Context, req request, c *http.Client) {
	if s.Failed == nil {
		s.Failed = map[string]int{}
	}
	t := time.Now()
	status, err := req(ctx, c)
	switch {
	case err != nil && ctx.Err() != nil:
		return
	case err != nil:
		s.Failed["error"]++
	case status != http.StatusOK:
		s.Failed[fmt.Sprint(status)]++
	}
	s.Latencies = append(s.Latencies, time.Since(t))
	s.Requests++
}

// sum puts the users' measurements together.
func sum(per []Stats, elapsed time.Duration) Stats {
	total := Stats{Failed: map[string]int{}, Elapsed: elapsed}
	for _, s := range per {
		total.Requests += s.Requests
		total.Latencies = append(total.Latencies, s.Latencies...)
		for k, n := range s.Failed {
			total.Failed[k] += n
		}
	}
	slices.Sort(total.Latencies)
	return total
}
