//go:build e2e

/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

// teardownOrder is the order in which a namespace's objects go (docs/operations.md, Deleting a
// namespace).
type teardownOrder string

const (
	// namespaceOnly deletes the namespace alone: its controller deletes every collection in one
	// pass, so the Secret goes at once while the resources wait on their finalizers.
	namespaceOnly teardownOrder = "the namespace alone"
	// secretFirst deletes the Secret, waits until it is gone, then deletes the namespace.
	secretFirst teardownOrder = "the Secret, then the namespace"
	// resourcesFirst deletes the resources, waits until they are gone, then the namespace.
	resourcesFirst teardownOrder = "the resources, then the namespace"
)

// tenant is what one teardown namespace holds: a Secret, an agent, a deployment of it on a
// number of its own, and a template published to its own WhatsApp account.
type tenant struct {
	ns, agentName, number string
	policy                wassistv1alpha1.DeletionPolicy
	account               wassisttest.Account
}

var _ = Describe("Namespace teardown, by kube-controller-manager's namespace controller", Ordered, func() {
	BeforeAll(startControllerManager)

	n := 0
	DescribeTable("deletes the whole namespace, leaves no finalizer, and the remote objects follow their policy",
		func(order teardownOrder, policy wassistv1alpha1.DeletionPolicy) {
			n++
			t := newTenant(n, policy)
			t.create()
			t.tearDown(order)
			Eventually(func() bool {
				return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKey{Name: t.ns}, &corev1.Namespace{}))
			}).WithTimeout(timeout).WithPolling(poll).Should(BeTrue(), "namespace %s is still there: %s", t.ns, t.stuck())
			t.expectRemote()
		},
		EntryDescription("%s, deletionPolicy %s"),
		Entry(nil, namespaceOnly, wassistv1alpha1.DeletionPolicyDelete),
		Entry(nil, secretFirst, wassistv1alpha1.DeletionPolicyDelete),
		Entry(nil, resourcesFirst, wassistv1alpha1.DeletionPolicyDelete),
		Entry(nil, namespaceOnly, wassistv1alpha1.DeletionPolicyOrphan),
		Entry(nil, secretFirst, wassistv1alpha1.DeletionPolicyOrphan),
		Entry(nil, resourcesFirst, wassistv1alpha1.DeletionPolicyOrphan),
	)
})

// startControllerManager runs kube-controller-manager's namespace and garbage collector
// controllers against the suite's API server, as a cluster admin, until the container ends.
func startControllerManager() {
	kubeconfig := filepath.Join(workDir, "kube-controller-manager.kubeconfig")
	Expect(harness.WriteAdminKubeconfig(testEnv, "kube-controller-manager", kubeconfig)).To(Succeed())
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	Expect(assets).NotTo(BeEmpty(), "run `make test-e2e`")
	Expect(os.Symlink(filepath.Join(assets, "kube-controller-manager"), filepath.Join(binDir, "kube-controller-manager"))).To(Succeed())
	kcm := start("kube-controller-manager", harness.ControllerManagerArgs(kubeconfig)...)
	DeferCleanup(kcm.Stop)
}

func newTenant(n int, policy wassistv1alpha1.DeletionPolicy) *tenant {
	// Numbers 4477009002NN are the suite's own: the samples' account has ...100 and ...101.
	return &tenant{ns: fmt.Sprintf("teardown-%d", n), agentName: fmt.Sprintf("Teardown %d %s", n, policy),
		number: fmt.Sprintf("4477009002%02d", n), policy: policy}
}

// create makes the namespace's objects and waits until all are Ready.
func (t *tenant) create() {
	acc, err := simulator().SeedAccount(ctx, apiKey, wassisttest.Account{Name: t.ns + " Ltd",
		PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: t.number}}})
	Expect(err).NotTo(HaveOccurred())
	t.account = acc
	key := wassistv1alpha1.SecretKeySelector{Name: "wassist-api-key"}
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: t.ns}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: key.Name, Namespace: t.ns}, StringData: map[string]string{"apiKey": apiKey}},
		&wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: t.ns},
			Spec: wassistv1alpha1.WassistAgentSpec{APIKeySecretRef: key, Name: t.agentName, ManagedSpec: t.managed()}},
		&wassistv1alpha1.WassistDeployment{ObjectMeta: metav1.ObjectMeta{Name: "deployment", Namespace: t.ns},
			Spec: wassistv1alpha1.WassistDeploymentSpec{AgentRef: &wassistv1alpha1.AgentReference{Name: "agent"},
				PhoneNumber: t.number, ManagedSpec: t.managed()}},
		&wassistv1alpha1.WassistTemplate{ObjectMeta: metav1.ObjectMeta{Name: "template", Namespace: t.ns},
			Spec: wassistv1alpha1.WassistTemplateSpec{APIKeySecretRef: key, Name: t.templateName(), Category: "UTILITY",
				Body: wassistv1alpha1.TemplateBody{Text: "Your order has left."}, PublishTo: []string{acc.ID},
				ManagedSpec: t.managed()}},
	}
	for _, obj := range objs {
		Expect(k8sClient.Create(ctx, obj)).To(Succeed(), "%T %s", obj, obj.GetName())
	}
	Eventually(allReady(t.ns)).WithTimeout(timeout).WithPolling(poll).Should(Equal(2))
	Eventually(func() bool { return t.remoteTemplate() != nil }).WithTimeout(timeout).WithPolling(poll).Should(BeTrue())
	Expect(t.routedAgent()).NotTo(BeNil(), "the number is not routed to the agent")
}

