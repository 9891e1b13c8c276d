package controller_test

import (
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const (
	routeTemplates = "/whatsapp-templates/"
	routeTemplate  = "/whatsapp-templates/{id}/"
)

// twoAccounts seeds the tenant's WhatsApp accounts: its usual one, and a second.
func (t tenant) twoAccounts() (wassisttest.Account, wassisttest.Account) {
	first, _ := t.withAccount()
	number, _ := t.numbers()
	second := sim.SeedAccount(t.key, wassisttest.Account{Name: "Daily Grind Ireland",
		PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: number[:len(number)-1] + "9"}}})
	return first, second
}

// template returns a WassistTemplate of the tenant, not yet created.
func (t tenant) template(name string, publishTo ...string) *wassistv1alpha1.WassistTemplate {
	return &wassistv1alpha1.WassistTemplate{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.ns},
		Spec: wassistv1alpha1.WassistTemplateSpec{
			APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: t.secret},
			Name:            "order_update",
			Category:        "UTILITY",
			Body: wassistv1alpha1.TemplateBody{Text: "Your order {{1}} has shipped and arrives {{2}}.",
				Examples: []string{"ORD-1042", "tomorrow"}},
			Footer:    &wassistv1alpha1.TemplateFooter{Text: "Daily Grind"},
			PublishTo: publishTo,
		},
	}
}

// remoteTemplate is the tenant's template as the simulator serves it now.
func (t tenant) remoteTemplate(id string) func() wassisttest.Template {
	return func() wassisttest.Template {
		tpl, _ := sim.Template(t.key, id)
		return tpl
	}
}

// reviews are the template's accounts as "account=STATUS", after a review pass.
func reviews(tpl *wassistv1alpha1.WassistTemplate) func() []string {
	return func() []string {
		Expect(drift.CheckReviews(ctx)).To(Succeed())
		fetch(tpl)
		var out []string
		for _, a := range tpl.Status.Accounts {
			out = append(out, a.AccountName+"="+a.Status)
		}
		return out
	}
}

