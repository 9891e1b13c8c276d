//go:build chaos

/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package chaos runs the operator through a storm: hundreds of resources across three API
// keys, an API that fails a quarter of the time, 429 bursts, lost create answers, a manager
// SIGKILLed and restarted at random moments, and users editing and deleting meanwhile. Once
// the storm is over it checks the promises of docs/chaos.md: every resource Ready and equal
// to the remote, exactly one remote agent per resource, deleted agents gone unless orphaned
// by policy, no key over its budget, and no API key in any log, event, status or metric.
//
// Everything runs as in test/e2e: a real kube-apiserver and etcd, config/default's RBAC,
// and the manager and the simulator as separate processes. A seed makes a run repeatable.
package chaos

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The size and shape of a run. The defaults are those of docs/chaos.md (The storm); CI runs them.
var (
	seedFlag        = flag.Int64("chaos.seed", 0, "seed of the run (objects, edits, deletes, kill moments, faults); 0 picks one")
	agentsFlag      = flag.Int("chaos.agents", 200, "WassistAgents, spread over the three namespaces")
	deploymentsFlag = flag.Int("chaos.deployments", 50, "WassistDeployments, each on its own number")
	restartsFlag    = flag.Int("chaos.restarts", 0, "SIGKILLs of the manager (of the leader) in the storm; 0: 3, or 5 without leader election")
	editsFlag       = flag.Int("chaos.edits", 0, "spec edits during the storm; 0 means a quarter of the resources")
	deletesFlag     = flag.Int("chaos.deletes", 0, "agent deletions during the storm; 0 means an eighth of the agents")
	claimsFlag      = flag.Int("chaos.claims", 0, "second WassistAgents naming an owned agent id; 0 means a twentieth of the agents")
	replacesFlag    = flag.Int("chaos.replaces", 0, "agent-id annotations removed by a replace; 0 means a twentieth of the agents")
	pairsFlag       = flag.Int("chaos.handoff-pairs", 4, "pairs of agents handing off to each other, half of them made during the storm")
	depDeletesFlag  = flag.Int("chaos.deployment-deletes", 0, "deployment deletions during the storm; 0 means a fifth of the deployments")
	movesFlag       = flag.Int("chaos.moves", 0, "deployments moved to another number of their account; 0 means a tenth of the deployments")
	switchesFlag    = flag.Int("chaos.key-switches", 2, "Secrets switched to another account's key, and back, during the storm")
	stormFlag       = flag.Duration("chaos.storm", 90*time.Second, "how long the storm lasts; its events are spread over it")
	rateFlag        = flag.Int("chaos.rate-limit", 300, "requests per minute per key, for the simulator and the manager alike")
	syncFlag        = flag.Duration("chaos.sync-period", time.Minute, "the manager's --sync-period")
	errorRateFlag   = flag.Float64("chaos.error-rate", 0.20, "probability of a 500 on any request during the storm")
	dropRateFlag    = flag.Float64("chaos.drop-rate", 0.05, "probability of a dropped connection on any request during the storm")
	loseRateFlag    = flag.Float64("chaos.lose-rate", 0.20, "probability that a create's answer is lost after the agent was made")
	convergeFlag    = flag.Duration("chaos.converge-timeout", 6*time.Minute, "how long the operator may take to heal after the storm")
	leaderElectFlag = flag.Bool("chaos.leader-elect", true, "run two manager replicas with leader election; each SIGKILL hits the leader")
	managerBinFlag  = flag.String("chaos.manager-bin", "", "test this manager binary instead of one built from ./cmd")
)

const (
	operatorNS     = "wassist-operator-system"
	managerAccount = "wassist-operator-controller-manager"
	secretName     = "wassist-api-key"
)

// namespaces each hold one Secret with its own API key: one tenant per namespace.
var namespaces = []string{"chaos-alpha", "chaos-bravo", "chaos-charlie"}

var (
	ctx       context.Context
	cancel    context.CancelFunc
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	workDir   string
	binDir    string
	seed      int64
	rng       *rand.Rand
	keys      map[string]string // API key by namespace
	// strayKey is another Wassist account's key, which a key switch puts in a tenant's
	// Secret for a while: nothing may ever be created or written with it.
	strayKey  string
	sim       *simulator
	metricsOK string // a token allowed to read /metrics
)

func TestChaos(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "chaos suite")
}

