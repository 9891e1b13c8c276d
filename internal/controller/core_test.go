package controller_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// coreSpecs are behaviours of the managed core that both kinds share.
func coreSpecs() {
	It("keeps Ready=True and sends no Warning while a change waits for its key's budget, then applies it", func() {
		t := newTenant()
		agent := t.agent("patient")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))

		api, err := pool.For(t.key)
		Expect(err).NotTo(HaveOccurred())
		api.Budget().BlockFor(3 * time.Second) // as a 429 seen by another object of the key would
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.SystemPrompt = "You are a patient barista." })
		Consistently(readyIgnoringGeneration(agent)).WithTimeout(2 * time.Second).WithPolling(50 * time.Millisecond).
			Should(Equal(ready))
		Expect(warnings(agent)()).To(BeEmpty())

		Eventually(func() string { return t.remoteAgents()[0].SystemPrompt }).WithTimeout(timeout).
			Should(Equal("You are a patient barista."))
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(warnings(agent)()).To(BeEmpty())
		Expect(t.requests(http.MethodPatch, "/agents/{id}/")).To(Equal(2), "the create's PATCH and the change's")
	})

	It("says Ready=Unknown, WaitingForBudget, without an event, while a new resource waits for its key's budget", func() {
		t := newTenant()
		api, err := pool.For(t.key)
		Expect(err).NotTo(HaveOccurred())
		api.Budget().BlockFor(3 * time.Second)
		agent := t.agent("newcomer")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyIgnoringGeneration(agent)).WithTimeout(timeout).WithPolling(50 * time.Millisecond).
			Should(Equal("Unknown/" + wassistv1alpha1.ReasonWaitingForBudget))
		Expect(t.requests()).To(BeZero())
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent)).To(Succeed())
		Expect(agent.Annotations).NotTo(HaveKey(wassistv1alpha1.AnnotationCreatePending),
			"the create is marked when its turn comes, not written again at every wait")
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(eventReasons(agent)()).To(ConsistOf("Created"))
	})

	It("resumes a create held by its key's budget where it stopped: no extra request, one Created event per agent", func() {
		t := newTenant()
		halfDone := watchHalfDone(t.ns)
		const n = 20 // four times the burst: most creates wait for their tokens
		agents := make([]*wassistv1alpha1.WassistAgent, n)
		for i := range agents {
			agents[i] = t.agent(fmt.Sprintf("queued-%02d", i))
			Expect(k8sClient.Create(ctx, agents[i])).To(Succeed())
		}
		for _, a := range agents {
			Eventually(readyReason(a)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
		}
		Expect(t.requests()).To(Equal(2*n), "one create and one PATCH per agent, whatever the waits")
		Expect(halfDone()).To(BeEmpty(), "a create reserves its PATCH's token too: no status between the POST and the PATCH")
		for _, a := range agents {
			Eventually(eventReasons(a)).Should(ContainElement("Created"))
			Expect(eventReasons(a)()).To(ConsistOf("Created"), "a create held between its POST and its PATCH is not an adoption")
		}
	})

	Describe("without the bulk drift check", func() {
		It("reads each agent once per sync period, never lists, and repairs a remote edit by itself", func() {
			t := periodicTenant()
			agent := t.agent("polled")
			Expect(k8sClient.Create(ctx, agent)).To(Succeed())
			Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
			id := agent.Status.AgentID

			reads := func() int { return t.requests(http.MethodGet, "/agents/{id}/") }
			Eventually(reads).WithTimeout(4 * periodicSyncPeriod).Should(BeNumerically(">=", 2))
			Expect(sim.EditAgent(t.key, id, func(a *wassisttest.Agent) { a.SystemPrompt = "edited in the dashboard" })).To(BeTrue())
			Eventually(func() string { r, _ := sim.Agent(t.key, id); return r.SystemPrompt }).
				WithTimeout(4 * periodicSyncPeriod).Should(Equal("You are a friendly barista."))
			Eventually(eventReasons(agent)).Should(ContainElement("DriftCorrected"))

			// One read per period at most: the periods are jittered down by up to a tenth.
			start, before := time.Now(), reads()
			Consistently(func() float64 {
				periods := time.Since(start).Seconds() / (0.9 * periodicSyncPeriod.Seconds())
				return float64(reads()-before) - periods
			}).WithTimeout(3 * periodicSyncPeriod).Should(BeNumerically("<=", 1))
			Expect(t.requests(http.MethodGet, "/agents/")).To(BeZero(), "the periodic mode never lists")
		})
	})
}

// watchHalfDone watches the agents of ns until the spec ends, and returns the names of
// those whose status was ever written with an agent id but not Ready: a create whose
// PATCH waited for a token of its own, in another reconcile.
func watchHalfDone(ns string) func() []string {
	wc, err := client.NewWithWatch(testEnv.Config, client.Options{Scheme: k8sClient.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	w, err := wc.Watch(ctx, &wassistv1alpha1.WassistAgentList{}, client.InNamespace(ns))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.Stop)
	var mu sync.Mutex
	seen := map[string]bool{}
	go func() {
		for ev := range w.ResultChan() {
			a, ok := ev.Object.(*wassistv1alpha1.WassistAgent)
			if ok && a.Status.AgentID != "" && !meta.IsStatusConditionTrue(a.Status.Conditions, wassistv1alpha1.ConditionReady) {
				mu.Lock()
				seen[a.Name] = true
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Sorted(maps.Keys(seen))
	}
}

// periodicTenant is a tenant in periodicNS, reconciled by the periodic-mode manager.
func periodicTenant() tenant {
	t := tenant{ns: periodicNS, key: randomKey(), secret: "periodic-key-" + randomKey()[8:16]}
	sim.AddAPIKey(t.key)
	t.writeSecret(t.key)
	return t
}

// readyIgnoringGeneration returns the Ready condition as "Status/Reason", whichever
// generation it describes.
func readyIgnoringGeneration(agent *wassistv1alpha1.WassistAgent) func() string {
	return func() string {
		fetch(agent)
		c := meta.FindStatusCondition(agent.Status.Conditions, wassistv1alpha1.ConditionReady)
		if c == nil {
			return "no Ready condition"
		}
		return string(c.Status) + "/" + c.Reason
	}
}

// warnings lists the reasons of the Warning events about obj.
func warnings(obj client.Object) func() []string {
	return eventReasonsOfType(obj, corev1.EventTypeWarning)
}
