package managed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// reconcileDelete deletes the remote object under deletionPolicy Delete (a 404 counts as
// done), keeps it under Orphan, and then releases the finalizer (docs/design.md, rule 7).
func (r *Reconciler[O, V, R]) reconcileDelete(ctx context.Context, s *scope[O, V, R]) error {
	obj := s.obj
	s.observed, _ = r.observations.take(obj.GetUID())
	if r.Finalizer == "" || !controllerutil.ContainsFinalizer(obj, r.Finalizer) {
		s.deleted = true
		return nil
	}
	if err := r.unused(ctx, obj); err != nil {
		return err
	}
	orphan := obj.Managed().DeletionPolicy == wassistv1alpha1.DeletionPolicyOrphan || untaken(obj)
	switch next, found, ready, err := r.successor(ctx, obj); {
	case err != nil:
		return err
	case found && !ready && !orphan:
		// Never delete what another resource is about to manage: wait until it has.
		return &WaitingError{Reason: wassistv1alpha1.ReasonHandingOver, Retry: time.Second, Message: fmt.Sprintf(
			"waiting for %s, which names the same remote %s, to take it over; nothing is deleted "+
				"(set deletionPolicy: Orphan to finish now)", r.describe(obj, next), r.Noun)}
	case found:
		r.event(obj, corev1.EventTypeNormal, "HandedOver", "Left remote %s %s in place: %s names it too and %s it now",
			r.Noun, r.deleteTarget(obj), r.describe(obj, next), takesOver(next))
	case !orphan:
		s.urgent = true
		if err := r.deleteRemote(r.withTurn(ctx, s), s); err != nil {
			return err
		}
	default:
		if id := r.deleteTarget(obj); id != "" {
			r.event(obj, corev1.EventTypeNormal, "Orphaned", "Left remote %s %s in place (%s)", r.Noun, id, orphanedBy(obj))
		}
	}
	if err := r.patchMetadata(ctx, obj, func(o O) { controllerutil.RemoveFinalizer(o, r.Finalizer) }); err != nil {
		return err
	}
	s.deleted = true
	return nil
}

// unused holds the deletion of an object other resources use, whatever its policy:
// deleted first, it would leave them live against nothing (a number routed to an agent
// nobody manages) or unable to finish their own deletion (docs/design.md, rule 17).
func (r *Reconciler[O, V, R]) unused(ctx context.Context, obj O) error {
	used, ok := r.Kind.(Used[O])
	if !ok {
		return nil
	}
	users, err := used.UsedBy(ctx, obj)
	if err != nil || len(users) == 0 {
		return err
	}
	slices.Sort(users) // the cache lists in no fixed order: one message, one status write
	return &WaitingError{Reason: wassistv1alpha1.ReasonInUse, Retry: time.Minute, Message: fmt.Sprintf(
		"in use by %s: this %s is deleted once %s deleted or no longer %s it; nothing is deleted until then",
		strings.Join(users, ", "), r.Noun, plural(users, "that resource is", "those resources are"), plural(users, "names", "name"))}
}

func plural(names []string, one, many string) string {
	if len(names) == 1 {
		return one
	}
	return many
}

// deleteRemote deletes the remote object, or what an interrupted create may have made:
// looked up by marker, deleted, never stored nor announced as recovered.
func (r *Reconciler[O, V, R]) deleteRemote(ctx context.Context, s *scope[O, V, R]) error {
	id := r.deleteTarget(s.obj)
	if id == "" && !createPending(s.obj) {
		return nil // nothing was ever created
	}
	ext, err := r.Kind.Connect(ctx, s.obj, nil)
	if err != nil {
		return err
	}
	if id == "" {
		if id, err = r.findCreated(ctx, s, ext); err != nil || id == "" {
			return err
		}
	} else if err := r.deletable(ctx, s.obj, ext, id); err != nil {
		return err
	}
	switch err := ext.Delete(ctx, id); {
	case errors.Is(err, ErrNothingToDelete):
		return nil
	case err != nil && !isNotFound(err):
		return err
	}
	r.event(s.obj, corev1.EventTypeNormal, r.Deleted.Reason, r.Deleted.Note, id)
	return nil
}

// deleteTarget is the remote object a deletion acts on: the one the operator has seen
// exist as this object's when an id annotation was changed since (a change refused with
// IdentityChanged), else the one the object names.
func (r *Reconciler[O, V, R]) deleteTarget(obj O) string {
	if r.Kind.ExternalName(obj) == "" && obj.GetRemoteID() != "" && !createPending(obj) {
		return obj.GetRemoteID()
	}
	return r.remoteName(obj)
}

// findCreated returns the id of what an interrupted create made ("" for nothing), as a
// reconcile held by the budget before the delete found it, or by marker.
func (r *Reconciler[O, V, R]) findCreated(ctx context.Context, s *scope[O, V, R], ext External[V, R]) (string, error) {
	if s.observed != nil && s.observed.Exists && s.observed.ID != "" {
		return s.observed.ID, nil
	}
	found, err := ext.Find(ctx, r.marker(s.obj), Desired[V]{})
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		s.latest = &Observation[R]{ID: found[0].ID, Exists: true} // so that a wait for the delete's token lists nothing again
		return found[0].ID, nil
	default:
		return "", r.ambiguous(found)
	}
}
