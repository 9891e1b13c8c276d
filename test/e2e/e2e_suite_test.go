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

// Package e2e runs the manager as its own process against a real kube-apiserver and
// etcd, the way a user runs it, and checks it from the outside.
package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

var (
	ctx         context.Context
	cancel      context.CancelFunc
	testEnv     *envtest.Environment
	k8sClient   client.Client
	workDir     string
	managerCmd  *exec.Cmd
	metricsAddr string
	probeAddr   string
)

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "e2e suite")
}

var _ = BeforeSuite(func() {
	ctx, cancel = context.WithCancel(context.Background())
	workDir = GinkgoT().TempDir()

	By("building the manager binary from cmd/")
	manager := filepath.Join(workDir, "manager")
	build := exec.Command("go", "build", "-o", manager, "./cmd")
	build.Dir = "../.."
	build.Stdout, build.Stderr = GinkgoWriter, GinkgoWriter
	Expect(build.Run()).To(Succeed())

	By("starting kube-apiserver and etcd with the generated CRDs")
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{"../../config/crd/bases"},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := testEnv.Start()
	Expect(err).NotTo(HaveOccurred(), "set KUBEBUILDER_ASSETS or run `make test-e2e`")

	scheme := runtime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(wassistv1alpha1.AddToScheme(scheme)).To(Succeed())
	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	By("starting the manager as a separate process")
	admin, err := testEnv.AddUser(envtest.User{Name: "e2e-manager", Groups: []string{"system:masters"}}, nil)
	Expect(err).NotTo(HaveOccurred())
	kubeconfig, err := admin.KubeConfig()
	Expect(err).NotTo(HaveOccurred())
	kubeconfigPath := filepath.Join(workDir, "kubeconfig")
	Expect(os.WriteFile(kubeconfigPath, kubeconfig, 0o600)).To(Succeed())

	metricsAddr, probeAddr = freeAddr(), freeAddr()
	logFile, err := os.Create(filepath.Join(workDir, "manager.log"))
	Expect(err).NotTo(HaveOccurred())
	managerCmd = exec.Command(manager,
		"--kubeconfig="+kubeconfigPath,
		"--metrics-bind-address="+metricsAddr,
		"--health-probe-bind-address="+probeAddr,
		"--leader-elect=false",
	)
	managerCmd.Stdout, managerCmd.Stderr = logFile, logFile
	Expect(managerCmd.Start()).To(Succeed())
	DeferCleanup(func() { _ = logFile.Close() })
})

var _ = AfterSuite(func() {
	if managerCmd != nil && managerCmd.Process != nil {
		_ = managerCmd.Process.Signal(syscall.SIGTERM)
		_ = managerCmd.Wait()
	}
	cancel()
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

var _ = ReportAfterSuite("manager log", func(r Report) {
	if !r.SuiteSucceeded && workDir != "" {
		if data, err := os.ReadFile(filepath.Join(workDir, "manager.log")); err == nil {
			fmt.Fprintf(GinkgoWriter, "manager log:\n%s\n", data)
		}
	}
})

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr() string {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}
