package managed

import (
	"context"
	"maps"
	"time"

	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Builder starts the kind's controller: its objects, the bulk check's queue, and the
// options every kind shares. The kind adds its own watches and completes it with r.
func (r *Reconciler[O, V, R]) Builder(mgr ctrl.Manager, name string) *builder.Builder {
	r.drifted = make(chan event.TypedGenericEvent[client.Object], 1024)
	// The controller's own status and create-pending writes do not reconcile again;
	// spec, deletion and other annotation changes (adopt, pause) do.
	preds := []predicate.Predicate{predicate.Or(predicate.GenerationChangedPredicate{}, UserAnnotationChanged(r.IDAnnotation))}
	tenanted, inTurns := r.Kind.(Tenanted[O])
	if inTurns {
		preds = append(preds, notNewcomerCreate[O]())
	}
	b := ctrl.NewControllerManagedBy(mgr).
		For(r.New(), builder.WithPredicates(preds...)).
		WatchesRawSource(source.TypedChannel(r.drifted, lowPriority())).
		// An object that stops claiming a remote object hands it to the next claimant.
		Watches(r.New(), r.claimantsHandler())
	if inTurns {
		b = b.Watches(r.New(), turnsHandler(tenanted))
	}
	return b.WithOptions(controllerOptions(r.Workers)).Named(name)
}

// UserAnnotationChanged passes updates that change an annotation other than the
// controller's own writes around a create: the create-pending marker, and the id (in
// idAnnotation) that replaces it when the create succeeds. A user setting the id by
// hand, to adopt or to settle CreateAmbiguous, leaves create-pending alone.
func UserAnnotationChanged(idAnnotation string) predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		oldA, newA := e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()
		_, wasPending := oldA[wassistv1alpha1.AnnotationCreatePending]
		_, isPending := newA[wassistv1alpha1.AnnotationCreatePending]
		idStored := idAnnotation != "" && wasPending && !isPending && oldA[idAnnotation] == "" && newA[idAnnotation] != ""
		without := func(a map[string]string) map[string]string {
			a = maps.Clone(a)
			delete(a, wassistv1alpha1.AnnotationCreatePending)
			if idStored {
				delete(a, idAnnotation)
			}
			return a
		}
		return !maps.Equal(without(oldA), without(newA))
	}}
}

// controllerOptions: failing objects are retried from 1s up to 5 minutes apart, and a
// priority queue puts user changes before periodic checks and drift repairs.
func controllerOptions(workers int) controller.Options {
	return controller.Options{
		RateLimiter:             workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](time.Second, 5*time.Minute),
		UsePriorityQueue:        new(true),
		MaxConcurrentReconciles: max(workers, 1),
	}
}

// lowPriority enqueues the bulk drift check's objects behind user changes.
func lowPriority() handler.TypedEventHandler[client.Object, reconcile.Request] {
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		GenericFunc: func(_ context.Context, e event.TypedGenericEvent[client.Object],
			q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(q, e.Object, handler.LowPriority)
		},
	}
}

// enqueue queues obj at priority, or plainly when the queue has no priorities.
func enqueue(q workqueue.TypedRateLimitingInterface[reconcile.Request], obj client.Object, priority int) {
	req := reconcile.Request{NamespacedName: client.ObjectKeyFromObject(obj)}
	if pq, ok := q.(priorityqueue.PriorityQueue[reconcile.Request]); ok {
		pq.AddWithOpts(priorityqueue.AddOpts{Priority: &priority}, req)
		return
	}
	q.Add(req)
}
