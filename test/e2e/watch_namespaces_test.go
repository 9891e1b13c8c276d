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
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// A tenant's manager: --watch-namespaces=iso-a, and RBAC granted in iso-a only (a RoleBinding
// of the manager ClusterRole, no ClusterRoleBinding). If the manager or its cache reached
// beyond iso-a, its lists and watches would be forbidden and nothing would become Ready;
// and a resource in iso-c, whose key the simulator would record, must stay untouched.
var _ = Describe("A manager started with --watch-namespaces", Ordered, func() {
	const (
		watched   = "iso-a"
		unwatched = "iso-c"
		tenantSA  = "tenant-manager"
		// keyC is presented by nobody unless the manager reads iso-c's Secret; the simulator
		// records the KeyID of any key presented, known or not.
		keyC = "tenant-c-key"
	)
	var scoped *process

	BeforeAll(func() {
		By("stopping the suite's cluster-wide manager for the length of this container")
		manager.Stop()
		DeferCleanup(func() {
			if scoped != nil {
				scoped.Kill() // it holds no lease to release, and must not hang the suite
			}
			manager = startManager()
		})

		for ns, key := range map[string]string{watched: apiKey, unwatched: keyC} {
			Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
			Expect(k8sClient.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wassist-api-key", Namespace: ns},
				StringData: map[string]string{"apiKey": key}})).To(Succeed())
		}
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: tenantSA, Namespace: operatorNS}}
		Expect(k8sClient.Create(ctx, sa)).To(Succeed())
		Expect(k8sClient.Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "tenant-manager", Namespace: watched},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "wassist-operator-manager-role"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: tenantSA, Namespace: operatorNS}},
		})).To(Succeed())

		scoped = startLogged("manager", "tenant-manager.log",
			"--kubeconfig="+kubeconfigFor(tenantSA, operatorNS),
			"--watch-namespaces="+watched,
			"--leader-elect=false",
			"--metrics-bind-address=0",
			"--health-probe-bind-address="+freeAddr(),
			"--wassist-api-url=http://"+simAddr+"/api/v1/",
			"--rate-limit="+rateLimit,
		)
	})

	agent := func(ns, name string) *wassistv1alpha1.WassistAgent {
		return &wassistv1alpha1.WassistAgent{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: wassistv1alpha1.WassistAgentSpec{
				APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "wassist-api-key"},
				SystemPrompt:    "You answer for " + ns + ".",
			},
		}
	}

	It("makes a resource in the watched namespace Ready, with RBAC in that namespace only", func() {
		a := agent(watched, "iso-a-agent")
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		Eventually(allReady(watched)).WithTimeout(timeout).WithPolling(poll).Should(Equal(1))
		_, ok := remoteByName("iso-a-agent")
		Expect(ok).To(BeTrue())
	})

	It("leaves a resource in another namespace untouched: no finalizer, no status, no request", func() {
		c := agent(unwatched, "iso-c-agent")
		Expect(k8sClient.Create(ctx, c)).To(Succeed())
		// A reference point that the scoped manager is alive and reconciling meanwhile.
		a := agent(watched, "iso-a-witness")
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		Eventually(allReady(watched)).WithTimeout(timeout).WithPolling(poll).Should(Equal(2))

		Consistently(func(g Gomega) {
			got := &wassistv1alpha1.WassistAgent{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(c), got)).To(Succeed())
			g.Expect(got.Finalizers).To(BeEmpty())
			g.Expect(got.Annotations).To(BeEmpty())
			g.Expect(got.Status).To(Equal(wassistv1alpha1.WassistAgentStatus{}))
		}).WithTimeout(5 * time.Second).WithPolling(poll).Should(Succeed())

		Expect(requestsWith(keyC)).To(BeEmpty(), "the manager called Wassist with iso-c's key")
		_, ok := remoteByName("iso-c-agent")
		Expect(ok).To(BeFalse())
		events := &corev1.EventList{}
		Expect(k8sClient.List(ctx, events, client.InNamespace(unwatched))).To(Succeed())
		Expect(events.Items).To(BeEmpty())

		log, err := os.ReadFile(filepath.Join(workDir, "tenant-manager.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(log)).NotTo(ContainSubstring("forbidden"), "the manager reached beyond its namespace")
	})

	AfterAll(func() {
		if scoped == nil {
			return
		}
		By("deleting the resources while the scoped manager still serves iso-a")
		for _, a := range []*wassistv1alpha1.WassistAgent{agent(watched, "iso-a-agent"), agent(watched, "iso-a-witness"),
			agent(unwatched, "iso-c-agent")} {
			Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, a))).To(Succeed())
		}
		Eventually(func() bool {
			list := &wassistv1alpha1.WassistAgentList{}
			Expect(k8sClient.List(ctx, list, client.InNamespace(watched))).To(Succeed())
			return len(list.Items) == 0
		}).WithTimeout(timeout).WithPolling(poll).Should(BeTrue())
		Expect(apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent(unwatched, "iso-c-agent")),
			&wassistv1alpha1.WassistAgent{}))).To(BeTrue())
	})
})

// requestsWith lists the requests the simulator recorded with key, known to it or not.
func requestsWith(key string) []wassisttest.Request {
	reqs, err := simulator().RequestsFor(ctx, key)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return reqs
}
