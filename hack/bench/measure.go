package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const (
	// simPoll is how often the simulator's log is read while waiting for the edit's PATCH;
	// the latency comes from the log's own timestamps, so this adds no error to it.
	simPoll = 200 * time.Millisecond
	// metricsPoll is how often the manager's counters are read while waiting for a drift
	// check; the edit follows the check by at most this much.
	metricsPoll = 50 * time.Millisecond
	// createWorkers send the creates in parallel, so that the benchmark's own client is
	// not what paces the operator.
	createWorkers = 16
	batchLabel    = "bench.wassist.app/batch"
	batchInitial  = "initial"
	// clockTick is USER_HZ, the unit of utime and stime in /proc/PID/stat (100 on Linux).
	clockTick = 100
)

// sample is the Ready count of a batch, T seconds after its first create.
type sample struct {
	T     float64 `json:"t"`
	Ready int     `json:"ready"`
}

// wave is a batch of agents created at once, and what is measured around it the same way
// in both modes: the manager's counters, the machine's and the benchmark's CPU, and how
// long the creates took to submit.
type wave struct {
	metrics0      metricSeries
	busy0, total0 int64
	self0         float64
	start         time.Time
	created       chan error // buffered: the creates never wait for the reader
	submitted     time.Duration
	creating      sync.WaitGroup
}

// startWave creates agents from 16 parallel clients, in the background.
func startWave(ctx context.Context, s *stack, agents []*wassistv1alpha1.WassistAgent) (*wave, error) {
	metrics0, err := scrapeMetrics(ctx, s.metricsAddr)
	if err != nil {
		return nil, err
	}
	w := &wave{metrics0: metrics0, self0: cpuSeconds(os.Getpid()), created: make(chan error, 1)}
	w.busy0, w.total0 = machineCPU()
	w.start = time.Now()
	w.creating.Go(func() {
		err := createAgents(ctx, s.c, agents)
		w.submitted = time.Since(w.start)
		w.created <- err
	})
	return w, nil
}

// waveFigures are the figures of a wave, once every agent was Ready.
type waveFigures struct {
	machineBusyPct, benchCPUS, createSubmitS float64
	manager                                  managerMetrics
}

// finish waits for the creates to be submitted and reads the figures of the wave of n agents.
func (w *wave) finish(ctx context.Context, s *stack, n int) (waveFigures, error) {
	w.creating.Wait()
	busy1, total1 := machineCPU()
	f := waveFigures{
		machineBusyPct: round(100*float64(busy1-w.busy0)/float64(max(total1-w.total0, 1)), 1),
		benchCPUS:      round(cpuSeconds(os.Getpid())-w.self0, 2),
		createSubmitS:  round(w.submitted.Seconds(), 2),
	}
	metrics1, err := scrapeMetrics(ctx, s.metricsAddr)
	if err != nil {
		return f, err
	}
	f.manager = convergenceMetrics(w.metrics0, metrics1, n)
	return f, nil
}

// measureConvergence creates N agents at once and waits until all are Ready; the requests
// the simulator saw until then are the cost of converging.
func measureConvergence(ctx context.Context, o options, s *stack, n int, res *result) error {
	w, err := startWave(ctx, s, newAgents(agentNames("agent", n), batchInitial, secretName))
	if err != nil {
		return err
	}
	series, took, err := waitReady(ctx, s.watched, batchInitial, n, w.start, o, w.created)
	figures, finishErr := w.finish(ctx, s, n)
	if err = cmp.Or(err, finishErr); err != nil {
		return err
	}
	res.MachineBusyPct, res.BenchCPUS, res.CreateSubmitS, res.Manager =
		figures.machineBusyPct, figures.benchCPUS, figures.createSubmitS, figures.manager
	reqs, err := s.sim.RequestsFor(ctx, benchKey)
	if err != nil {
		return err
	}
	res.Series = series
	res.ConvergeS = round(took.Seconds(), 2)
	// The ideal is the minimum work (a POST and a PATCH per agent) at the budget's rate.
	res.IdealS = round(float64(2*n)/(float64(o.rate)/60), 2)
	res.Ratio = round(res.ConvergeS/res.IdealS, 2)
	res.ConvergeRequests = len(reqs)
	res.ReqPerAgent = round(float64(len(reqs))/float64(n), 3)
	res.TooMany, res.ConvergeByRoute = summarize(reqs)
	return nil
}

// measureSteady counts the requests of two whole sync periods in which nothing changes.
// The bulk drift check ticks once per period, so a window of exactly two periods holds
// exactly two checks, wherever it starts.
func measureSteady(ctx context.Context, o options, s *stack, res *result) error {
	if err := sleep(ctx, settle); err != nil {
		return err
	}
	before, err := s.sim.RequestsFor(ctx, benchKey)
	if err != nil {
		return err
	}
	m0, err := scrapeMetrics(ctx, s.metricsAddr)
	if err != nil {
		return err
	}
	u0, began := snapshotBoth(s), time.Now()
	if err := sleep(ctx, 2*o.syncPeriod); err != nil {
		return err
	}
	u1 := snapshotBoth(s)
	after, err := s.sim.RequestsFor(ctx, benchKey)
	if err != nil {
		return err
	}
	m1, err := scrapeMetrics(ctx, s.metricsAddr)
	if err != nil {
		return err
	}
	window := after[len(before):]
	res.Idle = idleOf(m0, m1, u0, u1, countBefore(window, http.MethodGet, "/agents/", time.Time{}), 2)
	res.SteadyWindowS = round(time.Since(began).Seconds(), 1)
	res.SteadyRequests = len(window)
	res.SteadyPerSync = round(float64(len(window))/2, 1)
	_, res.SteadyByRoute = summarize(window)
	return nil
}

