package controller_test

import (
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/argocd"
	"github.com/wassist-operator/wassist-operator/internal/controller"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// gitops is how the tools read an object: kstatus (Flux, kpt, Config Sync) and the
// Argo CD health check shipped in config/argocd/.
type gitops struct {
	KStatus status.Status
	ArgoCD  string
}

// asServed reads obj as a GitOps tool does: the API server's JSON, unstructured.
func asServed(obj client.Object) *unstructured.Unstructured {
	gvk, err := apiutil.GVKForObject(obj, k8sClient.Scheme())
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	ExpectWithOffset(2, k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), u)).To(Succeed())
	return u
}

// readBy computes what kstatus and the Argo CD health check make of u.
func readBy(u *unstructured.Unstructured) gitops {
	res, err := status.Compute(u)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	script, err := os.ReadFile(filepath.Join("..", "..", "config", "argocd", "health.lua"))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	h, err := argocd.Evaluate(string(script), u.Object)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return gitops{KStatus: res.Status, ArgoCD: h.Status}
}

// conditionOf returns obj's condition typ as "Status/Reason", or "absent".
func conditionOf(obj client.Object, typ string) func() string {
	return func() string {
		if c := servedCondition(obj, typ); c != nil {
			return c["status"].(string) + "/" + c["reason"].(string)
		}
		return "absent"
	}
}

// servedCondition is obj's condition typ as the API server serves it, or nil.
func servedCondition(obj client.Object, typ string) map[string]any {
	conds, _, _ := unstructured.NestedSlice(asServed(obj).Object, "status", "conditions")
	for _, c := range conds {
		if m, _ := c.(map[string]any); m["type"] == typ {
			return m
		}
	}
	return nil
}

// once waits until obj's Synced condition reads synced ("Status/Reason"), and returns
// what the tools then make of obj: the wait is on a fact any version of the operator
// reports, the verdict is what this one adds.
func once(obj client.Object, synced string) gitops {
	EventuallyWithOffset(1, conditionOf(obj, wassistv1alpha1.ConditionSynced)).WithTimeout(timeout).Should(Equal(synced))
	return readBy(asServed(obj))
}

