package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

// Metrics are the Prometheus series the server exports on /metrics.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	sqlTrips *prometheus.CounterVec
}

// NewMetrics returns a fresh registry with the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bpoeval_http_requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bpoeval_http_request_duration_seconds",
			Help:    "HTTP request duration by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
		sqlTrips: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bpoeval_http_sql_round_trips_total",
			Help: "SQL round trips made while serving HTTP requests, by method and route pattern; divide by bpoeval_http_requests_total for the mean per request.",
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.sqlTrips,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds more collectors, such as the database pool's.
func (m *Metrics) Register(c prometheus.Collector) error { return m.registry.Register(c) }

// watchCache exports the counters of a cache as bpoeval_<name>_cache_*:
// reads of a <one> found or made, and what it holds of <many>. A registry
// shared by several servers exports the first one's.
func (m *Metrics) watchCache(c *evalmodel.Cache, name, one, many string) {
	for _, series := range []struct {
		name, help string
		counter    bool
		value      func(evalmodel.CacheStats) float64
	}{
		{"hits_total", "Reads of a " + one + " found in the process's cache.",
			true, func(s evalmodel.CacheStats) float64 { return float64(s.Hits) }},
		{"misses_total", "Reads of a " + one + " the process's cache did not hold, made and kept.",
			true, func(s evalmodel.CacheStats) float64 { return float64(s.Misses) }},
		{"bytes", "Estimated bytes held by the process's cache of " + many + ".",
			false, func(s evalmodel.CacheStats) float64 { return float64(s.Bytes) }},
		{"entries", "Entries in the process's cache of " + many + ".",
			false, func(s evalmodel.CacheStats) float64 { return float64(s.Entries) }},
	} {
		read := func() float64 { return series.value(c.Stats()) }
		full := "bpoeval_" + name + "_cache_" + series.name
		var col prometheus.Collector = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: full, Help: series.help}, read)
		if series.counter {
			col = prometheus.NewCounterFunc(prometheus.CounterOpts{Name: full, Help: series.help}, read)
		}
		_ = m.registry.Register(col) // only AlreadyRegisteredError: see above
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// countRequests records every request, its duration and the SQL round trips
// it made under its route pattern and a known method (methodLabel), never
// its raw path or method: the label set stays bounded whatever is sent.
func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, trips := roundtrip.WithCounter(r.Context())
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r.WithContext(ctx))
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		route, method := routePattern(r), methodLabel(r)
		s.metrics.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		s.metrics.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		s.metrics.sqlTrips.WithLabelValues(method, route).Add(float64(trips.Load()))
	})
}
