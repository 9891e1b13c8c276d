package controller_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/api/meta"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const observed = "True/Observed"

// writes counts the requests of the tenant's key that change something.
func (t tenant) writes() int {
	return t.requests("POST", "") + t.requests("PATCH", "") + t.requests("PUT", "") + t.requests("DELETE", "")
}

// seededBarista is an agent made in the dashboard: a prompt, a tool and a memory key.
func (t tenant) seededBarista() wassisttest.Agent {
	return sim.SeedAgent(t.key, wassisttest.Agent{Name: "Barista", SystemPrompt: "You are a barista.",
		Tools:      []wassisttest.Tool{{Name: "menu", APISchema: []byte(`{"url":"https://shop.example/menu"}`), Active: true}},
		MemoryKeys: []wassisttest.MemoryKey{{Key: "name", Type: "string"}}})
}

// adopting is a WassistAgent that names the remote agent id, under policy.
func (t tenant) adopting(name, id string, policy wassistv1alpha1.ManagementPolicy) *wassistv1alpha1.WassistAgent {
	agent := t.agent(name)
	agent.Annotations = map[string]string{wassistv1alpha1.AnnotationAgentID: id}
	agent.Spec.Name = "Barista"
	agent.Spec.ManagementPolicy = policy
	agent.Spec.Tools = []wassistv1alpha1.AgentTool{{Name: "menu", APISchema: rawJSON(`{"url":"https://shop.example/menu"}`)}}
	return agent
}

// takeover is the agent's status.takeover, read again.
func takeover(agent *wassistv1alpha1.WassistAgent) func() *wassistv1alpha1.Takeover {
	return func() *wassistv1alpha1.Takeover {
		fetch(agent)
		return agent.Status.Takeover
	}
}

// templateReady is the template's Ready condition as "Status/Reason", read again.
func templateReady(tpl *wassistv1alpha1.WassistTemplate) string {
	fetch(tpl)
	c := meta.FindStatusCondition(tpl.Status.Conditions, wassistv1alpha1.ConditionReady)
	if c == nil || c.ObservedGeneration != tpl.Generation {
		return "not observed"
	}
	return string(c.Status) + "/" + c.Reason
}

// syncedReason is the reason of the agent's Synced condition.
func syncedReason(agent *wassistv1alpha1.WassistAgent) string {
	fetch(agent)
	if c := meta.FindStatusCondition(agent.Status.Conditions, wassistv1alpha1.ConditionSynced); c != nil {
		return c.Reason
	}
	return ""
}

