package managed

import (
	"context"
	"reflect"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// finish ends every reconcile: it writes the outcome of err on the status in one patch,
// sends the events, and turns the outcome into the result controller-runtime acts on.
func (r *Reconciler[O, V, R]) finish(ctx context.Context, s *scope[O, V, R], err error) (ctrl.Result, error) {
	o := outcomeOf(err)
	switch {
	case o.stale:
		return ctrl.Result{RequeueAfter: o.requeueAfter}, nil
	case s.deleted:
		return ctrl.Result{}, o.err
	case o.budget:
		return r.finishWaiting(ctx, s, o)
	}
	obj := s.obj
	// Every reconcile that looked observes the generation, a paused one too: a pause is
	// the user's decision and nothing is under way (docs/design.md, rule 12). What an
	// edit made while paused changed is still due: its spec hash differs.
	obj.ManagedStatus().ObservedGeneration = obj.GetGeneration()
	res := ctrl.Result{}
	if s.confirmed {
		// The remote object equals the resolved spec, even when the spec still waits.
		obj.ManagedStatus().LastSyncTime = &metav1.Time{Time: time.Now()}
		obj.ManagedStatus().AppliedHash = s.desired.Hash
	}
	switch {
	case s.paused:
		r.setCondition(obj, wassistv1alpha1.ConditionSynced, metav1.ConditionFalse, wassistv1alpha1.ReasonPaused,
			"the "+wassistv1alpha1.AnnotationPaused+" annotation stops all API traffic for this resource")
		removeCondition(obj, wassistv1alpha1.ConditionReconciling)
	case o.reason == "":
		r.reportSuccess(obj)
		removeCondition(obj, wassistv1alpha1.ConditionReconciling)
		removeCondition(obj, wassistv1alpha1.ConditionStalled)
		res = r.Drift.next(obj)
	default:
		r.remember(s, o)
		r.report(obj, o)
		res = ctrl.Result{RequeueAfter: o.requeueAfter}
	}
	if patchErr := r.patchStatus(ctx, obj, s.base); patchErr != nil && o.err == nil {
		return ctrl.Result{}, patchErr
	}
	return res, o.err
}

// reportSuccess sets Ready and Synced True: available, or, under Observe, observed with
// what Full would change.
func (r *Reconciler[O, V, R]) reportSuccess(obj O) {
	if !observing(obj) || obj.ManagedStatus().Takeover == nil {
		r.setCondition(obj, wassistv1alpha1.ConditionReady, metav1.ConditionTrue, wassistv1alpha1.ReasonAvailable, r.ReadyMessage)
		r.setCondition(obj, wassistv1alpha1.ConditionSynced, metav1.ConditionTrue, wassistv1alpha1.ReasonReconcileSuccess, "")
		return
	}
	r.setCondition(obj, wassistv1alpha1.ConditionReady, metav1.ConditionTrue, wassistv1alpha1.ReasonObserved,
		"the remote "+r.Noun+" exists and is observed (managementPolicy: Observe); nothing is written to it")
	t := obj.ManagedStatus().Takeover
	reason := wassistv1alpha1.ReasonObserved
	if len(t.Changes) > 0 {
		reason = wassistv1alpha1.ReasonWouldChange
	}
	r.setCondition(obj, wassistv1alpha1.ConditionSynced, metav1.ConditionTrue, reason, takeoverMessage(t))
}

// report puts a reconcile that did not succeed on the conditions (docs/design.md,
// rule 12): Synced always carries its reason; Ready turns False unless the trouble is
// transient and the object was Ready; Stalled says only a person can help, Reconciling
// that work toward the spec goes on. Its event goes out when Synced turns to the
// reason, not at every retry of it.
func (r *Reconciler[O, V, R]) report(obj O, o outcome) {
	synced := meta.FindStatusCondition(obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionSynced)
	if synced == nil || synced.Status != metav1.ConditionFalse || synced.Reason != o.reason {
		r.event(obj, o.eventType(), o.reason, "%s", o.message)
	}
	r.setCondition(obj, wassistv1alpha1.ConditionSynced, metav1.ConditionFalse, o.reason, o.message)
	ready := meta.FindStatusCondition(obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionReady)
	readyNow := ready != nil && ready.Status == metav1.ConditionTrue
	if !o.transient || !readyNow {
		r.setCondition(obj, wassistv1alpha1.ConditionReady, metav1.ConditionFalse, o.reason, o.message)
	}
	if o.stalled {
		r.setCondition(obj, wassistv1alpha1.ConditionStalled, metav1.ConditionTrue, o.reason, o.message)
		removeCondition(obj, wassistv1alpha1.ConditionReconciling)
		return
	}
	removeCondition(obj, wassistv1alpha1.ConditionStalled)
	if o.transient && readyNow && ready.ObservedGeneration == obj.GetGeneration() {
		// Ready for this very generation: the spec is in effect and a check or a repair
		// is what waits, which GitOps tools must not take for a rollout under way.
		removeCondition(obj, wassistv1alpha1.ConditionReconciling)
		return
	}
	r.setCondition(obj, wassistv1alpha1.ConditionReconciling, metav1.ConditionTrue, o.reason, o.message)
}

// remember keeps the hash of a spec the API refused, so that only a change of it is
// worth another try, and forgets the last applied one after any other failure, so that
// the next reconcile looks again.
func (r *Reconciler[O, V, R]) remember(s *scope[O, V, R], o outcome) {
	switch {
	case s.confirmed || s.waitApplied:
		// Applied, and waiting for what Desired.Wait says: the hash stands.
	case o.refused && s.resolved:
		s.obj.ManagedStatus().AppliedHash = s.desired.Hash
	case !o.refused:
		s.obj.ManagedStatus().AppliedHash = ""
	}
}

// heldPriority puts an object whose token is held ahead of the objects merely ready: a
// token is held for a moment, and a late object loses it (see wassist.Turn).
const heldPriority = 10

// finishWaiting ends a reconcile that waits only for its key's budget: a plain requeue
// at the token's time. The conditions stay as they were and no event is sent. What the
// reconcile learnt (an id stored, the remote object as last seen) is kept in memory for
// the next one, and the status is written only when it says something new: a first
// wait, an id stored (which another process, after a crash or a change of leader, would
// otherwise take for an adoption) or the key that saw it, or a write the kind's Update
// recorded there. Any other wait costs the API server nothing.
func (r *Reconciler[O, V, R]) finishWaiting(ctx context.Context, s *scope[O, V, R], o outcome) (ctrl.Result, error) {
	if s.latest != nil && s.latest.ID != "" {
		latest := *s.latest
		if latest.KeyFingerprint == "" && s.ext != nil {
			// Made by this reconcile: taken only by one with the same key. One handed to it
			// keeps the key it was made with.
			latest.KeyFingerprint = s.ext.KeyFingerprint()
		}
		r.observations.put(s.obj.GetUID(), latest)
	}
	res := ctrl.Result{RequeueAfter: o.requeueAfter}
	switch {
	case o.held:
		// Its token is held for it: come back on time, before work that is only ready.
		res.Priority = new(heldPriority)
	case !s.urgent:
		res.Priority = new(handler.LowPriority)
	}
	first := meta.FindStatusCondition(s.obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionReady) == nil
	if first {
		// A new resource says what it waits for, once; one with conditions keeps them (a
		// Stalled one stays so until the request it waits to send says otherwise).
		for _, typ := range []string{wassistv1alpha1.ConditionReady, wassistv1alpha1.ConditionSynced} {
			r.setCondition(s.obj, typ, metav1.ConditionUnknown, wassistv1alpha1.ReasonWaitingForBudget, budgetWaitMessage)
		}
		r.setCondition(s.obj, wassistv1alpha1.ConditionReconciling, metav1.ConditionTrue,
			wassistv1alpha1.ReasonWaitingForBudget, budgetWaitMessage)
	}
	// An id stored, or the key that saw it, is what another process must not miss.
	identified := s.obj.GetRemoteID() != s.base.GetRemoteID() || s.obj.ManagedStatus().KeyFingerprint != s.base.ManagedStatus().KeyFingerprint
	if first || identified || s.latest == nil || s.latest.ID == "" || statusChanged(s.obj, s.beforeUpdate) {
		return res, r.patchStatus(ctx, s.obj, s.base)
	}
	return res, nil
}

const budgetWaitMessage = "waiting for a turn of its API key's request budget, which every resource using the key " +
	"shares; nothing has failed, the request goes out when its turn comes"

// statusChanged says whether obj's status differs from before's (false when there is no
// before). Every kind's type has its status in a field named Status, as kubebuilder lays
// it out; comparing the fields spares the marshalling of a merge patch.
func statusChanged[O Object](obj, before O) bool {
	if any(before) == nil || reflect.ValueOf(before).IsNil() {
		return false
	}
	return !equality.Semantic.DeepEqual(statusOf(obj), statusOf(before))
}

func statusOf(obj Object) any {
	return reflect.ValueOf(obj).Elem().FieldByName("Status").Interface()
}

func removeCondition(obj Object, typ string) {
	conds := obj.ManagedStatus().Conditions
	if meta.RemoveStatusCondition(&conds, typ) {
		obj.ManagedStatus().Conditions = conds
	}
}

func (r *Reconciler[O, V, R]) setCondition(obj O, typ string, status metav1.ConditionStatus, reason, msg string) {
	conds := obj.ManagedStatus().Conditions
	meta.SetStatusCondition(&conds, metav1.Condition{Type: typ, Status: status, ObservedGeneration: obj.GetGeneration(),
		Reason: reason, Message: truncate(msg, 32768)})
	obj.ManagedStatus().Conditions = conds
}

// refusedAgain is the outcome of a reconcile that finds its spec refused already: the
// API's words stay on the conditions, nothing is sent.
func refusedAgain(obj Object) error {
	ready := meta.FindStatusCondition(obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionReady)
	return &refusedError{reason: ready.Reason, msg: ready.Message}
}

// awaitingAgain is the outcome of a reconcile that finds the remote object still waiting
// as the last one saw it (Meta's review): the conditions stay, nothing is sent.
func awaitingAgain(obj Object) error {
	ready := meta.FindStatusCondition(obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionReady)
	return &WaitingError{Reason: ready.Reason, Message: ready.Message,
		Stalled: meta.IsStatusConditionTrue(obj.ManagedStatus().Conditions, wassistv1alpha1.ConditionStalled)}
}

// refusedError is a refusal: remembered from an earlier reconcile, or fresh (the core's
// own, an adoption that would erase), which is worth a Warning.
type refusedError struct {
	reason, msg string
	fresh       bool
}

func (e *refusedError) Error() string { return e.msg }

// patchStatus writes obj's status with a merge patch against base, and nothing when the
// status did not change.
func (r *Reconciler[O, V, R]) patchStatus(ctx context.Context, obj, base O) error {
	if !statusChanged(obj, base) {
		return nil // spare the API server a no-op write
	}
	return client.IgnoreNotFound(r.sendStatus(ctx, obj, base, false))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