// healthSpecs are the status as GitOps tools read it (docs/gitops.md).
func healthSpecs() {
	var (
		inProgress = gitops{status.InProgressStatus, "Progressing"}
		current    = gitops{status.CurrentStatus, "Healthy"}
		failed     = gitops{status.FailedStatus, "Degraded"}
	)

	It("reads a new resource, before the operator has seen it, as in progress", func() {
		t := newTenant()
		u := &unstructured.Unstructured{}
		u.SetUnstructuredContent(map[string]any{
			"apiVersion": wassistv1alpha1.GroupVersion.String(), "kind": "WassistAgent",
			"metadata": map[string]any{"name": "brand-new", "namespace": t.ns},
			"spec":     map[string]any{"systemPrompt": "hi", "apiKeySecretRef": map[string]any{"name": t.secret}},
		})
		Expect(k8sClient.Create(ctx, u)).To(Succeed())
		// The create's answer is the object as stored, before any reconcile.
		Expect(u.GetFinalizers()).To(BeEmpty())
		Expect(u.Object["status"]).To(Equal(map[string]any{"observedGeneration": int64(0)}))
		Expect(readBy(u)).To(Equal(inProgress))
	})

	It("reads creating as in progress, Ready as current, and a rate limit on a Ready agent as current", func() {
		t := newTenant()
		fault := sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Key: t.key, Method: http.MethodPost,
			Route: "/agents/"})
		agent := t.agent("gitops")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Expect(once(agent, "False/"+wassistv1alpha1.ReasonRemoteError)).To(Equal(inProgress))
		sim.RemoveFault(fault)

		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(once(agent, "True/"+wassistv1alpha1.ReasonReconcileSuccess)).To(Equal(current))

		fault = sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: t.key, Method: http.MethodPatch,
			Route: "/agents/{id}/", RetryAfter: time.Second})
		defer sim.RemoveFault(fault)
		Expect(sim.EditAgent(t.key, agent.Status.AgentID, func(a *wassisttest.Agent) { a.SystemPrompt = "changed" })).To(BeTrue())
		checkDrift()
		Expect(once(agent, "False/"+wassistv1alpha1.ReasonRateLimited)).To(Equal(current))
	})

	It("reads an invalid spec, a rejected key and a conflict as failed, and counts them by reason", func() {
		t := newTenant()
		invalid := t.agent("refused")
		invalid.Spec.HandoffTools = []wassistv1alpha1.AgentHandoffTool{{AgentID: unknownAgentID}}
		Expect(k8sClient.Create(ctx, invalid)).To(Succeed())
		Expect(once(invalid, "False/"+wassistv1alpha1.ReasonInvalidSpec)).To(Equal(failed))

		wrong := newTenant()
		wrong.writeSecret("wk_test_not_a_key_anyone_has")
		rejected := wrong.agent("rejected")
		Expect(k8sClient.Create(ctx, rejected)).To(Succeed())
		Expect(once(rejected, "False/"+wassistv1alpha1.ReasonCredentialsRejected)).
			To(Equal(failed))

		first := readyAgent(t, "first")
		second := t.agent("second")
		second.Annotations = map[string]string{wassistv1alpha1.AnnotationAgentID: first.Status.AgentID}
		Expect(k8sClient.Create(ctx, second)).To(Succeed())
		Expect(once(second, "False/"+wassistv1alpha1.ReasonAlreadyManaged)).To(Equal(failed))

		reg := prometheus.NewRegistry()
		Expect(controller.RegisterMetrics(reg, k8sClient)).To(Succeed())
		Expect(testutil.CollectAndCount(reg, "wassist_managed_resources")).To(BeNumerically(">", 2))
		for _, reason := range []string{wassistv1alpha1.ReasonInvalidSpec, wassistv1alpha1.ReasonCredentialsRejected,
			wassistv1alpha1.ReasonAlreadyManaged} {
			Expect(managedCount(reg, "false", reason)).To(BeNumerically(">=", 1), reason)
		}
		Expect(managedCount(reg, "true", wassistv1alpha1.ReasonAvailable)).To(BeNumerically(">=", 1))
	})

	It("reads an observed resource as current, differences and all, and a refused adoption as failed", func() {
		t := newTenant()
		remote := t.seededBarista()
		observing := t.adopting("observing", remote.ID, wassistv1alpha1.ManagementPolicyObserve)
		Expect(k8sClient.Create(ctx, observing)).To(Succeed())
		Expect(once(observing, "True/"+wassistv1alpha1.ReasonWouldChange)).To(Equal(current))

		other := newTenant()
		refused := other.adopting("refused", other.seededBarista().ID, wassistv1alpha1.ManagementPolicyFull)
		Expect(k8sClient.Create(ctx, refused)).To(Succeed())
		Expect(once(refused, "False/"+wassistv1alpha1.ReasonAdoptionWouldErase)).To(Equal(failed))

		reg := prometheus.NewRegistry()
		Expect(controller.RegisterMetrics(reg, k8sClient)).To(Succeed())
		Expect(managedCount(reg, "true", wassistv1alpha1.ReasonObserved)).To(BeNumerically(">=", 1))
		Expect(managedCount(reg, "false", wassistv1alpha1.ReasonAdoptionWouldErase)).To(BeNumerically(">=", 1))
	})

	It("reads a paused resource as current (Argo CD: suspended) and a deleting one as terminating", func() {
		t := newTenant()
		agent := readyAgent(t, "paused")
		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Annotations = map[string]string{wassistv1alpha1.AnnotationPaused: "true"}
			a.Spec.SystemPrompt = "edited while paused"
		})
		Expect(once(agent, "False/"+wassistv1alpha1.ReasonPaused)).
			To(Equal(gitops{status.CurrentStatus, "Suspended"}))

		fault := sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Key: t.key, Method: http.MethodDelete,
			Route: "/agents/{id}/"})
		defer sim.RemoveFault(fault)
		update(agent, func(a *wassistv1alpha1.WassistAgent) { delete(a.Annotations, wassistv1alpha1.AnnotationPaused) })
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		Expect(once(agent, "False/"+wassistv1alpha1.ReasonRemoteError)).
			To(Equal(gitops{status.TerminatingStatus, "Progressing"}))
	})

	It("reads a deployment waiting for its agent as in progress, and a Ready one as current", func() {
		t := newTenant()
		_, number := t.withAccount()
		dep := t.deployment("gitops-number", "later", number)
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		Expect(once(dep, "False/"+wassistv1alpha1.ReasonAgentNotReady)).To(Equal(inProgress))
		readyAgent(t, "later")
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(readBy(asServed(dep))).To(Equal(current))
	})

	It("keeps a Ready agent and its deployments Ready through a 429 storm, with one Warning for it", func() {
		t := newTenant()
		agent := readyAgent(t, "storm")
		_, number := t.withAccount()
		dep := t.deployment("storm-number", "storm", number)
		readyDeployment(dep)
		agentSince := readySince(agent)
		depSince := readySince(dep)

		fault := sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: t.key, Method: http.MethodPatch,
			Route: "/agents/{id}/", RetryAfter: time.Second})
		Expect(sim.EditAgent(t.key, agent.Status.AgentID, func(a *wassisttest.Agent) { a.SystemPrompt = "changed" })).To(BeTrue())
		checkDrift()
		Eventually(conditionOf(agent, wassistv1alpha1.ConditionSynced)).WithTimeout(timeout).
			Should(Equal("False/" + wassistv1alpha1.ReasonRateLimited))
		// A storm: the repair is refused again and again.
		Eventually(func() int { return t.answered(http.StatusTooManyRequests) }).WithTimeout(timeout).Should(BeNumerically(">=", 3))
		throttled := func() []string { return eventReasonsOfType(agent, corev1.EventTypeWarning)() }

		Expect(readyReason(agent)()).To(Equal(ready))
		Expect(readySince(agent)).To(Equal(agentSince), "Ready did not change through the storm")
		Expect(conditionOf(agent, wassistv1alpha1.ConditionStalled)()).To(Equal("absent"))
		Expect(deploymentReady(dep)()).To(Equal(ready))
		Expect(readySince(dep)).To(Equal(depSince))
		Expect(throttled()).To(Equal([]string{wassistv1alpha1.ReasonRateLimited}), "one Warning, not one per retry")

		sim.RemoveFault(fault)
		Eventually(conditionOf(agent, wassistv1alpha1.ConditionSynced)).WithTimeout(timeout).
			Should(Equal("True/" + wassistv1alpha1.ReasonReconcileSuccess))
		remote, _ := sim.Agent(t.key, agent.Status.AgentID)
		Expect(remote.SystemPrompt).To(Equal(agent.Spec.SystemPrompt))
		Expect(deploymentReady(dep)()).To(Equal(ready))
		Expect(readySince(dep)).To(Equal(depSince))
	})
}

// answered counts the simulator's answers with code to the tenant's key.
func (t tenant) answered(code int) int {
	n := 0
	for _, r := range sim.RequestsFor(t.key) {
		if r.Status == code {
			n++
		}
	}
	return n
}

// readySince is when obj's Ready condition last changed.
func readySince(obj client.Object) string {
	if c := servedCondition(obj, wassistv1alpha1.ConditionReady); c != nil {
		return c["lastTransitionTime"].(string)
	}
	return ""
}

// managedCount is wassist_managed_resources summed over kinds for one ready and reason.
func managedCount(reg *prometheus.Registry, ready, reason string) float64 {
	families, err := reg.Gather()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	total := 0.0
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["ready"] == ready && labels["reason"] == reason {
				total += m.GetGauge().GetValue()
			}
		}
	}
	return total
}
