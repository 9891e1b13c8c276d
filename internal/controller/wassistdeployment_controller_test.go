package controller_test

import (
	"fmt"
	"hash/crc32"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const (
	routeNumber  = "/phone-numbers/{number}/"
	routeConnect = "/phone-numbers/{number}/connect-agent/"
	// routeUnsubscribe clears a number's routing.
	routeUnsubscribe = "/phone-numbers/{number}/unsubscribe/"
)

// numbers are the tenant's two WhatsApp numbers. A number is unique in the world, and
// the operator treats two claims of one number anywhere in the cluster as a conflict,
// so every tenant has its own.
func (t tenant) numbers() (string, string) {
	base := fmt.Sprintf("4477%07d", crc32.ChecksumIEEE([]byte(t.ns))%10_000_000)
	return base + "0", base + "1"
}

// withAccount seeds the tenant's WhatsApp account with its two numbers.
func (t tenant) withAccount() (wassisttest.Account, string) {
	first, second := t.numbers()
	acct := sim.SeedAccount(t.key, wassisttest.Account{Name: "Daily Grind Ltd",
		PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: first}, {Number: second}}})
	return acct, first
}

// deployment returns a WassistDeployment of agentRef on number, not yet created.
func (t tenant) deployment(name, agentRef, number string) *wassistv1alpha1.WassistDeployment {
	return &wassistv1alpha1.WassistDeployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.ns},
		Spec: wassistv1alpha1.WassistDeploymentSpec{
			AgentRef:    &wassistv1alpha1.AgentReference{Name: agentRef},
			PhoneNumber: number,
		},
	}
}

// serving is the agent id the simulator's number is served by.
func (t tenant) serving(number string) func() string {
	return func() string {
		n, ok := sim.PhoneNumber(t.key, number)
		if !ok || n.ActiveAgent == nil {
			return ""
		}
		return *n.ActiveAgent
	}
}

// deploymentReady returns the Ready condition of a deployment as "Status/Reason".
func deploymentReady(dep *wassistv1alpha1.WassistDeployment) func() string {
	return func() string {
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(dep), dep); err != nil {
			return "missing: " + err.Error()
		}
		c := meta.FindStatusCondition(dep.Status.Conditions, wassistv1alpha1.ConditionReady)
		if c == nil || c.ObservedGeneration != dep.Generation {
			return "not observed"
		}
		return string(c.Status) + "/" + c.Reason
	}
}

// readsBetween counts the reads of one number between the last request to route from
// and the next one to route to.
func readsBetween(t tenant, from, to string) int {
	reqs := sim.RequestsFor(t.key)
	start := -1
	for i, r := range reqs {
		if r.Route == from {
			start = i
		}
	}
	n := 0
	for _, r := range reqs[start+1:] {
		if r.Route == to {
			break
		}
		if r.Method == http.MethodGet && r.Route == routeNumber {
			n++
		}
	}
	return n
}

