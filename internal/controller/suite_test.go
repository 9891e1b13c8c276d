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
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
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
	// mgrStopped is closed when the manager has stopped.
	mgrStopped = make(chan struct{})
	sim        *wassisttest.Server
	simServer  *httptest.Server
	managerLog = &syncBuffer{}
	// drift is the bulk drift check; its period is long, specs run a pass with Check.
	drift *controller.DriftObserver
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

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	Expect(err).NotTo(HaveOccurred())
	pool := wassist.NewPool(wassist.PoolOptions{
		Options:           wassist.Options{BaseURL: simServer.URL + "/api/v1", Metrics: wassist.NewMetrics(prometheus.NewRegistry())},
		RequestsPerMinute: requestsPerMinute,
	})
	mgrCache, apiReader = mgr.GetCache(), mgr.GetAPIReader()
	// The controllers exactly as cmd/main.go wires them; the bulk check's period is
	// long, specs run a pass with drift.Check.
	op, err := controller.Setup(ctx, mgr, controller.Options{
		Wassist: pool, SyncPeriod: time.Hour, Workers: 4, BulkDriftCheck: true, Registry: prometheus.NewRegistry(),
	})
	Expect(err).NotTo(HaveOccurred())
	drift = op.Drift

	go func() {
		defer GinkgoRecover()
		defer close(mgrStopped)
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
})

// One ordered container, so that the hygiene spec sees the whole run.
var _ = Describe("The operator", Ordered, func() {
	Describe("WassistAgent", agentSpecs)
	Describe("WassistDeployment", deploymentSpecs)
	Describe("secret hygiene", hygieneSpec)
})

var _ = AfterSuite(func() {
	cancel()
	// The API server stops faster once the manager's watches are closed.
	Eventually(mgrStopped).WithTimeout(time.Minute).Should(BeClosed())
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
