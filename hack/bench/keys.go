package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// keyLabel tells, in the many-keys mode, which key's Secret an agent names ("01", "02", ...).
const keyLabel = "bench.wassist.app/key"

// manyKeysResult is one run of the many-keys mode: K keys with n agents each, created at
// once, until all are Ready.
type manyKeysResult struct {
	Keys         int `json:"keys"`
	AgentsPerKey int `json:"agents_per_key"`
	Agents       int `json:"agents"`
	// ConvergeS is from the first create to the last agent of any key Ready.
	ConvergeS float64 `json:"converge_s"`
	// IdealS is the busiest key's least work (a POST and a PATCH per agent) at its budget's
	// refill rate, (R-burst)/60 per second: the budget starts empty, and the keys' budgets
	// are independent, so no key can finish sooner.
	IdealS      float64 `json:"ideal_s"`
	Ratio       float64 `json:"ratio"`
	ReqPerAgent float64 `json:"requests_per_agent"`
	TooMany     int     `json:"http_429"`
	// KeyReadyS is the spread, across keys, of the time each key's last agent became Ready.
	KeyReadyS spread      `json:"key_ready_s"`
	PerKey    []keyResult `json:"per_key"`
	// BadTenants are the failing tenants of --bad-tenants, whose requests the figures
	// above leave out.
	BadTenants []badTenant `json:"bad_tenants,omitempty"`
	// Storm is the edit latency at this budget: all but one of the first key's agents
	// drifted and queued for repair by its drift check, and one edit (n of 2 or more).
	Storm *storm `json:"storm,omitempty"`

	ConvergeRequests int            `json:"converge_requests"`
	ConvergeByRoute  map[string]int `json:"converge_requests_by_route"`
	CreateSubmitS    float64        `json:"create_submit_s"`
	MachineBusyPct   float64        `json:"machine_cpu_busy_pct_converge"`
	BenchCPUS        float64        `json:"bench_cpu_s_converge"`
	Manager          managerMetrics `json:"manager_metrics_converge"`
	LoadAvgStart     string         `json:"load_avg_start"`
	WallS            float64        `json:"wall_s"`
	// Series is the Ready count of all keys together over time.
	Series []sample `json:"series"`
}

// keyResult is one key's share of a many-keys run.
type keyResult struct {
	Key   string `json:"key"`    // its label value, "01", "02", ...
	KeyID string `json:"key_id"` // as the simulator names it in its log
	// ReadyS is from the first create (of any key) to this key's last agent Ready.
	ReadyS float64 `json:"ready_s"`
	// FirstRequestS is from the first create to this key's first request to Wassist: when
	// its budget started to be spent. ReadyS minus it is the key's own pace.
	FirstRequestS float64 `json:"first_request_s"`
	Requests      int     `json:"requests"`
	ReqPerAgent   float64 `json:"requests_per_agent"`
	TooMany       int     `json:"http_429"`
}

type spread struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

