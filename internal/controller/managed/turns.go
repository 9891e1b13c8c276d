package managed

import (
	"context"
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Tenanted is a Kind that names, from the object alone, the budget its calls spend (its
// API key's Secret): the first reconciles of new objects are then queued in turns across
// tenants (docs/design.md, Budget waits).
type Tenanted[O Object] interface {
	Tenant(obj O) string
}

const (
	// burstGap ends a tenant's burst of new objects: the next one is its first again.
	burstGap = 10 * time.Second
	// deepestTurn keeps the turns above handler.LowPriority, where the objects already
	// in sync wait after a restart.
	deepestTurn = -handler.LowPriority - 1
)

// turns numbers each tenant's new objects within a burst of them. A key's budget starts
// with its first reconcile, which reserves its tokens: queued first in, first out, the
// objects of a tenant applied after a large one would wait behind all of its first
// reconciles, and their key's budget would go unused meanwhile. In turns, every
// tenant's k-th new object is reconciled before any tenant's (k+1)-th.
type turns struct {
	mu       sync.Mutex
	byTenant map[string]burst
	pruned   time.Time
	now      func() time.Time
}

type burst struct {
	n    int
	last time.Time
}

func newTurns() *turns {
	return &turns{byTenant: map[string]burst{}, now: time.Now}
}

// priority is the queue priority of tenant's next new object: 0, -1, -2, ... within a
// burst, down to -deepestTurn.
func (t *turns) priority(tenant string) int {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	b := t.byTenant[tenant]
	if now.Sub(b.last) > burstGap {
		b = burst{}
	}
	p := -min(b.n, deepestTurn)
	t.byTenant[tenant] = burst{n: b.n + 1, last: now}
	return p
}

// prune forgets the tenants whose burst ended, at most once per burstGap.
func (t *turns) prune(now time.Time) {
	if now.Sub(t.pruned) < burstGap {
		return
	}
	t.pruned = now
	for tenant, b := range t.byTenant {
		if now.Sub(b.last) > burstGap {
			delete(t.byTenant, tenant)
		}
	}
}

// newcomer says whether obj was never reconciled: no condition, not being deleted.
func newcomer[O Object](obj client.Object) bool {
	o, ok := obj.(O)
	return ok && len(o.ManagedStatus().Conditions) == 0 && o.GetDeletionTimestamp().IsZero()
}

// notNewcomerCreate keeps the creates of new objects from the For watch: turnsHandler
// queues them.
func notNewcomerCreate[O Object]() predicate.Predicate {
	return predicate.Funcs{CreateFunc: func(e event.CreateEvent) bool { return !newcomer[O](e.Object) }}
}

// turnsHandler queues the create of a new object at its tenant's turn.
func turnsHandler[O Object](kind Tenanted[O]) handler.EventHandler {
	t := newTurns()
	return handler.Funcs{CreateFunc: func(_ context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		if newcomer[O](e.Object) {
			enqueue(q, e.Object, t.priority(kind.Tenant(e.Object.(O))))
		}
	}}
}
