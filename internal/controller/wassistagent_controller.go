/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package controller

import (
	"context"
	"hash/fnv"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// DefaultSyncPeriod is how often a Ready agent is compared with the remote one.
const DefaultSyncPeriod = 10 * time.Minute

// WassistAgentReconciler keeps a remote Wassist agent equal to each WassistAgent.
type WassistAgentReconciler struct {
	client.Client
	Scheme *runtime.Scheme
	// APIReader reads the object itself uncached, before an update is decided on.
	APIReader client.Reader
	// Secrets reads the API key and the credit grant password.
	Secrets *SecretReader
	// Wassist holds one API client per key, shared with the other controller.
	Wassist *wassist.Pool
	// Observer reads the remote agent; nil means one GET per object.
	Observer AgentObserver
	// Drift, when set, finds drift in bulk once per sync period and replaces the
	// per-object periodic check; nil means one GET per object and period.
	Drift *DriftObserver
	// Recorder sends the events of every remote write and every failure.
	Recorder events.EventRecorder
	// SyncPeriod is how often a Ready agent is compared with the remote (jittered).
	SyncPeriod time.Duration
	// Workers is how many agents are reconciled at once (default 1). Every worker
	// draws on the same per-key budget, so more workers never spend more of it.
	Workers int

	// keyIDs remembers the key each object last used (by object UID), so that a
	// deletion can finish with that key's client after its Secret is gone.
	keyIDs sync.Map
}

// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents/status,verbs=patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile fetches the agent, hands it to the phase its state calls for, and writes
// its status once, at the end, whatever the phase returned.
func (r *WassistAgentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	agent := &wassistv1alpha1.WassistAgent{}
	if err := r.Get(ctx, req.NamespacedName, agent); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &agentScope{agent: agent, base: agent.DeepCopy()}
	defer func() { res, retErr = r.finish(ctx, s, res, retErr) }()

	switch {
	case isPaused(agent):
		s.paused = true
		return ctrl.Result{}, nil
	case !agent.DeletionTimestamp.IsZero():
		return r.reconcileDelete(ctx, s)
	default:
		return r.reconcileNormal(ctx, s)
	}
}

// agentScope is one reconcile's state.
type agentScope struct {
	agent *wassistv1alpha1.WassistAgent
	base  *wassistv1alpha1.WassistAgent // as read, for the status patch
	api   *wassist.Client
	// confirmed is set once the API confirmed, in this reconcile, that the remote agent
	// equals the spec: only then does lastSyncTime move.
	confirmed bool
	paused    bool
	// deleted is set once the finalizer is gone: there is no status left to write.
	deleted bool
	// drifted is set when the bulk drift check enqueued the object; remote is what it
	// saw (nil: the agent vanished).
	drifted bool
	remote  *wassist.Agent
	// created is set when this reconcile created the remote agent: its first PATCH is
	// part of the create, and the Created event says it all.
	created bool
}

// reconcileNormal: finalizer → in sync already? → credentials → observe | create → update → sharing.
// The finalizer is in place before anything remote exists; an object never created
// gets it with its create-pending marker, in the create's first patch.
func (r *WassistAgentReconciler) reconcileNormal(ctx context.Context, s *agentScope) (ctrl.Result, error) {
	if !neverCreated(s.agent) {
		if err := r.ensureFinalizer(ctx, s.agent); err != nil {
			return ctrl.Result{}, err
		}
	}
	want, done, res, err := r.inSync(ctx, s)
	if done || err != nil {
		return res, err
	}
	if err := r.resolveCredentials(ctx, s); err != nil {
		return ctrl.Result{}, err
	}
	remote, err := r.observeOrCreate(ctx, s)
	if err != nil || remote == nil {
		return ctrl.Result{}, err
	}
	if err := r.update(ctx, s, remote, want.view); err != nil {
		if wassist.IsInvalid(err) {
			// Remember what was refused: only a change of it is worth another try.
			s.agent.Status.AppliedHash = want.hash
		}
		return ctrl.Result{}, err
	}
	if err := r.reconcileSharing(ctx, s); err != nil {
		return ctrl.Result{}, err
	}
	s.confirmed = true
	s.agent.Status.AppliedHash = want.hash
	return r.nextCheck(s.agent), nil
}

// inSync resolves the spec and says whether the last reconcile still stands, so that
// this one needs no API call (rule 1). Before it concludes "no", it re-reads the object
// uncached: the cache may be behind this controller's own last writes (an id stored, a
// status not seen yet), and the API budget is not spent on a stale view.
func (r *WassistAgentReconciler) inSync(ctx context.Context, s *agentScope) (desiredAgent, bool, ctrl.Result, error) {
	want, err := r.desired(ctx, s.agent)
	if err != nil {
		return want, true, ctrl.Result{}, err
	}
	if r.Drift != nil {
		s.remote, s.drifted = r.Drift.take(s.agent.UID)
	}
	if s.drifted {
		return want, false, ctrl.Result{}, nil
	}
	if done, res, err := r.nothingToDo(s.agent, want.hash); done {
		return want, true, res, err
	}
	if neverCreated(s.agent) {
		// Nothing to confirm: the create's first write is conditional on this very
		// version of the object, so a stale cache fails it rather than creating twice.
		return want, false, ctrl.Result{}, nil
	}
	fresh, err := r.refresh(ctx, s)
	if err != nil || !fresh {
		return want, err != nil, ctrl.Result{}, err
	}
	if want, err = r.desired(ctx, s.agent); err != nil {
		return want, true, ctrl.Result{}, err
	}
	done, res, err := r.nothingToDo(s.agent, want.hash)
	return want, done, res, err
}

// desired resolves the spec's references and returns the agent it asks for, with the
// hash the status keeps of it.
func (r *WassistAgentReconciler) desired(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (desiredAgent, error) {
	refs, err := r.resolveRefs(ctx, agent)
	if err != nil {
		return desiredAgent{}, err
	}
	deployments, err := r.deploymentsFingerprint(ctx, agent)
	if err != nil {
		return desiredAgent{}, err
	}
	view := desiredView(agent, refs)
	return desiredAgent{view: view, hash: view.hash(deployments)}, nil
}

// desiredAgent is the agent the spec asks for, and its hash.
type desiredAgent struct {
	view agentView
	hash string
}

// deploymentsFingerprint names the Ready WassistDeployments of the agent. It is
// part of the applied hash, so that when a deployment comes, goes or changes, the agent
// is read again and its status.phoneNumbers follows.
func (r *WassistAgentReconciler) deploymentsFingerprint(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (string, error) {
	deps := &wassistv1alpha1.WassistDeploymentList{}
	if err := r.List(ctx, deps, client.InNamespace(agent.Namespace),
		client.MatchingFields{deploymentAgentIndex: agent.Name}); err != nil {
		return "", err
	}
	parts := make([]string, 0, len(deps.Items))
	for _, d := range deps.Items {
		if meta.IsStatusConditionTrue(d.Status.Conditions, wassistv1alpha1.ConditionReady) {
			parts = append(parts, d.Name+"="+d.Status.PhoneNumberID)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ","), nil
}

// refresh re-reads the object uncached and reports whether the cache was behind.
func (r *WassistAgentReconciler) refresh(ctx context.Context, s *agentScope) (bool, error) {
	fresh := &wassistv1alpha1.WassistAgent{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.agent), fresh); err != nil {
		return false, err
	}
	if fresh.ResourceVersion == s.agent.ResourceVersion {
		return false, nil
	}
	s.agent, s.base = fresh, fresh.DeepCopy()
	return true, nil
}

// nothingToDo says whether the last reconcile still stands, so that this one needs no
// API call: the last sync is up to date, or the API refused this very spec already.
func (r *WassistAgentReconciler) nothingToDo(agent *wassistv1alpha1.WassistAgent, wantHash string) (bool, ctrl.Result, error) {
	if r.upToDate(agent, wantHash) {
		res := r.nextCheck(agent)
		if r.Drift == nil {
			res.RequeueAfter = r.untilNextSync(agent)
		}
		return true, res, nil
	}
	st := agent.Status
	ready := meta.FindStatusCondition(st.Conditions, wassistv1alpha1.ConditionReady)
	if ready != nil && ready.Reason == wassistv1alpha1.ReasonInvalidSpec &&
		st.ObservedGeneration == agent.Generation && st.AppliedHash == wantHash {
		return true, ctrl.Result{}, &waitingError{reason: ready.Reason, msg: ready.Message}
	}
	return false, ctrl.Result{}, nil
}

// upToDate says whether the last successful sync still holds: same generation, same
// resolved spec, Ready, and younger than the sync period.
func (r *WassistAgentReconciler) upToDate(agent *wassistv1alpha1.WassistAgent, wantHash string) bool {
	st := agent.Status
	return st.AgentID != "" &&
		st.AgentID == agent.Annotations[wassistv1alpha1.AnnotationAgentID] &&
		controllerutil.ContainsFinalizer(agent, wassistv1alpha1.Finalizer) &&
		st.ObservedGeneration == agent.Generation &&
		st.AppliedHash == wantHash &&
		meta.IsStatusConditionTrue(st.Conditions, wassistv1alpha1.ConditionReady) &&
		// With the bulk drift check, drift enqueues the object itself: no period here.
		(r.Drift != nil || r.untilNextSync(agent) > 0) &&
		sharedAsSpecified(agent)
}

// nextCheck is the result of a reconcile that left the object in sync: with the bulk
// drift check nothing more; otherwise a periodic check, behind any user change.
func (r *WassistAgentReconciler) nextCheck(agent *wassistv1alpha1.WassistAgent) ctrl.Result {
	if r.Drift != nil {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: objectSyncPeriod(agent.UID, r.SyncPeriod), Priority: new(handler.LowPriority)}
}

func (r *WassistAgentReconciler) untilNextSync(agent *wassistv1alpha1.WassistAgent) time.Duration {
	return untilNextSync(agent.Status.LastSyncTime, objectSyncPeriod(agent.UID, r.SyncPeriod))
}

// untilNextSync is how long a sync made at last stays fresh.
func untilNextSync(last *metav1.Time, period time.Duration) time.Duration {
	if last == nil {
		return 0
	}
	return time.Until(last.Add(period))
}

// objectSyncPeriod is the sync period (DefaultSyncPeriod when unset) shortened by up to a
// tenth, by an amount fixed per object (from its UID): the periodic checks of objects
// created together then spread over time instead of all falling due at once, and stay spread.
func objectSyncPeriod(uid types.UID, period time.Duration) time.Duration {
	if period <= 0 {
		period = DefaultSyncPeriod
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(uid))
	return period - time.Duration(float64(period)*0.1*float64(h.Sum32())/math.MaxUint32)
}

// ensureFinalizer adds the finalizer to an object that names a remote agent or has a
// create under way (adopted, from an older version, or its finalizer removed by hand).
func (r *WassistAgentReconciler) ensureFinalizer(ctx context.Context, agent *wassistv1alpha1.WassistAgent) error {
	if controllerutil.ContainsFinalizer(agent, wassistv1alpha1.Finalizer) {
		return nil
	}
	return r.patchMetadata(ctx, agent, func(a *wassistv1alpha1.WassistAgent) {
		controllerutil.AddFinalizer(a, wassistv1alpha1.Finalizer)
	})
}

// resolveCredentials reads the API key and picks the key's shared client.
func (r *WassistAgentReconciler) resolveCredentials(ctx context.Context, s *agentScope) error {
	api, keyID, err := apiClient(ctx, r.Secrets, r.Wassist, s.agent.Namespace, s.agent.Spec.APIKeySecretRef)
	if err != nil {
		return err
	}
	s.api = api
	r.keyIDs.Store(s.agent.UID, keyID)
	return nil
}

// resolveRefs reads what the spec names indirectly: handoff agents' ids (waiting, with
// a reason, for those not created yet) and the credit grant password.
func (r *WassistAgentReconciler) resolveRefs(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (resolvedRefs, error) {
	refs := resolvedRefs{handoffIDs: map[string]string{}}
	for _, h := range agent.Spec.HandoffTools {
		if h.AgentRef == nil {
			continue
		}
		child := &wassistv1alpha1.WassistAgent{}
		err := r.Get(ctx, client.ObjectKey{Namespace: agent.Namespace, Name: h.AgentRef.Name}, child)
		if err != nil && !apierrors.IsNotFound(err) {
			return refs, err
		}
		if err != nil || child.Status.AgentID == "" {
			return refs, &waitingError{reason: wassistv1alpha1.ReasonHandoffAgentPending,
				msg:   "waiting for WassistAgent " + h.AgentRef.Name + " (a handoff target) to have an agent id",
				retry: time.Minute}
		}
		refs.handoffIDs[h.AgentRef.Name] = child.Status.AgentID
	}
	if cs := agent.Spec.CreditSettings; cs != nil && cs.CreditGrantPasswordSecretRef != nil {
		password, err := r.Secrets.Value(ctx, agent.Namespace, *cs.CreditGrantPasswordSecretRef)
		if err != nil {
			return refs, err
		}
		refs.creditPassword = password
	}
	return refs, nil
}

// observeOrCreate returns the remote agent, creating it (crash-safe) or adopting it
// when the object has none yet. A nil agent with no error means "come back later".
func (r *WassistAgentReconciler) observeOrCreate(ctx context.Context, s *agentScope) (*wassist.Agent, error) {
	id := s.agent.Annotations[wassistv1alpha1.AnnotationAgentID]
	if id == "" {
		return r.createCrashSafe(ctx, s)
	}
	remote, err := r.observe(ctx, s, id)
	switch {
	case err == nil:
		if s.agent.Status.AgentID != id {
			r.event(s.agent, corev1.EventTypeNormal, "Adopted", "Managing remote agent %s", id)
		}
		s.agent.Status.AgentID = id
		// An id set by hand (to resolve CreateAmbiguous) settles an interrupted create.
		if _, pending := s.agent.Annotations[wassistv1alpha1.AnnotationCreatePending]; pending {
			err = r.patchMetadata(ctx, s.agent, func(a *wassistv1alpha1.WassistAgent) {
				delete(a.Annotations, wassistv1alpha1.AnnotationCreatePending)
			})
		}
		return remote, err
	case !wassist.IsNotFound(err):
		return nil, err
	case s.agent.Status.AgentID != id:
		// An id the operator never saw exist: a user's adoption of a missing agent.
		// Creating a new one would hide the mistake.
		return nil, &waitingError{reason: wassistv1alpha1.ReasonRemoteNotFound,
			msg: "agent " + id + " named by the " + wassistv1alpha1.AnnotationAgentID + " annotation does not exist", retry: ambiguousRetry}
	default:
		// Deleted behind the operator's back: re-create it (rule 4).
		r.event(s.agent, corev1.EventTypeWarning, "RemoteDeleted", "Remote agent %s was deleted outside the operator; re-creating it", id)
		if err := r.patchMetadata(ctx, s.agent, func(a *wassistv1alpha1.WassistAgent) {
			delete(a.Annotations, wassistv1alpha1.AnnotationAgentID)
		}); err != nil {
			return nil, err
		}
		s.agent.Status.AgentID = ""
		return r.createCrashSafe(ctx, s)
	}
}

// observe reads the remote agent, or takes what the bulk drift check saw of it.
func (r *WassistAgentReconciler) observe(ctx context.Context, s *agentScope, id string) (*wassist.Agent, error) {
	if s.drifted && s.remote != nil && s.remote.ID == id {
		return s.remote, nil
	}
	if s.drifted && s.remote == nil && s.agent.Status.AgentID == id {
		return nil, &wassist.APIError{Endpoint: "GET /agents/ (bulk drift check)", Status: http.StatusNotFound,
			Message: "the agent is no longer in the key's list of agents"}
	}
	if r.Observer != nil {
		return r.Observer.Observe(ctx, s.api, id)
	}
	return directObserver{}.Observe(ctx, s.api, id)
}

// update PATCHes the remote agent when it differs from the spec, sending every list whole.
func (r *WassistAgentReconciler) update(ctx context.Context, s *agentScope, remote *wassist.Agent, want agentView) error {
	if !want.equal(remoteView(remote)) {
		patched, err := s.api.UpdateAgent(ctx, remote.ID, want.update(remote))
		if err != nil {
			return err
		}
		if !s.created {
			r.event(s.agent, corev1.EventTypeNormal, "Updated", "Updated remote agent %s to match the spec", remote.ID)
		}
		remote = patched
	}
	s.agent.Status.ConnectURL = remote.ConnectURL
	s.agent.Status.PhoneNumbers = nil
	for _, n := range remote.PhoneNumbers {
		s.agent.Status.PhoneNumbers = append(s.agent.Status.PhoneNumbers, wassistv1alpha1.AgentPhoneNumber{
			PhoneNumber: n.PhoneNumber, WhatsAppPhoneNumberID: n.WhatsAppPhoneNumberID})
	}
	return nil
}

// finish ends every reconcile: one status patch, the events, the result.
func (r *WassistAgentReconciler) finish(ctx context.Context, s *agentScope, res ctrl.Result, err error) (ctrl.Result, error) {
	if s.deleted {
		return res, err
	}
	st := &s.agent.Status
	return finishReconcile(ctx, r.Client, r.Recorder, reconcileEnd{
		obj: s.agent, base: s.base,
		st:     statusFields{conditions: &st.Conditions, observedGeneration: &st.ObservedGeneration, lastSyncTime: &st.LastSyncTime},
		paused: s.paused, confirmed: s.confirmed,
		readyMessage: "the remote agent exists and matches the spec",
	}, res, err)
}

// patchMetadataIfCurrent is patchMetadata that fails (with a staleError) unless the
// object is still at the version this reconcile read.
func (r *WassistAgentReconciler) patchMetadataIfCurrent(ctx context.Context, agent *wassistv1alpha1.WassistAgent,
	mutate func(*wassistv1alpha1.WassistAgent)) error {
	err := r.patchMetadata(ctx, agent, mutate, client.MergeFromWithOptimisticLock{})
	if apierrors.IsConflict(err) {
		return &staleError{err: err}
	}
	return err
}

// patchMetadata applies mutate to the object's metadata and persists it at once with a
// merge patch (without options: no resourceVersion, so no conflict to retry), keeping
// in-memory status.
func (r *WassistAgentReconciler) patchMetadata(ctx context.Context, agent *wassistv1alpha1.WassistAgent,
	mutate func(*wassistv1alpha1.WassistAgent), opts ...client.MergeFromOption) error {
	before := agent.DeepCopy()
	after := agent.DeepCopy()
	mutate(after)
	if err := r.Patch(ctx, after, client.MergeFromWithOptions(before, opts...)); err != nil {
		return err
	}
	agent.ObjectMeta = after.ObjectMeta
	return nil
}

func (r *WassistAgentReconciler) event(agent *wassistv1alpha1.WassistAgent, eventType, reason, note string, args ...any) {
	emit(r.Recorder, agent, eventType, reason, note, args...)
}

// SetupWithManager registers the controller and its watches; SetupIndexes must run first.
func (r *WassistAgentReconciler) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).
		// The controller's own status and create-pending writes do not reconcile again;
		// spec, deletion and other annotation changes (adopt, pause) do.
		For(&wassistv1alpha1.WassistAgent{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, userAnnotationChanged()))).
		// Secrets are watched as metadata only: the operator never caches their data.
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(objectsIndexedBy(mgr.GetClient(), secretRefIndex, agentList)),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		// A handoff target getting (or changing) its agent id moves the agents that hand off to it.
		Watches(&wassistv1alpha1.WassistAgent{},
			handler.EnqueueRequestsFromMapFunc(objectsIndexedBy(mgr.GetClient(), handoffRefIndex, agentList))).
		// A deployment of the agent changing refreshes the agent's status.phoneNumbers.
		Watches(&wassistv1alpha1.WassistDeployment{}, handler.EnqueueRequestsFromMapFunc(deployedAgent)).
		WithOptions(controllerOptions(r.Workers)).
		Named("wassistagent")
	if r.Drift != nil {
		r.Drift.desired = r.desired
		b = b.WatchesRawSource(source.TypedChannel(r.Drift.events, lowPriority[*wassistv1alpha1.WassistAgent]()))
	}
	return b.Complete(r)
}

// userAnnotationChanged passes updates that change an annotation other than the
// controller's own writes around a create: the create-pending marker, and the agent id
// that replaces it when the create succeeds (a user setting the id by hand, to adopt or
// to settle CreateAmbiguous, leaves create-pending alone).
func userAnnotationChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		oldA, newA := e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()
		_, wasPending := oldA[wassistv1alpha1.AnnotationCreatePending]
		_, isPending := newA[wassistv1alpha1.AnnotationCreatePending]
		idStored := wasPending && !isPending && oldA[wassistv1alpha1.AnnotationAgentID] == "" &&
			newA[wassistv1alpha1.AnnotationAgentID] != ""
		without := func(a map[string]string) map[string]string {
			a = maps.Clone(a)
			delete(a, wassistv1alpha1.AnnotationCreatePending)
			if idStored {
				delete(a, wassistv1alpha1.AnnotationAgentID)
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

// lowPriority enqueues generic events (the bulk drift check's) behind user changes.
func lowPriority[T client.Object]() handler.TypedEventHandler[T, reconcile.Request] {
	return handler.TypedFuncs[T, reconcile.Request]{
		GenericFunc: func(_ context.Context, e event.TypedGenericEvent[T], q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			req := reconcile.Request{NamespacedName: client.ObjectKeyFromObject(e.Object)}
			if pq, ok := q.(priorityqueue.PriorityQueue[reconcile.Request]); ok {
				pq.AddWithOpts(priorityqueue.AddOpts{Priority: new(handler.LowPriority)}, req)
				return
			}
			q.Add(req)
		},
	}
}