// readyDeployment creates dep and waits until it is Ready.
func readyDeployment(dep *wassistv1alpha1.WassistDeployment) {
	ExpectWithOffset(1, k8sClient.Create(ctx, dep)).To(Succeed())
	EventuallyWithOffset(1, deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
}

func readyAgent(t tenant, name string) *wassistv1alpha1.WassistAgent {
	agent := t.agent(name)
	Expect(k8sClient.Create(ctx, agent)).To(Succeed())
	Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
	return agent
}

// deploymentSpecs are the WassistDeployment behaviours.
func deploymentSpecs() {
	It("waits while its agent is not Ready, then deploys it with one call and verifies the number", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		dep := t.deployment("main-number", "concierge", mainNumber)
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAgentNotReady))
		Expect(meta.FindStatusCondition(dep.Status.Conditions, wassistv1alpha1.ConditionReady).Message).
			To(Equal("waiting for WassistAgent concierge, which does not exist in this namespace"))
		Expect(t.requests()).To(BeZero())

		agent := readyAgent(t, "concierge")
		before := t.requests()
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.serving(mainNumber)()).To(Equal(agent.Status.AgentID))
		Expect(dep.Status.AgentID).To(Equal(agent.Status.AgentID))
		Expect(dep.Status.PhoneNumberID).NotTo(BeEmpty())
		Expect(t.requests(http.MethodPost, routeConnect)).To(Equal(1))
		// Read the number, deploy, read it back to verify.
		Expect(t.requests(http.MethodGet, routeNumber)).To(Equal(2))
		Eventually(eventReasons(dep)).Should(ContainElement("Deployed"))

		// The agent shows where it is live.
		Eventually(func() []wassistv1alpha1.AgentPhoneNumber { fetch(agent); return agent.Status.PhoneNumbers }).
			WithTimeout(timeout).Should(ContainElement(HaveField("PhoneNumber", mainNumber)))
		Expect(t.requests()-before).To(BeNumerically("<=", 4), "deploy (3 calls) and one read of the agent")
	})

	It("deploys by WhatsApp account and number id, with an agent id", func() {
		t := newTenant()
		acct, _ := t.withAccount()
		agent := readyAgent(t, "by-id")
		dep := &wassistv1alpha1.WassistDeployment{
			ObjectMeta: metav1.ObjectMeta{Name: "by-account", Namespace: t.ns},
			Spec: wassistv1alpha1.WassistDeploymentSpec{
				AgentID:           agent.Status.AgentID,
				WhatsAppAccountID: acct.ID,
				PhoneNumberID:     acct.PhoneNumbers[1].ID,
				APIKeySecretRef:   &wassistv1alpha1.SecretKeySelector{Name: t.secret},
			},
		}
		readyDeployment(dep)
		_, second := t.numbers()
		Expect(t.serving(second)()).To(Equal(agent.Status.AgentID))
		Expect(t.requests(http.MethodPost, "/whatsapp-accounts/{id}/deploy-agent/")).To(Equal(1))
	})

	It("says clearly that a number is unknown, and does not retry in a loop", func() {
		t := newTenant()
		_, _ = t.withAccount()
		readyAgent(t, "concierge")
		dep := t.deployment("typo", "concierge", "447700900999")
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonRemoteNotFound))
		c := meta.FindStatusCondition(dep.Status.Conditions, wassistv1alpha1.ConditionReady)
		Expect(c.Message).To(ContainSubstring("447700900999 named by the spec is not known to Wassist for this API key"))
		settled := t.requests()
		Consistently(t.requests).WithTimeout(2 * time.Second).Should(Equal(settled))
	})

	It("re-deploys when the number drifts to another agent, and when its agent is re-created", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		agent := readyAgent(t, "concierge")
		dep := t.deployment("drift", "concierge", mainNumber)
		readyDeployment(dep)

		intruder := sim.SeedAgent(t.key, wassisttest.Agent{Name: "someone else's"})
		Expect(sim.ConnectNumber(t.key, mainNumber, intruder.ID)).To(BeTrue())
		listsBefore := t.requests(http.MethodGet, "/phone-numbers/")
		checkDrift()
		Eventually(t.serving(mainNumber)).WithTimeout(timeout).Should(Equal(agent.Status.AgentID))
		Eventually(eventReasons(dep)).Should(ContainElement("Redeployed"))
		Expect(t.requests(http.MethodGet, "/phone-numbers/")-listsBefore).To(Equal(1), "one list of the key's numbers")
		Expect(readsBetween(t, "/phone-numbers/", routeConnect)).To(BeZero(), "the list's word taken: no read before the deploy")

		oldID := agent.Status.AgentID
		Expect(sim.RemoveAgent(t.key, oldID)).To(BeTrue())
		checkDrift()
		Eventually(func() string { fetch(agent); return agent.Status.AgentID }).WithTimeout(timeout).ShouldNot(Or(Equal(oldID), BeEmpty()))
		Eventually(t.serving(mainNumber)).WithTimeout(timeout).Should(Equal(agent.Status.AgentID))
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(dep.Status.AgentID).To(Equal(agent.Status.AgentID))
	})

	It("gives a contested number to the older deployment without flapping, and to the newer once the older goes", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		first := readyAgent(t, "first")
		second := readyAgent(t, "second")
		// Named so that the order of names is the opposite of the order of age.
		older := t.deployment("zz-older", "first", mainNumber)
		Expect(k8sClient.Create(ctx, older)).To(Succeed())
		Eventually(deploymentReady(older)).WithTimeout(timeout).Should(Equal(ready))
		// Creation timestamps have a one-second resolution: let the next second begin.
		Eventually(func() bool { return time.Now().After(older.CreationTimestamp.Add(time.Second)) }).
			WithTimeout(timeout).Should(BeTrue())
		newer := t.deployment("aa-newer", "second", mainNumber)
		Expect(k8sClient.Create(ctx, newer)).To(Succeed())
		Eventually(deploymentReady(newer)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))
		c := meta.FindStatusCondition(newer.Status.Conditions, wassistv1alpha1.ConditionReady)
		Expect(c.Message).To(ContainSubstring("already managed by WassistDeployment zz-older"))

		// Several sync periods pass: nobody deploys again, the number stays with the older.
		for range 3 {
			checkDrift()
		}
		Consistently(func() int { return t.requests(http.MethodPost, routeConnect) }).WithTimeout(time.Second).Should(Equal(1))
		Expect(t.serving(mainNumber)()).To(Equal(first.Status.AgentID))

		Expect(k8sClient.Delete(ctx, older)).To(Succeed())
		Eventually(t.serving(mainNumber)).WithTimeout(timeout).Should(Equal(second.Status.AgentID))
		Eventually(deploymentReady(newer)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.requests(http.MethodPost, routeUnsubscribe)).To(BeZero(), "handed over, not unrouted and connected again")
		Eventually(eventReasons(older)).WithTimeout(timeout).Should(ContainElement("HandedOver"))
	})

	It("takes the agent off the number when deleted, and leaves it there with deletionPolicy Orphan", func() {
		t := newTenant()
		acct, mainNumber := t.withAccount()
		_, secondNumber := t.numbers()
		agent := readyAgent(t, "concierge")
		byNumber := t.deployment("by-number", "concierge", mainNumber)
		orphaned := t.deployment("orphaned", "concierge", "")
		orphaned.Spec.WhatsAppAccountID, orphaned.Spec.PhoneNumberID = acct.ID, acct.PhoneNumbers[1].ID
		orphaned.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyOrphan
		for _, d := range []*wassistv1alpha1.WassistDeployment{byNumber, orphaned} {
			readyDeployment(d)
			Expect(d.Finalizers).To(ContainElement(wassistv1alpha1.Finalizer))
		}
		Expect(orphaned.Status.PhoneNumber).To(Equal(secondNumber), "the account's number resolved to its digits")

		for _, d := range []*wassistv1alpha1.WassistDeployment{byNumber, orphaned} {
			Expect(k8sClient.Delete(ctx, d)).To(Succeed())
			Eventually(gone(d)).WithTimeout(timeout).ShouldNot(Succeed())
		}
		n, _ := sim.PhoneNumber(t.key, mainNumber)
		Expect(n.ActiveAgent).To(BeNil())
		Expect(n.DefaultRouting).To(BeNil())
		Expect(eventReasons(byNumber)()).To(ContainElement("Unrouted"))
		Expect(t.serving(secondNumber)()).To(Equal(agent.Status.AgentID), "Orphan leaves the agent on the number")
		Expect(t.requests(http.MethodPost, routeUnsubscribe)).To(Equal(1))
	})

	It("keeps its WassistAgent, even one that orphans, until it has unrouted its number with the agent's key", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		agent := readyAgent(t, "short-lived")
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyOrphan })
		dep := t.deployment("outlives-its-agent", "short-lived", mainNumber)
		readyDeployment(dep)
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		inUse(agent, "WassistDeployment outlives-its-agent")

		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(gone(dep)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.serving(mainNumber)()).To(BeEmpty())
		Eventually(gone(agent)).WithTimeout(timeout).ShouldNot(Succeed())
		_, orphaned := sim.Agent(t.key, agent.Status.AgentID)
		Expect(orphaned).To(BeTrue())
	})

	It("unroutes, when deleted, a number an earlier version deployed (a status without phoneNumber)", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		readyAgent(t, "concierge")
		dep := t.deployment("from-before", "concierge", mainNumber)
		readyDeployment(dep)
		before := dep.DeepCopy()
		dep.Status.PhoneNumber = ""
		Expect(k8sClient.Status().Patch(ctx, dep, client.MergeFrom(before))).To(Succeed())

		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(t.serving(mainNumber)).WithTimeout(timeout).Should(BeEmpty())
	})

	It("unroutes, when deleted, a number its deploy reached before its status said so, and not one someone else routed", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		_, secondNumber := t.numbers()
		readyAgent(t, "concierge")
		lost := t.deployment("status-lost", "concierge", mainNumber)
		rerouted := t.deployment("rerouted", "concierge", secondNumber)
		for _, d := range []*wassistv1alpha1.WassistDeployment{lost, rerouted} {
			readyDeployment(d)
		}
		// As after a crash between the connect and the status write.
		for _, d := range []*wassistv1alpha1.WassistDeployment{lost, rerouted} {
			before := d.DeepCopy()
			d.Status.AgentID = ""
			Expect(k8sClient.Status().Patch(ctx, d, client.MergeFrom(before))).To(Succeed())
		}
		intruder := sim.SeedAgent(t.key, wassisttest.Agent{Name: "someone else's"})
		Expect(sim.ConnectNumber(t.key, secondNumber, intruder.ID)).To(BeTrue())

		for _, d := range []*wassistv1alpha1.WassistDeployment{lost, rerouted} {
			Expect(k8sClient.Delete(ctx, d)).To(Succeed())
			Eventually(gone(d)).WithTimeout(timeout).ShouldNot(Succeed())
		}
		Expect(t.serving(mainNumber)()).To(BeEmpty())
		Expect(t.serving(secondNumber)()).To(Equal(intruder.ID), "the routing someone else made stays")
		Expect(t.requests(http.MethodPost, routeUnsubscribe)).To(Equal(1))
	})

	It("finishes its deletion when Wassist no longer knows the number (404)", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		readyAgent(t, "concierge")
		dep := t.deployment("gone-number", "concierge", mainNumber)
		readyDeployment(dep)
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Key: t.key, Method: http.MethodPost, Route: routeUnsubscribe,
			Status: http.StatusNotFound, Count: 1})
		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(gone(dep)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.requests(http.MethodPost, routeUnsubscribe)).To(Equal(1), "a 404 is done, not retried")
	})

	It("unroutes a number named by its account through the digits it resolves to", func() {
		t := newTenant()
		acct, mainNumber := t.withAccount()
		readyAgent(t, "concierge")
		dep := t.deployment("by-account", "concierge", "")
		dep.Spec.WhatsAppAccountID, dep.Spec.PhoneNumberID = acct.ID, acct.PhoneNumbers[0].ID
		readyDeployment(dep)
		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(t.serving(mainNumber)).WithTimeout(timeout).Should(BeEmpty())
		reqs := sim.RequestsFor(t.key)
		Expect(reqs[len(reqs)-1].Path).To(HaveSuffix("/phone-numbers/" + mainNumber + "/unsubscribe/"))
	})

	It("knows one number written two ways as one: the newer deployment waits with AlreadyManaged", func() {
		t := newTenant()
		acct, mainNumber := t.withAccount()
		first := readyAgent(t, "first")
		readyAgent(t, "second")
		byAccount := t.deployment("by-account", "first", "")
		byAccount.Spec.WhatsAppAccountID, byAccount.Spec.PhoneNumberID = acct.ID, acct.PhoneNumbers[0].ID
		readyDeployment(byAccount)
		nextSecond(byAccount)

		byNumber := t.deployment("by-number", "second", mainNumber)
		Expect(k8sClient.Create(ctx, byNumber)).To(Succeed())
		Eventually(deploymentReady(byNumber)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))
		Expect(t.serving(mainNumber)()).To(Equal(first.Status.AgentID))
		Expect(t.requests(http.MethodPost, routeConnect)).To(BeZero(), "the newer one sent nothing")
	})

	It("reports 429s and 5xx with their reasons and still becomes Ready, within the key's budget", func() {
		t := newTenant()
		_, mainNumber := t.withAccount()
		readyAgent(t, "concierge")
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Key: t.key, Method: http.MethodGet, Route: routeNumber,
			Status: 503, Count: 1})
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: t.key, Method: http.MethodPost, Route: routeConnect,
			Count: 1, RetryAfter: 2 * time.Second})
		dep := t.deployment("faulty", "concierge", mainNumber)
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		Eventually(eventReasons(dep)).WithTimeout(timeout).Should(ContainElements(
			wassistv1alpha1.ReasonRemoteError, wassistv1alpha1.ReasonRateLimited))
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))

		var throttledAt time.Time
		for _, r := range sim.RequestsFor(t.key) {
			if r.Status == http.StatusTooManyRequests {
				throttledAt = r.Time
				continue
			}
			if !throttledAt.IsZero() {
				Expect(r.Time.Sub(throttledAt)).To(BeNumerically(">=", 2*time.Second), "a request came before retry_after")
				break
			}
		}
		Expect(throttledAt).NotTo(BeZero())
	})
}
