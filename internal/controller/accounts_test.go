package controller_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// writeSecretNamed creates or replaces Secret name of namespace ns with data.
func writeSecretNamed(ns, name string, data map[string][]byte) {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	err := k8sClient.Get(ctx, client.ObjectKeyFromObject(s), s)
	s.Data = data
	if err != nil {
		Expect(k8sClient.Create(ctx, s)).To(Succeed())
		return
	}
	Expect(k8sClient.Update(ctx, s)).To(Succeed())
}

func apiKeyData(key string) map[string][]byte { return map[string][]byte{"apiKey": []byte(key)} }

// writes counts the requests of key that could change anything on Wassist.
func writes(key string) int {
	n := 0
	for _, r := range sim.RequestsFor(key) {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// otherAccount is the key of another Wassist account, which sees none of the tenant's objects.
func otherAccount() string {
	k := randomKey()
	sim.AddAPIKey(k)
	return k
}

// readyTemplate creates a template of the tenant, published to its account, and waits
// until Meta approved it.
func readyTemplate(t tenant, name, keySecret string, acct wassisttest.Account) *wassistv1alpha1.WassistTemplate {
	tpl := t.template(name, acct.ID)
	tpl.Spec.APIKeySecretRef.Name = keySecret
	Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
	Eventually(reviews(tpl)).WithTimeout(timeout).Should(ConsistOf("Daily Grind Ltd=APPROVED"))
	Eventually(conditionOf(tpl, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
		Should(Equal("True/" + wassistv1alpha1.ReasonAvailable))
	return tpl
}

// notVisible waits until obj stops with RemoteNotVisible, as a person must act; with
// bulk, a bulk check runs until the operator has seen the Secret's new key.
func notVisible(obj client.Object, bulk bool) {
	EventuallyWithOffset(1, func() string {
		if bulk {
			checkDrift()
		}
		return conditionOf(obj, wassistv1alpha1.ConditionStalled)()
		// A pass a second: each spends the key's budget on its lists, which the reconcile it
		// hands the object to needs too.
	}).WithTimeout(timeout).WithPolling(time.Second).Should(Equal("True/" + wassistv1alpha1.ReasonRemoteNotVisible))
	ExpectWithOffset(1, conditionOf(obj, wassistv1alpha1.ConditionReady)()).To(Equal("False/" + wassistv1alpha1.ReasonRemoteNotVisible))
	ExpectWithOffset(1, readBy(asServed(obj))).To(Equal(gitops{status.FailedStatus, "Degraded"}))
}

// accountSpecs are the rules of docs/design.md 13 and 15: a remote object belongs to the
// account that holds it, and no resource is green that nobody can manage.
func accountSpecs() {
	It("stops agents whose key turns into another account's, in place or by a new Secret: nothing written, nothing created", func() {
		t := newTenant()
		writeSecretNamed(t.ns, "in-place", apiKeyData(t.key))
		inPlace := t.agent("in-place")
		inPlace.Spec.APIKeySecretRef.Name = "in-place"
		Expect(k8sClient.Create(ctx, inPlace)).To(Succeed())
		moved := readyAgent(t, "moved")
		Eventually(readyReason(inPlace)).WithTimeout(timeout).Should(Equal(ready))
		Expect(inPlace.Status.KeyFingerprint).To(Equal(wassist.Fingerprint(t.key)))
		before := t.remoteAgents()

		other := otherAccount()
		writeSecretNamed(t.ns, "other", apiKeyData(other))
		update(moved, func(a *wassistv1alpha1.WassistAgent) { a.Spec.APIKeySecretRef.Name = "other" })
		notVisible(moved, false)
		Expect(readyMessage(moved)).To(And(ContainSubstring("last seen with another API key (fingerprint "+wassist.Fingerprint(t.key)),
			ContainSubstring("(fingerprint "+wassist.Fingerprint(other)+") cannot see it")))

		By("a key changed in place is found out by the bulk check, which takes it the same way")
		writeSecretNamed(t.ns, "in-place", apiKeyData(other))
		notVisible(inPlace, true)
		checkDrift()
		Consistently(func() int { return writes(other) }).WithTimeout(2 * time.Second).Should(BeZero())
		Expect(sim.Agents(other)).To(BeEmpty(), "nothing created in the other account")
		Expect(t.remoteAgents()).To(Equal(before), "the first account's agents untouched")
		for _, a := range []*wassistv1alpha1.WassistAgent{inPlace, moved} {
			Expect(eventReasons(a)()).NotTo(ContainElement("RemoteDeleted"))
		}

		By("the key that sees them, restored, makes them Ready with no write")
		writesBefore := writes(t.key)
		writeSecretNamed(t.ns, "in-place", apiKeyData(t.key))
		update(moved, func(a *wassistv1alpha1.WassistAgent) { a.Spec.APIKeySecretRef.Name = t.secret })
		for _, a := range []*wassistv1alpha1.WassistAgent{inPlace, moved} {
			Eventually(readyReason(a)).WithTimeout(timeout).Should(Equal(ready))
		}
		Expect(writes(t.key)).To(Equal(writesBefore))
	})

	It("never takes what the old key saw for the new key's, across budget waits on both keys", func() {
		t := newTenant()
		agent := readyAgent(t, "held")
		other := otherAccount()
		fired := sim.FaultsFired()[wassisttest.FaultLatency]
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Key: t.key, Method: http.MethodGet, Route: "/agents/{id}/",
			Count: 1, Latency: 2 * time.Second})
		update(agent, func(a *wassistv1alpha1.WassistAgent) { a.Spec.SystemPrompt = "You are a patient barista." })
		Eventually(func() int { return sim.FaultsFired()[wassisttest.FaultLatency] }).WithTimeout(timeout).Should(BeNumerically(">", fired))

		By("the read of the old key is on its way: its PATCH waits for the budget, and so does the new key's first read")
		for key, d := range map[string]time.Duration{t.key: 4 * time.Second, other: 6 * time.Second} {
			c, err := pool.For(key)
			Expect(err).NotTo(HaveOccurred())
			c.Budget().BlockFor(d)
		}
		t.writeSecret(other)
		notVisible(agent, false)
		Expect(sim.Agents(other)).To(BeEmpty(), "nothing created in the other account")
		Expect(writes(other)).To(BeZero(), "nothing written with the other account's key")
		Expect(eventReasons(agent)()).NotTo(ContainElement("RemoteDeleted"))
	})

	It("refuses to delete through a key that cannot see the agent, and says how to finish", func() {
		t := newTenant()
		agent := readyAgent(t, "leaving")
		other := otherAccount()
		t.writeSecret(other)
		Expect(k8sClient.Delete(ctx, agent)).To(Succeed())
		Eventually(conditionOf(agent, wassistv1alpha1.ConditionStalled)).WithTimeout(timeout).
			Should(Equal("True/" + wassistv1alpha1.ReasonRemoteNotVisible))
		Expect(readyMessage(agent)).To(ContainSubstring("set spec.deletionPolicy to Orphan"))
		Expect(writes(other)).To(BeZero())
		Expect(t.remoteAgents()).To(HaveLen(1), "the agent stays, managed, until the key is restored")

		t.writeSecret(t.key)
		Eventually(gone(agent)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.remoteAgents()).To(BeEmpty())
	})

	It("stops deployments and templates whose key turns into another account's, in place or by a new Secret, and routes and writes nothing", func() {
		t := newTenant()
		acct, number := t.withAccount()
		_, second := t.numbers()
		agent := readyAgent(t, "concierge")
		writeSecretNamed(t.ns, "own", apiKeyData(t.key))
		inPlace, moved := t.deployment("in-place", "concierge", number), t.deployment("moved", "concierge", second)
		for _, dep := range []*wassistv1alpha1.WassistDeployment{inPlace, moved} {
			dep.Spec.APIKeySecretRef = &wassistv1alpha1.SecretKeySelector{Name: "own"}
			readyDeployment(dep)
			Expect(dep.Status.KeyFingerprint).To(Equal(wassist.Fingerprint(t.key)))
		}
		tplInPlace := readyTemplate(t, "order-update", "own", acct)
		tplMoved := t.template("order-shipped", acct.ID)
		tplMoved.Spec.Name = "order_shipped"
		tplMoved.Spec.APIKeySecretRef.Name = "own"
		Expect(k8sClient.Create(ctx, tplMoved)).To(Succeed())
		Eventually(reviews(tplMoved)).WithTimeout(timeout).Should(ConsistOf("Daily Grind Ltd=APPROVED"))
		Eventually(conditionOf(tplMoved, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
			Should(Equal("True/" + wassistv1alpha1.ReasonAvailable))
		templatesBefore := t.remoteTemplates()

		other := otherAccount()
		writeSecretNamed(t.ns, "other", apiKeyData(other))
		update(moved, func(d *wassistv1alpha1.WassistDeployment) { d.Spec.APIKeySecretRef.Name = "other" })
		update(tplMoved, func(x *wassistv1alpha1.WassistTemplate) { x.Spec.APIKeySecretRef.Name = "other" })
		notVisible(moved, false)
		notVisible(tplMoved, false)
		writeSecretNamed(t.ns, "own", apiKeyData(other))
		notVisible(inPlace, true)
		notVisible(tplInPlace, true)
		Expect(writes(other)).To(BeZero())
		Expect(sim.Templates(other)).To(BeEmpty())
		Expect(t.serving(number)()).To(Equal(agent.Status.AgentID))
		Expect(t.serving(second)()).To(Equal(agent.Status.AgentID))
		Expect(t.remoteTemplates()).To(Equal(templatesBefore))
	})

	It("takes a new key of the same account silently, and records it", func() {
		t := newTenant()
		agent := readyAgent(t, "rotated")
		id := agent.Status.AgentID
		writesBefore := writes(t.key)
		rotated := randomKey()
		Expect(sim.AddAPIKeyOf(t.key, rotated)).To(BeTrue())
		t.writeSecret(rotated)
		Eventually(func() string { checkDrift(); fetch(agent); return agent.Status.KeyFingerprint }).WithTimeout(timeout).
			Should(Equal(wassist.Fingerprint(rotated)))
		Expect(readyReason(agent)()).To(Equal(ready))
		Expect(conditionOf(agent, wassistv1alpha1.ConditionStalled)()).To(Equal("absent"))
		Expect(writes(t.key)).To(Equal(writesBefore), "no write: the shared account's log holds both keys' requests")

		By("so that a deletion outside the operator is still one: the agent is created again")
		Expect(sim.RemoveAgent(rotated, id)).To(BeTrue())
		checkDrift()
		Eventually(func() string { fetch(agent); return agent.Status.AgentID }).WithTimeout(timeout).ShouldNot(Equal(id))
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
		Expect(eventReasons(agent)()).To(ContainElement("RemoteDeleted"))
	})

	DescribeTable("reports a key Secret that cannot be used on every resource that uses it, without an API call",
		func(reason string, breakSecret func(t tenant)) {
			t := newTenant()
			acct, number := t.withAccount()
			agent := readyAgent(t, "concierge")
			dep := t.deployment("by-agent-key", "concierge", number)
			readyDeployment(dep)
			tpl := readyTemplate(t, "order-update", t.secret, acct)
			settled := t.requests()
			writesBefore := writes(t.key)

			breakSecret(t)
			for _, obj := range []client.Object{agent, dep, tpl} {
				Eventually(conditionOf(obj, wassistv1alpha1.ConditionSynced)).WithTimeout(timeout).Should(Equal("False/" + reason))
				Expect(conditionOf(obj, wassistv1alpha1.ConditionStalled)()).To(Equal("True/" + reason))
				Expect(readBy(asServed(obj))).To(Equal(gitops{status.FailedStatus, "Degraded"}))
				Expect(eventReasons(obj)()).To(ContainElement(reason))
			}
			Expect(t.requests()).To(Equal(settled), "no API call")

			t.writeSecret(t.key)
			Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))
			Eventually(deploymentReady(dep)).WithTimeout(timeout).Should(Equal(ready))
			Eventually(conditionOf(tpl, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
				Should(Equal("True/" + wassistv1alpha1.ReasonAvailable))
			Expect(writes(t.key)).To(Equal(writesBefore), "restored, nothing is written")
		},
		Entry("its key removed", wassistv1alpha1.ReasonSecretKeyMissing, func(t tenant) {
			writeSecretNamed(t.ns, t.secret, map[string][]byte{"other": []byte("x")})
		}),
		Entry("its key emptied", wassistv1alpha1.ReasonSecretKeyEmpty, func(t tenant) {
			writeSecretNamed(t.ns, t.secret, apiKeyData(""))
		}),
		Entry("the Secret deleted", wassistv1alpha1.ReasonSecretNotFound, func(t tenant) {
			Expect(k8sClient.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: t.secret, Namespace: t.ns}})).To(Succeed())
		}),
	)

	It("names a handoff target that does not exist as missing, as a deployment names its agent", func() {
		t := newTenant()
		agent := t.agent("front-desk")
		agent.Spec.HandoffTools = []wassistv1alpha1.AgentHandoffTool{{
			AgentRef: &wassistv1alpha1.AgentReference{Name: "ghost"}, Description: "When the user asks for a ghost"}}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonHandoffAgentPending))
		Expect(readyMessage(agent)).To(ContainSubstring("WassistAgent ghost, which does not exist in this namespace"))
	})
}
