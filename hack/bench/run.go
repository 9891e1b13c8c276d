package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const (
	// benchKey is the API key of the Secret, known to the simulator.
	benchKey   = "bench-key"
	namespace  = "bench"
	secretName = "wassist-api-key"
	// settle is the quiet time after convergence before the steady state is counted, so
	// that the last status writes and watch events are not part of it.
	settle = 5 * time.Second
)

// binaries are the programs each run starts.
type binaries struct{ manager, sim, floor string }

// findBinaries takes the manager and the simulator from dir, and the floor from dir if it is
// there, else builds it: it is part of the benchmark, not of the product.
func findBinaries(ctx context.Context, dir, work string) (binaries, error) {
	b := binaries{manager: filepath.Join(dir, "manager"), sim: filepath.Join(dir, "wassist-sim"),
		floor: filepath.Join(dir, "bench-floor")}
	for _, p := range []string{b.manager, b.sim} {
		if _, err := os.Stat(p); err != nil {
			return b, fmt.Errorf("%w (build it, or run `make bench`)", err)
		}
	}
	if _, err := os.Stat(b.floor); err == nil {
		return b, nil
	}
	b.floor = filepath.Join(work, "bench-floor")
	build := exec.CommandContext(ctx, "go", "build", "-o", b.floor, "./hack/bench/floor")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return b, fmt.Errorf("building hack/bench/floor: %w", err)
	}
	return b, nil
}

// stack is one fresh set of processes: control plane, simulator, manager and floor.
type stack struct {
	cp *harness.ControlPlane
	c  client.Client
	// watched holds the agents as a watch delivers them: counting Ready agents in it costs
	// the API server nothing per count, where a List every poll would load it with the
	// very objects the manager is writing.
	watched client.Reader
	sim     *wassisttest.SimClient
	// metricsAddr serves the manager's /metrics over plain HTTP on loopback.
	metricsAddr string
	// pprofAddr serves the manager's pprof endpoints, with --heap-profile only.
	pprofAddr string
	dir       string
	manager   *harness.Process
	// managerBin, managerArgs and managerEnv start it again (the restart phase).
	managerBin  string
	managerEnv  []string
	managerArgs []string
	floor       *harness.Process
	stops       []func()
}

// stop ends everything started, the last started first.
func (s *stack) stop() {
	for _, stop := range slices.Backward(s.stops) {
		stop()
	}
}

