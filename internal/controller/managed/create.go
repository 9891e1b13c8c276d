package managed

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The crash-safe create (docs/design.md, rule 2) is one state machine over the object's
// metadata, for kinds whose remote object the operator creates:
//
//	none     no id annotation, no create-pending: persist create-pending and the finalizer
//	         (one patch, conditional on the version read), then create under the marker
//	pending  create-pending, no id: an earlier attempt may have created; find by marker
//	         and take the one found (0: create; 2 or more: CreateAmbiguous)
//	known    an id annotation: observe it
//
// The id is persisted (annotation, and create-pending dropped) before anything else is
// sent, so no crash or lost answer can make two.

// marker is the name a remote object is created with: unique to the resource (its UID),
// so that a reconcile that lost the create's answer can find what it created. The real
// name is set by the update that follows, once the id is safely stored.
func (r *Reconciler[O, V, R]) marker(obj O) string {
	return MarkerPrefix + string(obj.GetUID())
}

// MarkerPrefix begins the name of every remote object a create is under way for.
const MarkerPrefix = "wassist-operator-pending-"

func createPending(obj Object) bool {
	_, ok := obj.GetAnnotations()[wassistv1alpha1.AnnotationCreatePending]
	return ok
}

// neverCreated says the object has no remote object and no create under way.
func (r *Reconciler[O, V, R]) neverCreated(obj O) bool {
	return r.remoteName(obj) == "" && !createPending(obj) && obj.GetRemoteID() == ""
}

// observeOrCreate returns the remote object, creating it (crash-safe) or adopting it
// when the object has none yet.
func (r *Reconciler[O, V, R]) observeOrCreate(ctx context.Context, s *scope[O, V, R], ext External[V, R]) (Observation[R], error) {
	id := r.remoteName(s.obj)
	if id == "" {
		return r.createCrashSafe(ctx, s, ext)
	}
	obs, err := r.observe(ctx, s, ext, id)
	if err != nil {
		return obs, err
	}
	if obs.Exists {
		return obs, r.known(ctx, s, obs)
	}
	if r.Kind.ExternalName(s.obj) != "" || s.obj.GetRemoteID() != id || s.obj.ManagedStatus().Takeover != nil {
		// An id the operator never saw exist, or only observed: a user's adoption of a
		// missing object. Creating a new one would hide the mistake.
		namedBy := "spec"
		if r.Kind.ExternalName(s.obj) == "" {
			namedBy = r.IDAnnotation + " annotation"
		}
		return obs, &WaitingError{Reason: wassistv1alpha1.ReasonRemoteNotFound, Retry: AmbiguousRetry, Stalled: true,
			Message: r.Noun + " " + id + " named by the " + namedBy + " is not known to Wassist for this API key"}
	}
	// Deleted behind the operator's back: re-create it (docs/design.md, rule 4).
	r.event(s.obj, corev1.EventTypeWarning, "RemoteDeleted", "Remote %s %s was deleted outside the operator; re-creating it", r.Noun, id)
	if err := r.forgetID(ctx, s); err != nil {
		return obs, err
	}
	return r.createCrashSafe(ctx, s, ext)
}

// forgetID forgets the id of a remote object deleted behind the operator's back: first
// the annotation, then the status, each persisted, so that the id the re-create stores
// is never taken for a user's change of it (docs/design.md, rule 10). A crash between
// the two leaves the old id in the status, which restores the annotation and finds the
// object gone again.
func (r *Reconciler[O, V, R]) forgetID(ctx context.Context, s *scope[O, V, R]) error {
	if err := r.patchMetadata(ctx, s.obj, func(o O) { delete(o.GetAnnotations(), r.IDAnnotation) }); err != nil {
		return err
	}
	s.obj.SetRemoteID("")
	if err := r.patchStatus(ctx, s.obj, s.base); err != nil {
		return err
	}
	s.base = s.obj.DeepCopyObject().(O)
	return nil
}

// observe takes what the bulk check or a held reconcile saw of id with the key used now,
// or reads it. A remote object not found is not taken for gone when another key saw it
// last.
func (r *Reconciler[O, V, R]) observe(ctx context.Context, s *scope[O, V, R], ext External[V, R], id string) (Observation[R], error) {
	var obs Observation[R]
	if s.observed != nil && s.observed.ID == id && r.sameSpec(s, s.observed) && sameKey(s.observed, ext) {
		obs = *s.observed
	} else {
		var err error
		if obs, err = ext.Observe(ctx, id, s.desired); err != nil {
			return obs, err
		}
		s.latest = &obs
	}
	if !obs.Exists {
		return obs, r.visible(s.obj, ext, id)
	}
	return obs, nil
}

// known records the remote object as the object's once seen to exist: adopted, made by
// this operator's create (and handed over by a reconcile the budget held), or the outcome
// of an interrupted create settled by hand.
func (r *Reconciler[O, V, R]) known(ctx context.Context, s *scope[O, V, R], obs Observation[R]) error {
	id := obs.ID
	if r.Kind.ExternalName(s.obj) != "" {
		return nil
	}
	if s.obj.GetRemoteID() != id && !obs.Created {
		r.event(s.obj, corev1.EventTypeNormal, "Adopted", "Managing remote %s %s", r.Noun, id)
	}
	s.obj.SetRemoteID(id)
	if !createPending(s.obj) {
		return nil
	}
	// An id set by hand (to resolve CreateAmbiguous) settles an interrupted create.
	return r.patchMetadata(ctx, s.obj, func(o O) { delete(o.GetAnnotations(), wassistv1alpha1.AnnotationCreatePending) })
}

