package controller_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// Timeouts of Eventually: generous for a loaded CI machine, short when all is well.
const (
	timeout = 30 * time.Second
	poll    = 100 * time.Millisecond
)

// tenant is a namespace with its own API key: specs never see each other's agents or
// share a rate budget.
type tenant struct {
	ns     string
	key    string
	secret string
}

// usedKeys are every API key the suite handed out, for the hygiene spec.
var usedKeys []string

func randomKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	k := "wk_test_" + hex.EncodeToString(b)
	usedKeys = append(usedKeys, k)
	return k
}

func newTenant() tenant {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "agents-"}}
	Expect(k8sClient.Create(ctx, ns)).To(Succeed())
	t := tenant{ns: ns.Name, key: randomKey(), secret: "wassist-api-key"}
	sim.AddAPIKey(t.key)
	t.writeSecret(t.key)
	return t
}

// writeSecret creates or replaces the tenant's API key Secret.
func (t tenant) writeSecret(key string) { writeSecretNamed(t.ns, t.secret, apiKeyData(key)) }

// agent returns a WassistAgent of the tenant, not yet created.
func (t tenant) agent(name string) *wassistv1alpha1.WassistAgent {
	return &wassistv1alpha1.WassistAgent{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.ns},
		Spec: wassistv1alpha1.WassistAgentSpec{
			APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: t.secret},
			SystemPrompt:    "You are a friendly barista.",
		},
	}
}

// remoteAgents are the agents the simulator holds for the tenant's key.
func (t tenant) remoteAgents() []wassisttest.Agent { return sim.Agents(t.key) }

// requests counts the requests the tenant's key made, optionally of one method and route.
func (t tenant) requests(methodAndRoute ...string) int {
	method, route := "", ""
	if len(methodAndRoute) == 2 {
		method, route = methodAndRoute[0], methodAndRoute[1]
	}
	return sim.Count(t.key, method, route)
}

func fetch(obj client.Object) {
	ExpectWithOffset(1, k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
}

// readyReason returns the Ready condition as "Status/Reason", e.g. "True/Available".
func readyReason(agent *wassistv1alpha1.WassistAgent) func() string {
	return func() string {
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(agent), agent); err != nil {
			return "missing: " + err.Error()
		}
		c := meta.FindStatusCondition(agent.Status.Conditions, wassistv1alpha1.ConditionReady)
		if c == nil {
			return "no Ready condition"
		}
		if c.ObservedGeneration != agent.Generation {
			return fmt.Sprintf("%s/%s (generation %d not observed)", c.Status, c.Reason, agent.Generation)
		}
		return string(c.Status) + "/" + c.Reason
	}
}

// eventReasons lists the reasons of the events about obj.
func eventReasons(obj client.Object) func() []string { return eventReasonsOfType(obj, "") }

// eventReasonsOfType lists the reasons of the events of a type ("" for any) about obj.
func eventReasonsOfType(obj client.Object, eventType string) func() []string {
	return eventsAbout(obj, func(e eventsv1.Event) (string, bool) {
		return e.Reason, eventType == "" || e.Type == eventType
	})
}

// eventNotes lists the notes of the events about obj with one reason.
func eventNotes(obj client.Object, reason string) func() []string {
	return eventsAbout(obj, func(e eventsv1.Event) (string, bool) { return e.Note, e.Reason == reason })
}

// eventsAbout lists what pick takes of each event about obj it keeps.
func eventsAbout(obj client.Object, pick func(eventsv1.Event) (string, bool)) func() []string {
	return func() []string {
		list := &eventsv1.EventList{}
		Expect(k8sClient.List(ctx, list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
		var out []string
		for _, e := range list.Items {
			if v, ok := pick(e); ok && e.Regarding.Name == obj.GetName() {
				out = append(out, v)
			}
		}
		return out
	}
}

// gone says whether obj no longer exists (its finalizers released).
func gone(obj client.Object) func() error {
	return func() error { return k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj) }
}

// checkDrift runs one pass of the bulk drift check, as the sync period would.
func checkDrift() {
	ExpectWithOffset(1, drift.Check(ctx)).To(Succeed())
}

// poke changes an annotation of no meaning to the operator, which triggers a reconcile.
func poke(agent *wassistv1alpha1.WassistAgent) {
	update(agent, func(a *wassistv1alpha1.WassistAgent) {
		if a.Annotations == nil {
			a.Annotations = map[string]string{}
		}
		a.Annotations["test.wassist.app/poked"] = time.Now().Format(time.RFC3339Nano)
	})
}

func rawJSON(s string) runtime.RawExtension { return runtime.RawExtension{Raw: []byte(s)} }

// readyMessage is the message of the agent's Ready condition.
func readyMessage(agent *wassistv1alpha1.WassistAgent) string {
	fetch(agent)
	if c := meta.FindStatusCondition(agent.Status.Conditions, wassistv1alpha1.ConditionReady); c != nil {
		return c.Message
	}
	return ""
}

// update applies change to the latest version of obj, retrying on conflicts with the
// controller's own writes.
func update[T client.Object](obj T, change func(T)) {
	Eventually(func() error {
		fetch(obj)
		change(obj)
		return k8sClient.Update(ctx, obj)
	}).WithTimeout(timeout).Should(Succeed())
}

// driftSteps is how many times metricsRegistry's wassist_drift_check_duration_seconds has
// timed step ("list" or "compare").
func driftSteps(step string) uint64 {
	families, err := metricsRegistry.Gather()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	for _, f := range families {
		if f.GetName() != "wassist_drift_check_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "step" && l.GetValue() == step {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}
