package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// counters are the server's request and SQL round-trip counts, summed over
// every route but /metrics itself: scenarios run one at a time, so the
// difference between two readings belongs to the scenario in between.
type counters struct {
	requests, roundTrips float64
}

// roundTripsPerRequest is what the server counted between two readings:
// its pgx tracer counts every statement, batch and preparation sent to
// PostgreSQL against the request it was made for.
func roundTripsPerRequest(before, after counters) float64 {
	n := after.requests - before.requests
	if n <= 0 {
		return 0
	}
	return (after.roundTrips - before.roundTrips) / n
}

// settled reads the counters once no request is left half counted: the
// server counts a request, then its round trips, after sending its answer,
// so a reading taken as the last answers arrive may hold one without the
// other. Two equal readings in a row mean the counts have settled.
func settled(ctx context.Context, baseURL string) (counters, error) {
	c, err := scrape(ctx, baseURL)
	for range 50 {
		if err != nil {
			return c, err
		}
		time.Sleep(time.Millisecond)
		var next counters
		if next, err = scrape(ctx, baseURL); err == nil && next == c {
			return c, nil
		}
		c = next
	}
	return c, err
}

// scrape reads the counters from the server's /metrics page (Prometheus's
// text format: `name{label="value",…} number`, one series a line).
func scrape(ctx context.Context, baseURL string) (counters, error) {
	var c counters
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/metrics", nil)
	if err != nil {
		return c, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return c, fmt.Errorf("metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return c, fmt.Errorf("metrics: status %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		var sum *float64
		switch {
		case strings.HasPrefix(line, "bpoeval_http_requests_total{"):
			sum = &c.requests
		case strings.HasPrefix(line, "bpoeval_http_sql_round_trips_total{"):
			sum = &c.roundTrips
		default:
			continue
		}
		if strings.Contains(line, `route="/metrics"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return c, fmt.Errorf("metrics: %q: %w", line, err)
		}
		*sum += v
	}
	if err := sc.Err(); err != nil {
		return c, fmt.Errorf("metrics: %w", err)
	}
	return c, nil
}
