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

package e2e

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A manager whose RBAC forbids its watches (a RoleBinding in one namespace, but no
// --watch-namespaces, so it lists cluster-wide) can do no work. It must say so on
// /readyz, and stop when told to: controller-runtime v0.25 alone spins forever when
// stopped before its caches sync.
var _ = Describe("A manager whose RBAC forbids its watches", Ordered, func() {
	const sa = "forbidden-manager"
	var forbidden *process
	probe := freeAddr()

	BeforeAll(func() {
		manager.Stop()
		DeferCleanup(func() {
			if forbidden != nil {
				forbidden.Kill()
			}
			manager = startManager()
		})
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "forbidden-a"}})).To(Succeed())
		Expect(k8sClient.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: operatorNS}})).To(Succeed())
		Expect(k8sClient.Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: "forbidden-a"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "wassist-operator-manager-role"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: operatorNS}},
		})).To(Succeed())
		forbidden = startLogged("manager", "forbidden-manager.log",
			"--kubeconfig="+kubeconfigFor(sa, operatorNS),
			"--leader-elect=false",
			"--metrics-bind-address=0",
			"--health-probe-bind-address="+probe,
			"--wassist-api-url=http://"+simAddr+"/api/v1/",
		)
	})

	It("is alive but not ready", func() {
		Eventually(func() (int, error) {
			code, _, err := httpGet("http://"+probe+"/healthz", "")
			return code, err
		}).WithTimeout(timeout).WithPolling(poll).Should(Equal(http.StatusOK))
		Consistently(func() (int, error) {
			code, _, err := httpGet("http://"+probe+"/readyz", "")
			return code, err
		}).WithTimeout(3 * time.Second).WithPolling(poll).ShouldNot(Equal(http.StatusOK))
	})

	It("stops within seconds of SIGTERM", func() {
		Expect(forbidden.StopWithin(15 * time.Second)).To(Succeed())
		forbidden = nil
	})
})