// runOne measures one N on a fresh stack and stops the stack before it returns.
func runOne(ctx context.Context, o options, bins binaries, n int, work string) (result, error) {
	began := time.Now()
	res := result{N: n, LoadAvgStart: loadAvg()}
	dir := filepath.Join(work, "n"+strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	step("N=%d: starting kube-apiserver, etcd, wassist-sim, the manager and the floor (logs in %s)", n, dir)
	s, err := startStack(ctx, o, bins, dir)
	defer s.stop()
	if err != nil {
		return res, err
	}
	if err := measureAll(ctx, o, s, n, &res); err != nil {
		return res, err
	}
	res.WallS = round(time.Since(began).Seconds(), 1)
	return res, nil
}

// measureAll runs the phases in order; each needs the state the previous one left.
func measureAll(ctx context.Context, o options, s *stack, n int, res *result) error {
	if err := createSecrets(ctx, s.c, tenantsOf(o)); err != nil {
		return err
	}
	base := snapshotBoth(s)

	step("N=%d: convergence", n)
	profiled := make(chan error, 1)
	if o.cpuProfile {
		// As long as the ideal convergence and a margin: the profile covers it whole.
		seconds := int(math.Ceil(float64(2*n)/(float64(o.rate)/60))) + 5
		go func() { profiled <- saveProfile(ctx, s, fmt.Sprintf("profile?seconds=%d", seconds), "cpu.pprof") }()
	} else {
		profiled <- nil
	}
	if err := measureConvergence(ctx, o, s, n, res); err != nil {
		return err
	}
	if err := <-profiled; err != nil {
		return err
	}
	step("N=%d: converged in %.1fs (ideal %.1fs); steady state over two sync periods (%s)",
		n, res.ConvergeS, res.IdealS, 2*o.syncPeriod)
	if err := measureSteady(ctx, o, s, res); err != nil {
		return err
	}
	recordResources(res, base, snapshotBoth(s))
	if o.heapProfile {
		if err := saveProfile(ctx, s, "heap", "heap.pprof"); err != nil {
			return err
		}
	}

	step("N=%d: edit latency while %d drift repairs are queued", n, n/2)
	st, err := measureStorm(ctx, o, s, singleKeyStorm(o, s, n))
	if err != nil {
		return err
	}
	res.Storm, res.EditLatencyMS = st, st.EditLatencyMS
	whole := snapshotBoth(s)
	res.Storm.RSSMB, res.Storm.FloorRSSMB = mb(whole.manager.hwmKB), mb(whole.floor.hwmKB)

	step("N=%d: restart of the manager, and its first sync period (%s)", n, o.syncPeriod)
	return measureRestart(ctx, o, s, n, res)
}

// startStack starts the processes; the returned stack stops whatever did start, even on error.
func startStack(ctx context.Context, o options, bins binaries, dir string) (*stack, error) {
	s := &stack{dir: dir}
	var err error
	if s.cp, err = harness.StartControlPlane(o.assets, "config/crd/bases"); err != nil {
		return s, err
	}
	s.stops = append(s.stops, func() { _ = s.cp.Stop() })
	// The benchmark's own client must not be what limits the creates: no client-side QPS.
	cfg := rest.CopyConfig(s.cp.Config)
	cfg.QPS, cfg.Burst = -1, 0
	if s.c, err = newClient(cfg); err != nil {
		return s, err
	}
	if s.watched, err = startWatch(ctx, cfg, s); err != nil {
		return s, err
	}
	// The manager and the floor run with full rights: RBAC is the e2e suite's subject, not
	// the benchmark's.
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := s.cp.WriteAdminKubeconfig("bench-admin", kubeconfig); err != nil {
		return s, err
	}
	simAddr, err := harness.FreeAddr(ctx)
	if err != nil {
		return s, err
	}
	sim, err := start(filepath.Join(dir, "wassist-sim.log"), bins.sim,
		"--addr="+simAddr, "--api-key="+strings.Join(simKeys(o), ","), "--rate-limit="+strconv.Itoa(o.rate))
	if err != nil {
		return s, err
	}
	s.stops = append(s.stops, func() { stop(sim) })
	s.sim = wassisttest.NewSimClient("http://"+simAddr, &http.Client{Timeout: 30 * time.Second})
	if err := s.sim.WaitUp(ctx, 30*time.Second); err != nil {
		return s, err
	}
	return s, startControllers(ctx, o, bins, s, kubeconfig, dir)
}

// startControllers starts the manager and the floor side by side, and waits until both run
// their workers: from then on they see the same objects and the same watch events. The
// many-keys mode measures no memory, so it runs no floor.
func startControllers(ctx context.Context, o options, bins binaries, s *stack, kubeconfig, dir string) error {
	var err error
	if s.metricsAddr, err = harness.FreeAddr(ctx); err != nil {
		return err
	}
	args := []string{"--kubeconfig=" + kubeconfig, "--wassist-api-url=" + s.sim.APIURL(),
		"--rate-limit=" + strconv.Itoa(o.rate), "--rate-burst=" + strconv.Itoa(burst),
		"--sync-period=" + o.syncPeriod.String(), "--bulk-drift-check=true",
		"--metrics-bind-address=" + s.metricsAddr, "--metrics-secure=false",
		"--health-probe-bind-address=0", "--leader-elect=false"}
	if o.workers > 0 {
		args = append(args, "--max-concurrent-reconciles="+strconv.Itoa(o.workers))
	}
	if o.heapProfile || o.cpuProfile {
		if s.pprofAddr, err = harness.FreeAddr(ctx); err != nil {
			return err
		}
		args = append(args, "--pprof-bind-address="+s.pprofAddr)
	}
	s.managerBin, s.managerArgs, s.managerEnv = bins.manager, args, o.managerEnv
	s.manager, err = startManager(filepath.Join(dir, "manager.log"), s)
	if err != nil {
		return err
	}
	s.stops = append(s.stops, func() { stop(s.manager) })
	if o.keys == 1 {
		s.floor, err = start(filepath.Join(dir, "floor.log"), bins.floor, "--kubeconfig="+kubeconfig)
		if err != nil {
			return err
		}
		s.stops = append(s.stops, func() { stop(s.floor) })
	}
	if err := s.manager.WaitLog(ctx, time.Minute, "Starting workers", `"wassistagent"`); err != nil {
		return err
	}
	if s.floor == nil {
		return nil
	}
	return s.floor.WaitLog(ctx, time.Minute, "Starting workers", `"floor"`)
}

// tenant is an API key and the Secret that holds it.
type tenant struct{ key, secret string }

// tenantsOf is benchKey in secretName, or with --keys K>1, K keys each in its own Secret.
func tenantsOf(o options) []tenant {
	if o.keys == 1 {
		return []tenant{{key: benchKey, secret: secretName}}
	}
	out := make([]tenant, o.keys)
	for i := range out {
		out[i] = tenant{key: fmt.Sprintf("%s-%02d", benchKey, i+1), secret: fmt.Sprintf("%s-%02d", secretName, i+1)}
	}
	return out
}

// createSecrets writes the namespace and the API key Secrets the agents name.
func createSecrets(ctx context.Context, c client.Client, tenants []tenant) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return err
	}
	for _, t := range tenants {
		if err := c.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: t.secret, Namespace: namespace},
			StringData: map[string]string{"apiKey": t.key},
		}); err != nil {
			return err
		}
	}
	return nil
}

