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
type observations struct {
	m sync.Map // types.UID -> *Observation
}

func (o *observations) put(uid types.UID, obs Observation) { o.m.Store(uid, &obs) }

func (o *observations) take(uid types.UID) (*Observation, bool) {
	v, ok := o.m.LoadAndDelete(uid)
	if !ok {
		return nil, false
	}
	obs, _ := v.(*Observation)
	return obs, true
}

// Observed hands the core what the bulk drift check saw of obj's remote object, and
// queues obj behind users' changes. nil means "look again": the check saw a difference
// it cannot describe.
func (r *Reconciler[O]) Observed(obj O, obs *Observation) {
	if obs != nil {
		r.observations.put(obj.GetUID(), *obs)
	} else {
		r.observations.m.Store(obj.GetUID(), (*Observation)(nil))
	}
	r.drifted <- event.TypedGenericEvent[client.Object]{Object: obj}
}
