package wassist

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the client's Prometheus series. Labels are methods, route templates
// (/agents/{id}/) and status codes: never an id, a number or a key.
type Metrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	rateLimited *prometheus.CounterVec
	wait        prometheus.Histogram
}

// NewMetrics creates the series and registers them on reg (controller-runtime's
// registry in the manager). Registering twice on one registry reuses the first series.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wassist_api_requests_total",
			Help: "Requests sent to the Wassist API, by method, route template and status code (\"error\" when no answer came).",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wassist_api_request_duration_seconds",
			Help:    "Duration of Wassist API requests, by method and route template.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}, []string{"method", "route"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wassist_api_rate_limited_total",
			Help: "Calls refused for rate: \"server\" for 429 answers, \"client\" for calls held back by the key's local budget.",
		}, []string{"source"}),
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "wassist_ratelimiter_wait_seconds",
			Help:    "Time calls waited for a token of their API key's budget.",
			Buckets: []float64{0, 0.05, 0.1, 0.25, 0.5, 1, 2, 5},
		}),
	}
	if reg != nil {
		m.requests = register(reg, m.requests)
		m.duration = register(reg, m.duration)
		m.rateLimited = register(reg, m.rateLimited)
		m.wait = register(reg, m.wait)
	}
	return m
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		if are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

func (m *Metrics) observe(method, route string, status int, took time.Duration) {
	code := "error"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	m.requests.WithLabelValues(method, route, code).Inc()
	m.duration.WithLabelValues(method, route).Observe(took.Seconds())
}