func newClient(cfg *rest.Config) (client.Client, error) {
	return client.New(cfg, client.Options{Scheme: newScheme()})
}

func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(wassistv1alpha1.AddToScheme(scheme))
	return scheme
}

// startWatch starts an informer of the benchmark's agents and waits until it has synced.
func startWatch(ctx context.Context, cfg *rest.Config, s *stack) (client.Reader, error) {
	c, err := cache.New(cfg, cache.Options{Scheme: newScheme(),
		DefaultNamespaces: map[string]cache.Config{namespace: {}}})
	if err != nil {
		return nil, err
	}
	if _, err := c.GetInformer(ctx, &wassistv1alpha1.WassistAgent{}); err != nil {
		return nil, err
	}
	watchCtx, cancel := context.WithCancel(ctx)
	s.stops = append(s.stops, cancel)
	go func() { _ = c.Start(watchCtx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, errors.New("the benchmark's watch of agents did not sync")
	}
	return c, nil
}

// stopGrace is how long a started binary has to stop on SIGTERM before it is killed.
const stopGrace = 10 * time.Second

// start runs a binary in its own process group, logging to logPath. A Ctrl-C reaches only
// the benchmark, which stops everything in order (stack.stop): the context given to the
// harness therefore does not end with the benchmark's.
func start(logPath, bin string, args ...string) (*harness.Process, error) {
	return harness.StartCmd(context.Background(), harness.Cmd{Bin: bin, Args: args, Log: logPath, Group: true})
}

// startManager is start for the manager, with the environment --manager-env adds.
func startManager(logPath string, s *stack) (*harness.Process, error) {
	return harness.StartCmd(context.Background(), harness.Cmd{Bin: s.managerBin, Args: s.managerArgs, Env: s.managerEnv,
		Log: logPath, Group: true})
}

// stop sends SIGTERM to the process group, and SIGKILL after stopGrace.
func stop(p *harness.Process) {
	if err := p.StopWithin(stopGrace); err != nil {
		fmt.Fprintln(os.Stderr, "bench: warning:", err)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func step(format string, args ...any) {
	fmt.Printf("%s ==> %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// saveProfile writes the manager's pprof profile (heap, or profile?seconds=N for CPU) to
// file in the run's directory (go tool pprof bin/manager <file>; for the heap,
// -sample_index=inuse_space).
func saveProfile(ctx context.Context, s *stack, profile, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.pprofAddr+"/debug/pprof/"+profile, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	f, err := os.Create(filepath.Join(s.dir, file))
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	step("%s profile: %s", file, f.Name())
	return f.Close()
}
