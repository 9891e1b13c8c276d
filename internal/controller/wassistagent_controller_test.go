package controller_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const (
	ready          = "True/Available"
	orderSchema    = `{"url":"https://shop.example.com/orders/{order_id}","method":"GET","path_params":{"order_id":{"type":"string","input":{"type":"description","description":"Order number"}}}}`
	unknownAgentID = "00000000-0000-4000-8000-00000000c0de"
)

func fullAgent(t tenant, name string) *wassistv1alpha1.WassistAgent {
	a := t.agent(name)
	limit := int32(20)
	a.Spec.Name = "Coffee Concierge"
	a.Spec.Description = "Answers menu questions"
	a.Spec.FirstMessage = "Hi! What can I brew for you?"
	a.Spec.Icebreakers = []string{"Menu", "Opening hours?"}
	a.Spec.LLMModel = "openai/gpt-4.1-mini"
	a.Spec.Tools = []wassistv1alpha1.AgentTool{{Name: "order_status", Description: "Look up an order", APISchema: rawJSON(orderSchema)}}
	a.Spec.WebsiteTools = []wassistv1alpha1.AgentWebsiteTool{{URL: "https://dailygrind.example.com", Prompt: "Opening hours"}}
	a.Spec.MemoryKeys = []wassistv1alpha1.AgentMemoryKey{{Key: "order_number", WhenToUpdate: "When given"}}
	a.Spec.PaywallConfig = &wassistv1alpha1.PaywallConfig{MessageLimit: &limit, PaywallAction: "purchase_link",
		PaywallURL: "https://dailygrind.example.com/buy", SubscriptionPricePerMonth: "9.9"}
	return a
}

