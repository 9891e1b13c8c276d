// Command demo runs the whole operator on this machine, with nothing installed but Go:
// a local kube-apiserver and etcd (the envtest binaries), the wassist-sim simulator and
// the manager as separate processes, and the samples of config/samples. It waits until
// every sample is Ready, prints what a user wants to see, and stops everything it
// started on exit or Ctrl-C.
//
// Run it with `make demo`, which builds the binaries first.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// demoKey is the API key of config/samples' Secret, given to the simulator.
const demoKey = "demo-key"

type options struct {
	assets  string
	bin     string
	exit    bool
	timeout time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.assets, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory of kube-apiserver, etcd and kubectl.")
	flag.StringVar(&o.bin, "bin", "bin", "Directory of the manager and wassist-sim binaries.")
	flag.BoolVar(&o.exit, "exit", false, "Stop once the samples are Ready and shown, instead of waiting for Ctrl-C.")
	flag.DurationVar(&o.timeout, "timeout", 3*time.Minute, "How long to wait for the samples to be Ready.")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run starts everything, defers stopping it, and shows the samples once Ready.
func run(ctx context.Context, o options) error {
	work, err := os.MkdirTemp("", "wassist-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	step("Starting kube-apiserver and etcd, with the CRDs")
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{"config/crd/bases"},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: o.assets,
	}
	cfg, err := env.Start()
	if err != nil {
		return fmt.Errorf("starting the control plane: %w", err)
	}
	defer func() { _ = env.Stop() }()
	admin, err := env.AddUser(envtest.User{Name: "demo-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return err
	}
	kubeconfig := filepath.Join(work, "kubeconfig")
	data, err := admin.KubeConfig()
	if err != nil {
		return err
	}
	if err := os.WriteFile(kubeconfig, data, 0o600); err != nil {
		return err
	}

	simAddr, err := freeAddr(ctx)
	if err != nil {
		return err
	}
	step("Starting the Wassist simulator on http://" + simAddr + "/api/v1/")
	sim, err := start(filepath.Join(work, "wassist-sim.log"), filepath.Join(o.bin, "wassist-sim"),
		"--addr="+simAddr, "--api-key="+demoKey)
	if err != nil {
		return err
	}
	defer stopProcess(sim)

	step("Starting the operator (bin/manager)")
	manager, err := start(filepath.Join(work, "manager.log"), filepath.Join(o.bin, "manager"),
		"--kubeconfig="+kubeconfig, "--wassist-api-url=http://"+simAddr+"/api/v1/",
		"--metrics-bind-address=0", "--health-probe-bind-address=0", "--leader-elect=false")
	if err != nil {
		return err
	}
	defer stopProcess(manager)

	kubectl := func(args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(o.assets, "kubectl"), append([]string{"--kubeconfig=" + kubeconfig}, args...)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd.Run()
	}
	step("Applying config/samples: an API key Secret, two agents, a deployment")
	if err := kubectl("apply", "-k", "config/samples"); err != nil {
		return err
	}

	step("Waiting until every sample is Ready")
	c, err := newClient(cfg)
	if err != nil {
		return err
	}
	if err := waitReady(ctx, c, o.timeout); err != nil {
		fmt.Println("manager log:", filepath.Join(work, "manager.log"))
		_ = kubectl("get", "wassistagents,wassistdeployments", "-o", "wide")
		return err
	}

	step("The resources, as kubectl shows them")
	if err := kubectl("get", "wassistagents,wassistdeployments"); err != nil {
		return err
	}
	step("The agents, as Wassist (the simulator) holds them")
	if err := showRemote(ctx, simAddr); err != nil {
		return err
	}
	if o.exit {
		return nil
	}
	fmt.Printf("\nThe demo keeps running. Try:\n  %s --kubeconfig=%s get wagent,wdeploy\n"+
		"  %s --kubeconfig=%s edit wagent concierge\nPress Ctrl-C to stop everything.\n",
		filepath.Join(o.assets, "kubectl"), kubeconfig, filepath.Join(o.assets, "kubectl"), kubeconfig)
	<-ctx.Done()
	step("Stopping everything")
	return nil
}

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }

func newClient(cfg *rest.Config) (client.Client, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := wassistv1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	return client.New(cfg, client.Options{Scheme: scheme})
}

// waitReady polls until both agents and the deployment of the samples are Ready.
func waitReady(ctx context.Context, c client.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		agents := &wassistv1alpha1.WassistAgentList{}
		deps := &wassistv1alpha1.WassistDeploymentList{}
		if err := c.List(ctx, agents); err != nil {
			return err
		}
		if err := c.List(ctx, deps); err != nil {
			return err
		}
		ready := 0
		for _, a := range agents.Items {
			if meta.IsStatusConditionTrue(a.Status.Conditions, wassistv1alpha1.ConditionReady) {
				ready++
			}
		}
		for _, d := range deps.Items {
			if meta.IsStatusConditionTrue(d.Status.Conditions, wassistv1alpha1.ConditionReady) {
				ready++
			}
		}
		if total := len(agents.Items) + len(deps.Items); total > 0 && ready == total {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the samples were not all Ready after %s: %w", timeout, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// showRemote prints the simulator's agents through its test-only /_sim/ routes.
func showRemote(ctx context.Context, simAddr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+simAddr+"/_sim/agents", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	byKey := map[string][]remoteAgent{}
	if err := json.Unmarshal(body, &byKey); err != nil {
		return fmt.Errorf("reading the simulator's agents: %w", err)
	}
	for _, agents := range byKey {
		for _, a := range agents {
			fmt.Printf("- %s (%s)\n    model %s; %d tool(s)", a.Name, a.ID, deref(a.LLMModel), len(a.Tools))
			for _, h := range a.HandoffTools {
				fmt.Printf("; hands off to %s", h.ChildAgentName)
			}
			for _, n := range a.PhoneNumbers {
				fmt.Printf("; live on +%s", n.PhoneNumber)
			}
			fmt.Printf("\n    first message: %q\n", a.FirstMessage)
		}
	}
	return nil
}

type remoteAgent struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	FirstMessage string  `json:"firstMessage"`
	LLMModel     *string `json:"llmModel"`
	Tools        []struct {
		Name string `json:"name"`
	} `json:"tools"`
	HandoffTools []struct {
		ChildAgentName string `json:"childAgentName"`
	} `json:"handoffTools"`
	PhoneNumbers []struct {
		PhoneNumber string `json:"phoneNumber"`
	} `json:"phoneNumbers"`
}

func deref(s *string) string {
	if s == nil {
		return "(default)"
	}
	return *s
}

// start runs a binary in its own process group with its output in logPath.
func start(logPath, bin string, args ...string) (*exec.Cmd, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...) //nolint:noctx // stopped by stopProcess, with a grace period, not by a context
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w (run `make demo`, which builds it)", bin, err)
	}
	return cmd, nil
}

// stopProcess stops a started binary: SIGTERM to its group, SIGKILL after a grace period.
func stopProcess(cmd *exec.Cmd) {
	pgid := -cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-done
	}
}

// freeAddr returns a loopback address with a free port.
func freeAddr(ctx context.Context) (string, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}
