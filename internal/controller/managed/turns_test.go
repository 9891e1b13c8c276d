package managed

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// secretTenant is a Kind's Tenant: the agent's key Secret.
type secretTenant struct{}

func (secretTenant) Tenant(a *wassistv1alpha1.WassistAgent) string {
	return a.Spec.APIKeySecretRef.Name
}

func newAgent(name, secret string) *wassistv1alpha1.WassistAgent {
	a := &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}
	a.Spec.APIKeySecretRef.Name = secret
	return a
}

// Two tenants apply their agents one after the other, the first many: the controller's
// queue takes every tenant's first new agent before any tenant's second, so that the
// second tenant's budget starts with its own first create, not after all of the first's.
// An agent already reconciled (a restart) is left to the For watch; a user's change at
// the default priority goes ahead of the burst's later turns.
func TestNewObjectsAreQueuedInTurnsAcrossTenants(t *testing.T) {
	q := priorityqueue.New[reconcile.Request]("turns")
	defer q.ShutDown()
	h := turnsHandler[*wassistv1alpha1.WassistAgent](secretTenant{})
	create := func(a *wassistv1alpha1.WassistAgent) { h.Create(context.Background(), event.CreateEvent{Object: a}, q) }
	for i := range 4 {
		create(newAgent(fmt.Sprint("big-", i), "big"))
	}
	synced := newAgent("synced", "big")
	synced.Status.Conditions = []metav1.Condition{{Type: wassistv1alpha1.ConditionReady, Status: metav1.ConditionTrue}}
	create(synced)
	for i := range 2 {
		create(newAgent(fmt.Sprint("small-", i), "small"))
	}
	q.Add(reconcile.Request{NamespacedName: client.ObjectKey{Namespace: "ns", Name: "edited"}})

	var got []string
	for q.Len() > 0 {
		req, _, _ := q.GetWithPriority()
		got = append(got, req.Name)
		q.Done(req)
	}
	want := []string{"big-0", "small-0", "edited", "big-1", "small-1", "big-2", "big-3"}
	if !slices.Equal(got, want) {
		t.Fatalf("reconciled in the order\n %q, want\n %q", got, want)
	}
}

// A tenant's burst ends after burstGap without a new object: its next one is a first
// turn again. The turns never go as low as the priority of the objects in sync.
func TestATenantsTurnsStartAgainAfterAGapAndStayAboveLowPriority(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tr := newTurns()
	tr.now = func() time.Time { return now }
	var last int
	for range 1000 {
		last = tr.priority("big")
	}
	if last != -deepestTurn || last <= -100 {
		t.Fatalf("the 1000th new object is at priority %d, want %d (above the objects in sync)", last, -deepestTurn)
	}
	now = now.Add(burstGap + time.Second)
	if p := tr.priority("big"); p != 0 {
		t.Fatalf("after a gap the next new object is at priority %d, want 0", p)
	}
	if len(tr.byTenant) != 1 {
		t.Fatalf("%d tenants remembered, want 1", len(tr.byTenant))
	}
}