// agentSpecs are the WassistAgent behaviours.
func agentSpecs() {
	It("creates the agent, reports Ready with its id, and the remote agent equals the spec", func() {
		t := newTenant()
		agent := fullAgent(t, "concierge")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))

		remote := t.remoteAgents()
		Expect(remote).To(HaveLen(1))
		r := remote[0]
		Expect(agent.Status.AgentID).To(Equal(r.ID))
		Expect(agent.Annotations).To(HaveKeyWithValue(wassistv1alpha1.AnnotationAgentID, r.ID))
		Expect(agent.Annotations).NotTo(HaveKey(wassistv1alpha1.AnnotationCreatePending))
		Expect(agent.Status.ConnectURL).To(ContainSubstring(r.ID))
		Expect(agent.Status.LastSyncTime).NotTo(BeNil())

		Expect(r.Name).To(Equal("Coffee Concierge"))
		Expect(r.Description).To(Equal("Answers menu questions"))
		Expect(r.SystemPrompt).To(Equal("You are a friendly barista."))
		Expect(r.FirstMessage).To(Equal("Hi! What can I brew for you?"))
		Expect(r.Icebreakers).To(Equal([]string{"Menu", "Opening hours?"}))
		Expect(r.LLMModel).To(HaveValue(Equal("openai/gpt-4.1-mini")))
		Expect(r.Tools).To(HaveLen(1))
		Expect(r.Tools[0].Name).To(Equal("order_status"))
		Expect(r.Tools[0].Active).To(BeTrue())
		Expect(r.Tools[0].APISchema).To(MatchJSON(orderSchema))
		Expect(r.WebsiteTools).To(HaveLen(1))
		Expect(r.WebsiteTools[0].URL).To(Equal("https://dailygrind.example.com"))
		Expect(r.MemoryKeys).To(HaveLen(1))
		Expect(r.MemoryKeys[0].Type).To(Equal("string"))
		Expect(r.PaywallConfig).NotTo(BeNil())
		Expect(r.PaywallConfig.PaywallAction).To(Equal("purchase_link"))
		Expect(r.PaywallConfig.MessageLimit).To(HaveValue(Equal(20)))

		// The minimum: one create with the marker name, one PATCH of the full spec.
		Expect(t.requests()).To(Equal(2))
		Expect(t.requests(http.MethodPost, "/agents/")).To(Equal(1))
		Expect(t.requests(http.MethodPatch, "/agents/{id}/")).To(Equal(1))
		Eventually(eventReasons(agent)).Should(ContainElement("Created"))
	})

	It("applies a spec change with exactly one PATCH, and calls nothing when nothing changed", func() {
		t := newTenant()
		agent := fullAgent(t, "edited")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
		toolID := t.remoteAgents()[0].Tools[0].ID
		before := t.requests()

		update(agent, func(a *wassistv1alpha1.WassistAgent) {
			a.Spec.SystemPrompt = "You are a grumpy barista."
			a.Spec.Tools[0].Description = "Look up an order by number"
		})
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
		Eventually(func() string { return t.remoteAgents()[0].SystemPrompt }).Should(Equal("You are a grumpy barista."))
		Expect(t.requests()-before).To(Equal(2), "one GET to observe, one PATCH to apply")
		Expect(t.requests(http.MethodPatch, "/agents/{id}/")).To(Equal(2))
		// The tool was updated in place: the API kept its id.
		Expect(t.remoteAgents()[0].Tools[0].ID).To(Equal(toolID))
		Expect(t.remoteAgents()[0].Tools[0].Description).To(Equal("Look up an order by number"))

		// A reconcile with nothing changed (an unrelated annotation) calls nothing.
		settled := t.requests()
		poke(agent)
		Consistently(t.requests).WithTimeout(2 * time.Second).Should(Equal(settled))
		Expect(readyReason(agent)()).To(Equal(ready))
	})

	It("repairs a remote edit at the next sync, with an event", func() {
		t := newTenant()
		agent := fullAgent(t, "drifted")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))

		id := agent.Status.AgentID
		Expect(sim.EditAgent(t.key, id, func(a *wassisttest.Agent) {
			a.SystemPrompt = "edited in the dashboard"
			a.Tools = nil
		})).To(BeTrue())
		checkDrift()

		Eventually(func() string { r, _ := sim.Agent(t.key, id); return r.SystemPrompt }).
			WithTimeout(timeout).Should(Equal("You are a friendly barista."))
		r, _ := sim.Agent(t.key, id)
		Expect(r.Tools).To(HaveLen(1))
		Expect(t.remoteAgents()).To(HaveLen(1))
		Eventually(eventNotes(agent, "DriftCorrected")).Should(ConsistOf(
			"systemPrompt and tools[order_status] changed outside the cluster; restored on remote agent " + id))
		Expect(eventReasons(agent)()).NotTo(ContainElement("Updated"), "a repair is not the spec's change")
	})

	It("finds drift with one list per key, and repairs only the agents that drifted", func() {
		t := newTenant()
		var agents []*wassistv1alpha1.WassistAgent
		for i := range 5 {
			a := t.agent(fmt.Sprintf("bulk-%d", i))
			Expect(k8sClient.Create(ctx, a)).To(Succeed())
			agents = append(agents, a)
		}
		for _, a := range agents {
			Eventually(readyReason(a)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
		}
		Expect(sim.EditAgent(t.key, agents[1].Status.AgentID, func(r *wassisttest.Agent) { r.FirstMessage = "edited" })).To(BeTrue())
		Expect(sim.EditAgent(t.key, agents[3].Status.AgentID, func(r *wassisttest.Agent) { r.Name = "renamed" })).To(BeTrue())
		before := map[string]int{}
		for _, route := range []string{"/agents/", "/agents/{id}/"} {
			for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodPost} {
				before[m+route] = t.requests(m, route)
			}
		}
		delta := func(method, route string) int { return t.requests(method, route) - before[method+route] }
		// lastSyncTime moves only when a reconcile confirmed the agent with the API: it
		// tells which agents the check enqueued.
		synced := func() []string {
			var times []string
			for _, a := range agents {
				fetch(a)
				times = append(times, a.Status.LastSyncTime.Format(time.RFC3339Nano))
			}
			return times
		}
		syncedBefore := synced()
		// lastSyncTime has a one-second resolution: let the next second begin.
		for _, a := range agents {
			Eventually(func() bool { return time.Now().After(a.Status.LastSyncTime.Add(time.Second)) }).
				WithTimeout(timeout).Should(BeTrue())
		}

		lists, compares := driftSteps("list"), driftSteps("compare")
		checkDrift()
		Expect(driftSteps("list")).To(BeNumerically(">", lists), "the pass timed its lists")
		Expect(driftSteps("compare")-compares).To(Equal(driftSteps("list")-lists), "and one comparison per list")
		Eventually(func() string { r, _ := sim.Agent(t.key, agents[3].Status.AgentID); return r.Name }).
			WithTimeout(timeout).Should(Equal("bulk-3"))
		Eventually(func() string { r, _ := sim.Agent(t.key, agents[1].Status.AgentID); return r.FirstMessage }).
			WithTimeout(timeout).Should(BeEmpty())
		Consistently(func() int { return delta(http.MethodPatch, "/agents/{id}/") }).WithTimeout(time.Second).Should(Equal(2))
		Expect(delta(http.MethodGet, "/agents/")).To(Equal(1), "one list for the key's 5 agents")
		Expect(delta(http.MethodGet, "/agents/{id}/")).To(BeZero(), "the repairs used the list, not a GET each")
		Expect(delta(http.MethodPost, "/agents/")).To(BeZero())
		after := synced()
		for i := range agents {
			if i == 1 || i == 3 {
				Expect(after[i]).NotTo(Equal(syncedBefore[i]), "drifted agent %d was not reconciled", i)
			} else {
				Expect(after[i]).To(Equal(syncedBefore[i]), "agent %d did not drift but was enqueued", i)
			}
		}
	})

	It("re-creates a remotely deleted agent, with an event", func() {
		t := newTenant()
		agent := t.agent("vanished")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
		oldID := agent.Status.AgentID

		Expect(sim.RemoveAgent(t.key, oldID)).To(BeTrue())
		checkDrift()

		Eventually(func() string { fetch(agent); return agent.Status.AgentID }).
			WithTimeout(timeout).ShouldNot(Or(Equal(oldID), BeEmpty()))
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.remoteAgents()).To(HaveLen(1))
		Expect(t.remoteAgents()[0].ID).To(Equal(agent.Status.AgentID))
		Expect(t.remoteAgents()[0].Name).To(Equal("vanished"))
		Eventually(eventReasons(agent)).Should(ContainElements("RemoteDeleted", "Created"))
	})

	Context("crash safety", func() {
		It("adopts the agent it created when the create response was lost", func() {
			t := newTenant()
			sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Key: t.key,
				Method: http.MethodPost, Route: "/agents/", Count: 1})
			agent := t.agent("lost-response")
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))

			Expect(t.remoteAgents()).To(HaveLen(1))
			Expect(t.remoteAgents()[0].ID).To(Equal(agent.Status.AgentID))
			Expect(t.requests(http.MethodPost, "/agents/")).To(Equal(1), "no second create")
			Expect(eventReasons(agent)()).To(ContainElement("Recovered"))
		})

		It("finds the agent of a create interrupted by a manager stop, before the id was stored", func() {
			t := newTenant()
			// The state a crash between the POST and the id's write leaves behind:
			// create-pending on the resource, an agent with its marker on Wassist.
			agent := t.agent("interrupted")
			agent.Annotations = map[string]string{wassistv1alpha1.AnnotationPaused: "true"}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			orphan := sim.SeedAgent(t.key, wassisttest.Agent{Name: "wassist-operator-pending-" + string(agent.UID)})

			update(agent, func(a *wassistv1alpha1.WassistAgent) {
				a.Annotations = map[string]string{wassistv1alpha1.AnnotationCreatePending: time.Now().UTC().Format(time.RFC3339)}
			})

			Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
			Expect(agent.Status.AgentID).To(Equal(orphan.ID))
			Expect(t.remoteAgents()).To(HaveLen(1))
			Expect(t.remoteAgents()[0].Name).To(Equal("interrupted"))
			Expect(t.requests(http.MethodPost, "/agents/")).To(BeZero())
		})

		It("deletes what a create interrupted before the id was stored made, without adopting it first", func() {
			t := newTenant()
			agent := t.agent("interrupted-then-deleted")
			agent.Annotations = map[string]string{wassistv1alpha1.AnnotationPaused: "true",
				wassistv1alpha1.AnnotationCreatePending: time.Now().UTC().Format(time.RFC3339)}
			agent.Finalizers = []string{wassistv1alpha1.Finalizer}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			sim.SeedAgent(t.key, wassisttest.Agent{Name: "wassist-operator-pending-" + string(agent.UID)})
			Expect(k8sClient.Delete(ctx, agent)).To(Succeed())

			update(agent, func(a *wassistv1alpha1.WassistAgent) { delete(a.Annotations, wassistv1alpha1.AnnotationPaused) })
			Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent)) }).
				WithTimeout(timeout).Should(BeTrue())
			Expect(t.remoteAgents()).To(BeEmpty())
			Expect(t.requests(http.MethodPost, "/agents/")).To(BeZero())
			Expect(eventReasons(agent)()).To(ContainElement("Deleted"))
			Expect(eventReasons(agent)()).NotTo(ContainElement("Recovered"))
		})

		It("stops with CreateAmbiguous when several agents carry its marker", func() {
			t := newTenant()
			agent := t.agent("ambiguous")
			agent.Annotations = map[string]string{wassistv1alpha1.AnnotationPaused: "true"}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			for range 2 {
				sim.SeedAgent(t.key, wassisttest.Agent{Name: "wassist-operator-pending-" + string(agent.UID)})
			}
			update(agent, func(a *wassistv1alpha1.WassistAgent) {
				a.Annotations = map[string]string{wassistv1alpha1.AnnotationCreatePending: "2026-01-01T00:00:00Z"}
			})

			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonCreateAmbiguous))
			Consistently(func() int { return len(t.remoteAgents()) }).WithTimeout(time.Second).Should(Equal(2))
			Expect(t.requests(http.MethodPost, "/agents/")).To(BeZero())
		})
	})

	Context("adoption and pause", func() {
		It("adopts an existing agent named by the agent-id annotation instead of creating one", func() {
			t := newTenant()
			existing := sim.SeedAgent(t.key, wassisttest.Agent{Name: "made in the dashboard"})
			agent := t.agent("adopter")
			agent.Annotations = map[string]string{wassistv1alpha1.AnnotationAgentID: existing.ID}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())

			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Expect(agent.Status.AgentID).To(Equal(existing.ID))
			Expect(t.remoteAgents()).To(HaveLen(1))
			Expect(t.remoteAgents()[0].Name).To(Equal("adopter"))
			Expect(t.requests(http.MethodPost, "/agents/")).To(BeZero())
			Expect(eventReasons(agent)()).To(ContainElement("Adopted"))
		})

		It("makes no API call at all while paused, and says so", func() {
			t := newTenant()
			agent := t.agent("paused")
			agent.Annotations = map[string]string{wassistv1alpha1.AnnotationPaused: "true"}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(func() string {
				fetch(agent)
				for _, c := range agent.Status.Conditions {
					if c.Type == wassistv1alpha1.ConditionSynced {
						return string(c.Status) + "/" + c.Reason
					}
				}
				return ""
			}).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonPaused))
			Consistently(t.requests).WithTimeout(time.Second).Should(BeZero())

			update(agent, func(a *wassistv1alpha1.WassistAgent) {
				delete(a.Annotations, wassistv1alpha1.AnnotationPaused)
			})
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		})
	})

	Context("references", func() {
		It("creates an agent before its handoff target has an id, and adds the handoff once it has one", func() {
			t := newTenant()
			parent := t.agent("front-desk")
			parent.Spec.HandoffTools = []wassistv1alpha1.AgentHandoffTool{{AgentRef: &wassistv1alpha1.AgentReference{Name: "support"},
				Description: "complaints"}}
			Expect(k8sClient.Create(ctx, parent)).To(Succeed())
			Eventually(readyReason(parent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonHandoffAgentPending))
			Expect(parent.Status.AgentID).NotTo(BeEmpty(), "created without waiting")
			r, _ := sim.Agent(t.key, parent.Status.AgentID)
			Expect(r.HandoffTools).To(BeEmpty())
			before := t.requests()
			for range 2 { // the second proves the first kept what was applied
				poke(parent)
				Consistently(t.requests).WithTimeout(time.Second).Should(Equal(before), "a wait already applied costs no call")
			}

			child := t.agent("support")
			Expect(k8sClient.Create(ctx, child)).To(Succeed())
			Eventually(readyReason(child)).WithTimeout(timeout).Should(Equal(ready))
			Eventually(readyReason(parent)).WithTimeout(timeout).Should(Equal(ready))

			r, _ = sim.Agent(t.key, parent.Status.AgentID)
			Expect(r.HandoffTools).To(HaveLen(1))
			Expect(r.HandoffTools[0].ChildAgentID).To(Equal(child.Status.AgentID))
		})

		It("shares the agent with the numbers in sharedWith and unshares those removed", func() {
			t := newTenant()
			agent := t.agent("shared")
			agent.Spec.SharedWith = []string{"447700900123", "447700900124"}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Expect(sim.SharedWith(t.key, agent.Status.AgentID)).To(ConsistOf("+447700900123", "+447700900124"))

			update(agent, func(a *wassistv1alpha1.WassistAgent) {
				a.Spec.SharedWith = []string{"447700900124"}
			})
			Eventually(func() []string { return sim.SharedWith(t.key, agent.Status.AgentID) }).
				WithTimeout(timeout).Should(ConsistOf("+447700900124"))
			Expect(t.requests(http.MethodPost, "/agents/{id}/unshare/")).To(Equal(1))
		})
	})

	Context("deletion", func() {
		It("deletes the remote agent with the resource", func() {
			t := newTenant()
			agent := t.agent("deleted")
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
			Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent)) }).
				WithTimeout(timeout).Should(BeTrue())
			Expect(t.remoteAgents()).To(BeEmpty())
		})

		It("keeps the remote agent under deletionPolicy Orphan", func() {
			t := newTenant()
			agent := t.agent("orphaned")
			agent.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyOrphan
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
			Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent)) }).
				WithTimeout(timeout).Should(BeTrue())
			Expect(t.remoteAgents()).To(HaveLen(1))
			Expect(t.requests(http.MethodDelete, "/agents/{id}/")).To(BeZero())
		})

		It("finishes with the client it already held when the Secret is gone first", func() {
			t := newTenant()
			agent := t.agent("secret-first")
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Expect(k8sClient.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: t.secret, Namespace: t.ns}})).To(Succeed())
			Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
			Eventually(t.remoteAgents).WithTimeout(timeout).Should(BeEmpty())
		})

		It("says CredentialsMissing when it never held the key, and Orphan unblocks it", func() {
			t := newTenant()
			existing := sim.SeedAgent(t.key, wassisttest.Agent{Name: "kept"})
			agent := t.agent("no-secret")
			agent.Spec.APIKeySecretRef.Name = "never-created"
			agent.Annotations = map[string]string{wassistv1alpha1.AnnotationAgentID: existing.ID}
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonSecretNotFound))

			Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonCredentialsMissing))
			Expect(readyMessage(agent)).To(ContainSubstring("deletionPolicy to Orphan"))

			update(agent, func(a *wassistv1alpha1.WassistAgent) {
				a.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyOrphan
			})
			Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent)) }).
				WithTimeout(timeout).Should(BeTrue())
			Expect(t.remoteAgents()).To(HaveLen(1))
		})
	})

	Context("rate limits and errors", func() {
		It("reports RateLimited after a 429, sends nothing for that key until retry_after, then becomes Ready", func() {
			t := newTenant()
			sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: t.key, Count: 1, RetryAfter: 3 * time.Second})
			agent := t.agent("throttled")
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(20 * time.Millisecond).
				Should(Equal("False/" + wassistv1alpha1.ReasonRateLimited))
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))

			reqs := sim.RequestsFor(t.key)
			Expect(reqs[0].Status).To(Equal(http.StatusTooManyRequests))
			Expect(reqs[1].Time.Sub(reqs[0].Time)).To(BeNumerically(">=", 3*time.Second),
				"the next request came before retry_after")
			Expect(t.remoteAgents()).To(HaveLen(1))
		})

		It("converges 50 agents sharing one key with zero 429s and the minimum number of requests", func() {
			t := newTenant()
			const n = 50
			for i := range n {
				Expect(k8sClient.Create(ctx, t.agent(fmt.Sprintf("fleet-%02d", i)))).To(Succeed())
			}
			Eventually(func() int {
				list := &wassistv1alpha1.WassistAgentList{}
				Expect(k8sClient.List(ctx, list, client.InNamespace(t.ns))).To(Succeed())
				readyCount := 0
				for i := range list.Items {
					if readyReason(&list.Items[i])() == ready {
						readyCount++
					}
				}
				return readyCount
			}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Equal(n))

			Expect(t.remoteAgents()).To(HaveLen(n))
			throttled := 0
			for _, r := range sim.RequestsFor(t.key) {
				if r.Status == http.StatusTooManyRequests {
					throttled++
				}
			}
			Expect(throttled).To(BeZero())
			Expect(t.requests()).To(Equal(2*n), "one create and one PATCH per agent")
		})

		It("says CredentialsRejected for a wrong key without a hot loop, and recovers when the Secret is rotated", func() {
			t := newTenant()
			wrong := randomKey() // never given to the simulator
			t.writeSecret(wrong)
			agent := t.agent("wrong-key")
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonCredentialsRejected))
			// The Secret's create event may reach the controller after the agent's, and wake it
			// once more: one more try at most, then nothing until the Secret changes.
			settled := sim.Count(wrong, "", "")
			Expect(settled).To(BeNumerically("<=", 2))
			Consistently(func() int { return sim.Count(wrong, "", "") }).WithTimeout(3 * time.Second).Should(Equal(settled))

			t.writeSecret(t.key)
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Expect(t.remoteAgents()).To(HaveLen(1))
		})

		It("surfaces the API's own words for a spec the API refuses, and does not retry it", func() {
			t := newTenant()
			agent := t.agent("refused")
			agent.Spec.HandoffTools = []wassistv1alpha1.AgentHandoffTool{{AgentID: unknownAgentID}} // no such agent
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonInvalidSpec))
			Expect(readyMessage(agent)).To(ContainSubstring("handoffTools[0].childAgentId"))
			settled := t.requests()
			Consistently(t.requests).WithTimeout(2 * time.Second).Should(Equal(settled))
		})
	})
}

