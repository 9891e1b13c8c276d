// Command bench measures the operator against its performance targets, on this machine,
// with everything as separate processes: kube-apiserver and etcd (envtest), the wassist-sim
// simulator, the manager, and a bare controller-runtime manager (hack/bench/floor) as the
// baseline of what merely watching the objects costs. For each N it measures:
//
//   - convergence: N WassistAgents created at once, until all are Ready, against the
//     ideal of 2N requests at the rate budget;
//   - requests per agent and 429 answers during convergence, from the simulator's log;
//   - requests per sync period in the steady state (the bulk drift check);
//   - the latency of one spec edit while N/2 new agents are being created;
//   - the manager's peak RSS and CPU against the floor's, over convergence and steady state.
//
// It prints a table, writes the numbers as JSON and draws the convergence curves as SVG.
// Run it with `make bench`.
//
// With --keys K (more than one), it measures instead how K API keys share the manager at
// the real budget: K Secrets with K keys, --n agents per key created at once, until all are
// Ready, against the ideal set by the busiest key; requests per agent, 429 answers, and when
// each key's last agent became Ready; then the edit latency under a storm of the first
// key's repairs, at that budget. That mode skips the steady state, the restart and the
// memory (no floor runs); its plot is all keys' agents Ready over time.
//
// With several --n, it also reports the growth: peak RSS and CPU per 1,000 agents, the
// slope between the Ns, the idle cost per sync period, drawn in --growth-svg.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	crlog "sigs.k8s.io/controller-runtime/pkg/log"
	crzap "sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// burst is the manager's --rate-burst: the default, so the measured budget is the shipped one.
const burst = 5

type options struct {
	ns          []int
	keys        int
	keyOrder    string
	badTenants  bool
	rate        int
	syncPeriod  time.Duration
	jsonPath    string
	svgPath     string
	growthSVG   string
	bin         string
	assets      string
	timeout     time.Duration
	poll        time.Duration
	keepLogs    bool
	heapProfile bool
	cpuProfile  bool
	// managerEnv is added to the manager's environment only (GOMEMLIMIT=...).
	managerEnv []string
	// workers is the manager's --max-concurrent-reconciles; 0 leaves its default.
	workers int
}

