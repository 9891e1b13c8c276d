package controller_test

import (
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// unsubscribes counts the requests that unrouted number.
func unsubscribes(t tenant, number string) int {
	n := 0
	for _, r := range sim.RequestsFor(t.key) {
		if r.Method == http.MethodPost && r.Route == routeUnsubscribe && strings.Contains(r.Path, "/"+number+"/") {
			n++
		}
	}
	return n
}

// pauseDeployment stops all traffic for dep, and waits until the operator has seen it.
func pauseDeployment(dep *wassistv1alpha1.WassistDeployment) {
	update(dep, func(d *wassistv1alpha1.WassistDeployment) {
		if d.Annotations == nil {
			d.Annotations = map[string]string{}
		}
		d.Annotations[wassistv1alpha1.AnnotationPaused] = "true"
	})
	EventuallyWithOffset(1, conditionOf(dep, wassistv1alpha1.ConditionSynced)).WithTimeout(timeout).
		Should(Equal("False/" + wassistv1alpha1.ReasonPaused))
}

// interrupted leaves dep's status as a manager killed after sending route to number
// leaves it: the route written as pending before it was sent, its outcome never written,
// and the number serving it.
func interrupted(t tenant, dep *wassistv1alpha1.WassistDeployment, number, route string, alsoPending ...wassistv1alpha1.NumberRoute) {
	fetch(dep)
	before := dep.DeepCopy()
	n, ok := sim.PhoneNumber(t.key, number)
	ExpectWithOffset(1, ok).To(BeTrue())
	dep.Status.PhoneNumber, dep.Status.PhoneNumberID, dep.Status.AgentID = number, n.ID, ""
	dep.Status.PendingRoutes = append(alsoPending, wassistv1alpha1.NumberRoute{PhoneNumber: number, AgentID: route})
	ExpectWithOffset(1, k8sClient.Status().Patch(ctx, dep, client.MergeFrom(before))).To(Succeed())
	ExpectWithOffset(1, sim.ConnectNumber(t.key, number, route)).To(BeTrue())
}

// deployedOnFirstNumber makes a tenant whose agent concierge is Ready and deployed, by a
// deployment of that name and policy, on a, the first of its account's two numbers; b is
// the second.
func deployedOnFirstNumber(name string, policy wassistv1alpha1.DeletionPolicy) (
	tenant, string, string, *wassistv1alpha1.WassistAgent, *wassistv1alpha1.WassistDeployment) {
	t := newTenant()
	_, a := t.withAccount()
	_, b := t.numbers()
	agent := readyAgent(t, "concierge")
	dep := t.deployment(name, "concierge", a)
	dep.Spec.DeletionPolicy = policy
	readyDeployment(dep)
	return t, a, b, agent, dep
}

func unpause(d *wassistv1alpha1.WassistDeployment) {
	delete(d.Annotations, wassistv1alpha1.AnnotationPaused)
}

// moveSpecs are the rule of docs/design.md 14: a number change is a move.
func moveSpecs() {
	It("moves to another number and back: the number left is unrouted once the new one is routed", func() {
		t, a, b, agent, dep := deployedOnFirstNumber("moving", wassistv1alpha1.DeletionPolicyDelete)

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b })
		Eventually(t.serving(a)).WithTimeout(timeout).Should(BeEmpty())
		Expect(t.serving(b)()).To(Equal(agent.Status.AgentID))
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(dep.Status.PendingRoutes).To(BeEmpty())
		Expect(eventNotes(dep, "Unrouted")()).To(ConsistOf(ContainSubstring("off number " + a)))
		Eventually(func() []string {
			fetch(agent)
			var numbers []string
			for _, n := range agent.Status.PhoneNumbers {
				numbers = append(numbers, n.PhoneNumber)
			}
			return numbers
		}).WithTimeout(timeout).Should(ConsistOf(b), "the agent says where it is live once the move is done")

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = a })
		Eventually(t.serving(b)).WithTimeout(timeout).Should(BeEmpty())
		Expect(t.serving(a)()).To(Equal(agent.Status.AgentID))
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(dep.Status.PendingRoutes).To(BeEmpty())

		By("a deletion then unroutes only the number it names")
		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		Eventually(gone(dep)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.serving(a)()).To(BeEmpty())
		Expect(unsubscribes(t, a)).To(Equal(2))
		Expect(unsubscribes(t, b)).To(Equal(1))
	})

	It("finishes a move a crash cut between routing the new number and unrouting the old one", func() {
		t, a, b, agent, dep := deployedOnFirstNumber("crashed", wassistv1alpha1.DeletionPolicyDelete)
		pauseDeployment(dep)
		interrupted(t, dep, b, agent.Status.AgentID, wassistv1alpha1.NumberRoute{PhoneNumber: a, AgentID: agent.Status.AgentID, Confirmed: true})
		connects := t.requests(http.MethodPost, routeConnect)

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b; unpause(d) })
		Eventually(t.serving(a)).WithTimeout(timeout).Should(BeEmpty())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.serving(b)()).To(Equal(agent.Status.AgentID))
		Expect(dep.Status.PendingRoutes).To(BeEmpty())
		Expect(t.requests(http.MethodPost, routeConnect)).To(Equal(connects), "b serves the agent already")
	})

	It("finishes a move whose unroute of the old number lost its answer, or was refused for the budget", func() {
		t, a, b, agent, dep := deployedOnFirstNumber("faulty-move", wassistv1alpha1.DeletionPolicyDelete)
		sim.InjectFault(wassistFault(t, "lose", routeUnsubscribe))
		sim.InjectFault(wassistFault(t, "429", routeUnsubscribe))

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b })
		Eventually(t.serving(a)).WithTimeout(timeout).Should(BeEmpty())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.serving(b)()).To(Equal(agent.Status.AgentID))
		Expect(dep.Status.PendingRoutes).To(BeEmpty())
	})

	It("finishes a move its key's budget held between routing the new number and unrouting the old one", func() {
		t, a, b, agent, dep := deployedOnFirstNumber("held-move", wassistv1alpha1.DeletionPolicyDelete)
		fired := sim.FaultsFired()[wassisttest.FaultLatency]
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Key: t.key, Method: http.MethodPost, Route: routeConnect,
			Count: 1, Latency: 2 * time.Second})

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b })
		Eventually(func() int { return sim.FaultsFired()[wassisttest.FaultLatency] }).WithTimeout(timeout).Should(BeNumerically(">", fired))
		c, err := pool.For(t.key)
		Expect(err).NotTo(HaveOccurred())
		c.Budget().BlockFor(3 * time.Second) // the connect is on its way: what follows it waits for the budget
		Eventually(func() []wassistv1alpha1.NumberRoute { fetch(dep); return dep.Status.PendingRoutes }).WithTimeout(timeout).
			Should(ContainElement(HaveField("PhoneNumber", a)), "the number moved from is kept while the move waits")
		Eventually(t.serving(a)).WithTimeout(timeout).Should(BeEmpty())
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.serving(b)()).To(Equal(agent.Status.AgentID))
		Expect(dep.Status.PendingRoutes).To(BeEmpty())
	})

	It("unroutes both numbers when deleted during a move", func() {
		t, a, b, agent, dep := deployedOnFirstNumber("deleted-moving", wassistv1alpha1.DeletionPolicyDelete)
		pauseDeployment(dep)
		interrupted(t, dep, b, agent.Status.AgentID, wassistv1alpha1.NumberRoute{PhoneNumber: a, AgentID: agent.Status.AgentID, Confirmed: true})
		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b })
		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		update(dep, unpause)

		Eventually(gone(dep)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.serving(a)()).To(BeEmpty())
		Expect(t.serving(b)()).To(BeEmpty())
	})

	It("writes the route it is about to send on its status before sending it", func() {
		t := newTenant()
		_, number := t.withAccount()
		agent := readyAgent(t, "concierge")
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Key: t.key, Method: http.MethodPost, Route: routeConnect,
			Count: 1, Latency: 3 * time.Second})
		dep := t.deployment("slow-connect", "concierge", number)
		Expect(k8sClient.Create(ctx, dep)).To(Succeed())
		intent := wassistv1alpha1.NumberRoute{PhoneNumber: number, AgentID: agent.Status.AgentID}
		Eventually(func() []wassistv1alpha1.NumberRoute { fetch(dep); return dep.Status.PendingRoutes }).
			WithTimeout(timeout).WithPolling(20 * time.Millisecond).Should(ContainElement(intent))
		Expect(t.serving(number)()).To(BeEmpty(), "written before the connect took effect")
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(dep.Status.PendingRoutes).To(BeEmpty(), "settled once the number serves it")
	})

	It("unroutes, when deleted, a route it sent before a crash and its agent changed since (the chaos window)", func() {
		t := newTenant()
		_, number := t.withAccount()
		first := readyAgent(t, "first")
		readyAgent(t, "second")
		dep := t.deployment("window", "first", number)
		readyDeployment(dep)
		pauseDeployment(dep)
		// The route to the first agent went out and the manager died before its outcome was
		// written; the spec then named the second agent, and the deployment was deleted.
		interrupted(t, dep, number, first.Status.AgentID)
		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.AgentRef.Name = "second" })
		Expect(k8sClient.Delete(ctx, dep)).To(Succeed())
		update(dep, unpause)

		Eventually(gone(dep)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.serving(number)()).To(BeEmpty())
	})

	It("leaves the number it moved from to the deployment that claims it", func() {
		t := newTenant()
		_, a := t.withAccount()
		_, b := t.numbers()
		agent := readyAgent(t, "concierge")
		other := readyAgent(t, "other")
		dep := t.deployment("leaving", "concierge", a)
		readyDeployment(dep)
		next := t.deployment("next", "other", a)
		Expect(k8sClient.Create(ctx, next)).To(Succeed())
		Eventually(deploymentReady(next)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonAlreadyManaged))

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b })
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Eventually(deploymentReady(next)).WithTimeout(timeout).Should(Equal(ready))
		Expect(t.serving(a)()).To(Equal(other.Status.AgentID))
		Expect(t.serving(b)()).To(Equal(agent.Status.AgentID))
		Expect(unsubscribes(t, a)).To(BeZero())

	})
	It("leaves the number it moved from routed under deletionPolicy Orphan", func() {
		t, a, b, agent, dep := deployedOnFirstNumber("orphaning", wassistv1alpha1.DeletionPolicyOrphan)

		update(dep, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.PhoneNumber = b })
		Eventually(eventNotes(dep, "Orphaned")).WithTimeout(timeout).Should(ConsistOf(ContainSubstring("number " + a)))
		Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
		Expect(dep.Status.PendingRoutes).To(BeEmpty())
		Expect(t.serving(a)()).To(Equal(agent.Status.AgentID))
		Expect(t.serving(b)()).To(Equal(agent.Status.AgentID))
		Expect(unsubscribes(t, a)).To(BeZero())
	})
}

// wassistFault fails the tenant's next POST to route once: its answer lost after the
// simulator applied it ("lose"), or a 429 ("429").
func wassistFault(t tenant, kind, route string) wassisttest.Fault {
	f := wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Key: t.key, Method: http.MethodPost, Route: route, Count: 1}
	if kind == "429" {
		f.Kind, f.RetryAfter = wassisttest.FaultRateLimit, time.Second
	}
	return f
}
