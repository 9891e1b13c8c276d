//go:build e2e

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

// Package e2e runs the operator the way a user runs it: the kustomize output of
// config/default applied to a real kube-apiserver, the manager binary as its own process
// under the ServiceAccount and RBAC that output defines (so a missing rule fails the
// suite), and the wassist-sim binary as its own process.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const (
	operatorNS     = "wassist-operator-system"
	managerAccount = "wassist-operator-controller-manager"
	apiKey         = "demo-key" // the key of config/samples' Secret
	// agencyKey is a second tenant, seeded with a realistic account to import.
	agencyKey = "wk_e2e_agency_5f0c9a1e7b2d4c38"
	// The simulator and the manager allow ten times the real budget, so the suite runs in
	// seconds; the budget logic is the same.
	rateLimit = "1000"
)

var (
	ctx       context.Context
	cancel    context.CancelFunc
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	workDir   string
	binDir    string
	simAddr   string
	manager   *process
)

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "e2e suite")
}

var _ = BeforeSuite(func() {
	ctx, cancel = context.WithCancel(context.Background())
	workDir = GinkgoT().TempDir()
	binDir = filepath.Join(workDir, "bin")

	buildBinaries()

	By("starting kube-apiserver and etcd")
	testEnv = &envtest.Environment{}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred(), "set KUBEBUILDER_ASSETS or run `make test-e2e`")
	scheme := runtime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(wassistv1alpha1.AddToScheme(scheme)).To(Succeed())
	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme})
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

	By("starting the simulator")
	simAddr = freeAddr()
	sim := start("wassist-sim", "--addr="+simAddr, "--api-key="+apiKey, "--agency-key="+agencyKey,
		"--rate-limit="+rateLimit)
	DeferCleanup(sim.Stop)

	By("starting the manager under its ServiceAccount's token")
	manager = startManager()
})

var _ = AfterSuite(func() {
	if manager != nil {
		manager.Stop()
	}
	cancel()
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// buildBinaries builds the simulator, the CLI and, unless E2E_MANAGER_BIN names another one
// (make test-image passes the binary taken out of the image), the manager.
func buildBinaries() {
	builds := []struct{ out, pkg string }{{"wassist-sim", "./cmd/wassist-sim"}, {"kubectl-wassist", "./cmd/kubectl-wassist"}}
	what := "the simulator and the CLI"
	Expect(os.MkdirAll(binDir, 0o755)).To(Succeed())
	if bin := os.Getenv("E2E_MANAGER_BIN"); bin != "" {
		By("using the manager binary " + bin)
		abs, err := filepath.Abs(bin)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.Symlink(abs, filepath.Join(binDir, "manager"))).To(Succeed())
	} else {
		builds = append(builds, struct{ out, pkg string }{"manager", "./cmd"})
		what = "the simulator, the CLI and the manager"
	}
	By("building " + what + " from cmd/")
	for _, b := range builds {
		build := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(binDir, b.out), b.pkg)
		build.Dir = "../.."
		build.Stdout, build.Stderr = GinkgoWriter, GinkgoWriter
		Expect(build.Run()).To(Succeed())
	}
}

// startManager runs the manager as config/default would in a pod: as its ServiceAccount,
// with leader election in its namespace, with secured metrics.
func startManager() *process {
	kubeconfig := kubeconfigFor(managerAccount, operatorNS)
	return start("manager",
		"--kubeconfig="+kubeconfig,
		"--leader-elect", "--leader-election-namespace="+operatorNS,
		"--metrics-bind-address="+metricsAddr(),
		"--health-probe-bind-address="+probeAddr(),
		"--wassist-api-url=http://"+simAddr+"/api/v1/",
		"--rate-limit="+rateLimit,
	)
}

// kubeconfigFor writes a kubeconfig that authenticates with a token of a ServiceAccount.
func kubeconfigFor(account, namespace string) string {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: account, Namespace: namespace}}
	expiry := int64(3600)
	tr := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}}
	Expect(k8sClient.SubResource("token").Create(ctx, sa, tr)).To(Succeed())
	kc := clientcmdapi.NewConfig()
	kc.Clusters["e2e"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos[account] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts["e2e"] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: account}
	kc.CurrentContext = "e2e"
	path := filepath.Join(workDir, account+".kubeconfig")
	Expect(clientcmd.WriteToFile(*kc, path)).To(Succeed())
	return path
}

// kustomize renders a kustomization of the repository into objects.
func kustomize(dir string) []*unstructured.Unstructured {
	objs, err := harness.Kustomize(ctx, dir)
	Expect(err).NotTo(HaveOccurred())
	return objs
}

var _ = ReportAfterSuite("logs", func(r Report) {
	if r.SuiteSucceeded || workDir == "" {
		return
	}
	for _, name := range []string{"manager.log", "wassist-sim.log"} {
		if data, err := os.ReadFile(filepath.Join(workDir, name)); err == nil {
			fmt.Fprintf(GinkgoWriter, "%s:\n%s\n", name, data)
		}
	}
})