// managed is the deletion policy every resource of the tenant has.
func (t *tenant) managed() wassistv1alpha1.ManagedSpec {
	return wassistv1alpha1.ManagedSpec{DeletionPolicy: t.policy}
}

func (t *tenant) templateName() string { return strings.ReplaceAll(t.ns, "-", "_") }

// tearDown deletes the namespace in the given order.
func (t *tenant) tearDown(order teardownOrder) {
	By("deleting " + string(order))
	switch order {
	case secretFirst:
		deleteAndWait(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wassist-api-key", Namespace: t.ns}})
	case resourcesFirst:
		for _, obj := range t.resources() {
			Expect(k8sClient.Delete(ctx, obj)).To(Succeed())
		}
		for _, obj := range t.resources() {
			deleteAndWait(obj)
		}
	}
	Expect(k8sClient.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: t.ns}})).To(Succeed())
}

func (t *tenant) resources() []client.Object {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: t.ns} }
	return []client.Object{&wassistv1alpha1.WassistDeployment{ObjectMeta: meta("deployment")},
		&wassistv1alpha1.WassistAgent{ObjectMeta: meta("agent")}, &wassistv1alpha1.WassistTemplate{ObjectMeta: meta("template")}}
}

// deleteAndWait deletes obj (if it is still there) and waits until it is gone.
func deleteAndWait(obj client.Object) {
	Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, obj))).To(Succeed())
	Eventually(func() bool { return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj)) }).
		WithTimeout(timeout).WithPolling(poll).Should(BeTrue(), "%T %s is still there", obj, obj.GetName())
}

// expectRemote checks the agent, the number's routing and the template on the simulator
// against the deletion policy.
func (t *tenant) expectRemote() {
	_, agentThere := remoteByName(t.agentName)
	if t.policy == wassistv1alpha1.DeletionPolicyOrphan {
		Expect(agentThere).To(BeTrue(), "the orphaned agent was deleted")
		Expect(t.routedAgent()).NotTo(BeNil(), "the orphaned deployment was taken off the number")
		Expect(t.remoteTemplate()).NotTo(BeNil(), "the orphaned template was deleted")
		return
	}
	Expect(agentThere).To(BeFalse(), "the agent is still on Wassist")
	Expect(t.routedAgent()).To(BeNil(), "the number still routes to an agent")
	Expect(t.remoteTemplate()).To(BeNil(), "the template is still on Wassist")
}

// routedAgent is the agent the tenant's number answers with, or nil.
func (t *tenant) routedAgent() *string {
	numbers, err := simulator().PhoneNumbers(ctx, apiKey)
	Expect(err).NotTo(HaveOccurred())
	for _, pn := range numbers {
		if pn.Number == t.number {
			return pn.ActiveAgent
		}
	}
	Fail("the simulator has no number " + t.number)
	return nil
}

func (t *tenant) remoteTemplate() *wassisttest.Template {
	templates, err := simulator().Templates(ctx, apiKey)
	Expect(err).NotTo(HaveOccurred())
	for i := range templates {
		if templates[i].Name == t.templateName() {
			return &templates[i]
		}
	}
	return nil
}

// stuck describes what is left in the namespace, with finalizers and Ready reasons.
func (t *tenant) stuck() string {
	var left []string
	for _, obj := range t.resources() {
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj); err == nil {
			left = append(left, fmt.Sprintf("%T %s finalizers=%v", obj, obj.GetName(), obj.GetFinalizers()))
		}
	}
	ns := &corev1.Namespace{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: t.ns}, ns); err == nil {
		left = append(left, fmt.Sprintf("conditions=%+v", ns.Status.Conditions))
	}
	return strings.Join(left, "; ")
}
