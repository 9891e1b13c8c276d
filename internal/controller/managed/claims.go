package managed

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Exclusive ownership (docs/design.md, rule 9): a remote object is managed by at most one
// resource of its kind in the cluster. Every resource claims the names its Kind gives
// (Kind.Claims); of the live resources that share a claim, the one that already holds
// the remote object owns it, else the oldest. The others send nothing, and their deletion
// never touches the remote object; when the owner goes, the next claimant takes over.
// Claims are found through a cache index, never by listing every object.

// ClaimIndex indexes the objects of a kind by the names of the remote objects they claim
// (Kind.Claims); a kind may read it to know whether any resource names a remote object.
const ClaimIndex = "wassist.app/claims"

// IndexClaims registers the claim index of the kind; it runs before the controller starts.
func (r *Reconciler[O, V, R]) IndexClaims(ctx context.Context, mgr ctrl.Manager) error {
	return mgr.GetFieldIndexer().IndexField(ctx, r.New(), ClaimIndex, func(obj client.Object) []string {
		o, ok := obj.(O)
		if !ok {
			return nil
		}
		return r.Kind.Claims(o)
	})
}

// Claimed says whether any object of a kind (listed into list) claims name, in any
// namespace: a kind's recovery of a create it cannot find by name leaves alone what a
// resource already manages.
func Claimed(ctx context.Context, r client.Reader, list client.ObjectList, name string) (bool, error) {
	if err := r.List(ctx, list, client.MatchingFields{ClaimIndex: name}); err != nil {
		return false, err
	}
	return meta.LenList(list) > 0, nil
}

// claimants returns the objects, in any namespace, that claim any of names.
func (r *Reconciler[O, V, R]) claimants(ctx context.Context, names []string) ([]O, error) {
	var out []O
	seen := map[string]bool{}
	for _, name := range names {
		list := r.NewList()
		if err := r.List(ctx, list, client.MatchingFields{ClaimIndex: name}); err != nil {
			return nil, err
		}
		err := meta.EachListItem(list, func(item runtime.Object) error {
			if o, ok := item.(O); ok && !seen[string(o.GetUID())] {
				seen[string(o.GetUID())] = true
				out = append(out, o)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// owner returns the live object, obj itself included, that owns what obj claims: a
// holder before a newcomer, then the oldest, ties broken by namespace/name. An object
// being deleted no longer claims.
func (r *Reconciler[O, V, R]) owner(ctx context.Context, obj O) (O, error) {
	others, err := r.otherClaimants(ctx, obj)
	return r.first(append(others, obj)), err
}

// first is the claimant that goes before the others (claimants is not empty).
func (r *Reconciler[O, V, R]) first(claimants []O) O {
	winner := claimants[0]
	for _, c := range claimants[1:] {
		if r.outranks(c, winner) {
			winner = c
		}
	}
	return winner
}

// otherClaimants are the live objects other than obj that claim what obj claims.
func (r *Reconciler[O, V, R]) otherClaimants(ctx context.Context, obj O) ([]O, error) {
	all, err := r.claimants(ctx, r.Kind.Claims(obj))
	if err != nil {
		return nil, err
	}
	var others []O
	for _, c := range all {
		if c.GetUID() != obj.GetUID() && c.GetDeletionTimestamp().IsZero() {
			others = append(others, c)
		}
	}
	return others, nil
}

// outranks says whether a's claim goes before b's.
func (r *Reconciler[O, V, R]) outranks(a, b O) bool {
	if ha, hb := r.Kind.Holds(a), r.Kind.Holds(b); ha != hb {
		return ha
	}
	ta, tb := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !ta.Equal(&tb) {
		return ta.Before(&tb)
	}
	return a.GetNamespace()+"/"+a.GetName() < b.GetNamespace()+"/"+b.GetName()
}

// successor returns the claimant that takes over from obj, being deleted, and whether it
// is ready to: it holds the finalizer, which it adds once it owns the remote object.
// Until then obj waits rather than delete what the successor is about to manage.
func (r *Reconciler[O, V, R]) successor(ctx context.Context, obj O) (next O, found, ready bool, err error) {
	others, err := r.otherClaimants(ctx, obj)
	if err != nil || len(others) == 0 {
		return next, false, false, err
	}
	next = r.first(others)
	return next, true, r.Finalizer == "" || controllerutil.ContainsFinalizer(next, r.Finalizer), nil
}

// checkOwnership fails with AlreadyManaged unless obj owns what it claims.
func (r *Reconciler[O, V, R]) checkOwnership(ctx context.Context, obj O) error {
	if len(r.Kind.Claims(obj)) == 0 {
		return nil
	}
	winner, err := r.owner(ctx, obj)
	if err != nil || winner.GetUID() == obj.GetUID() {
		return err
	}
	return &WaitingError{Reason: wassistv1alpha1.ReasonAlreadyManaged, Stalled: true, Message: fmt.Sprintf(
		"the remote %s %s is already managed by %s; this resource sends nothing, and its deletion leaves the %s alone, "+
			"until that one is deleted", r.Noun, r.remoteName(obj), r.describe(obj, winner), r.Noun)}
}

// describe names other as seen from obj: by name in obj's namespace, and without naming
// anything of another namespace, which obj's users may not be allowed to see.
func (r *Reconciler[O, V, R]) describe(obj, other O) string {
	kind := "resource"
	if gvk, err := apiutil.GVKForObject(other, r.Scheme()); err == nil {
		kind = gvk.Kind
	}
	if other.GetNamespace() == obj.GetNamespace() {
		return kind + " " + other.GetName()
	}
	return "a " + kind + " in another namespace"
}

// claimantsHandler wakes the other claimants of an object when it stops claiming
// something (deleted, being deleted, or its claims changed), so the next claimant takes
// over; nothing else about an object concerns its co-claimants.
func (r *Reconciler[O, V, R]) claimantsHandler() handler.TypedEventHandler[client.Object, reconcile.Request] {
	type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]
	enqueue := func(ctx context.Context, q queue, obj client.Object, names []string) {
		others, err := r.claimants(ctx, names)
		if err != nil {
			return
		}
		for _, c := range others {
			if c.GetUID() != obj.GetUID() {
				q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(c)})
			}
		}
	}
	claims := func(obj client.Object) []string {
		if o, ok := obj.(O); ok {
			return r.Kind.Claims(o)
		}
		return nil
	}
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		UpdateFunc: func(ctx context.Context, e event.TypedUpdateEvent[client.Object], q queue) {
			before, after := claims(e.ObjectOld), claims(e.ObjectNew)
			startsDeleting := e.ObjectOld.GetDeletionTimestamp().IsZero() && !e.ObjectNew.GetDeletionTimestamp().IsZero()
			if startsDeleting || !slices.Equal(before, after) {
				enqueue(ctx, q, e.ObjectNew, append(before, after...))
			}
		},
		DeleteFunc: func(ctx context.Context, e event.TypedDeleteEvent[client.Object], q queue) {
			enqueue(ctx, q, e.Object, claims(e.Object))
		},
	}
}
