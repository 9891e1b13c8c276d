package controller

import (
	"context"
	"encoding/json"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// statusFields point at the fields every reconcile writes, in either kind's status.
type statusFields struct {
	conditions         *[]metav1.Condition
	observedGeneration *int64
	lastSyncTime       **metav1.Time
}

// reconcileEnd is what a reconcile knows when it ends.
type reconcileEnd struct {
	obj  client.Object // with the status the phases wrote
	base client.Object // as read, for the status patch
	st   statusFields
	// paused: the object is paused and nothing was sent.
	paused bool
	// confirmed: the API confirmed in this reconcile that the remote state equals the spec.
	confirmed bool
	// readyMessage is the message of Ready=True.
	readyMessage string
}

// finishReconcile writes the outcome of err on the status in one patch, sends the
// events, and turns the outcome into the result controller-runtime acts on. Both
// controllers end every reconcile here.
func finishReconcile(ctx context.Context, c client.Client, rec events.EventRecorder, e reconcileEnd,
	res ctrl.Result, err error) (ctrl.Result, error) {
	o := outcomeOf(err)
	if o.stale {
		return ctrl.Result{RequeueAfter: o.requeueAfter}, nil
	}
	gen := e.obj.GetGeneration()
	if !e.paused {
		// A paused reconcile looked at nothing: the status still describes the generation
		// before, so that an edit made while paused is applied once unpaused.
		*e.st.observedGeneration = gen
	}
	set := func(typ string, status metav1.ConditionStatus, reason, msg string) {
		meta.SetStatusCondition(e.st.conditions, metav1.Condition{Type: typ, Status: status, ObservedGeneration: gen,
			Reason: reason, Message: truncate(msg, 32768)})
	}
	switch {
	case e.paused:
		set(wassistv1alpha1.ConditionSynced, metav1.ConditionFalse, wassistv1alpha1.ReasonPaused,
			"the "+wassistv1alpha1.AnnotationPaused+" annotation stops all API traffic for this resource")
	case o.reason == "":
		if e.confirmed {
			*e.st.lastSyncTime = &metav1.Time{Time: time.Now()}
		}
		set(wassistv1alpha1.ConditionReady, metav1.ConditionTrue, wassistv1alpha1.ReasonAvailable, e.readyMessage)
		set(wassistv1alpha1.ConditionSynced, metav1.ConditionTrue, wassistv1alpha1.ReasonReconcileSuccess, "")
	default:
		// Failures are events every time; waits only when they begin, not at each retry.
		if prev := meta.FindStatusCondition(*e.st.conditions, wassistv1alpha1.ConditionReady); o.warn || prev == nil || prev.Reason != o.reason {
			emit(rec, e.obj, o.eventType(), o.reason, "%s", o.message)
		}
		set(wassistv1alpha1.ConditionReady, metav1.ConditionFalse, o.reason, o.message)
		set(wassistv1alpha1.ConditionSynced, metav1.ConditionFalse, o.reason, o.message)
		res = ctrl.Result{RequeueAfter: o.requeueAfter}
	}
	if patchErr := patchStatus(ctx, c, e.obj, e.base); patchErr != nil && o.err == nil {
		return ctrl.Result{}, patchErr
	}
	return res, o.err
}

// isPaused says whether the paused annotation stops all API traffic for obj.
func isPaused(obj client.Object) bool {
	return obj.GetAnnotations()[wassistv1alpha1.AnnotationPaused] == "true"
}

// patchStatus writes obj's status with a merge patch against base, and nothing when the
// status did not change.
func patchStatus(ctx context.Context, c client.Client, obj, base client.Object) error {
	patch := client.MergeFrom(base)
	data, err := patch.Data(obj)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err == nil {
		if _, ok := fields["status"]; !ok {
			return nil // spare the API server a no-op write
		}
	}
	return client.IgnoreNotFound(c.Status().Patch(ctx, obj, patch))
}

// emit sends an event about obj; the action is the reason, as kubectl shows it.
func emit(rec events.EventRecorder, obj client.Object, eventType, reason, note string, args ...any) {
	if rec != nil {
		rec.Eventf(obj, nil, eventType, reason, reason, note, args...)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
