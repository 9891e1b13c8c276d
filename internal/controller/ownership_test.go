package controller_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// naming returns a WassistAgent of the tenant that names the remote agent id.
func (t tenant) naming(name, id string) *wassistv1alpha1.WassistAgent {
	agent := t.agent(name)
	agent.Annotations = map[string]string{wassistv1alpha1.AnnotationAgentID: id}
	return agent
}

// nextSecond waits until a resource created now is younger than obj: creation
// timestamps have a one-second resolution.
func nextSecond(obj metav1.Object) {
	created := obj.GetCreationTimestamp()
	Eventually(func() bool { return time.Now().After(created.Add(time.Second)) }).WithTimeout(timeout).Should(BeTrue())
}

// ownershipSpecs: a remote object has one owner, an id is never forgotten, and
// references may form cycles (docs/design.md, rules 9 to 11).
func ownershipSpecs() {
	It("lets only the oldest resource naming an agent id manage it; a newer one sends nothing and takes over when it goes", func() {
		t := newTenant()
		production := readyAgent(t, "production")
		id := production.Status.AgentID
		nextSecond(production)
		before := t.requests()

		staging := t.naming("staging", id)
		staging.Spec.SystemPrompt = "You are the staging barista."
		Expect(k8sClient.Create(ctx, staging)).To(Succeed())
		Eventually(readyReason(staging)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))
		Expect(readyMessage(staging)).To(ContainSubstring("already managed by WassistAgent production"))
		Expect(t.requests()).To(Equal(before), "the newer resource sent nothing")
		Expect(staging.Finalizers).To(BeEmpty(), "nothing of its own to hold")

		By("deleting the newer one: the owner's agent stays")
		Expect(k8sClient.Delete(ctx, staging)).To(Succeed())
		Eventually(gone(staging)).WithTimeout(timeout).ShouldNot(Succeed())
		_, exists := sim.Agent(t.key, id)
		Expect(exists).To(BeTrue())
		Expect(t.requests(http.MethodDelete, "/agents/{id}/")).To(BeZero())

		By("a claim from another namespace names nothing of this one")
		other := newTenant()
		elsewhere := other.naming("elsewhere", id)
		Expect(k8sClient.Create(ctx, elsewhere)).To(Succeed())
		Eventually(readyReason(elsewhere)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))
		Expect(readyMessage(elsewhere)).To(And(ContainSubstring("already managed by a WassistAgent in another namespace"),
			Not(ContainSubstring(t.ns)), Not(ContainSubstring("production"))))
		Expect(k8sClient.Delete(ctx, elsewhere)).To(Succeed())

		By("deleting the owner while a newer resource names its agent: the agent is handed over, not deleted")
		successor := t.naming("successor", id)
		successor.Spec.SystemPrompt = "You are the successor barista."
		Expect(k8sClient.Create(ctx, successor)).To(Succeed())
		Eventually(readyReason(successor)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))
		Expect(k8sClient.Delete(ctx, production)).To(Succeed())
		Eventually(readyReason(successor)).WithTimeout(timeout).Should(Equal(ready))
		Expect(successor.Status.AgentID).To(Equal(id))
		Eventually(eventReasons(production)).WithTimeout(timeout).Should(ContainElement("HandedOver"))
		Expect(t.requests(http.MethodDelete, "/agents/{id}/")).To(BeZero())
		r, _ := sim.Agent(t.key, id)
		Expect(r.SystemPrompt).To(Equal("You are the successor barista."))
	})

	It("keeps a held agent from an older resource that starts naming it later", func() {
		t := newTenant()
		older := t.naming("older", "00000000-0000-4000-8000-000000000000") // names an agent that does not exist
		Expect(k8sClient.Create(ctx, older)).To(Succeed())
		Eventually(readyReason(older)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonRemoteNotFound))
		nextSecond(older)
		holder := readyAgent(t, "holder")
		before := t.requests()

		update(older, func(a *wassistv1alpha1.WassistAgent) {
			a.Annotations[wassistv1alpha1.AnnotationAgentID] = holder.Status.AgentID
		})
		Eventually(readyReason(older)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))
		Expect(readyMessage(older)).To(ContainSubstring("already managed by WassistAgent holder"))
		Expect(readyReason(holder)()).To(Equal(ready))
		Expect(t.requests()).To(Equal(before), "the older resource sent nothing")
	})

	It("restores an agent-id annotation removed by a replace from the status, instead of creating a second agent", func() {
		t := newTenant()
		agent := readyAgent(t, "replaced")
		id := agent.Status.AgentID

		// As kubectl replace does with a manifest that never had the annotation.
		replacement := t.agent("replaced")
		replacement.ResourceVersion = agent.ResourceVersion
		replacement.Finalizers = agent.Finalizers
		Expect(k8sClient.Update(ctx, replacement)).To(Succeed())
		Eventually(func() string { fetch(agent); return agent.Annotations[wassistv1alpha1.AnnotationAgentID] }).
			WithTimeout(timeout).Should(Equal(id))
		Eventually(eventReasons(agent)).WithTimeout(timeout).Should(ContainElement("IdentityRestored"))
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.remoteAgents()).To(HaveLen(1))
		Expect(t.requests(http.MethodPost, "/agents/")).To(Equal(1))
	})

	It("refuses an agent-id annotation changed to another agent, and touches neither", func() {
		t := newTenant()
		agent := readyAgent(t, "steady")
		id := agent.Status.AgentID
		other := sim.SeedAgent(t.key, wassisttest.Agent{Name: "someone else's"})
		before := t.requests()

		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Annotations[wassistv1alpha1.AnnotationAgentID] = other.ID })
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonIdentityChanged))
		Expect(readyMessage(agent)).To(ContainSubstring("set the annotation back to " + id))
		Expect(t.requests()).To(Equal(before))

		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Annotations[wassistv1alpha1.AnnotationAgentID] = id })
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		r, _ := sim.Agent(t.key, other.ID)
		Expect(r.SystemPrompt).To(BeEmpty(), "the other agent was never written")
	})

	It("creates agents that hand off to each other, and sends each handoff once its target has an id", func() {
		t := newTenant()
		sales, afterSales := t.agent("sales"), t.agent("after-sales")
		sales.Spec.HandoffTools = handoffTo("after-sales")
		afterSales.Spec.HandoffTools = handoffTo("sales")
		Expect(k8sClient.Create(ctx, sales)).To(Succeed())
		Expect(k8sClient.Create(ctx, afterSales)).To(Succeed())
		Eventually(readyReason(sales)).WithTimeout(timeout).Should(Equal(ready))
		Eventually(readyReason(afterSales)).WithTimeout(timeout).Should(Equal(ready))

		for _, pair := range [][2]*wassistv1alpha1.WassistAgent{{sales, afterSales}, {afterSales, sales}} {
			r, _ := sim.Agent(t.key, pair[0].Status.AgentID)
			Expect(r.HandoffTools).To(HaveLen(1))
			Expect(r.HandoffTools[0].ChildAgentID).To(Equal(pair[1].Status.AgentID))
		}
		Expect(t.remoteAgents()).To(HaveLen(2))
	})

	It("restores a share removed outside the operator and removes one added, found by the bulk check", func() {
		t := newTenant()
		agent := t.agent("shared")
		agent.Spec.SharedWith = []string{"447700900123", "447700900124"}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(agent.Status.SharedWith).To(ConsistOf("447700900123", "447700900124"))

		api, err := pool.For(t.key) // the dashboard, as far as the API can tell
		Expect(err).NotTo(HaveOccurred())
		Expect(api.UnshareAgent(ctx, agent.Status.AgentID, "447700900123")).To(Succeed())
		Expect(api.ShareAgent(ctx, agent.Status.AgentID, "447700900999")).To(Succeed())
		shares, unshares := t.requests(http.MethodPost, "/agents/{id}/share/"), t.requests(http.MethodPost, "/agents/{id}/unshare/")

		checkDrift()
		Eventually(func() []string { return sim.SharedWith(t.key, agent.Status.AgentID) }).WithTimeout(timeout).
			Should(ConsistOf("+447700900123", "+447700900124"))
		Eventually(func() []string { fetch(agent); return agent.Status.SharedWith }).WithTimeout(timeout).
			Should(ConsistOf("447700900123", "447700900124"))
		Expect(t.requests(http.MethodPost, "/agents/{id}/share/") - shares).To(Equal(1))
		Expect(t.requests(http.MethodPost, "/agents/{id}/unshare/") - unshares).To(Equal(1))
		Expect(t.requests(http.MethodPatch, "/agents/{id}/")).To(Equal(1), "only the create's PATCH: the rest was equal")
	})
}

func handoffTo(name string) []wassistv1alpha1.AgentHandoffTool {
	return []wassistv1alpha1.AgentHandoffTool{{AgentRef: &wassistv1alpha1.AgentReference{Name: name}, Description: "hand over"}}
}
