package controller_test

import (
	"context"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
)

// countingReader counts the uncached reads that reach the API server.
type countingReader struct {
	client.Reader
	reads atomic.Int32
}

func (c *countingReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	c.reads.Add(1)
	return c.Reader.Get(ctx, key, obj, opts...)
}

// The API key is read from the API server once per version of its Secret, not once per
// reconcile; a rotation is read at once, a deletion is reported.
var _ = Describe("Secret values", func() {
	It("are read once per resourceVersion, again after a rotation, and gone after a deletion", func() {
		t := newTenant()
		api := &countingReader{Reader: apiReader}
		secrets := kit.NewSecretReader(mgrCache, api)
		ref := wassistv1alpha1.SecretKeySelector{Name: t.secret}

		// The manager's metadata watch must have seen the Secret for the kept value to count.
		Eventually(func() error {
			return mgrCache.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: t.secret}, secretMetadata())
		}).WithTimeout(timeout).Should(Succeed())
		for range 5 {
			Expect(secrets.Value(ctx, t.ns, ref)).To(Equal(t.key))
		}
		Expect(api.reads.Load()).To(BeEquivalentTo(1), "five reads of an unchanged Secret")

		rotated := randomKey()
		t.writeSecret(rotated)
		Eventually(func() (string, error) { return secrets.Value(ctx, t.ns, ref) }).
			WithTimeout(timeout).WithPolling(poll).Should(Equal(rotated))

		Expect(k8sClient.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: t.secret, Namespace: t.ns}})).To(Succeed())
		Eventually(func() error { _, err := secrets.Value(ctx, t.ns, ref); return err }).
			WithTimeout(timeout).WithPolling(poll).Should(MatchError(ContainSubstring("not found")))
	})
})

func secretMetadata() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	return m
}
