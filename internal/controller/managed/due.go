package managed

import (
	"context"
	"hash/fnv"
	"math"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// DefaultSyncPeriod is how often a Ready object is compared with the remote one.
const DefaultSyncPeriod = 10 * time.Minute

// DriftMode says how drift is found: by a periodic check of each object, or by a bulk
// check that hands the core what it saw (Reconciler.Observed). It is the one place that
// knows which mode is on.
type DriftMode struct {
	// Period is the sync period (DefaultSyncPeriod when zero).
	Period time.Duration
	// Bulk: drift is found in bulk, once per period per API key; an object in sync is
	// then never due by itself.
	Bulk bool
}

// fresh says whether the last confirmed sync of obj still stands.
func (m DriftMode) fresh(obj Object) bool {
	return m.Bulk || m.untilNext(obj) > 0
}

// next is the result of a reconcile that left obj in sync: in the bulk mode nothing
// more; otherwise its periodic check, behind any user change.
func (m DriftMode) next(obj Object) ctrl.Result {
	if m.Bulk {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: max(m.untilNext(obj), time.Second), Priority: new(handler.LowPriority)}
}

func (m DriftMode) untilNext(obj Object) time.Duration {
	last := obj.ManagedStatus().LastSyncTime
	if last == nil {
		return 0
	}
	return time.Until(last.Add(ObjectSyncPeriod(obj.GetUID(), m.Period)))
}

// ObjectSyncPeriod is the sync period (DefaultSyncPeriod when unset) shortened by up to
// a tenth, by an amount fixed per object (from its UID): the periodic checks of objects
// created together then spread over time instead of all falling due at once.
func ObjectSyncPeriod(uid types.UID, period time.Duration) time.Duration {
	if period <= 0 {
		period = DefaultSyncPeriod
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(uid))
	return period - time.Duration(float64(period)*0.1*float64(h.Sum32())/math.MaxUint32)
}

// verdict is what the gate decides.
type verdict int

const (
	// due: the remote side must be read or written.
	due verdict = iota
	// inSync: the last confirmed sync still holds; no API call.
	inSync
	// refused: the API refused this very spec already; no API call until it changes.
	refused
	// stillWaiting: the remote object was made equal to this very spec, which still
	// waits for something (Desired.Wait); no API call until either changes.
	stillWaiting
	// awaiting: the remote object equals this very spec and itself waits (an
	// Observation.Wait, Meta's review); no API call until the bulk check sees a change.
	awaiting
)

// gate is the one answer to "is anything due?" (docs/design.md, rule 1): an object whose
// resolved spec, generation and id are those of its last confirmed sync, and whose sync
// is fresh, is in sync; an object whose spec the API refused stays refused.
func (r *Reconciler[O, V, R]) gate(s *scope[O, V, R]) verdict {
	obj := s.obj
	if s.recheck {
		return due // the bulk check, or a reconcile held by the budget, saw something
	}
	sameSpec := obj.ManagedStatus().ObservedGeneration == obj.GetGeneration() && obj.ManagedStatus().AppliedHash == s.desired.Hash
	if !sameSpec {
		return due
	}
	ready := meta.FindStatusCondition(obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionReady)
	if ready != nil && refusals[ready.Reason] {
		return refused
	}
	if ready == nil || !r.identityKept(s) || !r.Drift.fresh(obj) {
		return due
	}
	switch {
	case ready.Status == metav1.ConditionTrue:
		return inSync
	case s.desired.Wait != nil && ready.Reason == s.desired.Wait.Reason:
		return stillWaiting
	case r.Awaits[ready.Reason]:
		return awaiting
	}
	return due
}

// refusals are the reasons of a spec the API refused as such: sent again only changed.
var refusals = map[string]bool{wassistv1alpha1.ReasonInvalidSpec: true, wassistv1alpha1.ReasonRemoteConflict: true,
	wassistv1alpha1.ReasonAdoptionWouldErase: true}

// identityKept says the object still names the remote object it was synced with, and
// holds its finalizer.
func (r *Reconciler[O, V, R]) identityKept(s *scope[O, V, R]) bool {
	if r.Finalizer != "" && !controllerutil.ContainsFinalizer(s.obj, r.Finalizer) {
		return false
	}
	if r.Kind.ExternalName(s.obj) != "" {
		return true
	}
	id := s.obj.GetRemoteID()
	return id != "" && id == s.obj.GetAnnotations()[r.IDAnnotation]
}

// due resolves the spec and its key, and asks the gate. Before it concludes "due" for an
// object that has a remote side, it re-reads the object uncached: the cache may be behind
// this controller's own last writes (an id stored, a status not seen yet), and the API
// budget is not spent on a stale view. An object never created needs no such read: its
// create's first write is conditional on this very version of the object.
func (r *Reconciler[O, V, R]) due(ctx context.Context, s *scope[O, V, R]) (verdict, error) {
	if err := r.resolveAndConnect(ctx, s); err != nil {
		return due, err
	}
	v := r.gate(s)
	if v != due || !r.mayBeBehind(s) {
		return v, nil
	}
	fresh, changed, err := r.reread(ctx, s.obj)
	if err != nil || !changed {
		return due, err
	}
	s.obj, s.base = fresh, fresh.DeepCopyObject().(O)
	// What the cache did not show may name another remote object: admit it again.
	if err := r.admit(ctx, s.obj); err != nil {
		return due, err
	}
	if err := r.resolveAndConnect(ctx, s); err != nil {
		return due, err
	}
	return r.gate(s), nil
}

// resolveAndConnect resolves the spec, then the key it names (see connect).
func (r *Reconciler[O, V, R]) resolveAndConnect(ctx context.Context, s *scope[O, V, R]) error {
	if err := r.resolve(ctx, s); err != nil {
		return err
	}
	return r.connect(ctx, s)
}

// reread reads obj uncached, and says whether it changed since the version given.
func (r *Reconciler[O, V, R]) reread(ctx context.Context, obj O) (O, bool, error) {
	fresh := r.New()
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(obj), fresh); err != nil {
		return fresh, false, err
	}
	return fresh, fresh.GetResourceVersion() != obj.GetResourceVersion(), nil
}

// mayBeBehind says whether the cached object may miss this controller's own last write:
// it names a remote object (or, coming back for a create it made, not the one made).
func (r *Reconciler[O, V, R]) mayBeBehind(s *scope[O, V, R]) bool {
	if s.recheck {
		return s.observed != nil && s.observed.Created && r.remoteName(s.obj) != s.observed.ID
	}
	return !r.neverCreated(s.obj)
}

func (r *Reconciler[O, V, R]) resolve(ctx context.Context, s *scope[O, V, R]) error {
	d, err := r.Kind.Desired(ctx, s.obj)
	if err != nil {
		return err
	}
	d.Hash = policyHash(s.obj, d.Hash)
	s.desired, s.resolved = d, true
	return nil
}