// templateSpecs are the WassistTemplate behaviours.
func templateSpecs() {
	It("publishes to two accounts, reports Meta's approval in one and rejection in the other, by list only", func() {
		t := newTenant()
		uk, ie := t.twoAccounts()
		sim.SetTemplateReview(t.key, ie.ID, wassisttest.TemplateVerdict{Status: "REJECTED", Reason: "INVALID_FORMAT"})
		tpl := t.template("order-update", uk.ID, ie.ID)
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		Eventually(conditionOf(tpl, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
			Should(Equal("False/" + wassistv1alpha1.ReasonReviewPending))
		Expect(readBy(asServed(tpl))).To(Equal(gitops{status.InProgressStatus, "Progressing"}))
		Expect(t.remoteTemplates()).To(HaveLen(1))

		Eventually(reviews(tpl)).WithTimeout(timeout).
			Should(ConsistOf("Daily Grind Ltd=APPROVED", "Daily Grind Ireland=REJECTED"))
		Eventually(conditionOf(tpl, wassistv1alpha1.ConditionStalled)).WithTimeout(timeout).
			Should(Equal("True/" + wassistv1alpha1.ReasonTemplateRejected))
		Expect(readBy(asServed(tpl))).To(Equal(gitops{status.FailedStatus, "Degraded"}))
		Expect(eventNotes(tpl, "Rejected")()).To(ConsistOf(ContainSubstring("INVALID_FORMAT")))
		Expect(eventNotes(tpl, "Approved")()).To(HaveLen(1))
		Expect(t.requests(http.MethodGet, routeTemplate)).To(BeZero(), "reviews are read from the list, not per template")

		By("dropping the account that rejected it unpublishes it there, and the template is Ready")
		update(tpl, func(x *wassistv1alpha1.WassistTemplate) { x.Spec.PublishTo = []string{uk.ID} })
		Eventually(conditionOf(tpl, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
			Should(Equal("True/" + wassistv1alpha1.ReasonAvailable))
		Expect(t.remoteTemplate(tpl.Status.TemplateID)().AccountLinks).To(ConsistOf(HaveField("AccountID", uk.ID)))
		Expect(conditionOf(tpl, wassistv1alpha1.ConditionStalled)()).To(Equal("absent"))
		Expect(eventReasons(tpl)()).To(ContainElement("Unpublished"))
	})

	It("repairs a template edited or unpublished in the dashboard", func() {
		t := newTenant()
		uk, _ := t.twoAccounts()
		tpl := t.template("repaired", uk.ID)
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		Eventually(reviews(tpl)).WithTimeout(timeout).Should(ConsistOf("Daily Grind Ltd=APPROVED"))
		Eventually(conditionOf(tpl, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
			Should(Equal("True/" + wassistv1alpha1.ReasonAvailable))
		id := tpl.Status.TemplateID

		Expect(sim.EditTemplate(t.key, id, func(x *wassisttest.Template) {
			for i := range x.Components {
				if x.Components[i].Type == "FOOTER" {
					x.Components[i].Text = "edited in the dashboard"
				}
			}
		})).To(BeTrue())
		checkDrift()
		Eventually(func() string { return footerOf(t.remoteTemplate(id)()) }).WithTimeout(timeout).Should(Equal("Daily Grind"))

		Expect(sim.RemoveTemplateLink(t.key, id, uk.ID)).To(BeTrue())
		checkDrift()
		Eventually(func() []wassisttest.TemplateAccountLink { return t.remoteTemplate(id)().AccountLinks }).
			WithTimeout(timeout).Should(ConsistOf(HaveField("AccountID", uk.ID)))
	})

	It("creates one template after a lost create answer, and deletes it (or leaves it) with the resource", func() {
		t := newTenant()
		uk, _ := t.twoAccounts()
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Key: t.key, Method: http.MethodPost,
			Route: routeTemplates, Count: 1})
		tpl := t.template("lost-answer", uk.ID)
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		Eventually(conditionOf(tpl, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
			Should(Equal("False/" + wassistv1alpha1.ReasonReviewPending))
		Expect(t.remoteTemplates()).To(HaveLen(1))
		Expect(eventReasons(tpl)()).To(ContainElement("Recovered"))

		Expect(k8sClient.Delete(ctx, tpl)).To(Succeed())
		Eventually(gone(tpl)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.remoteTemplates()).To(BeEmpty())

		kept := t.template("kept", uk.ID)
		kept.Spec.Name = "order_kept"
		kept.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyOrphan
		Expect(k8sClient.Create(ctx, kept)).To(Succeed())
		Eventually(conditionOf(kept, wassistv1alpha1.ConditionReady)).WithTimeout(timeout).
			Should(Equal("False/" + wassistv1alpha1.ReasonReviewPending))
		Expect(k8sClient.Delete(ctx, kept)).To(Succeed())
		Eventually(gone(kept)).WithTimeout(timeout).ShouldNot(Succeed())
		Expect(t.remoteTemplates()).To(ConsistOf(HaveField("Name", "order_kept")))
		Expect(eventReasonsOfType(kept, corev1.EventTypeNormal)()).To(ContainElement("Orphaned"))
	})
}

// reviewCostSpecs measure what waiting for Meta costs: the requests of a review pass over
// many templates under review on one key, against the ideal of one list (per 100).
func reviewCostSpecs() {
	It("reads 100 reviews with one list per pass and no request per template", func() {
		t := newTenant()
		uk, _ := t.twoAccounts()
		sim.SetTemplateReview(t.key, uk.ID, wassisttest.TemplateVerdict{Status: "PENDING"})
		const n = 100
		for i := range n {
			tpl := t.template(fmt.Sprintf("pending-%03d", i), uk.ID)
			tpl.Spec.Name = fmt.Sprintf("order_update_%03d", i)
			Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		}
		Eventually(func() int {
			list := &wassistv1alpha1.WassistTemplateList{}
			Expect(k8sClient.List(ctx, list, client.InNamespace(t.ns))).To(Succeed())
			pending := 0
			for i := range list.Items {
				if conditionOf(&list.Items[i], wassistv1alpha1.ConditionReady)() == "False/"+wassistv1alpha1.ReasonReviewPending {
					pending++
				}
			}
			return pending
		}).WithTimeout(2 * timeout).WithPolling(time.Second).Should(Equal(n))

		before := t.requests()
		const passes = 3
		for range passes {
			Expect(drift.CheckReviews(ctx)).To(Succeed())
		}
		Consistently(t.requests).WithTimeout(time.Second).Should(Equal(before + passes))
		Expect(t.requests(http.MethodGet, routeTemplates)).To(BeNumerically(">=", passes))
		Expect(t.requests(http.MethodGet, routeTemplate)).To(BeZero())
		AddReportEntry("review polling", fmt.Sprintf("%d templates under review on one key: %d requests in %d review passes "+
			"(ideal %d: one list of up to 100 per pass)", n, t.requests()-before, passes, passes))
	})
}

// triggerSpecs are the agents' outbound triggers and the Secrets they write.
func triggerSpecs() {
	It("writes a trigger's URL and secret into a Secret the agent owns, rotates it, and refuses a Secret it does not own", func() {
		t := newTenant()
		uk, _ := t.twoAccounts()
		tpl := t.template("reminder", uk.ID)
		tpl.Spec.Name = "pickup_reminder"
		Expect(k8sClient.Create(ctx, tpl)).To(Succeed())
		agent := t.agent("notifier")
		agent.Spec.OutboundTriggers = []wassistv1alpha1.AgentOutboundTrigger{
			{TemplateRef: &wassistv1alpha1.TemplateReference{Name: "reminder"}, SecretName: "notifier-trigger"}}
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).Should(Equal(ready))

		remote := t.remoteAgent(agent.Status.AgentID)()
		Expect(remote.OutboundTriggers).To(HaveLen(1))
		trigger := remote.OutboundTriggers[0]
		Expect(trigger.TemplateName).To(Equal("pickup_reminder"))
		usedKeys = append(usedKeys, trigger.Secret) // the hygiene spec looks for it everywhere
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "notifier-trigger", Namespace: t.ns}}
		fetch(secret)
		Expect(string(secret.Data["url"])).To(Equal(trigger.URL))
		Expect(string(secret.Data["secret"])).To(Equal(trigger.Secret))
		Expect(metav1.IsControlledBy(secret, agent)).To(BeTrue())

		By("a secret rotated on Wassist is written again")
		rotated, ok := sim.RotateTriggerSecret(t.key, agent.Status.AgentID, trigger.ID)
		Expect(ok).To(BeTrue())
		usedKeys = append(usedKeys, rotated)
		checkDrift()
		Eventually(func() string { fetch(secret); return string(secret.Data["secret"]) }).WithTimeout(timeout).Should(Equal(rotated))

		By("a Secret the operator did not create is never written")
		foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "someone-elses", Namespace: t.ns},
			Data: map[string][]byte{"secret": []byte("theirs")}}
		Expect(k8sClient.Create(ctx, foreign)).To(Succeed())
		other := t.agent("greedy")
		other.Spec.OutboundTriggers = []wassistv1alpha1.AgentOutboundTrigger{
			{TemplateRef: &wassistv1alpha1.TemplateReference{Name: "reminder"}, SecretName: "someone-elses"}}
		Expect(k8sClient.Create(ctx, other)).To(Succeed())
		Eventually(readyReason(other)).WithTimeout(timeout).Should(Equal("False/" + wassistv1alpha1.ReasonSecretNotOwned))
		Expect(conditionOf(other, wassistv1alpha1.ConditionStalled)()).To(Equal("True/" + wassistv1alpha1.ReasonSecretNotOwned))
		fetch(foreign)
		Expect(foreign.Data).To(Equal(map[string][]byte{"secret": []byte("theirs")}))
		Expect(foreign.OwnerReferences).To(BeEmpty())
		for _, a := range []*wassistv1alpha1.WassistAgent{other, agent} {
			fetch(a)
			for _, st := range a.Status.OutboundTriggers {
				Expect(st.CredentialsHash).NotTo(ContainSubstring(rotated))
			}
		}
	})
}

func (t tenant) remoteTemplates() []wassisttest.Template { return sim.Templates(t.key) }

func footerOf(tpl wassisttest.Template) string {
	for _, c := range tpl.Components {
		if c.Type == "FOOTER" {
			return c.Text
		}
	}
	return ""
}
