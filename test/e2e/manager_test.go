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
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const samplesNS = "default"

// allReady counts the Ready WassistAgents and WassistDeployments of a namespace.
func allReady(ns string) func() (int, error) {
	return func() (int, error) {
		agents := &wassistv1alpha1.WassistAgentList{}
		deps := &wassistv1alpha1.WassistDeploymentList{}
		if err := k8sClient.List(ctx, agents, client.InNamespace(ns)); err != nil {
			return 0, err
		}
		if err := k8sClient.List(ctx, deps, client.InNamespace(ns)); err != nil {
			return 0, err
		}
		n := 0
		for _, a := range agents.Items {
			if meta.IsStatusConditionTrue(a.Status.Conditions, wassistv1alpha1.ConditionReady) {
				n++
			}
		}
		for _, d := range deps.Items {
			if meta.IsStatusConditionTrue(d.Status.Conditions, wassistv1alpha1.ConditionReady) {
				n++
			}
		}
		return n, nil
	}
}

var _ = Describe("The operator, installed from config/default", Ordered, func() {
	It("answers its liveness and readiness probes", func() {
		for _, path := range []string{"/healthz", "/readyz"} {
			Eventually(func() (int, error) {
				code, _, err := httpGet("http://"+probeAddr()+path, "")
				return code, err
			}).WithTimeout(timeout).WithPolling(poll).Should(Equal(http.StatusOK), path)
		}
	})

	It("makes every sample of config/samples Ready", func() {
		for _, obj := range kustomize("config/samples") {
			obj.SetNamespace(samplesNS)
			Expect(k8sClient.Create(ctx, obj)).To(Succeed(), "%s %s", obj.GetKind(), obj.GetName())
		}
		Eventually(allReady(samplesNS)).WithTimeout(timeout).WithPolling(poll).Should(Equal(3))
		concierge, ok := remoteByName("Coffee Concierge")
		Expect(ok).To(BeTrue())
		Expect(concierge.HandoffTools).To(HaveLen(1))
		Expect(concierge.PhoneNumbers).To(HaveLen(1))
	})

	It("propagates an edit of a sample", func() {
		agent := &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Name: "concierge", Namespace: samplesNS}}
		Eventually(func() error {
			if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent); err != nil {
				return err
			}
			agent.Spec.FirstMessage = "Welcome back! The usual?"
			return k8sClient.Update(ctx, agent)
		}).WithTimeout(timeout).Should(Succeed())
		Eventually(func() string { a, _ := remoteByName("Coffee Concierge"); return a.FirstMessage }).
			WithTimeout(timeout).WithPolling(poll).Should(Equal("Welcome back! The usual?"))
	})

	It("takes the agent off the number when the sample deployment is deleted (its finalizer, under the manager's RBAC)", func() {
		dep := &wassistv1alpha1.WassistDeployment{ObjectMeta: metav1.ObjectMeta{Name: "concierge-main-number", Namespace: samplesNS}}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(dep), dep)).To(Succeed())
		Expect(dep.Finalizers).To(ContainElement(wassistv1alpha1.Finalizer))
		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(dep), dep)) }).
			WithTimeout(timeout).Should(BeTrue())
		numbers, err := simulator().PhoneNumbers(ctx, apiKey)
		Expect(err).NotTo(HaveOccurred())
		Expect(numbers).To(ContainElement(And(
			HaveField("Number", dep.Spec.PhoneNumber), HaveField("ActiveAgent", BeNil()), HaveField("DefaultRouting", BeNil()))))
	})

	It("writes an outbound trigger's URL and secret into a Secret it creates, under the manager's RBAC", func() {
		tpl := &wassistv1alpha1.WassistTemplate{ObjectMeta: metav1.ObjectMeta{Name: "order-shipped", Namespace: samplesNS}}
		Eventually(func() (string, error) {
			err := k8sClient.Get(ctx, client.ObjectKeyFromObject(tpl), tpl)
			return tpl.Status.TemplateID, err
		}).WithTimeout(timeout).WithPolling(poll).ShouldNot(BeEmpty())
		agent := &wassistv1alpha1.WassistAgent{
			ObjectMeta: metav1.ObjectMeta{Name: "notifier", Namespace: samplesNS},
			Spec: wassistv1alpha1.WassistAgentSpec{APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "wassist-api-key"},
				OutboundTriggers: []wassistv1alpha1.AgentOutboundTrigger{{
					TemplateRef: &wassistv1alpha1.TemplateReference{Name: tpl.Name}, SecretName: "notifier-order-shipped"}}},
		}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "notifier-order-shipped", Namespace: samplesNS}}
		Eventually(func() error { return k8sClient.Get(ctx, client.ObjectKeyFromObject(secret), secret) }).
			WithTimeout(timeout).WithPolling(poll).Should(Succeed())
		Expect(secret.Data).To(And(HaveKeyWithValue("url", Not(BeEmpty())), HaveKeyWithValue("secret", Not(BeEmpty()))))
		Expect(secret.OwnerReferences).To(ConsistOf(HaveField("Name", "notifier")))
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
	})

	It("deletes the remote agent with its resource", func() {
		agent := &wassistv1alpha1.WassistAgent{
			ObjectMeta: metav1.ObjectMeta{Name: "short-lived", Namespace: samplesNS},
			Spec:       wassistv1alpha1.WassistAgentSpec{APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "wassist-api-key"}},
		}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(func() bool { _, ok := remoteByName("short-lived"); return ok }).WithTimeout(timeout).Should(BeTrue())
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		Eventually(func() bool { _, ok := remoteByName("short-lived"); return ok }).WithTimeout(timeout).Should(BeFalse())
		Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent)) }).
			WithTimeout(timeout).Should(BeTrue())
	})

	It("leaves exactly 30 remote agents when killed with SIGKILL in the middle of 30 creates", func() {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bulk"}}
		Expect(k8sClient.Create(ctx, ns)).To(Succeed())
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wassist-api-key", Namespace: ns.Name},
			StringData: map[string]string{"apiKey": apiKey}}
		Expect(k8sClient.Create(ctx, secret)).To(Succeed())
		const n = 30
		bulkCount := func() int {
			count := 0
			for _, a := range remoteAgents() {
				if strings.HasPrefix(a.Name, "bulk-") || strings.HasPrefix(a.Name, "wassist-operator-pending-") {
					count++
				}
			}
			return count
		}
		before := bulkCount()
		for i := range n {
			Expect(k8sClient.Create(ctx, &wassistv1alpha1.WassistAgent{
				ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bulk-%02d", i), Namespace: ns.Name},
				Spec:       wassistv1alpha1.WassistAgentSpec{APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "wassist-api-key"}},
			})).To(Succeed())
		}
		// Kill once some, but not all, creates have reached Wassist.
		Eventually(bulkCount).WithTimeout(timeout).WithPolling(5 * time.Millisecond).Should(BeNumerically(">=", before+3))
		manager.Kill()
		killedAt := bulkCount() - before
		Expect(killedAt).To(BeNumerically("<", n), "all creates finished before the kill: the spec proves nothing")

		manager = startManager()
		Eventually(allReady(ns.Name)).WithTimeout(2 * timeout).WithPolling(poll).Should(Equal(n))
		var names []string
		for _, a := range remoteAgents() {
			if strings.HasPrefix(a.Name, "bulk-") || strings.HasPrefix(a.Name, "wassist-operator-pending-") {
				names = append(names, a.Name)
			}
		}
		Expect(names).To(HaveLen(n), "remote agents after the restart (the kill came after %d creates)", killedAt)
		GinkgoWriter.Printf("SIGKILL after %d of %d creates; %d remote agents after the restart\n", killedAt, n, len(names))
	})

	It("serves the wassist_api_* metrics to an authorised caller and refuses an anonymous one", func() {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: operatorNS}}
		Expect(k8sClient.Create(ctx, sa)).To(Succeed())
		Expect(k8sClient.Create(ctx, &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "prometheus-metrics-reader"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "wassist-operator-metrics-reader"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: sa.Namespace}},
		})).To(Succeed())
		token := tokenOf(sa)

		Eventually(func(g Gomega) {
			code, body, err := httpGet("https://"+metricsAddr()+"/metrics", token)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(code).To(Equal(http.StatusOK))
			g.Expect(body).To(ContainSubstring(`wassist_api_requests_total{code="201",method="POST",route="/agents/"}`))
			g.Expect(body).To(ContainSubstring("wassist_api_request_duration_seconds"))
			g.Expect(body).To(ContainSubstring("wassist_ratelimiter_wait_seconds"))
			g.Expect(body).To(MatchRegexp(`wassist_managed_resources\{kind="WassistAgent",ready="true",reason="Available"\} [1-9]`))
			g.Expect(body).NotTo(ContainSubstring(apiKey))
		}).WithTimeout(timeout).WithPolling(poll).Should(Succeed())

		code, _, err := httpGet("https://"+metricsAddr()+"/metrics", "")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusUnauthorized))

		// A valid token of a user without the metrics-reader role is authenticated, not authorized.
		stranger := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "stranger", Namespace: operatorNS}}
		Expect(k8sClient.Create(ctx, stranger)).To(Succeed())
		code, body, err := httpGet("https://"+metricsAddr()+"/metrics", tokenOf(stranger))
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusForbidden))
		Expect(body).NotTo(ContainSubstring("wassist_api_requests_total"))
	})

	It("renders a Helm chart whose every object the API server accepts (server-side apply, dry run)", func() {
		helm := os.Getenv("HELM")
		if helm == "" {
			helm = "../../bin/helm"
		}
		// With watchNamespaces the manager's Roles go into those namespaces, which must exist.
		for _, ns := range []string{"team-a", "team-b"} {
			err := k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
			Expect(client.IgnoreAlreadyExists(err)).To(Succeed())
		}
		kubeVersion := serverVersion()
		for _, values := range [][]string{nil, {"--set", "serviceMonitor.enabled=false,watchNamespaces={team-a,team-b}"}} {
			args := append([]string{"template", "wassist-operator", "../../dist/chart", "--include-crds",
				"--namespace", operatorNS, "--kube-version", kubeVersion}, values...)
			out, err := exec.CommandContext(ctx, helm, args...).Output()
			Expect(err).NotTo(HaveOccurred(), "helm template (run `make test-e2e`, which installs helm)")
			objs := decodeYAML(out)
			Expect(objs).NotTo(BeEmpty())
			kinds := map[string]bool{}
			for _, obj := range objs {
				kinds[obj.GetKind()] = true
				err := k8sClient.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj),
					client.FieldOwner("e2e-helm"), client.ForceOwnership, client.DryRunAll)
				Expect(err).NotTo(HaveOccurred(), "%s %s", obj.GetKind(), obj.GetName())
			}
			Expect(kinds).To(HaveKey("Deployment"))
			Expect(kinds).To(HaveKey("CustomResourceDefinition"))
			Expect(kinds).To(HaveKey("ClusterRole"))
		}
	})
})

// serverVersion is the API server's Kubernetes version, so that helm template renders for
// the server the objects are applied to (as helm install would), not for helm's own guess (v1.20
// in a helm built without its release stamp, which the chart's kubeVersion refuses). A
// server built without its stamp is taken to be the oldest the chart supports.
func serverVersion() string {
	info, err := discovery.NewDiscoveryClientForConfigOrDie(testEnv.Config).ServerVersion()
	Expect(err).NotTo(HaveOccurred())
	if info.Major == "" || strings.HasPrefix(info.GitVersion, "v0.0.0") {
		return harness.OldestKubernetes
	}
	return info.GitVersion
}