var _ = BeforeSuite(func() {
	ctx, cancel = context.WithCancel(context.Background())
	var err error
	workDir, err = os.MkdirTemp("", "wassist-chaos-") // kept when the suite fails, for its logs
	Expect(err).NotTo(HaveOccurred())
	binDir = filepath.Join(workDir, "bin")
	seed = *seedFlag
	if seed == 0 {
		seed = time.Now().UnixNano() % 1_000_000
	}
	rng = rand.New(rand.NewPCG(uint64(seed), 1))
	fmt.Fprintf(GinkgoWriter, "chaos seed %d (repeat with CHAOS_SEED=%d)\n", seed, seed)
	AddReportEntry("seed", seed)
	keys = map[string]string{}
	for _, ns := range namespaces {
		keys[ns] = newAPIKey(ns)
	}
	strayKey = newAPIKey("stray")

	By("building the simulator (and the manager, unless -chaos.manager-bin names one) from cmd/")
	builds := []struct{ out, pkg string }{{"wassist-sim", "./cmd/wassist-sim"}}
	if *managerBinFlag == "" {
		builds = append(builds, struct{ out, pkg string }{"manager", "./cmd"})
	}
	for _, b := range builds {
		build := exec.Command("go", "build", "-o", filepath.Join(binDir, b.out), b.pkg)
		build.Dir = "../.."
		build.Stdout, build.Stderr = GinkgoWriter, GinkgoWriter
		Expect(build.Run()).To(Succeed())
	}

	By("starting kube-apiserver and etcd")
	testEnv = &envtest.Environment{}
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred(), "set KUBEBUILDER_ASSETS or run `make test-chaos`")
	scheme := runtime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(wassistv1alpha1.AddToScheme(scheme)).To(Succeed())
	userCfg := rest.CopyConfig(cfg)
	userCfg.QPS, userCfg.Burst = 200, 400 // the users of the suite apply hundreds of objects at once
	k8sClient, err = client.New(userCfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	By("applying the kustomize output of config/default, but the Deployment (no container runtime here)")
	for _, obj := range kustomize("config/default") {
		if obj.GetKind() == "Deployment" {
			continue
		}
		Expect(k8sClient.Create(ctx, obj)).To(Succeed(), "%s %s", obj.GetKind(), obj.GetName())
	}
	Eventually(func() error { return k8sClient.List(ctx, &wassistv1alpha1.WassistAgentList{}) }).
		WithTimeout(timeout).Should(Succeed(), "the CRDs are not served")
	metricsOK = metricsReaderToken()

	By("creating one namespace and one API key Secret per tenant")
	for _, ns := range namespaces {
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		Expect(k8sClient.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: ns},
			StringData: map[string]string{"apiKey": keys[ns]},
		})).To(Succeed())
	}

	By("starting the simulator with the three keys and a number per deployment")
	sim = startSimulator()
	DeferCleanup(func() { sim.proc.Stop() })
})

var _ = AfterSuite(func() {
	stopFleet()
	if cancel != nil {
		cancel()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// stormPlanFromFlags sizes the storm; a count left at 0 is a share of the resources.
func stormPlanFromFlags() stormPlan {
	orShare := func(n, share int) int {
		if n == 0 {
			return share
		}
		return n
	}
	// Each kill of a leader leaves the storm without one until its Lease expires (about
	// 15–19 s), so leader election gets fewer kills than a lone manager restarted at once.
	kills := 5
	if *leaderElectFlag {
		kills = 3
	}
	return stormPlan{
		storm:    *stormFlag,
		restarts: orShare(*restartsFlag, kills),
		// One more burst than kills, as many as a lone manager's five kills get: fewer
		// kills of a leader are no reason for fewer 429s.
		bursts:            orShare(*restartsFlag, 5) + 1,
		edits:             orShare(*editsFlag, (*agentsFlag+*deploymentsFlag)/4),
		deletes:           orShare(*deletesFlag, *agentsFlag/8),
		deployments:       *deploymentsFlag,
		claims:            orShare(*claimsFlag, *agentsFlag/20),
		replaces:          orShare(*replacesFlag, *agentsFlag/20),
		firstStormPair:    *pairsFlag / 2,
		stormPairs:        *pairsFlag - *pairsFlag/2,
		deploymentDeletes: orShare(*depDeletesFlag, *deploymentsFlag/5),
		moves:             orShare(*movesFlag, *deploymentsFlag/10),
		switches:          *switchesFlag,
	}
}

// newAPIKey makes a long key that cannot occur by accident in anything the operator
// writes, so that a single hit in the hygiene check is a leak.
func newAPIKey(ns string) string {
	const hex = "0123456789abcdef"
	tail := make([]byte, 40)
	for i := range tail {
		tail[i] = hex[rng.IntN(len(hex))]
	}
	return "wsk_live_" + ns + "_" + string(tail)
}

// metricsReaderToken binds a ServiceAccount to config/default's metrics-reader role, as
// a Prometheus would be, and returns its token.
func metricsReaderToken() string {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: operatorNS}}
	Expect(k8sClient.Create(ctx, sa)).To(Succeed())
	Expect(k8sClient.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "prometheus-metrics-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "wassist-operator-metrics-reader"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: sa.Namespace}},
	})).To(Succeed())
	return tokenOf(sa)
}

// The work directory (logs, events, resources, metrics scrapes) is kept when the suite
// fails; the storm's AfterAll says where.
var _ = ReportAfterSuite("work directory", func(r Report) {
	if workDir != "" && r.SuiteSucceeded {
		_ = os.RemoveAll(workDir)
	}
})
