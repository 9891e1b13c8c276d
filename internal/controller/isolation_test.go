package controller_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Tenant isolation: a resource reads credentials from its own namespace only. Another
// namespace holds a Secret of the wanted name, with a key Wassist accepts; every way a
// manifest could name it must end in SecretNotFound, and that key must never reach the API.
var _ = Describe("Tenant isolation", func() {
	var a, b tenant

	BeforeEach(func() {
		a, b = newTenant(), newTenant()
		// Tenant a has no Secret of the name it will ask for; b has one.
		a.secret = "shared-name"
		b.secret = "shared-name"
		b.writeSecret(b.key)
	})

	// expectIsolated waits until the agent reports its Secret missing in its own namespace,
	// then checks that b's key was never presented to Wassist.
	expectIsolated := func(agent *wassistv1alpha1.WassistAgent) {
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).
			Should(Equal("False/" + wassistv1alpha1.ReasonSecretNotFound))
		Expect(readyMessage(agent)).To(And(ContainSubstring("shared-name"), ContainSubstring(a.ns)))
		Expect(agent.Status.AgentID).To(BeEmpty())
		Expect(b.requests()).To(BeZero(), "tenant b's key was used for tenant a's agent")
		Expect(a.requests()).To(BeZero())
	}

	It("reports a Secret that exists only in another namespace as not found, and never uses its key", func() {
		agent := a.agent("borrower")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		expectIsolated(agent)
	})

	It("refuses a Secret reference with a namespace under strict field validation", func() {
		obj := withSecretNamespace(a.agent("strict-borrower"), b.ns)
		err := k8sClient.Create(ctx, obj, client.FieldValidation("Strict"))
		Expect(err).To(MatchError(ContainSubstring(`unknown field "spec.apiKeySecretRef.namespace"`)))
	})

	It("drops the namespace of a Secret reference under default field validation, and stays in its own namespace", func() {
		obj := withSecretNamespace(a.agent("lenient-borrower"), b.ns)
		Expect(k8sClient.Create(ctx, obj)).To(Succeed())
		agent := &wassistv1alpha1.WassistAgent{}
		Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, agent)).To(Succeed())
		fetch(agent)
		expectIsolated(agent)
	})
})

// withSecretNamespace is agent as a manifest that also names a namespace in its Secret
// reference, a field the API does not have.
func withSecretNamespace(agent *wassistv1alpha1.WassistAgent, ns string) *unstructured.Unstructured {
	agent.SetGroupVersionKind(wassistv1alpha1.GroupVersion.WithKind("WassistAgent"))
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(agent)
	Expect(err).NotTo(HaveOccurred())
	obj := &unstructured.Unstructured{Object: m}
	Expect(unstructured.SetNestedField(obj.Object, ns, "spec", "apiKeySecretRef", "namespace")).To(Succeed())
	return obj
}