// policySpecs are managementPolicy Observe and adoption that loses nothing.
func policySpecs() {
	It("observes without writing, through a bulk drift period; Full then refuses to erase until allowed", func() {
		t := newTenant()
		remote := t.seededBarista()
		agent := t.adopting("barista", remote.ID, wassistv1alpha1.ManagementPolicyObserve)
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(observed))
		Expect(syncedReason(agent)).To(Equal(wassistv1alpha1.ReasonWouldChange))
		Expect(agent.Status.Takeover.Changes).To(ConsistOf("systemPrompt", "memoryKeys[name]"))
		Expect(agent.Status.Takeover.Erases).To(ConsistOf("memoryKeys[name]"))
		Expect(meta.FindStatusCondition(agent.Status.Conditions, wassistv1alpha1.ConditionStalled)).To(BeNil())
		Expect(t.writes()).To(BeZero())

		By("drift in the dashboard is reported by the bulk check, and nothing is written")
		Expect(sim.EditAgent(t.key, remote.ID, func(a *wassisttest.Agent) { a.FirstMessage = "Hi! What can I get you?" })).To(BeTrue())
		checkDrift()
		Eventually(func() []string { return takeover(agent)().Changes }).WithTimeout(timeout).
			Should(ConsistOf("systemPrompt", "firstMessage", "memoryKeys[name]"))
		Expect(agent.Status.Takeover.Erases).To(ConsistOf("firstMessage", "memoryKeys[name]"))
		Expect(t.writes()).To(BeZero())

		By("a period that finds the same differences costs its list and nothing else")
		reads := t.requests("GET", "/agents/{id}/")
		lists := t.requests("GET", "/agents/")
		checkDrift()
		Expect(t.requests("GET", "/agents/")).To(Equal(lists + 1))
		Expect(t.requests("GET", "/agents/{id}/")).To(Equal(reads))
		Expect(t.writes()).To(BeZero())

		By("switching to Full refuses the adoption: it would erase what the spec leaves out")
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyFull })
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(meta.IsStatusConditionTrue(agent.Status.Conditions, wassistv1alpha1.ConditionStalled)).To(BeTrue())
		Expect(readyMessage(agent)).To(And(ContainSubstring("firstMessage"), ContainSubstring("memoryKeys[name]"),
			ContainSubstring(wassistv1alpha1.AnnotationAllowEraseOnAdoption)))
		Expect(t.writes()).To(BeZero())

		By("naming the memory key is not enough: the first message would still be erased")
		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Spec.MemoryKeys = []wassistv1alpha1.AgentMemoryKey{{Key: "name"}}
		})
		Eventually(func() []string { return takeover(agent)().Erases }).WithTimeout(timeout).Should(ConsistOf("firstMessage"))
		Expect(readyReason(agent)()).To(Equal("False/" + wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(t.writes()).To(BeZero())

		By("allowing the erasing applies the spec, keeping the memory key's id")
		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Annotations[wassistv1alpha1.AnnotationAllowEraseOnAdoption] = "true"
		})
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		now := t.remoteAgent(remote.ID)()
		Expect(now.SystemPrompt).To(Equal("You are a friendly barista."))
		Expect(now.FirstMessage).To(BeEmpty())
		Expect(now.MemoryKeys).To(ConsistOf(HaveField("ID", remote.MemoryKeys[0].ID)))
		Expect(agent.Status.Takeover).To(BeNil())
		Expect(t.remoteAgents()).To(HaveLen(1))
	})

	It("adopts under Full when the spec names everything, and refuses when it would erase a tool", func() {
		t := newTenant()
		remote := t.seededBarista()
		agent := t.adopting("barista", remote.ID, "")
		agent.Spec.Tools = nil
		agent.Spec.SystemPrompt = remote.SystemPrompt
		agent.Spec.MemoryKeys = []wassistv1alpha1.AgentMemoryKey{{Key: "name"}}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(agent.Status.Takeover.Erases).To(Equal([]string{"tools[menu]"}))
		Expect(eventReasonsOfType(agent, "Warning")()).To(ContainElement(wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(t.writes()).To(BeZero())

		By("the tool written in the spec: adopted with no write at all")
		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Spec.Tools = []wassistv1alpha1.AgentTool{{Name: "menu", APISchema: rawJSON(`{"url":"https://shop.example/menu"}`)}}
		})
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.writes()).To(BeZero())
		Expect(agent.Status.Takeover).To(BeNil())

		By("once managed, removing a tool from the spec is the user's edit, applied")
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.Tools = nil })
		Eventually(func() []wassisttest.Tool { return t.remoteAgent(remote.ID)().Tools }).WithTimeout(timeout).Should(BeEmpty())
	})

	It("never creates or deletes under Observe", func() {
		t := newTenant()
		nameless := t.agent("nameless")
		nameless.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
		Expect(k8sClient.Create(ctx, nameless)).To(Succeed())
		Eventually(readyReason(nameless)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonRemoteNotFound))
		Expect(readyMessage(nameless)).To(ContainSubstring("nothing is created under Observe"))

		remote := t.seededBarista()
		agent := t.adopting("barista", remote.ID, wassistv1alpha1.ManagementPolicyObserve)
		agent.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyDelete
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(observed))
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		Eventually(gone(agent)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.remoteAgents()).To(ConsistOf(HaveField("ID", remote.ID)))
		Expect(t.writes()).To(BeZero())
		Expect(k8sClient.Delete(ctx, nameless)).To(Succeed())
	})

	It("observes in the periodic drift mode too: a remote edit shows up within a period, nothing is written", func() {
		t := periodicTenant()
		remote := t.seededBarista()
		agent := t.adopting("observed-periodically", remote.ID, wassistv1alpha1.ManagementPolicyObserve)
		agent.Spec.SystemPrompt = remote.SystemPrompt
		agent.Spec.MemoryKeys = []wassistv1alpha1.AgentMemoryKey{{Key: "name"}}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(observed))
		Expect(syncedReason(agent)).To(Equal(wassistv1alpha1.ReasonObserved))
		Expect(sim.EditAgent(t.key, remote.ID, func(a *wassisttest.Agent) { a.SystemPrompt = "edited in the dashboard" })).To(BeTrue())
		Eventually(func() []string { return takeover(agent)().Changes }).WithTimeout(4 * periodicSyncPeriod).
			Should(ConsistOf("systemPrompt"))
		Expect(syncedReason(agent)).To(Equal(wassistv1alpha1.ReasonWouldChange))
		Expect(t.writes()).To(BeZero())
		Expect(t.requests("GET", "/agents/")).To(BeZero(), "the periodic mode never lists")
	})

	It("leaves the remote agent alone when a resource whose adoption never completed is deleted", func() {
		t := newTenant()
		remote := t.seededBarista()
		agent := t.adopting("barista", remote.ID, wassistv1alpha1.ManagementPolicyFull)
		agent.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyDelete
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		Eventually(gone(agent)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.remoteAgents()).To(ConsistOf(HaveField("ID", remote.ID)))
		Expect(eventNotes(agent, "Orphaned")()).To(ContainElement(ContainSubstring("its adoption was never completed")))
		Expect(t.writes()).To(BeZero())
	})

	It("does not create an agent that vanished while observed, once switched to Full", func() {
		t := newTenant()
		remote := t.seededBarista()
		agent := t.adopting("barista", remote.ID, wassistv1alpha1.ManagementPolicyObserve)
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(observed))
		Expect(sim.RemoveAgent(t.key, remote.ID)).To(BeTrue())
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyFull })
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonRemoteNotFound))
		Expect(t.remoteAgents()).To(BeEmpty())
		Expect(t.writes()).To(BeZero())
	})

	It("observes a template: what Full would change and erase, nothing written; Full then refuses to erase", func() {
		t := newTenant()
		remote := sim.SeedTemplate(t.key, wassisttest.Template{Name: "order_update", Category: "UTILITY", Components: []wassisttest.TemplateComponent{
			{Type: "BODY", Text: "Your order {{1}} has shipped.", Example: &wassisttest.TemplateExample{BodyText: [][]string{{"ORD-1"}}}},
			{Type: "FOOTER", Text: "Daily Grind"},
		}})
		tpl := t.template("order-update")
		tpl.Annotations = map[string]string{wassistv1alpha1.AnnotationTemplateID: remote.ID}
		tpl.Spec.Footer = nil
		tpl.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		Eventually(func() string { return templateReady(tpl) }).WithTimeout(timeout).Should(Equal(observed))
		Expect(tpl.Status.Takeover.Changes).To(ConsistOf("body", "footer"))
		Expect(tpl.Status.Takeover.Erases).To(ConsistOf("footer"))
		Expect(t.writes()).To(BeZero())

		update(tpl, func(x *wassistv1alpha1.WassistTemplate) {
			x.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyFull
		})
		Eventually(func() string { return templateReady(tpl) }).WithTimeout(timeout).
			Should(Equal("False/" + wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(t.writes()).To(BeZero())
	})

	It("reports Meta's review of an observed template as it changes, with no write", func() {
		t := newTenant()
		uk, _ := t.twoAccounts()
		remote := sim.SeedTemplate(t.key, wassisttest.Template{Name: "order_update", Category: "UTILITY", Components: []wassisttest.TemplateComponent{
			{Type: "BODY", Text: "Your order {{1}} has shipped.", Example: &wassisttest.TemplateExample{BodyText: [][]string{{"ORD-1"}}}}}})
		api, err := wassist.New(t.key, wassist.Options{BaseURL: simServer.URL + "/api/v1/"})
		Expect(err).NotTo(HaveOccurred())
		_, _, err = api.PublishTemplate(ctx, remote.ID, []string{uk.ID}) // published in the dashboard, before the operator
		Expect(err).NotTo(HaveOccurred())
		before := t.writes()

		tpl := t.template("order-update", uk.ID)
		tpl.Annotations = map[string]string{wassistv1alpha1.AnnotationTemplateID: remote.ID}
		tpl.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		Eventually(func() string { return templateReady(tpl) }).WithTimeout(timeout).Should(Equal(observed))
		Expect(tpl.Status.Accounts).To(ConsistOf(HaveField("AccountID", uk.ID)))

		Expect(sim.EditTemplate(t.key, remote.ID, func(x *wassisttest.Template) {
			x.AccountLinks[0].Status, x.AccountLinks[0].RejectionReason = "REJECTED", "INVALID_FORMAT"
		})).To(BeTrue())
		checkDrift()
		Eventually(func() []wassistv1alpha1.TemplateAccountStatus { fetch(tpl); return tpl.Status.Accounts }).WithTimeout(timeout).
			Should(ConsistOf(And(HaveField("Status", "REJECTED"), HaveField("RejectionReason", "INVALID_FORMAT"))))
		Expect(templateReady(tpl)).To(Equal(observed), "under Observe a rejection is reported, not acted on")
		Expect(t.writes()).To(Equal(before))
	})

	It("takes a dashboard template found after a lost create answer as an adoption: it erases nothing", func() {
		t := newTenant()
		// Made in the dashboard last week: before the create, beyond the clocks' minute.
		remote := sim.SeedTemplate(t.key, wassisttest.Template{Name: "order_update", Category: "UTILITY",
			CreatedAt: time.Now().Add(-7 * 24 * time.Hour), Components: []wassisttest.TemplateComponent{
				{Type: "BODY", Text: "Your order {{1}} has shipped and arrives {{2}}.",
					Example: &wassisttest.TemplateExample{BodyText: [][]string{{"ORD-1042", "tomorrow"}}}},
				{Type: "FOOTER", Text: "Daily Grind"},
				{Type: "BUTTONS", Buttons: []wassisttest.TemplateButton{{Type: "QUICK_REPLY", Text: "Track it"}}},
			}})
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Key: t.key, Method: "POST", Route: routeTemplates, Count: 1})
		tpl := t.template("order-update")
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		Eventually(func() string { return templateReady(tpl) }).WithTimeout(timeout).
			Should(Equal("False/" + wassistv1alpha1.ReasonAdoptionWouldErase))
		Expect(tpl.Status.TemplateID).To(Equal(remote.ID))
		Expect(tpl.Status.Takeover.Erases).To(ConsistOf("buttons"))
		Expect(eventReasons(tpl)()).To(And(ContainElement("Adopted"), Not(ContainElement("Recovered"))))
		Expect(t.requests("PUT", "")+t.requests("PATCH", "")).To(BeZero(), "the dashboard template is not rewritten")
	})

	It("observes a number's routing, and routes it once switched to Full", func() {
		t := newTenant()
		first, _ := t.numbers()
		other := sim.SeedAgent(t.key, wassisttest.Agent{Name: "Night shift"})
		remote := t.seededBarista()
		sim.SeedAccount(t.key, wassisttest.Account{Name: "Daily Grind Ltd",
			PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: first, Bot: &wassisttest.BotRef{ID: other.ID}}}})
		agent := t.adopting("barista", remote.ID, wassistv1alpha1.ManagementPolicyObserve)
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		dep := t.deployment("front", "barista", first)
		dep.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(observed))
		Expect(dep.Status.Takeover.Changes).To(ConsistOf(
			"route (the number serves agent " + other.ID + "; Full would route agent " + remote.ID + ")"))
		Expect(dep.Status.AgentID).To(Equal(other.ID), "the status reports what the number serves")
		Expect(t.serving(first)()).To(Equal(other.ID))
		Expect(t.writes()).To(BeZero())

		By("Full routes it")
		update(dep, func(d *wassistv1alpha1.WassistDeployment) {
			d.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyFull
		})
		Eventually(t.serving(first)).WithTimeout(timeout).Should(Equal(remote.ID))
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(dep.Status.Takeover).To(BeNil())
	})
}