func spreadOf(values []float64) spread {
	if len(values) == 0 {
		return spread{}
	}
	v := slices.Sorted(slices.Values(values))
	median := v[len(v)/2]
	if len(v)%2 == 0 {
		median = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return spread{Min: v[0], Median: round(median, 2), Max: v[len(v)-1]}
}

// idealManyKeys is IdealS: 2n requests at (rate-burst)/60 per second.
func idealManyKeys(n, rate int) float64 {
	return round(float64(2*n)/(float64(rate-burst)/60), 2)
}

// keyLabelOf is the label value of the i-th key (from 0).
func keyLabelOf(i int) string { return fmt.Sprintf("%02d", i+1) }

// runManyKeys measures K keys of n agents on a fresh stack and stops it before it returns.
func runManyKeys(ctx context.Context, o options, bins binaries, n int, work string) (manyKeysResult, error) {
	began := time.Now()
	res := manyKeysResult{Keys: o.keys, AgentsPerKey: n, Agents: o.keys * n, LoadAvgStart: loadAvg()}
	dir := filepath.Join(work, "k"+strconv.Itoa(o.keys)+"-n"+strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	step("%d keys × %d agents: starting kube-apiserver, etcd, wassist-sim and the manager (logs in %s)", o.keys, n, dir)
	s, err := startStack(ctx, o, bins, dir)
	defer s.stop()
	if err != nil {
		return res, err
	}
	tenants, bad := tenantsOf(o), badTenantsOf(o)
	if err := createSecrets(ctx, s.c, append(slices.Clone(tenants), bad...)); err != nil {
		return res, err
	}
	if err := startStorm(ctx, o, s); err != nil {
		return res, err
	}
	step("%d keys × %d agents: convergence at %d requests/minute per key", o.keys, n, o.rate)
	if err := measureManyKeys(ctx, o, s, tenants, bad, n, &res); err != nil {
		return res, err
	}
	step("%d keys × %d agents: all Ready in %.1fs (ideal %.1fs); keys done between %.1fs and %.1fs",
		o.keys, n, res.ConvergeS, res.IdealS, res.KeyReadyS.Min, res.KeyReadyS.Max)
	if n >= 2 {
		step("%d keys × %d agents: edit latency while %d drift repairs of key %s are queued", o.keys, n, n-1, keyLabelOf(0))
		st, err := measureStorm(ctx, o, s, firstKeyStorm(o, s, tenants[0], n))
		if err != nil {
			return res, fmt.Errorf("the storm: %w", err)
		}
		res.Storm = &st
	}
	res.WallS = round(time.Since(began).Seconds(), 1)
	return res, nil
}

// manyKeysAgents are n agents for each key, in the order they are created. In turns,
// every key's first agent is created before any key's second; grouped, all of one key's
// agents before the next key's, as when tenants apply their manifests one after another.
// Grouped is the harder order: the first objects in the queue all wait on one key.
func manyKeysAgents(tenants []tenant, n int, order string) []*wassistv1alpha1.WassistAgent {
	agents := make([]*wassistv1alpha1.WassistAgent, 0, len(tenants)*n)
	add := func(k, i int) {
		a := newAgent(fmt.Sprintf("k%s-agent-%05d", keyLabelOf(k), i), batchInitial, tenants[k].secret)
		a.Labels[keyLabel] = keyLabelOf(k)
		agents = append(agents, a)
	}
	for outer := range max(n, len(tenants)) {
		for inner := range max(n, len(tenants)) {
			switch {
			case order == "grouped" && outer < len(tenants) && inner < n:
				add(outer, inner)
			case order != "grouped" && outer < n && inner < len(tenants):
				add(inner, outer)
			}
		}
	}
	return agents
}

// measureManyKeys creates every key's agents at once and waits until all are Ready; the
// requests the simulator saw until then, by key, are the cost of converging.
func measureManyKeys(ctx context.Context, o options, s *stack, tenants, bad []tenant, n int, res *manyKeysResult) error {
	w, err := startWave(ctx, s, append(badAgents(bad, n), manyKeysAgents(tenants, n, o.keyOrder)...))
	if err != nil {
		return err
	}
	series, keyReady, took, err := waitReadyByKey(ctx, s.watched, len(tenants), n, w.start, o, w.created)
	agents := len(tenants) * n
	figures, finishErr := w.finish(ctx, s, agents)
	if err = cmp.Or(err, finishErr); err != nil {
		return err
	}
	res.MachineBusyPct, res.BenchCPUS, res.CreateSubmitS, res.Manager =
		figures.machineBusyPct, figures.benchCPUS, figures.createSubmitS, figures.manager
	reqs, err := s.sim.Requests(ctx)
	if err != nil {
		return err
	}
	reqs, res.BadTenants = splitBad(bad, reqs)
	res.Series = series
	res.ConvergeS = round(took.Seconds(), 2)
	res.IdealS = idealManyKeys(n, o.rate)
	res.Ratio = round(res.ConvergeS/res.IdealS, 2)
	res.ConvergeRequests = len(reqs)
	res.ReqPerAgent = round(float64(len(reqs))/float64(agents), 3)
	res.TooMany, res.ConvergeByRoute = summarize(reqs)
	res.PerKey = perKey(tenants, n, w.start, keyReady, reqs)
	readyS := make([]float64, 0, len(res.PerKey))
	for _, k := range res.PerKey {
		readyS = append(readyS, k.ReadyS)
	}
	res.KeyReadyS = spreadOf(readyS)
	return nil
}

// perKey splits the request log by key, beside the time each key was done.
func perKey(tenants []tenant, n int, start time.Time, ready []time.Duration, reqs []wassisttest.Request) []keyResult {
	out := make([]keyResult, len(tenants))
	index := map[string]int{}
	for k, t := range tenants {
		out[k] = keyResult{Key: keyLabelOf(k), KeyID: wassisttest.KeyID(t.key), ReadyS: round(ready[k].Seconds(), 2)}
		index[out[k].KeyID] = k
	}
	for _, r := range reqs {
		k, ok := index[r.KeyID]
		if !ok {
			continue
		}
		if first := round(r.Time.Sub(start).Seconds(), 2); out[k].Requests == 0 || first < out[k].FirstRequestS {
			out[k].FirstRequestS = first
		}
		out[k].Requests++
		if r.Status == http.StatusTooManyRequests {
			out[k].TooMany++
		}
	}
	for k := range out {
		out[k].ReqPerAgent = round(float64(out[k].Requests)/float64(n), 3)
	}
	return out
}

// waitReadyByKey counts the agents Ready in the watch, by key, every o.poll until every
// key has perKey of them, and returns the total Ready count over time and when each key
// got there (its last agent Ready, to within o.poll). The creates run meanwhile; a failed
// create ends it.
func waitReadyByKey(ctx context.Context, c client.Reader, keys, perKey int, start time.Time, o options,
	created <-chan error) ([]sample, []time.Duration, time.Duration, error) {
	series := []sample{{T: 0, Ready: 0}}
	done := make([]time.Duration, keys)
	tick := time.NewTicker(o.poll)
	defer tick.Stop()
	for {
		byKey, err := countReadyByKey(ctx, c)
		if err != nil {
			return series, done, 0, err
		}
		took := time.Since(start)
		total, finished := 0, 0
		for k := range keys {
			ready := byKey[keyLabelOf(k)]
			total += ready
			if done[k] == 0 && ready >= perKey {
				done[k] = took
			}
			if done[k] != 0 {
				finished++
			}
		}
		series = append(series, sample{T: round(took.Seconds(), 2), Ready: total})
		if finished == keys {
			return series, done, took, nil
		}
		if took > o.timeout {
			return series, done, took, fmt.Errorf("only %d of %d agents Ready (%d of %d keys done) after %s",
				total, keys*perKey, finished, keys, o.timeout)
		}
		select {
		case err := <-created:
			if err != nil {
				return series, done, took, err
			}
		case <-ctx.Done():
			return series, done, took, ctx.Err()
		case <-tick.C:
		}
	}
}

// countReadyByKey counts the Ready agents of the initial batch by the value of keyLabel.
func countReadyByKey(ctx context.Context, c client.Reader) (map[string]int, error) {
	list := &wassistv1alpha1.WassistAgentList{}
	if err := c.List(ctx, list, client.InNamespace(namespace), client.MatchingLabels{batchLabel: batchInitial},
		client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, a := range list.Items {
		if meta.IsStatusConditionTrue(a.Status.Conditions, wassistv1alpha1.ConditionReady) {
			out[a.Labels[keyLabel]]++
		}
	}
	return out, nil
}

// manyKeysCurves are the runs as the convergence plot draws them: all keys' agents Ready
// over time, against the busiest key's ideal.
func manyKeysCurves(runs []manyKeysResult) []result {
	out := make([]result, 0, len(runs))
	for _, r := range runs {
		out = append(out, result{N: r.Agents, ConvergeS: r.ConvergeS, IdealS: r.IdealS, Ratio: r.Ratio, Series: r.Series})
	}
	return out
}

func printManyKeysTable(w io.Writer, results []manyKeysResult) {
	tw := newTable(w)
	fmt.Fprintln(tw, "keys\tagents/key\tagents\tconverge s\tideal s\tratio\treq/agent\t429s\t"+
		"key done min s\tmedian s\tmax s\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.1f\t%.1f\t%.2f\t%.3f\t%d\t%.1f\t%.1f\t%.1f\t\n",
			r.Keys, r.AgentsPerKey, r.Agents, r.ConvergeS, r.IdealS, r.Ratio, r.ReqPerAgent, r.TooMany,
			r.KeyReadyS.Min, r.KeyReadyS.Median, r.KeyReadyS.Max)
	}
	_ = tw.Flush()
	for _, r := range results {
		if st := r.Storm; st != nil {
			_, _ = fmt.Fprintf(w, "edit latency at %d requests/minute with %d repairs of key %s queued: %.0f ms "+
				"(%d repairs went first; all repaired in %.1f s, ideal %.1f s)\n", st.RatePerMinute, st.Agents, keyLabelOf(0),
				st.EditLatencyMS, st.RepairsBeforeEdit, st.RepairsDoneS, st.RepairsIdealS)
		}
		for _, b := range r.BadTenants {
			_, _ = fmt.Fprintf(w, "bad tenant %s beside %d keys: %d requests (%d answered 429, %d answered 401)\n",
				b.Label, r.Keys, b.Requests, b.TooMany, b.Rejected)
		}
	}
}