// waitMetric waits until the manager's counter name (summed over the series with labels)
// has grown by at least delta, and returns when it saw that.
func waitMetric(ctx context.Context, s *stack, name string, delta float64, timeout time.Duration, labels ...string) (time.Time, error) {
	first, err := scrapeMetrics(ctx, s.metricsAddr)
	if err != nil {
		return time.Time{}, err
	}
	deadline := time.Now().Add(timeout)
	for {
		if err := sleep(ctx, metricsPoll); err != nil {
			return time.Time{}, err
		}
		now, err := scrapeMetrics(ctx, s.metricsAddr)
		if err != nil {
			return time.Time{}, err
		}
		if now.sum(name, labels...)-first.sum(name, labels...) >= delta {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%s grew by %v in %s, not %v", name, now.sum(name, labels...)-first.sum(name, labels...), timeout, delta)
		}
	}
}

func agentNames(prefix string, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%05d", prefix, i)
	}
	return names
}

// newAgent is the minimal agent: a key (the Secret secret) and a system prompt, labelled
// with its batch so that each phase counts only its own.
func newAgent(name, batch, secret string) *wassistv1alpha1.WassistAgent {
	return &wassistv1alpha1.WassistAgent{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{batchLabel: batch}},
		Spec: wassistv1alpha1.WassistAgentSpec{
			APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: secret},
			SystemPrompt:    "You are " + name + ", an agent of the benchmark. Keep answers short.",
		},
	}
}

// newAgents is newAgent for each name.
func newAgents(names []string, batch, secret string) []*wassistv1alpha1.WassistAgent {
	agents := make([]*wassistv1alpha1.WassistAgent, 0, len(names))
	for _, name := range names {
		agents = append(agents, newAgent(name, batch, secret))
	}
	return agents
}

