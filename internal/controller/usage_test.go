package controller_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const routeAgent = "/agents/{id}/"

// inUse waits until obj, being deleted, says it waits for user.
func inUse(obj client.Object, user string) {
	EventuallyWithOffset(1, conditionOf(obj, wassistv1alpha1.ConditionSynced)).WithTimeout(timeout).
		Should(Equal("False/" + wassistv1alpha1.ReasonInUse))
	ExpectWithOffset(1, servedCondition(obj, wassistv1alpha1.ConditionSynced)["message"]).To(ContainSubstring(user))
}

// triggerTemplates are the template names of a remote agent's triggers.
func triggerTemplates(t tenant, agentID string) func() []string {
	return func() []string {
		var names []string
		for _, tr := range t.remoteAgent(agentID)().OutboundTriggers {
			names = append(names, tr.TemplateName)
		}
		return names
	}
}

// triggeredAgent makes a tenant whose agent notifier is Ready with a trigger of its
// template reminder (order_update), published to uk.
func triggeredAgent() (tenant, wassisttest.Account, *wassistv1alpha1.WassistTemplate, *wassistv1alpha1.WassistAgent) {
	t := newTenant()
	uk, _ := t.twoAccounts()
	tpl := t.template("reminder", uk.ID)
	ExpectWithOffset(1, k8sClient.Create(ctx, tpl)).To(Succeed())
	agent := t.agent("notifier")
	agent.Spec.OutboundTriggers = []wassistv1alpha1.AgentOutboundTrigger{
		{TemplateRef: &wassistv1alpha1.TemplateReference{Name: "reminder"}, SecretName: "notifier-trigger"}}
	ExpectWithOffset(1, k8sClient.Create(ctx, agent)).To(Succeed())
	EventuallyWithOffset(1, readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
	return t, uk, tpl, agent
}

// usageSpecs are the rule of docs/design.md 17: what other resources use is deleted last.
func usageSpecs() {
	It("keeps an agent a deployment routes to until the deployment is gone or names another agent", func() {
		t := newTenant()
		_, a := t.withAccount()
		_, b := t.numbers()
		agent := readyAgent(t, "concierge")
		readyAgent(t, "successor")
		staying := t.deployment("staying", "concierge", a)
		leaving := t.deployment("leaving", "concierge", b)
		for _, d := range []*wassistv1alpha1.WassistDeployment{staying, leaving} {
			readyDeployment(d)
		}

		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		inUse(agent, "WassistDeployment leaving, WassistDeployment staying")
		Eventually(func() string {
			fetch(staying)
			return meta.FindStatusCondition(staying.Status.Conditions, wassistv1alpha1.ConditionReady).Message
		}).WithTimeout(timeout).Should(ContainSubstring("is being deleted and waits for this deployment"))
		Expect(t.requests(http.MethodDelete, routeAgent)).To(BeZero())
		Expect(t.serving(a)()).To(Equal(agent.Status.AgentID), "the number still answers with a managed agent")

		By("one deployment names another agent, the other is deleted and unroutes its number")
		update(leaving, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.AgentRef.Name = "successor" })
		Eventually(deploymentReady(leaving)).WithTimeout(timeout).Should(Equal(ready))
		inUse(agent, "WassistDeployment staying")
		Expect(k8sClient.Delete(ctx, staying)).To(Succeed())
		Eventually(gone(staying)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.serving(a)()).To(BeEmpty())
		Eventually(gone(agent)).WithTimeout(timeout).ShouldNot(Succeed())
		_, live := sim.Agent(t.key, agent.Status.AgentID)
		Expect(live).To(BeFalse())
		Expect(t.requests(http.MethodDelete, routeAgent)).To(Equal(1))
	})

	It("keeps a template an agent's trigger names until the trigger is removed, and removes the trigger on Wassist", func() {
		t, _, tpl, agent := triggeredAgent()
		fetch(tpl)

		Expect(k8sClient.Delete(ctx, tpl)).To(Succeed())
		inUse(tpl, "WassistAgent notifier")
		Expect(t.requests(http.MethodDelete, routeTemplate)).To(BeZero())
		Expect(triggerTemplates(t, agent.Status.AgentID)()).To(ConsistOf("order_update"))

		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Spec.OutboundTriggers = []wassistv1alpha1.AgentOutboundTrigger{}
		})
		Eventually(triggerTemplates(t, agent.Status.AgentID)).WithTimeout(timeout).Should(BeEmpty())
		Eventually(gone(tpl)).WithTimeout(timeout).ShouldNot(Succeed())
		_, live := sim.Template(t.key, tpl.Status.TemplateID)
		Expect(live).To(BeFalse())
	})

	It("applies the rest of an agent whose trigger names a template not there yet, and leaves the live triggers until it is", func() {
		t, uk, _, agent := triggeredAgent()

		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Spec.Description = "Now also reminds of returns"
			a.Spec.OutboundTriggers = []wassistv1alpha1.AgentOutboundTrigger{
				{TemplateRef: &wassistv1alpha1.TemplateReference{Name: "returns"}, SecretName: "returns-trigger"}}
		})
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonTemplatePending))
		Expect(readyMessage(agent)).To(ContainSubstring("WassistTemplate returns, which does not exist in this namespace"))
		Eventually(func() string { return t.remoteAgent(agent.Status.AgentID)().Description }).WithTimeout(timeout).
			Should(Equal("Now also reminds of returns"))
		Expect(triggerTemplates(t, agent.Status.AgentID)()).To(ConsistOf("order_update"), "the live trigger is not erased")
		Expect(meta.IsStatusConditionTrue(agent.Status.Conditions, wassistv1alpha1.ConditionStalled)).To(BeFalse())

		returns := t.template("returns", uk.ID)
		returns.Spec.Name = "return_reminder"
		Expect(k8sClient.Create(ctx, returns)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(triggerTemplates(t, agent.Status.AgentID)()).To(ConsistOf("return_reminder"))
	})
}
