package controller_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The cache is the manager's largest memory: what it need not hold, it does not.
var _ = Describe("The manager's cache", func() {
	It("holds agents, and the Secrets' metadata, without their managedFields", func() {
		t := newTenant()
		agent := t.agent("cached")
		Expect(k8sClient.Create(ctx, agent)).To(Succeed())
		Eventually(readyReason(agent)).WithTimeout(timeout).WithPolling(poll).Should(Equal(ready))
		Expect(agent.ManagedFields).NotTo(BeEmpty(), "the API server's copy keeps its field managers")

		cached := &wassistv1alpha1.WassistAgent{}
		Eventually(func() string {
			Expect(mgrCache.Get(ctx, client.ObjectKeyFromObject(agent), cached)).To(Succeed())
			return cached.ResourceVersion
		}).WithTimeout(timeout).WithPolling(poll).Should(Equal(agent.ResourceVersion))
		Expect(cached.ManagedFields).To(BeEmpty())
		Expect(cached.Status.AgentID).To(Equal(agent.Status.AgentID))

		secret := &corev1.Secret{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: t.secret}, secret)).To(Succeed())
		Expect(secret.ManagedFields).NotTo(BeEmpty())
		meta := secretMetadata()
		Expect(mgrCache.Get(ctx, client.ObjectKeyFromObject(secret), meta)).To(Succeed())
		Expect(meta.ManagedFields).To(BeEmpty())
	})
})