// createCrashSafe walks the create's states from none or pending to known.
func (r *Reconciler[O, V, R]) createCrashSafe(ctx context.Context, s *scope[O, V, R], ext External[V, R]) (Observation[R], error) {
	if createPending(s.obj) {
		if obs, found, err := r.recoverCreate(ctx, s, ext); err != nil || found {
			return obs, err
		}
	}
	if reserver, ok := ext.(Reserver); ok && !createPending(s.obj) {
		// Nothing marked yet: wait for the create's turn first, so that a create the
		// budget holds back leaves nothing to write again.
		if err := reserver.ReserveCreate(ctx); err != nil {
			return Observation[R]{}, err
		}
	}
	// Marked again before every attempt: the mark's time is when this create goes out,
	// which is how a create that carries no marker name is found (see Kind.Find).
	if err := r.markCreatePending(ctx, s.obj); err != nil {
		return Observation[R]{}, err
	}
	obs, err := ext.Create(ctx, r.marker(s.obj), s.desired)
	if err != nil {
		if _, unsent := errors.AsType[Unsent](err); unsent {
			// Not sent: the create stays pending, and the next reconcile of this process
			// knows that nothing carries the marker without listing.
			s.latest = &Observation[R]{ID: r.marker(s.obj)}
			return obs, err
		}
		if certainlyNotCreated(err) {
			// Nothing was made: drop the marker so the next attempt need not list.
			_ = r.patchMetadata(ctx, s.obj, func(o O) { delete(o.GetAnnotations(), wassistv1alpha1.AnnotationCreatePending) })
		}
		return obs, err
	}
	obs.Created = true
	s.latest = &obs
	if err := r.storeID(ctx, s, obs.ID); err != nil {
		return obs, err
	}
	r.event(s.obj, corev1.EventTypeNormal, "Created", "Created remote %s %s", r.Noun, obs.ID)
	return obs, nil
}

// markCreatePending persists create-pending and the finalizer in one patch that succeeds
// only if the object is still at the version read: a cache behind an id (or a marker)
// already stored fails it with a conflict instead of hiding it.
func (r *Reconciler[O, V, R]) markCreatePending(ctx context.Context, obj O) error {
	return r.patchMetadataIfCurrent(ctx, obj, func(o O) {
		controllerutil.AddFinalizer(o, r.Finalizer)
		setAnnotation(o, wassistv1alpha1.AnnotationCreatePending, time.Now().UTC().Format(time.RFC3339))
	})
}

// recoverCreate takes the remote object an interrupted create made, if there is exactly one.
func (r *Reconciler[O, V, R]) recoverCreate(ctx context.Context, s *scope[O, V, R], ext External[V, R]) (Observation[R], bool, error) {
	if s.observed != nil && s.observed.ID == r.marker(s.obj) && !s.observed.Exists {
		return Observation[R]{}, false, nil // this process held the create back: nothing was sent
	}
	found, err := ext.Find(ctx, r.marker(s.obj), s.desired)
	if err != nil {
		return Observation[R]{}, false, err
	}
	switch len(found) {
	case 0:
		return Observation[R]{}, false, nil
	case 1:
		obs := found[0]
		obs.Created = !obs.Foreign
		s.latest = &obs
		if err := r.storeID(ctx, s, obs.ID); err != nil {
			return obs, false, err
		}
		if obs.Foreign {
			// Stored so that no second create is sent; updated only as an adoption.
			s.obj.ManagedStatus().Takeover = r.takeoverOf(obs)
			r.event(s.obj, corev1.EventTypeNormal, "Adopted", "Managing remote %s %s, found under the spec's name", r.Noun, obs.ID)
			return obs, true, nil
		}
		r.event(s.obj, corev1.EventTypeNormal, "Recovered",
			"Found remote %s %s created by an interrupted attempt; managing it instead of creating another", r.Noun, obs.ID)
		return obs, true, nil
	default:
		return Observation[R]{}, false, r.ambiguous(found)
	}
}

func (r *Reconciler[O, V, R]) ambiguous(found []Observation[R]) error {
	ids := make([]string, 0, len(found))
	for _, f := range found {
		ids = append(ids, f.ID)
	}
	return &createAmbiguousError{noun: r.Noun, annotation: r.IDAnnotation, ids: ids}
}

// storeID persists the id on the object (annotation first, status with the reconcile's
// status patch) and clears create-pending, in one metadata patch.
func (r *Reconciler[O, V, R]) storeID(ctx context.Context, s *scope[O, V, R], id string) error {
	if err := r.patchMetadata(ctx, s.obj, func(o O) {
		setAnnotation(o, r.IDAnnotation, id)
		delete(o.GetAnnotations(), wassistv1alpha1.AnnotationCreatePending)
	}); err != nil {
		return err
	}
	s.obj.SetRemoteID(id)
	return nil
}
