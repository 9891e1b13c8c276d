package managed

import (
	"context"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Management policies and adoption (docs/design.md, rule 13). Under Observe the core reads
// the remote object the resource names, reports it and what Full would change
// (status.takeover), and sends nothing else: no create, update or delete. Under Full, an
// adoption (a remote object this operator did not create, taken over for the first time,
// or again after Observe) that would erase settings the spec leaves out is refused until
// the spec names them or the resource allows the erasing.

// Observing says the object's policy is Observe: the core writes nothing remote for it.
func Observing(obj Object) bool { return observing(obj) }

func observing(obj Object) bool {
	return obj.Managed().ManagementPolicy == wassistv1alpha1.ManagementPolicyObserve
}

// policyHash is the hash of the resolved spec under the object's policy: an observation
// is not an application (an event after the switch to Full says "Updated", not "drift
// corrected"), and allowing an adoption to erase is worth another try of a refused one.
func policyHash(obj Object, hash string) string {
	if observing(obj) {
		hash = "observe-" + hash
	}
	if allowsErasing(obj) {
		hash += "-allow-erase"
	}
	return hash
}

// allowsErasing says the resource lets its adoption erase what its spec leaves out.
func allowsErasing(obj Object) bool {
	return obj.GetAnnotations()[wassistv1alpha1.AnnotationAllowEraseOnAdoption] == annotationTrue
}

// untaken says the operator never applied a spec to the remote object obj names: it
// observes it, or its adoption is not done (status.takeover). Deleting obj then leaves
// the remote object alone, whatever deletionPolicy says: the operator deletes only what
// it has managed.
func untaken(obj Object) bool {
	return observing(obj) || obj.ManagedStatus().Takeover != nil
}

// takesOver says what a successor does with the remote object it is handed: a resource
// under Observe keeps it as it is, which is why it is left in place at all.
func takesOver(next Object) string {
	if observing(next) {
		return "observes (managementPolicy: Observe)"
	}
	return "manages"
}

// orphanedBy says why a deletion left the remote object in place.
func orphanedBy(obj Object) string {
	switch {
	case observing(obj):
		return "managementPolicy: Observe"
	case obj.ManagedStatus().Takeover != nil:
		return "its adoption was never completed"
	}
	return "deletionPolicy: Orphan"
}

// sameSpec says whether an observation handed over by the bulk check was made against
// the spec now resolved: one made against an older spec says nothing of what now differs
// or would be erased, and the remote object is read again.
func (r *Reconciler[O, V, R]) sameSpec(s *scope[O, V, R], obs *Observation[R]) bool {
	return obs.DesiredHash == "" || policyHash(s.obj, obs.DesiredHash) == s.desired.Hash
}

// observeOrAdopt returns the remote object: under Observe only if the resource names one
// that exists, else as observeOrCreate finds, adopts or creates it.
func (r *Reconciler[O, V, R]) observeOrAdopt(ctx context.Context, s *scope[O, V, R], ext External[V, R]) (Observation[R], error) {
	if !observing(s.obj) {
		return r.observeOrCreate(ctx, s, ext)
	}
	id := r.remoteName(s.obj)
	if id == "" {
		return Observation[R]{}, &WaitingError{Reason: wassistv1alpha1.ReasonRemoteNotFound, Retry: AmbiguousRetry, Stalled: true,
			Message: "managementPolicy Observe reads the " + r.Noun + " the " + r.IDAnnotation + " annotation names, and " +
				"this resource names none; nothing is created under Observe"}
	}
	obs, err := r.observe(ctx, s, ext, id)
	switch {
	case err != nil:
		return obs, err
	case !obs.Exists:
		return obs, &WaitingError{Reason: wassistv1alpha1.ReasonRemoteNotFound, Retry: AmbiguousRetry, Stalled: true,
			Message: r.Noun + " " + id + " does not exist; nothing is created under managementPolicy Observe"}
	}
	if r.Kind.ExternalName(s.obj) == "" && s.obj.GetRemoteID() != id {
		r.event(s.obj, corev1.EventTypeNormal, wassistv1alpha1.ReasonObserved,
			"Observing remote %s %s (managementPolicy: Observe): nothing is written to it", r.Noun, id)
		s.obj.SetRemoteID(id)
	}
	return obs, nil
}

// takeoverOf is what Full would do to the remote object obs saw.
func (r *Reconciler[O, V, R]) takeoverOf(obs Observation[R]) *wassistv1alpha1.Takeover {
	t := &wassistv1alpha1.Takeover{Changes: slices.Clone(obs.Changes), Erases: slices.Clone(obs.Erases)}
	if !obs.UpToDate && len(t.Changes) == 0 {
		t.Changes = []string{"the " + r.Noun} // a kind that cannot name what differs
	}
	return t
}

// recordTakeover writes on the status what Full would change, and says so in an event
// when it changes.
func (r *Reconciler[O, V, R]) recordTakeover(s *scope[O, V, R], obs Observation[R]) {
	t := r.takeoverOf(obs)
	if old := s.obj.ManagedStatus().Takeover; old == nil || !sameTakeover(*old, *t) {
		r.event(s.obj, corev1.EventTypeNormal, wassistv1alpha1.ReasonObserved, "Observed remote %s %s: %s",
			r.Noun, obs.ID, takeoverMessage(t))
	}
	s.obj.ManagedStatus().Takeover = t
}

// Differs says whether what the bulk check saw of obj's remote object is news for obj:
// under Full, that it differs from the spec, or that an adoption not done yet (a refused
// one) may now go ahead; under Observe, that it differs from what the status reports (a
// remote object that keeps differing in the same settings costs no reconcile). An object
// not observed yet, or whose remote object vanished, always is; so is one seen with
// another key than the status records, which the reconcile then records.
func (r *Reconciler[O, V, R]) Differs(obj O, obs Observation[R]) bool {
	switch {
	case !obs.Exists || !obs.UpToDate && !observing(obj):
		return true
	case obs.KeyFingerprint != "" && obs.KeyFingerprint != obj.ManagedStatus().KeyFingerprint:
		return true // seen with a key not recorded yet (a rotation, or a status from before rule 14)
	case !observing(obj):
		return obj.ManagedStatus().Takeover != nil
	case obj.ManagedStatus().Takeover == nil:
		return !obs.UpToDate
	}
	return !sameTakeover(*obj.ManagedStatus().Takeover, *r.takeoverOf(obs))
}

func sameTakeover(a, b wassistv1alpha1.Takeover) bool {
	return slices.Equal(a.Changes, b.Changes) && slices.Equal(a.Erases, b.Erases)
}

// takeoverMessage says what Full would change.
func takeoverMessage(t *wassistv1alpha1.Takeover) string {
	if len(t.Changes) == 0 {
		return "it equals the spec; managementPolicy Full would change nothing"
	}
	msg := "managementPolicy Full would change " + strings.Join(t.Changes, ", ")
	if len(t.Erases) > 0 {
		msg += ", erasing " + strings.Join(t.Erases, ", ")
	}
	return msg
}

// refuseErasing refuses an adoption that would erase what the spec leaves out. An
// adoption is an update of a remote object the operator did not create, before it has
// applied a spec to it: first seen by this reconcile, or reported under Observe (or by
// an earlier adoption not finished) until now. Its status.takeover stays until a spec is
// applied, so that an adoption interrupted (a failed update, a budget wait) is still one,
// and a deletion meanwhile leaves the remote object alone (see untaken). A kind whose
// spec names its remote object (a number) has nothing to erase.
func (r *Reconciler[O, V, R]) refuseErasing(s *scope[O, V, R], obs Observation[R]) error {
	if r.Kind.ExternalName(s.obj) != "" || obs.Created || (s.base.GetRemoteID() == obs.ID && s.obj.ManagedStatus().Takeover == nil) {
		return nil
	}
	s.obj.ManagedStatus().Takeover = r.takeoverOf(obs)
	if allowsErasing(s.obj) || len(obs.Erases) == 0 {
		return nil
	}
	return &refusedError{reason: wassistv1alpha1.ReasonAdoptionWouldErase, fresh: true, msg: "adopting remote " + r.Noun + " " + obs.ID +
		" would erase what the spec leaves out: " + strings.Join(obs.Erases, ", ") + ". Add these settings to the spec " +
		"(kubectl wassist import writes every setting), or set the " + wassistv1alpha1.AnnotationAllowEraseOnAdoption +
		`: "true" annotation to erase them; nothing is written until then`}
}
