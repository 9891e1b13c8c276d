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

package controller_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller"
	"github.com/wassist-operator/wassist-operator/internal/testutil"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// The controller suite runs the real manager against a real kube-apiserver and etcd,
// and the Wassist simulator over real HTTP. Nothing of Kubernetes is mocked.

// The operator and the simulator both allow 600 requests a minute per key here, ten
// times the real budget, so the suite runs in seconds; the ratio is what is tested.
const requestsPerMinute = 600

var (
	ctx       context.Context
	cancel    context.CancelFunc
	testEnv   *envtest.Environment
	k8sClient client.Client
	// mgrCache and apiReader are the manager's cache and uncached reader.
	mgrCache  client.Reader
	apiReader client.Reader
	// mgrStopped (periodicStopped) is closed when the (periodic) manager has stopped.
	mgrStopped      = make(chan struct{})
	periodicStopped chan struct{}
	sim             *wassisttest.Server
	simServer       *httptest.Server
	managerLog      = &syncBuffer{}
	// drift is the bulk drift check; its period is long, specs run a pass with Check.
	drift *controller.DriftObserver
	// pool holds the API clients, and so the budgets, of the bulk-mode manager.
	pool *wassist.Pool
	// metricsRegistry holds the bulk-mode manager's metrics, for the hygiene spec.
	metricsRegistry = prometheus.NewRegistry()
)

// periodicNS is reconciled by a second manager, in the periodic drift mode (no bulk
// check, one read per object and sync period), and by that manager only.
const (
	periodicNS         = "periodic-drift"
	periodicSyncPeriod = 2 * time.Second
)

func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controller suite")
}

var _ = BeforeSuite(func() {
	// The manager's whole log goes to a buffer the hygiene spec searches for keys.
	logf.SetLogger(zap.New(zap.WriteTo(io.MultiWriter(GinkgoWriter, managerLog)), zap.UseDevMode(true)))
	ctx, cancel = context.WithCancel(context.TODO())

	scheme := runtime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(wassistv1alpha1.AddToScheme(scheme)).To(Succeed())

	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: testutil.EnvtestAssetsDir(filepath.Join("..", "..")),
		// On a busy machine the API server can take longer than the default 20 s to stop.
		ControlPlaneStopTimeout: time.Minute,
	}
	cfg, err := testEnv.Start()
	Expect(err).NotTo(HaveOccurred(), "run `make test` (it builds kube-apiserver and etcd) or set KUBEBUILDER_ASSETS")
	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	sim, simServer = wassisttest.NewHTTPTest(wassisttest.Options{RateLimit: requestsPerMinute})

	Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: periodicNS}})).To(Succeed())
	// The cache as cmd/main.go makes it, without periodicNS (the second manager's).
	cacheOpts := controller.CacheOptions("")
	cacheOpts.DefaultNamespaces = map[string]cache.Config{cache.AllNamespaces: {
		FieldSelector: fields.OneTermNotEqualSelector("metadata.namespace", periodicNS)}}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cacheOpts,
	})
	Expect(err).NotTo(HaveOccurred())
	pool = wassist.NewPool(wassist.PoolOptions{
		Options:           wassist.Options{BaseURL: simServer.URL + "/api/v1", Metrics: wassist.NewMetrics(metricsRegistry)},
		RequestsPerMinute: requestsPerMinute,
	})
	mgrCache, apiReader = mgr.GetCache(), mgr.GetAPIReader()
	// The controllers exactly as cmd/main.go wires them; the bulk check's period is
	// long, specs run a pass with drift.Check.
	op, err := controller.Setup(ctx, mgr, controller.Options{
		Wassist: pool, SyncPeriod: time.Hour, Workers: 4, BulkDriftCheck: true, Registry: metricsRegistry,
	})
	Expect(err).NotTo(HaveOccurred())
	drift = op.Drift

	go func() {
		defer GinkgoRecover()
		defer close(mgrStopped)
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	startPeriodicManager(cfg, scheme)
})

// startPeriodicManager runs the controllers in the periodic drift mode, for periodicNS.
func startPeriodicManager(cfg *rest.Config, scheme *runtime.Scheme) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  controller.CacheOptions(periodicNS),
		// Its own controller names would clash with the first manager's metrics.
		Controller: config.Controller{SkipNameValidation: new(true)},
	})
	Expect(err).NotTo(HaveOccurred())
	periodicPool := wassist.NewPool(wassist.PoolOptions{
		Options:           wassist.Options{BaseURL: simServer.URL + "/api/v1", Metrics: wassist.NewMetrics(prometheus.NewRegistry())},
		RequestsPerMinute: requestsPerMinute,
	})
	op, err := controller.Setup(ctx, mgr, controller.Options{
		Wassist: periodicPool, SyncPeriod: periodicSyncPeriod, Workers: 2, BulkDriftCheck: false, Registry: prometheus.NewRegistry(),
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(op.Drift).To(BeNil(), "the periodic mode has no bulk check")
	periodicStopped = make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(periodicStopped)
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
}

// One ordered container, so that the hygiene spec sees the whole run.
var _ = Describe("The operator", Ordered, func() {
	Describe("WassistAgent", agentSpecs)
	Describe("WassistDeployment", deploymentSpecs)
	Describe("WassistTemplate", templateSpecs)
	Describe("outbound triggers", triggerSpecs)
	Describe("the cost of waiting for Meta", reviewCostSpecs)
	Describe("the managed core", coreSpecs)
	Describe("ownership, identity and references", ownershipSpecs)
	Describe("status as GitOps tools read it", healthSpecs)
	Describe("every agent setting, webhooks and the API's answers", settingsSpecs)
	Describe("management policies and adoption", policySpecs)
	Describe("keys and accounts", accountSpecs)
	Describe("moving a deployment", moveSpecs)
	Describe("what other resources use is deleted last", usageSpecs)
	Describe("secret hygiene", hygieneSpec)
})

var _ = AfterSuite(func() {
	cancel()
	// The API server stops faster once the manager's watches are closed.
	Eventually(mgrStopped).WithTimeout(time.Minute).Should(BeClosed())
	if periodicStopped != nil {
		Eventually(periodicStopped).WithTimeout(time.Minute).Should(BeClosed())
	}
	if simServer != nil {
		simServer.Close()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// syncBuffer is a bytes.Buffer safe for the manager's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