// hygieneSpec runs last, over everything the suite made the manager do.
func hygieneSpec() {
	It("never writes an API key or a trigger secret into a log line, an event, a status or a metric", func() {
		Expect(usedKeys).NotTo(BeEmpty())
		events := &eventsv1.EventList{}
		Expect(k8sClient.List(ctx, events)).To(Succeed())
		agents := &wassistv1alpha1.WassistAgentList{}
		Expect(k8sClient.List(ctx, agents)).To(Succeed())
		eventsJSON, _ := json.Marshal(events)
		agentsJSON, _ := json.Marshal(agents)
		families, err := metricsRegistry.Gather()
		Expect(err).NotTo(HaveOccurred())
		Expect(families).NotTo(BeEmpty())
		metricsText := fmt.Sprint(families)
		logs := managerLog.String()
		Expect(logs).NotTo(BeEmpty())
		for _, key := range usedKeys {
			Expect(strings.Contains(logs, key)).To(BeFalse(), "the manager log holds an API key")
			Expect(strings.Contains(string(eventsJSON), key)).To(BeFalse(), "an event holds an API key")
			Expect(strings.Contains(string(agentsJSON), key)).To(BeFalse(), "a status holds an API key")
			Expect(strings.Contains(metricsText, key)).To(BeFalse(), "a metric holds an API key")
		}
	})
}
