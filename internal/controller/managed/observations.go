package managed

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// observations hold, per object UID, what was seen of its remote object outside its own
// reconcile (by the bulk drift check) or by a reconcile the budget held back, until the
// object's next reconcile takes it. A nil observation asks that reconcile to look again.
type observations[R any] struct {
	m sync.Map // types.UID -> *Observation[R]
}

func (o *observations[R]) put(uid types.UID, obs Observation[R]) { o.m.Store(uid, &obs) }

func (o *observations[R]) take(uid types.UID) (*Observation[R], bool) {
	v, ok := o.m.LoadAndDelete(uid)
	if !ok {
		return nil, false
	}
	obs, _ := v.(*Observation[R])
	return obs, true
}

// Observed hands the core what the bulk drift check saw of obj's remote object, and
// queues obj behind users' changes. nil means "look again": the check saw a difference
// it cannot describe.
func (r *Reconciler[O, V, R]) Observed(obj O, obs *Observation[R]) {
	if obs != nil {
		r.observations.put(obj.GetUID(), *obs)
	} else {
		r.observations.m.Store(obj.GetUID(), (*Observation[R])(nil))
	}
	r.drifted <- event.TypedGenericEvent[client.Object]{Object: obj}
}
