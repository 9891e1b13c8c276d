package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// managerMetrics is what the manager's own Prometheus counters say about convergence: when
// the rate budget is not what paces it, they show what is (how many reconciles, how long
// each took, how many workers ran them, how many Kubernetes API requests they made).
type managerMetrics struct {
	Reconciles      float64            `json:"reconciles"`
	ReconcileMeanMS float64            `json:"reconcile_mean_ms"`
	Workers         float64            `json:"max_concurrent_reconciles"`
	KubeRequests    map[string]float64 `json:"kube_requests_by_method"`
	KubePerAgent    float64            `json:"kube_requests_per_agent"`
	TokenWaitS      float64            `json:"ratelimiter_wait_s"`
	HeldBack        float64            `json:"client_rate_limited"`
}

// metricSeries maps "name{labels}" to its value, as the text exposition format lists them.
type metricSeries map[string]float64

// scrapeMetrics reads the manager's /metrics (served on loopback, plain HTTP, for the
// benchmark only).
func scrapeMetrics(ctx context.Context, addr string) (metricSeries, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	out := metricSeries{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); i > 0 && err == nil {
			out[line[:i]] = v
		}
	}
	return out, sc.Err()
}

// sum adds the series of name whose labels hold every one of parts.
func (m metricSeries) sum(name string, parts ...string) float64 {
	total := 0.0
	for series, v := range m {
		metric, labels, _ := strings.Cut(series, "{")
		if metric == name && containsAll(labels, parts) {
			total += v
		}
	}
	return total
}

// byLabel adds the series of name by the value of one label.
func (m metricSeries) byLabel(name, label string) map[string]float64 {
	out := map[string]float64{}
	for series, v := range m {
		metric, labels, _ := strings.Cut(series, "{")
		if metric != name {
			continue
		}
		_, rest, ok := strings.Cut(labels, label+`="`)
		if !ok {
			continue
		}
		value, _, _ := strings.Cut(rest, `"`)
		out[value] += v
	}
	return out
}

// convergenceMetrics is the difference between two scrapes, around convergence.
func convergenceMetrics(from, to metricSeries, n int) managerMetrics {
	const ctrl = `controller="wassistagent"`
	m := managerMetrics{
		Reconciles: to.sum("controller_runtime_reconcile_total", ctrl) - from.sum("controller_runtime_reconcile_total", ctrl),
		Workers:    to.sum("controller_runtime_max_concurrent_reconciles", ctrl),
		TokenWaitS: round(to.sum("wassist_ratelimiter_wait_seconds_sum")-from.sum("wassist_ratelimiter_wait_seconds_sum"), 2),
		HeldBack: to.sum("wassist_api_rate_limited_total", `source="client"`) -
			from.sum("wassist_api_rate_limited_total", `source="client"`),
		KubeRequests: map[string]float64{},
	}
	secs := to.sum("controller_runtime_reconcile_time_seconds_sum", ctrl) - from.sum("controller_runtime_reconcile_time_seconds_sum", ctrl)
	if m.Reconciles > 0 {
		m.ReconcileMeanMS = round(1000*secs/m.Reconciles, 1)
	}
	before := from.byLabel("rest_client_requests_total", "method")
	total := 0.0
	for method, v := range to.byLabel("rest_client_requests_total", "method") {
		m.KubeRequests[method] = v - before[method]
		total += v - before[method]
	}
	m.KubePerAgent = round(total/float64(n), 2)
	return m
}
