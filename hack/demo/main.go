// Command demo runs the whole operator on this machine, with nothing installed but Go:
// a local kube-apiserver and etcd (the envtest binaries), kube-controller-manager's
// namespace and garbage collector controllers (so that a namespace can be deleted), the
// wassist-sim simulator and the manager as separate processes, and the samples of config/samples. It waits until
// every sample is Ready, prints what a user wants to see, and stops everything it
// started on exit or Ctrl-C.
//
// Run it with `make demo`, which builds the binaries first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

// demoKeys are the API keys the simulator knows: config/samples' Secret holds the first;
// the second, unused by the samples, is another team's key with a budget of its own.
var demoKeys = []string{"demo-key", "demo-key-2"}

type options struct {
	assets  string
	bin     string
	exit    bool
	timeout time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.assets, "assets", os.Getenv("KUBEBUILDER_ASSETS"),
		"Directory of kube-apiserver, etcd, kube-controller-manager and kubectl.")
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
	cp, err := harness.StartControlPlane(o.assets, "config/crd/bases")
	if err != nil {
		return err
	}
	defer func() { _ = cp.Stop() }()
	kubeconfig := filepath.Join(work, "kubeconfig")
	if err := cp.WriteAdminKubeconfig("demo-admin", kubeconfig); err != nil {
		return err
	}

	step("Starting kube-controller-manager's namespace and garbage collector controllers")
	kcm, err := start(filepath.Join(work, "kube-controller-manager.log"), filepath.Join(o.assets, "kube-controller-manager"),
		harness.ControllerManagerArgs(kubeconfig)...)
	if err != nil {
		return err
	}
	defer stop(kcm)

	simAddr, err := harness.FreeAddr(ctx)
	if err != nil {
		return err
	}
	sim := wassisttest.NewSimClient("http://"+simAddr, nil)
	step("Starting the Wassist simulator on " + sim.APIURL())
	simProc, err := start(filepath.Join(work, "wassist-sim.log"), filepath.Join(o.bin, "wassist-sim"),
		"--addr="+simAddr, "--api-key="+strings.Join(demoKeys, ","))
	if err != nil {
		return err
	}
	defer stop(simProc)

	step("Starting the operator (bin/manager)")
	manager, err := start(filepath.Join(work, "manager.log"), filepath.Join(o.bin, "manager"),
		"--kubeconfig="+kubeconfig, "--wassist-api-url="+sim.APIURL(),
		"--metrics-bind-address=0", "--health-probe-bind-address=0", "--leader-elect=false",
		// A short period, so that Meta's (simulated) review shows within seconds.
		"--sync-period=1m")
	if err != nil {
		return err
	}
	defer stop(manager)

	kubectl := func(args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(o.assets, "kubectl"), append([]string{"--kubeconfig=" + kubeconfig}, args...)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd.Run()
	}
	step("Applying config/samples: an API key Secret, two agents, a deployment, a template")
	if err := kubectl("apply", "-k", "config/samples"); err != nil {
		return err
	}

	// As the README says to: kubectl wait reads the Ready condition of the generation applied.
	step("kubectl wait --for=condition=Ready wagent/concierge wagent/support wdeploy/concierge-main-number wtemplate/order-shipped")
	if err := kubectl("wait", "--for=condition=Ready", "--timeout="+o.timeout.String(),
		"wagent/concierge", "wagent/support", "wdeploy/concierge-main-number", "wtemplate/order-shipped"); err != nil {
		fmt.Println("manager log:", filepath.Join(work, "manager.log"))
		_ = kubectl("get", "wassistagents,wassistdeployments", "-o", "wide")
		return err
	}

	step("The resources, as kubectl shows them")
	if err := kubectl("get", "wassistagents,wassistdeployments,wassisttemplates"); err != nil {
		return err
	}
	step("The agents, as Wassist (the simulator) holds them")
	if err := showRemote(ctx, sim); err != nil {
		return err
	}
	if o.exit {
		return nil
	}
	fmt.Printf("\nThe demo keeps running. Try:\n  %s --kubeconfig=%s get wagent,wdeploy\n"+
		"  %s --kubeconfig=%s edit wagent concierge\n"+
		"The simulator also knows the API key %q, with a budget of its own, for another team's Secret.\n"+
		"Press Ctrl-C to stop everything.\n",
		filepath.Join(o.assets, "kubectl"), kubeconfig, filepath.Join(o.assets, "kubectl"), kubeconfig, demoKeys[1])
	<-ctx.Done()
	step("Stopping everything")
	return nil
}

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }

// showRemote prints the simulator's agents through its test-only /_sim/ routes.
func showRemote(ctx context.Context, sim *wassisttest.SimClient) error {
	byKey, err := sim.AllAgents(ctx)
	if err != nil {
		return fmt.Errorf("reading the simulator's agents: %w", err)
	}
	for _, agents := range byKey {
		for _, a := range agents {
			fmt.Printf("- %s (%s)\n    model %s; %d tool(s)", a.Name, a.ID, deref(a.LLMModel), len(a.Tools))
			if n := len(a.ImageGenerateTools) + len(a.WakeUpConfigs); n > 0 {
				fmt.Printf("; %d image tool(s), %d wake-up(s)", len(a.ImageGenerateTools), len(a.WakeUpConfigs))
			}
			for _, m := range a.MCPConfigs {
				fmt.Printf("; MCP connector %s", m.ConnectorName)
			}
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

func deref(s *string) string {
	if s == nil {
		return "(default)"
	}
	return *s
}

// stopGrace is how long a started binary has to stop on SIGTERM before it is killed.
const stopGrace = 10 * time.Second

// start runs a binary in its own process group with its output in logPath. A Ctrl-C
// reaches only the demo, which stops everything in order: the context given to the
// harness therefore does not end with the demo's.
func start(logPath, bin string, args ...string) (*harness.Process, error) {
	p, err := harness.StartCmd(context.Background(), harness.Cmd{Bin: bin, Args: args, Log: logPath, Group: true})
	if err != nil {
		return nil, fmt.Errorf("%w (run `make demo`, which builds it)", err)
	}
	return p, nil
}

// stop stops a started binary: SIGTERM to its group, SIGKILL after stopGrace.
func stop(p *harness.Process) {
	if err := p.StopWithin(stopGrace); err != nil {
		fmt.Fprintln(os.Stderr, "demo: warning:", err)
	}
}
