package managed

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// keepIdentity makes a known id outlive its annotation (docs/design.md, rule 10). Once
// the operator has seen an object's remote object exist (its status holds the id), the
// id annotation is how it is found again; an annotation lost (a kubectl replace, an apply
// that drops it) is restored from the status, never answered with a create. An
// annotation changed to another id is refused: following it would silently swap the
// remote object the resource stands for.
func (r *Reconciler[O, V, R]) keepIdentity(ctx context.Context, obj O) error {
	if r.IDAnnotation == "" || r.Kind.ExternalName(obj) != "" || createPending(obj) {
		return nil
	}
	known, named := obj.GetRemoteID(), obj.GetAnnotations()[r.IDAnnotation]
	if known == "" || named == known {
		return nil
	}
	// The cache may show this controller's id annotation write and not yet its status
	// write (a re-create), which is no mismatch at all.
	switch _, changed, err := r.reread(ctx, obj); {
	case err != nil:
		return err
	case changed:
		return &staleError{err: errors.New("the cache is behind the object")}
	}
	if named != "" {
		return &WaitingError{Reason: wassistv1alpha1.ReasonIdentityChanged, Stalled: true, Message: "the " + r.IDAnnotation +
			" annotation names " + r.Noun + " " + named + ", but this resource manages " + r.Noun + " " + known +
			" (status); set the annotation back to " + known + ". To manage " + named + " instead, delete this resource " +
			"with deletionPolicy Orphan and create one that names it"}
	}
	if err := r.patchMetadata(ctx, obj, func(o O) { setAnnotation(o, r.IDAnnotation, known) }); err != nil {
		return err
	}
	r.event(obj, corev1.EventTypeNormal, "IdentityRestored",
		"Restored the %s annotation from the status: this resource manages remote %s %s", r.IDAnnotation, r.Noun, known)
	return nil
}