// createAgents creates the agents, in order, with createWorkers in parallel; the first
// failure stops the others.
func createAgents(ctx context.Context, c client.Client, agents []*wassistv1alpha1.WassistAgent) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan *wassistv1alpha1.WassistAgent)
	var wg sync.WaitGroup
	for range createWorkers {
		wg.Go(func() {
			for a := range next {
				if err := c.Create(ctx, a); err != nil {
					cancel(fmt.Errorf("creating %s: %w", a.Name, err))
				}
			}
		})
	}
	for _, a := range agents {
		select {
		case next <- a:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// waitReady counts the batch in the watched agents every o.poll until want of them are
// Ready, and returns
// the Ready count over time. The creates run meanwhile; a failed create ends it.
func waitReady(ctx context.Context, c client.Reader, batch string, want int, start time.Time,
	o options, created <-chan error) ([]sample, time.Duration, error) {
	series := []sample{{T: 0, Ready: 0}}
	tick := time.NewTicker(o.poll)
	defer tick.Stop()
	for {
		ready, err := countReady(ctx, c, batch)
		if err != nil {
			return series, 0, err
		}
		took := time.Since(start)
		series = append(series, sample{T: round(took.Seconds(), 2), Ready: ready})
		if ready >= want {
			return series, took, nil
		}
		if took > o.timeout {
			return series, took, fmt.Errorf("only %d of %d agents (%s) Ready after %s", ready, want, batch, o.timeout)
		}
		select {
		case err := <-created:
			if err != nil {
				return series, took, err
			}
		case <-ctx.Done():
			return series, took, ctx.Err()
		case <-tick.C:
		}
	}
}

func countReady(ctx context.Context, c client.Reader, batch string) (int, error) {
	list := &wassistv1alpha1.WassistAgentList{}
	if err := c.List(ctx, list, client.InNamespace(namespace), client.MatchingLabels{batchLabel: batch},
		client.UnsafeDisableDeepCopy); err != nil {
		return 0, err
	}
	ready := 0
	for _, a := range list.Items {
		if meta.IsStatusConditionTrue(a.Status.Conditions, wassistv1alpha1.ConditionReady) {
			ready++
		}
	}
	return ready, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// summarize counts 429 answers and requests by "METHOD /route/template/".
func summarize(reqs []wassisttest.Request) (tooMany int, byRoute map[string]int) {
	byRoute = map[string]int{}
	for _, r := range reqs {
		byRoute[r.Method+" "+r.Route]++
		if r.Status == http.StatusTooManyRequests {
			tooMany++
		}
	}
	return tooMany, byRoute
}

// countBefore counts the requests of method and route made before t; a zero t counts them all.
func countBefore(reqs []wassisttest.Request, method, route string, t time.Time) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method && r.Route == route && (t.IsZero() || r.Time.Before(t)) {
			n++
		}
	}
	return n
}

// waitRequests waits until key's log holds want requests of method and route made after
// since, and returns them.
func waitRequests(ctx context.Context, sim *wassisttest.SimClient, key, method, route string, since time.Time, want int,
	timeout time.Duration) ([]wassisttest.Request, error) {
	return waitFor(ctx, sim, key, func(r wassisttest.Request) bool { return r.Method == method && r.Route == route },
		since, want, timeout)
}

// waitPatch returns when the simulator received a PATCH of key's agent id made after since.
// The time is the simulator's own record of the request, so polling adds no error to it.
func waitPatch(ctx context.Context, sim *wassisttest.SimClient, key, id string, since time.Time,
	timeout time.Duration) (time.Time, error) {
	if id == "" {
		return time.Time{}, errors.New("the edited agent has no agent id")
	}
	reqs, err := waitFor(ctx, sim, key, func(r wassisttest.Request) bool {
		return r.Method == http.MethodPatch && r.Route == agentRoute && strings.Contains(r.Path, id)
	}, since, 1, timeout)
	if err != nil {
		return time.Time{}, err
	}
	return reqs[0].Time, nil
}

// waitFor reads key's log every simPoll until it holds want requests that match and were
// made after since, and returns them.
func waitFor(ctx context.Context, sim *wassisttest.SimClient, key string, match func(wassisttest.Request) bool,
	since time.Time, want int, timeout time.Duration) ([]wassisttest.Request, error) {
	deadline := time.Now().Add(timeout)
	for {
		reqs, err := sim.RequestsFor(ctx, key)
		if err != nil {
			return nil, err
		}
		var found []wassisttest.Request
		for _, r := range reqs {
			if match(r) && !r.Time.Before(since) {
				found = append(found, r)
			}
		}
		if len(found) >= want {
			return found, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d of %d requests within %s", len(found), want, timeout)
		}
		if err := sleep(ctx, simPoll); err != nil {
			return nil, err
		}
	}
}

// usage is a process's resident memory (peak, and now split into anonymous memory and
// file-backed pages, mostly the binary's own code) and CPU time so far.
type usage struct {
	at     time.Time
	hwmKB  int64
	rssKB  int64
	anonKB int64
	fileKB int64
	cpuS   float64
}

// both is the manager's and the floor's usage at one moment.
type both struct{ manager, floor usage }

func snapshotBoth(s *stack) both {
	return both{manager: readUsage(s.manager), floor: readUsage(s.floor)}
}

// readUsage reads VmHWM and utime+stime. VmHWM is the kernel's own running peak of the
// resident set, so reading it at the end of a window gives the peak over the window
// without sampling in between.
func readUsage(p *harness.Process) usage {
	u := usage{at: time.Now()}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(p.Pid()) + "/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: warning: reading memory of the process logging to", p.LogPath(), err)
		return u
	}
	fields := map[string]*int64{"VmHWM": &u.hwmKB, "VmRSS": &u.rssKB, "RssAnon": &u.anonKB, "RssFile": &u.fileKB}
	for line := range strings.SplitSeq(string(status), "\n") {
		name, value, _ := strings.Cut(line, ":")
		if field, ok := fields[name]; ok {
			*field, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		}
	}
	u.cpuS = cpuSeconds(p.Pid())
	return u
}

// cpuSeconds is utime+stime of a process, from /proc/PID/stat.
func cpuSeconds(pid int) float64 {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: fields are counted after its ')'.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return float64(utime+stime) / clockTick
}

// recordResources fills the memory and CPU columns: peak RSS since start, CPU between the
// two snapshots (the first create, and the end of the steady state).
func recordResources(res *result, from, to both) {
	res.RSSMB, res.FloorRSSMB = mb(to.manager.hwmKB), mb(to.floor.hwmKB)
	if res.FloorRSSMB > 0 {
		res.RSSRatio = round(res.RSSMB/res.FloorRSSMB, 2)
	}
	res.CPUS = round(to.manager.cpuS-from.manager.cpuS, 2)
	res.FloorCPUS = round(to.floor.cpuS-from.floor.cpuS, 2)
	res.MeasuredS = round(to.manager.at.Sub(from.manager.at).Seconds(), 1)
	res.Memory = memoryAt{Manager: memoryOf(to.manager), Floor: memoryOf(to.floor)}
}

// memoryAt is both processes' memory at the end of the steady state, in MiB.
type memoryAt struct {
	Manager memory `json:"manager"`
	Floor   memory `json:"floor"`
}

type memory struct {
	PeakMB float64 `json:"peak_mb"`
	RSSMB  float64 `json:"rss_mb"`
	AnonMB float64 `json:"anon_mb"`
	FileMB float64 `json:"file_mb"`
}

func memoryOf(u usage) memory {
	return memory{PeakMB: mb(u.hwmKB), RSSMB: mb(u.rssKB), AnonMB: mb(u.anonKB), FileMB: mb(u.fileKB)}
}

// mb converts kB to MiB.
func mb(kb int64) float64 { return round(float64(kb)/1024, 1) }
