package managed

import (
	"context"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Reconciler keeps the remote objects of one kind equal to its resources.
type Reconciler[O Object, V, R any] struct {
	client.Client
	// APIReader reads the object uncached, before the core concludes it is behind.
	APIReader client.Reader
	// Recorder sends the events of every remote write and every failure.
	Recorder events.EventRecorder
	// Kind is the kind's part: its desired state and how to reach the API.
	Kind Kind[O, V, R]
	// New returns an empty object of the kind; NewList an empty list of them.
	New     func() O
	NewList func() client.ObjectList
	// Noun names the remote object in events and messages ("agent").
	Noun string
	// Finalizer holds the resource until its remote object is deleted or orphaned;
	// empty for a kind whose deletion leaves the remote side as it is.
	Finalizer string
	// IDAnnotation holds the id of a remote object the operator created or adopted
	// (for kinds whose ExternalName is empty).
	IDAnnotation string
	// ReadyMessage is the message of Ready=True.
	ReadyMessage string
	// Deleted is the event of a remote object deleted with its resource; its note
	// formats the object's id.
	Deleted EventText
	// Drift is how drift is found.
	Drift DriftMode
	// Awaits are the reasons of an Observation.Wait: an object applied as it is and
	// waiting with one of them is not read again until the bulk check (or its sync
	// period, in the periodic mode) finds a change.
	Awaits map[string]bool
	// Workers is how many objects are reconciled at once (default 1). Every worker
	// draws on the same per-key budgets, so more workers never spend more of them.
	Workers int
	// Turns names the object in the calls made for it, for the client's budget; nil
	// names nothing.
	Turns TurnFunc

	observations observations[R]
	drifted      chan event.TypedGenericEvent[client.Object]
}

// EventText is the reason and note of an event.
type EventText struct{ Reason, Note string }

// scope is one reconcile's state.
type scope[O Object, V, R any] struct {
	obj  O
	base O // as read, for the status patch
	// desired is the resolved spec, once resolved; ext reaches its remote side through
	// the key the spec names, once connected.
	desired  Desired[V]
	resolved bool
	ext      External[V, R]
	// recheck: the bulk check or a reconcile held by the budget left word for this one;
	// observed is what it saw (nil: look again). latest is what is known of the remote
	// object now, kept when the budget holds the reconcile.
	recheck  bool
	observed *Observation[R]
	latest   *Observation[R]
	// beforeUpdate is the object as it was before the kind's Update: what Update wrote on
	// the status (a share made) must be kept even when the budget then holds it.
	beforeUpdate O
	// urgent: the reconcile goes before background work for its key's budget.
	urgent bool
	// waitApplied: the spec was applied before and still waits (Desired.Wait).
	waitApplied bool
	// confirmed: the API confirmed in this reconcile that the remote equals the spec.
	confirmed bool
	paused    bool
	// deleted: the finalizer is gone, there is no status left to write.
	deleted bool
}

// Reconcile fetches the object, hands it to the phase its state calls for, and writes
// its status once, at the end, whatever the phase returned.
func (r *Reconciler[O, V, R]) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	obj := r.New()
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &scope[O, V, R]{obj: obj, base: obj.DeepCopyObject().(O)}
	defer func() { res, retErr = r.finish(ctx, s, retErr) }()

	switch {
	case IsPaused(obj):
		s.paused = true
		return ctrl.Result{}, nil
	case !obj.GetDeletionTimestamp().IsZero():
		return ctrl.Result{}, r.reconcileDelete(ctx, s)
	default:
		return ctrl.Result{}, r.reconcileNormal(ctx, s)
	}
}

// withTurn names the object in the calls made for it (Reconciler.Turns): when its key's
// budget cannot serve a call at once, the call does not wait but holds the object's turn
// and fails as Unsent. A reconcile that applies a spec not yet applied (a user's change, a
// first sync, a retry after a failure) is urgent; drift repairs and periodic checks of
// an object in sync are not, and queue behind.
func (r *Reconciler[O, V, R]) withTurn(ctx context.Context, s *scope[O, V, R]) context.Context {
	if r.Turns == nil {
		return ctx
	}
	return r.Turns(ctx, string(s.obj.GetUID()), s.urgent)
}

// IsPaused says whether the paused annotation stops all API traffic for obj.
func IsPaused(obj client.Object) bool {
	return obj.GetAnnotations()[wassistv1alpha1.AnnotationPaused] == annotationTrue
}

// annotationTrue is the value that turns a boolean annotation on; any other is off.
const annotationTrue = "true"

