package managed

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// patchMetadata applies mutate to the object's metadata and persists it at once with a
// merge patch (without options: no resourceVersion, so no conflict to retry), keeping
// the in-memory status.
func (r *Reconciler[O, V, R]) patchMetadata(ctx context.Context, obj O, mutate func(O), opts ...client.MergeFromOption) error {
	before := obj.DeepCopyObject().(O)
	after := obj.DeepCopyObject().(O)
	mutate(after)
	if err := r.Patch(ctx, after, client.MergeFromWithOptions(before, opts...)); err != nil {
		return err
	}
	obj.SetAnnotations(after.GetAnnotations())
	obj.SetFinalizers(after.GetFinalizers())
	obj.SetResourceVersion(after.GetResourceVersion())
	return nil
}

// patchMetadataIfCurrent is patchMetadata that fails (with a staleError) unless the
// object is still at the version this reconcile read.
func (r *Reconciler[O, V, R]) patchMetadataIfCurrent(ctx context.Context, obj O, mutate func(O)) error {
	err := r.patchMetadata(ctx, obj, mutate, client.MergeFromWithOptimisticLock{})
	if apierrors.IsConflict(err) {
		return &staleError{err: err}
	}
	return err
}

func setAnnotation(obj client.Object, key, value string) {
	a := obj.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[key] = value
	obj.SetAnnotations(a)
}
