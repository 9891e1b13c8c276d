package controller_test

import (
	"net/http"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const routeSubscribe = "/phone-numbers/{number}/subscribe/"

// remoteAgent is the tenant's remote agent id as the simulator holds it.
func (t tenant) remoteAgent(id string) func() wassisttest.Agent {
	return func() wassisttest.Agent {
		a, _ := sim.Agent(t.key, id)
		return a
	}
}

// laterListIDs are the ids of an agent's image tools, wake-ups and MCP configs, by key.
func laterListIDs(a wassisttest.Agent) map[string]string {
	ids := map[string]string{}
	for _, t := range a.ImageGenerateTools {
		ids["image:"+t.Name] = t.ID
	}
	for _, w := range a.WakeUpConfigs {
		ids["wakeup:"+w.Description] = w.ID
	}
	for _, m := range a.MCPConfigs {
		ids["mcp:"+m.ConnectorID] = m.ID
	}
	return ids
}

// settingsSpecs are the agent settings beyond the first release, BYOA agents, webhook
// routing, and the API's 403, 409 and empty answers, end to end.
func settingsSpecs() {
	It("manages image tools, wake-ups and MCP connectors: applied, ids kept across an edit, drift repaired", func() {
		t := newTenant()
		connector := sim.SeedConnector(t.key, "Shop orders")
		agent := t.agent("complete")
		agent.Spec.ImageGenerateTools = []wassistv1alpha1.AgentImageGenerateTool{
			{Name: "latte_art", Description: "When the customer asks for a picture of their drink", Prompt: "A latte, top view"}}
		agent.Spec.WakeUpConfigs = []wassistv1alpha1.AgentWakeUpConfig{{Description: "Remind them of the loyalty card"}}
		agent.Spec.MCPConfigs = []wassistv1alpha1.AgentMCPConfig{{ConnectorID: connector, ToolWhitelist: []string{"get_order"}}}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))

		remote := t.remoteAgent(agent.Status.AgentID)()
		Expect(remote.ImageGenerateTools).To(HaveLen(1))
		Expect(remote.ImageGenerateTools[0]).To(And(
			HaveField("Name", "latte_art"), HaveField("Prompt", "A latte, top view"), HaveField("Active", true)))
		Expect(remote.WakeUpConfigs).To(ConsistOf(HaveField("Description", "Remind them of the loyalty card")))
		Expect(remote.MCPConfigs).To(ConsistOf(And(HaveField("ConnectorID", connector),
			HaveField("ConnectorName", "Shop orders"), HaveField("ToolWhitelist", []string{"get_order"}))))
		ids := laterListIDs(remote)
		Expect(ids).To(HaveLen(3))

		By("an unrelated edit keeps every entry's id")
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.SystemPrompt = "You are a barista who draws." })
		Eventually(func() string { return t.remoteAgent(agent.Status.AgentID)().SystemPrompt }).WithTimeout(timeout).
			Should(Equal("You are a barista who draws."))
		Expect(laterListIDs(t.remoteAgent(agent.Status.AgentID)())).To(Equal(ids))

		By("a change in the dashboard is drift, repaired and named")
		Expect(sim.EditAgent(t.key, agent.Status.AgentID, func(a *wassisttest.Agent) {
			a.WakeUpConfigs[0].Enabled = false
			a.ImageGenerateTools = nil
		})).To(BeTrue())
		checkDrift()
		Eventually(func() []string { return laterListKeys(t.remoteAgent(agent.Status.AgentID)()) }).WithTimeout(timeout).
			Should(ConsistOf("image:latte_art", "wakeup:Remind them of the loyalty card", "mcp:"+connector))
		Expect(t.remoteAgent(agent.Status.AgentID)().WakeUpConfigs[0].Enabled).To(BeTrue())
		Eventually(eventNotes(agent, "DriftCorrected")).Should(ContainElement(And(
			ContainSubstring("imageGenerateTools[latte_art]"), ContainSubstring("wakeUpConfigs[Remind them of the loyalty card]"))))
	})

	It("leaves the lists a spec does not name as they are on Wassist", func() {
		t := newTenant()
		agent := readyAgent(t, "partial")
		Expect(sim.EditAgent(t.key, agent.Status.AgentID, func(a *wassisttest.Agent) {
			a.WakeUpConfigs = []wassisttest.WakeUpConfig{{ID: "00000000-0000-4000-8000-0000000000aa",
				Description: "set in the dashboard", Enabled: true}}
		})).To(BeTrue())
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.FirstMessage = "Hello again" })
		Eventually(func() string { return t.remoteAgent(agent.Status.AgentID)().FirstMessage }).WithTimeout(timeout).
			Should(Equal("Hello again"))
		Expect(t.remoteAgent(agent.Status.AgentID)().WakeUpConfigs).To(ConsistOf(HaveField("Description", "set in the dashboard")))

		By("an explicit empty list empties it")
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.WakeUpConfigs = []wassistv1alpha1.AgentWakeUpConfig{} })
		Eventually(func() []wassisttest.WakeUpConfig { return t.remoteAgent(agent.Status.AgentID)().WakeUpConfigs }).
			WithTimeout(timeout).Should(BeEmpty())
	})

	It("creates, updates, repairs and deletes a BYOA agent, and finds it after a lost create answer", func() {
		t := newTenant()
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Key: t.key, Method: http.MethodPost,
			Route: "/agents/byoa/", Count: 1})
		agent := t.agent("own-server")
		agent.Spec.BYOA = &wassistv1alpha1.BYOAConfig{WebhookURL: "https://bot.example.com/wassist"}
		agent.Spec.Name = "Our own bot"
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.remoteAgents()).To(HaveLen(1), "a lost create answer made no second agent")
		Expect(eventReasons(agent)()).To(ContainElement("Recovered"))
		id := agent.Status.AgentID
		hookURL, known := sim.BYOAWebhook(t.key, id)
		Expect(known).To(BeTrue())
		Expect(hookURL).To(Equal("https://bot.example.com/wassist"))
		Expect(t.remoteAgent(id)().Name).To(Equal("Our own bot"))

		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.FirstMessage = "Hi from our server" })
		Eventually(func() string { return t.remoteAgent(id)().FirstMessage }).WithTimeout(timeout).Should(Equal("Hi from our server"))
		Expect(sim.EditAgent(t.key, id, func(a *wassisttest.Agent) { a.Name = "renamed in the dashboard" })).To(BeTrue())
		checkDrift()
		Eventually(func() string { return t.remoteAgent(id)().Name }).WithTimeout(timeout).Should(Equal("Our own bot"))

		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		Eventually(gone(agent)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.remoteAgents()).To(BeEmpty())
	})

	It("routes a number to a webhook, routes it back after drift, and unroutes it on delete", func() {
		t := newTenant()
		_, number := t.withAccount()
		hook := sim.SeedWebhook(t.key, "CRM", "https://crm.example.com/whatsapp")
		other := readyAgent(t, "someone-else")
		dep := t.deployment("to-crm", "", number)
		dep.Spec.AgentRef = nil
		dep.Spec.WebhookID = hook.ID
		dep.Spec.APIKeySecretRef = &wassistv1alpha1.SecretKeySelector{Name: t.secret}
		readyDeployment(dep)
		n, _ := sim.PhoneNumber(t.key, number)
		Expect(n.DefaultRouting).To(HaveValue(Equal("webhook")))
		Expect(n.DefaultWebhook).To(HaveValue(Equal(hook.ID)))
		Expect(dep.Status.WebhookID).To(Equal(hook.ID))

		Expect(sim.ConnectNumber(t.key, number, other.Status.AgentID)).To(BeTrue())
		checkDrift()
		Eventually(func() string {
			n, _ := sim.PhoneNumber(t.key, number)
			if n.DefaultWebhook == nil {
				return ""
			}
			return *n.DefaultWebhook
		}).WithTimeout(timeout).Should(Equal(hook.ID))
		Eventually(eventReasonsOfType(dep, corev1.EventTypeWarning)).Should(ContainElement("Redeployed"))

		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(gone(dep)).WithTimeout(timeout).ShouldNot(Succeed())
		n, _ = sim.PhoneNumber(t.key, number)
		Expect(n.DefaultRouting).To(BeNil())
		Expect(n.DefaultWebhook).To(BeNil())
		Expect(t.requests(http.MethodPost, routeSubscribe)).To(Equal(2))
	})

	It("says PermissionDenied for an agent of another organisation, with the request id, without a hot loop", func() {
		owner, t := newTenant(), newTenant()
		foreign := readyAgent(owner, "theirs")
		_, number := t.withAccount()
		dep := t.deployment("borrowed", "", number)
		dep.Spec.AgentRef = nil
		dep.Spec.AgentID = foreign.Status.AgentID
		dep.Spec.APIKeySecretRef = &wassistv1alpha1.SecretKeySelector{Name: t.secret}
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonPermissionDenied))
		Expect(conditionOf(dep, wassistv1alpha1.ConditionStalled)()).To(Equal("True/" + wassistv1alpha1.ReasonPermissionDenied))
		denied := lastAnswer(t, http.StatusForbidden)
		Expect(denied.RequestID).NotTo(BeEmpty())
		Eventually(eventNotes(dep, wassistv1alpha1.ReasonPermissionDenied)).Should(ConsistOf(And(
			ContainSubstring("request id "+denied.RequestID), ContainSubstring("the API key is valid"))))
		settled := t.requests()
		Consistently(t.requests).WithTimeout(2 * time.Second).Should(Equal(settled))
	})

	It("waits for a spec change after a 409, and accepts an empty 200", func() {
		t := newTenant()
		agent := readyAgent(t, "conflicted")
		conflict := sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultConflict, Key: t.key, Method: http.MethodPatch,
			Route: "/agents/{id}/"})
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.FirstMessage = "first try" })
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonRemoteConflict))
		Expect(conditionOf(agent, wassistv1alpha1.ConditionStalled)()).To(Equal("True/" + wassistv1alpha1.ReasonRemoteConflict))
		Eventually(eventNotes(agent, wassistv1alpha1.ReasonRemoteConflict)).Should(ConsistOf(ContainSubstring("409")))
		settled := t.requests()
		Consistently(t.requests).WithTimeout(2*time.Second).Should(Equal(settled), "the same spec is not sent again")
		sim.RemoveFault(conflict)

		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultEmptyBody, Key: t.key, Method: http.MethodPatch,
			Route: "/agents/{id}/", Count: 1})
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.FirstMessage = "second try" })
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.remoteAgent(agent.Status.AgentID)().FirstMessage).To(Equal("second try"))
		Expect(conditionOf(agent, wassistv1alpha1.ConditionStalled)()).To(Equal("absent"))
	})
}

// laterListKeys are the keys of laterListIDs.
func laterListKeys(a wassisttest.Agent) []string {
	var keys []string
	for k := range laterListIDs(a) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// lastAnswer is the simulator's last answer with code to the tenant's key.
func lastAnswer(t tenant, code int) wassisttest.Request {
	for _, r := range slices.Backward(sim.RequestsFor(t.key)) {
		if r.Status == code {
			return r
		}
	}
	Fail("no answer with that code")
	return wassisttest.Request{}
}