// reconcileNormal: admit → desired → anything due? → sync.
func (r *Reconciler[O, V, R]) reconcileNormal(ctx context.Context, s *scope[O, V, R]) error {
	if obs, ok := r.observations.take(s.obj.GetUID()); ok {
		s.recheck, s.observed, s.latest = true, obs, obs
	}
	if err := r.admit(ctx, s.obj); err != nil {
		return err
	}
	switch v, err := r.due(ctx, s); {
	case err != nil:
		return err
	case v == inSync:
		return nil
	case v == refused:
		return refusedAgain(s.obj)
	case v == stillWaiting:
		s.waitApplied = true
		return s.desired.Wait
	case v == awaiting:
		s.waitApplied = true
		return awaitingAgain(s.obj)
	}
	return r.sync(ctx, s)
}

// admit settles what the object may do before anything is resolved or sent: its
// identity, its ownership, its finalizer. An object never created gets its finalizer
// with its create-pending marker, in the create's first patch.
func (r *Reconciler[O, V, R]) admit(ctx context.Context, obj O) error {
	if err := r.keepIdentity(ctx, obj); err != nil {
		return err
	}
	if err := r.checkOwnership(ctx, obj); err != nil {
		return err
	}
	if r.Finalizer == "" || r.neverCreated(obj) {
		return nil
	}
	return r.ensureFinalizer(ctx, obj)
}

// sync: observe | create → update, and then the spec's wait, if any.
func (r *Reconciler[O, V, R]) sync(ctx context.Context, s *scope[O, V, R]) error {
	s.urgent = s.obj.ManagedStatus().AppliedHash != s.desired.Hash || s.obj.ManagedStatus().LastSyncTime == nil
	ctx = r.withTurn(ctx, s)
	ext := s.ext
	claims := r.Kind.Claims(s.obj)
	obs, err := r.observeOrAdopt(ctx, s, ext)
	if err != nil {
		return err
	}
	seen(s.obj, ext)
	if !slices.Equal(claims, r.Kind.Claims(s.obj)) {
		// The observation named the remote object in another form (the number an
		// account's number id stands for): its owner may be another object.
		if err := r.checkOwnership(ctx, s.obj); err != nil {
			return err
		}
	}
	if observing(s.obj) {
		r.recordTakeover(s, obs)
		s.confirmed = true
		return nil
	}
	if !obs.UpToDate {
		if err := r.refuseErasing(s, obs); err != nil {
			return err
		}
		if err := r.intend(ctx, s, ext, obs); err != nil {
			return err
		}
		s.beforeUpdate = s.obj.DeepCopyObject().(O)
		obs, err = ext.Update(ctx, obs, s.desired)
		s.latest = &obs
		if err != nil {
			return err
		}
	}
	s.confirmed = true
	s.obj.ManagedStatus().Takeover = nil
	if obs.Wait != nil {
		return obs.Wait
	}
	if s.desired.Wait != nil {
		return s.desired.Wait
	}
	return nil
}

// intend persists what an Intender is about to send before it is sent.
func (r *Reconciler[O, V, R]) intend(ctx context.Context, s *scope[O, V, R], ext External[V, R], obs Observation[R]) error {
	in, ok := ext.(Intender[V, R])
	if !ok || !in.Intend(obs, s.desired) {
		return nil
	}
	err := r.sendStatus(ctx, s.obj, s.base, true)
	if apierrors.IsConflict(err) {
		return &staleError{err: err}
	}
	if err != nil {
		return err
	}
	s.base = s.obj.DeepCopyObject().(O)
	return nil
}

// ensureFinalizer adds the finalizer to an object that names a remote object or has a
// create under way (adopted, from an older version, or its finalizer removed by hand).
func (r *Reconciler[O, V, R]) ensureFinalizer(ctx context.Context, obj O) error {
	if controllerutil.ContainsFinalizer(obj, r.Finalizer) {
		return nil
	}
	return r.patchMetadata(ctx, obj, func(o O) { controllerutil.AddFinalizer(o, r.Finalizer) })
}

// remoteName is the id of the remote object obj names: its spec's, or the one the
// operator keeps in the id annotation.
func (r *Reconciler[O, V, R]) remoteName(obj O) string {
	if id := r.Kind.ExternalName(obj); id != "" {
		return id
	}
	if r.IDAnnotation == "" {
		return ""
	}
	return obj.GetAnnotations()[r.IDAnnotation]
}

func (r *Reconciler[O, V, R]) event(obj client.Object, eventType, reason, note string, args ...any) {
	Emit(r.Recorder, obj, eventType, reason, note, args...)
}

// Emit sends an event about obj, for the core and the kinds alike; the action is the
// reason, as kubectl shows it.
func Emit(rec events.EventRecorder, obj client.Object, eventType, reason, note string, args ...any) {
	if rec != nil {
		rec.Eventf(obj, nil, eventType, reason, reason, note, args...)
	}
}