func parseFlags() (options, error) {
	var o options
	var ns string
	flag.StringVar(&ns, "n", "100,1000", "Comma-separated numbers of agents (per key with --keys; default 10 then), one fresh run each.")
	flag.IntVar(&o.keys, "keys", 1,
		"API keys, each in its own Secret; more than one measures how they share the manager at the real budget (see docs/benchmarks.md).")
	flag.BoolVar(&o.badTenants, "bad-tenants", false, "With --keys above 1: add two tenants of n agents each, created "+
		"first, whose every request Wassist answers 429 (retry after 5 s) or whose key it rejects (401).")
	flag.StringVar(&o.keyOrder, "key-order", "grouped",
		"With --keys: create the agents key by key (grouped: all of one key's, then the next key's) "+
			"or in turns (one of each key, then the next).")
	flag.IntVar(&o.rate, "rate", 6000,
		"Requests per minute per API key, for the simulator and the manager alike (default 100 with --keys).")
	flag.DurationVar(&o.syncPeriod, "sync-period", time.Minute,
		"The manager's --sync-period; the steady state is measured over two of them.")
	flag.StringVar(&o.jsonPath, "json", "bench-results.json", "Where to write the results as JSON.")
	flag.StringVar(&o.svgPath, "svg", "docs/benchmark-convergence.svg", "Where to draw the convergence plot.")
	flag.StringVar(&o.growthSVG, "growth-svg", "bench-growth.svg",
		"Where to draw peak RSS over N, when --n names several.")
	flag.StringVar(&o.bin, "bin", "bin", "Directory of the manager and wassist-sim binaries (and bench-floor, else it is built).")
	flag.StringVar(&o.assets, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory of kube-apiserver and etcd.")
	flag.DurationVar(&o.timeout, "timeout", 15*time.Minute, "Longest wait of any one phase before the run fails.")
	flag.DurationVar(&o.poll, "poll", 200*time.Millisecond,
		"How often the Ready count is read (one List of the batch); a shorter interval loads the API server more.")
	flag.BoolVar(&o.keepLogs, "keep-logs", false, "Keep the processes' logs (their directory is printed) even on success.")
	flag.Func("manager-env", "NAME=VALUE added to the manager's environment only, e.g. GOMEMLIMIT=200MiB (repeatable).",
		func(v string) error {
			if !strings.Contains(v, "=") {
				return fmt.Errorf("%q is not NAME=VALUE", v)
			}
			o.managerEnv = append(o.managerEnv, v)
			return nil
		})
	flag.IntVar(&o.workers, "workers", 0, "The manager's --max-concurrent-reconciles (0: its default).")
	flag.BoolVar(&o.heapProfile, "heap-profile", false,
		"Save the manager's heap profile (heap.pprof) at the end of the steady state, beside the kept logs.")
	flag.BoolVar(&o.cpuProfile, "cpu-profile", false,
		"Save the manager's CPU profile over the convergence (cpu.pprof), beside the kept logs.")
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.keys > 1 && !set["n"] {
		ns = "10"
	}
	if o.keys > 1 && !set["rate"] {
		o.rate = wassist.DefaultRequestsPerMinute // the real budget
	}
	// The storm needs a Ready agent besides those it drifts; the many-keys mode has no storm.
	least := 2
	if o.keys > 1 {
		least = 1
	}
	for s := range strings.SplitSeq(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < least {
			return o, fmt.Errorf("--n: %q is not a number of agents (at least %d)", s, least)
		}
		o.ns = append(o.ns, n)
	}
	return o, o.check()
}

// check refuses options that contradict each other.
func (o options) check() error {
	switch {
	case o.keys < 1:
		return fmt.Errorf("--keys %d: at least one key is needed", o.keys)
	case o.keys == 1 && o.badTenants:
		return errors.New("--bad-tenants needs --keys above 1: the bad tenants run beside other keys")
	case o.keys > 1 && (o.heapProfile || o.cpuProfile):
		return errors.New("--heap-profile and --cpu-profile are taken in the single-key phases, which --keys skips")
	case o.rate <= burst:
		return fmt.Errorf("--rate %d must exceed the burst %d", o.rate, burst)
	case o.assets == "":
		return errors.New("--assets (or KUBEBUILDER_ASSETS) must name the directory of kube-apiserver and etcd")
	}
	return nil
}

func main() {
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	// envtest logs through controller-runtime; its failures come back as errors anyway.
	crlog.SetLogger(crzap.New(crzap.WriteTo(io.Discard)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = benchmark(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// benchmark runs every N, then reports; a failed N stops the run, since the numbers of a
// partial run would be read as a complete one.
func benchmark(ctx context.Context, o options) error {
	work, err := os.MkdirTemp("", "wassist-bench-")
	if err != nil {
		return err
	}
	keep := o.keepLogs || o.heapProfile || o.cpuProfile
	defer func() {
		if keep {
			fmt.Println("logs kept in", work)
			return
		}
		_ = os.RemoveAll(work)
	}()
	bins, err := findBinaries(ctx, o.bin, work)
	if err != nil {
		return err
	}
	r := report{Machine: describeMachine(), Config: configOf(o)}
	if o.keys > 1 {
		err = runAllManyKeys(ctx, o, bins, work, &r)
	} else {
		err = runAll(ctx, o, bins, work, &r)
	}
	keep = keep || err != nil
	return err
}

// runAllManyKeys runs every --n with K keys, then reports.
func runAllManyKeys(ctx context.Context, o options, bins binaries, work string, r *report) error {
	for _, n := range o.ns {
		res, err := runManyKeys(ctx, o, bins, n, work)
		if err != nil {
			return fmt.Errorf("with %d keys of %d agents: %w", o.keys, n, err)
		}
		r.ManyKeys = append(r.ManyKeys, res)
	}
	r.Machine.LoadAvgEnd = loadAvg()
	printManyKeysTable(os.Stdout, r.ManyKeys)
	if err := writeJSON(o.jsonPath, *r); err != nil {
		return err
	}
	if err := writeSVG(o.svgPath, manyKeysCurves(r.ManyKeys), o.rate); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s and %s\n", o.jsonPath, o.svgPath)
	return nil
}

// runAll runs every --n with one key, then reports, with the growth over the Ns when
// there are several.
func runAll(ctx context.Context, o options, bins binaries, work string, r *report) error {
	for _, n := range o.ns {
		res, err := runOne(ctx, o, bins, n, work)
		if err != nil {
			return fmt.Errorf("with %d agents: %w", n, err)
		}
		r.Results = append(r.Results, res)
	}
	r.Machine.LoadAvgEnd = loadAvg()
	printTable(os.Stdout, r.Results)
	written := []string{o.jsonPath, o.svgPath}
	if len(r.Results) > 1 {
		r.Growth = growthOf(r.Results)
		fmt.Println()
		printGrowthTable(os.Stdout, r.Growth)
		if err := writeGrowthSVG(o.growthSVG, r.Growth, time.Now()); err != nil {
			return err
		}
		written = append(written, o.growthSVG)
	}
	if err := writeJSON(o.jsonPath, *r); err != nil {
		return err
	}
	if err := writeSVG(o.svgPath, r.Results, o.rate); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", strings.Join(written, ", "))
	return nil
}

// report is the JSON file: where, with what settings, and the results.
type report struct {
	Machine machine  `json:"machine"`
	Config  config   `json:"config"`
	Results []result `json:"results,omitempty"`
	// Growth is the curve over the Ns, when there are several.
	Growth []growthPoint `json:"growth,omitempty"`
	// ManyKeys are the runs of --keys K>1, one per --n.
	ManyKeys []manyKeysResult `json:"many_keys,omitempty"`
}

type config struct {
	Keys int `json:"keys"`
	// ManagerEnv is what --manager-env added to the manager's environment.
	ManagerEnv    []string `json:"manager_env,omitempty"`
	RatePerMinute int      `json:"rate_per_minute"`
	Burst         int      `json:"burst"`
	SyncPeriodS   float64  `json:"sync_period_s"`
	PollInterval  string   `json:"poll_interval"`
	Date          string   `json:"date"`
	GitCommit     string   `json:"git_commit"`
	// GitDirty lists changed files under the code the binaries are built from, since a
	// benchmark of a working tree is not a benchmark of the commit.
	GitDirty []string `json:"git_dirty,omitempty"`
}

func configOf(o options) config {
	commit, dirty := gitState()
	return config{
		Keys: o.keys, ManagerEnv: o.managerEnv, RatePerMinute: o.rate, Burst: burst, SyncPeriodS: o.syncPeriod.Seconds(),
		PollInterval: o.poll.String(), Date: time.Now().UTC().Format(time.RFC3339),
		GitCommit: commit, GitDirty: dirty,
	}
}

// result is one N's numbers; the table prints the first columns, the JSON holds all.
type result struct {
	N             int     `json:"n"`
	ConvergeS     float64 `json:"converge_s"`
	IdealS        float64 `json:"ideal_s"`
	Ratio         float64 `json:"ratio"`
	ReqPerAgent   float64 `json:"requests_per_agent"`
	TooMany       int     `json:"http_429"`
	SteadyPerSync float64 `json:"steady_requests_per_period"`
	EditLatencyMS float64 `json:"edit_latency_ms"`
	RSSMB         float64 `json:"rss_mb"`
	FloorRSSMB    float64 `json:"floor_rss_mb"`
	RSSRatio      float64 `json:"rss_ratio"`
	CPUS          float64 `json:"cpu_s"`
	FloorCPUS     float64 `json:"floor_cpu_s"`

	ConvergeRequests int `json:"converge_requests"`
	// MachineBusyPct is how busy all cores were during convergence (100 = every core), by
	// anyone: the control plane, the manager, the benchmark itself, other users.
	MachineBusyPct  float64        `json:"machine_cpu_busy_pct_converge"`
	BenchCPUS       float64        `json:"bench_cpu_s_converge"`
	Manager         managerMetrics `json:"manager_metrics_converge"`
	ConvergeByRoute map[string]int `json:"converge_requests_by_route"`
	CreateSubmitS   float64        `json:"create_submit_s"`
	SteadyWindowS   float64        `json:"steady_window_s"`
	SteadyRequests  int            `json:"steady_requests"`
	SteadyByRoute   map[string]int `json:"steady_requests_by_route"`
	MeasuredS       float64        `json:"resources_window_s"`
	Memory          memoryAt       `json:"memory_end_of_steady_state"`
	Idle            idle           `json:"idle"`
	Storm           storm          `json:"storm"`
	Restart         restart        `json:"restart"`
	LoadAvgStart    string         `json:"load_avg_start"`
	WallS           float64        `json:"wall_s"`
	Series          []sample       `json:"series"`
}

// newTable writes right-aligned columns, as every table of the benchmark prints them.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
}

func printTable(w *os.File, results []result) {
	tw := newTable(w)
	fmt.Fprintln(tw, "N\tconverge s\tideal s\tratio\treq/agent\t429s\tsteady req/period\t"+
		"edit latency ms\tRSS MB\tfloor RSS MB\tRSS ratio\tCPU s\tfloor CPU s\trestart req (ideal)\trestart writes\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%.2f\t%.3f\t%d\t%.1f\t%.0f\t%.1f\t%.1f\t%.2f\t%.1f\t%.1f\t%d (%d)\t%d\t\n",
			r.N, r.ConvergeS, r.IdealS, r.Ratio, r.ReqPerAgent, r.TooMany, r.SteadyPerSync,
			r.EditLatencyMS, r.RSSMB, r.FloorRSSMB, r.RSSRatio, r.CPUS, r.FloorCPUS,
			r.Restart.Requests, r.Restart.IdealRequests, r.Restart.StatusWrites)
	}
	_ = tw.Flush()
}

func writeJSON(path string, r report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
