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
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// WassistDeploymentReconciler keeps a WhatsApp number served by the agent each
// WassistDeployment names.
//
// Wassist has no documented way to disconnect an agent from a number, so deleting a
// WassistDeployment only stops the operator managing the number: the agent stays live
// on it (and the agent's status.phoneNumbers keeps showing it). There is therefore no
// finalizer.
type WassistDeploymentReconciler struct {
	client.Client
	Scheme *runtime.Scheme
	// Secrets reads the API key.
	Secrets *SecretReader
	// Wassist holds one API client per key, shared with the agent controller.
	Wassist *wassist.Pool
	// Recorder sends the events of every remote write and every failure.
	Recorder events.EventRecorder
	// SyncPeriod is how often a Ready deployment is compared with the number (jittered).
	SyncPeriod time.Duration
	// Workers is how many deployments are reconciled at once (default 1).
	Workers int
	// Drift, when set, finds drifted numbers in bulk and replaces the per-object
	// periodic check; nil means one GET per deployment and period.
	Drift *DriftObserver
}

// +kubebuilder:rbac:groups=wassist.app,resources=wassistdeployments,verbs=get;list;watch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistdeployments/status,verbs=patch

// Reconcile fetches the deployment, deploys its agent on its number when the number
// serves another, and writes its status once, at the end.
func (r *WassistDeploymentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	dep := &wassistv1alpha1.WassistDeployment{}
	if err := r.Get(ctx, req.NamespacedName, dep); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &deploymentScope{dep: dep, base: dep.DeepCopy()}
	defer func() { res, retErr = r.finish(ctx, s, res, retErr) }()

	if isPaused(dep) {
		s.paused = true
		return ctrl.Result{}, nil
	}
	if !dep.DeletionTimestamp.IsZero() {
		s.deleted = true
		return ctrl.Result{}, nil
	}
	return r.reconcileNormal(ctx, s)
}

type deploymentScope struct {
	dep       *wassistv1alpha1.WassistDeployment
	base      *wassistv1alpha1.WassistDeployment
	paused    bool
	confirmed bool
	deleted   bool
}

// reconcileNormal: agent → claim on the number → (nothing to do?) → credentials →
// observe the number → deploy and verify.
func (r *WassistDeploymentReconciler) reconcileNormal(ctx context.Context, s *deploymentScope) (ctrl.Result, error) {
	agentID, keyRef, err := r.resolveAgent(ctx, s.dep)
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.claimTarget(ctx, s.dep); err != nil {
		return ctrl.Result{}, err
	}
	drifted := false
	if r.Drift != nil {
		_, drifted = r.Drift.take(s.dep.UID)
	}
	if !drifted && r.upToDate(s.dep, agentID) {
		return r.nextCheck(untilNextSync(s.dep.Status.LastSyncTime, objectSyncPeriod(s.dep.UID, r.SyncPeriod))), nil
	}
	api, _, err := apiClient(ctx, r.Secrets, r.Wassist, s.dep.Namespace, keyRef)
	if err != nil {
		return ctrl.Result{}, err
	}
	t := targetOf(s.dep)
	serving, numberID, err := t.observe(ctx, api)
	if err != nil {
		return ctrl.Result{}, err
	}
	if serving != agentID {
		if err := r.deploy(ctx, s, api, t, agentID, serving); err != nil {
			return ctrl.Result{}, err
		}
		// Verify by reading the number back: the deploy answers are not documented.
		if serving, numberID, err = t.observe(ctx, api); err != nil {
			return ctrl.Result{}, err
		}
		if serving != agentID {
			return ctrl.Result{}, fmt.Errorf("after deploying agent %s, %s still serves %q", agentID, t, serving)
		}
	}
	s.dep.Status.AgentID, s.dep.Status.PhoneNumberID = agentID, numberID
	s.confirmed = true
	return r.nextCheck(objectSyncPeriod(s.dep.UID, r.SyncPeriod)), nil
}

// resolveAgent returns the agent id to deploy and the Secret of the API key: the
// deployment's own, or else its agent's.
func (r *WassistDeploymentReconciler) resolveAgent(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) (
	string, wassistv1alpha1.SecretKeySelector, error) {
	var keyRef wassistv1alpha1.SecretKeySelector
	if dep.Spec.APIKeySecretRef != nil {
		keyRef = *dep.Spec.APIKeySecretRef
	}
	if dep.Spec.AgentRef == nil {
		return dep.Spec.AgentID, keyRef, nil
	}
	agent := &wassistv1alpha1.WassistAgent{}
	err := r.Get(ctx, client.ObjectKey{Namespace: dep.Namespace, Name: dep.Spec.AgentRef.Name}, agent)
	if err != nil && !apierrors.IsNotFound(err) {
		return "", keyRef, err
	}
	if err != nil || agent.Status.AgentID == "" ||
		!meta.IsStatusConditionTrue(agent.Status.Conditions, wassistv1alpha1.ConditionReady) {
		return "", keyRef, &waitingError{reason: wassistv1alpha1.ReasonAgentNotReady,
			msg: "waiting for WassistAgent " + dep.Spec.AgentRef.Name + " to be Ready", retry: 10 * time.Minute}
	}
	if dep.Spec.APIKeySecretRef == nil {
		keyRef = agent.Spec.APIKeySecretRef
	}
	return agent.Status.AgentID, keyRef, nil
}

// claimTarget fails with Conflict unless this deployment is the oldest of those in the
// cluster that claim its number: the loser sends nothing, so two claims never flap.
func (r *WassistDeploymentReconciler) claimTarget(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) error {
	claims := &wassistv1alpha1.WassistDeploymentList{}
	if err := r.List(ctx, claims, client.MatchingFields{deploymentTargetIndex: targetOf(dep).String()}); err != nil {
		return err
	}
	winner := dep
	for i := range claims.Items {
		c := &claims.Items[i]
		if c.DeletionTimestamp.IsZero() && olderThan(c, winner) {
			winner = c
		}
	}
	if winner.UID == dep.UID {
		return nil
	}
	return &waitingError{reason: wassistv1alpha1.ReasonConflict,
		msg: fmt.Sprintf("%s is claimed by the older WassistDeployment %s/%s; this one sends nothing until that one is deleted",
			targetOf(dep), winner.Namespace, winner.Name)}
}

func olderThan(a, b *wassistv1alpha1.WassistDeployment) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
}

func (r *WassistDeploymentReconciler) upToDate(dep *wassistv1alpha1.WassistDeployment, agentID string) bool {
	st := dep.Status
	return st.AgentID == agentID &&
		st.ObservedGeneration == dep.Generation &&
		meta.IsStatusConditionTrue(st.Conditions, wassistv1alpha1.ConditionReady) &&
		(r.Drift != nil || untilNextSync(st.LastSyncTime, objectSyncPeriod(dep.UID, r.SyncPeriod)) > 0)
}

// nextCheck is the result of a reconcile that left the deployment in sync: with the
// bulk drift check nothing more; otherwise a periodic check after `after`, behind any
// user change.
func (r *WassistDeploymentReconciler) nextCheck(after time.Duration) ctrl.Result {
	if r.Drift != nil {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: after, Priority: new(handler.LowPriority)}
}

// deploy puts the agent on the number, and says so; serving is who served it before.
func (r *WassistDeploymentReconciler) deploy(ctx context.Context, s *deploymentScope, api *wassist.Client,
	t deploymentTarget, agentID, serving string) error {
	if err := t.deploy(ctx, api, agentID, s.dep.Spec.ApplyToExisting); err != nil {
		return err
	}
	if s.dep.Status.AgentID == agentID && serving != "" {
		emit(r.Recorder, s.dep, corev1.EventTypeWarning, "Redeployed",
			"%s was switched to agent %s outside the operator; deployed agent %s again", t, serving, agentID)
		return nil
	}
	emit(r.Recorder, s.dep, corev1.EventTypeNormal, "Deployed", "Deployed agent %s on %s", agentID, t)
	return nil
}

// finish ends every reconcile: one status patch, the events, the result.
func (r *WassistDeploymentReconciler) finish(ctx context.Context, s *deploymentScope, res ctrl.Result, err error) (ctrl.Result, error) {
	if s.deleted {
		return res, err
	}
	st := &s.dep.Status
	return finishReconcile(ctx, r.Client, r.Recorder, reconcileEnd{
		obj: s.dep, base: s.base,
		st:     statusFields{conditions: &st.Conditions, observedGeneration: &st.ObservedGeneration, lastSyncTime: &st.LastSyncTime},
		paused: s.paused, confirmed: s.confirmed,
		readyMessage: "the number is served by the agent",
	}, res, err)
}

// agentIdentityChanged passes agent updates that matter to its deployments: a new
// agent id, or a change of readiness.
func agentIdentityChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		old, okOld := e.ObjectOld.(*wassistv1alpha1.WassistAgent)
		cur, okNew := e.ObjectNew.(*wassistv1alpha1.WassistAgent)
		if !okOld || !okNew {
			return true
		}
		ready := func(a *wassistv1alpha1.WassistAgent) bool {
			return meta.IsStatusConditionTrue(a.Status.Conditions, wassistv1alpha1.ConditionReady)
		}
		return old.Status.AgentID != cur.Status.AgentID || ready(old) != ready(cur)
	}}
}

// SetupWithManager registers the controller and its watches; SetupIndexes must run first.
func (r *WassistDeploymentReconciler) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).
		For(&wassistv1alpha1.WassistDeployment{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, userAnnotationChanged()))).
		// An agent that becomes Ready, or gets a new id, moves the deployments of it.
		Watches(&wassistv1alpha1.WassistAgent{}, handler.EnqueueRequestsFromMapFunc(
			objectsIndexedBy(mgr.GetClient(), deploymentAgentIndex, deploymentList)),
			builder.WithPredicates(agentIdentityChanged())).
		// A claim that goes away hands the number to the next oldest claim.
		Watches(&wassistv1alpha1.WassistDeployment{}, handler.EnqueueRequestsFromMapFunc(sameTargetClaims(mgr.GetClient()))).
		WithOptions(controllerOptions(r.Workers)).
		Named("wassistdeployment")
	if r.Drift != nil {
		b = b.WatchesRawSource(source.TypedChannel(r.Drift.deploymentEvents, lowPriority[*wassistv1alpha1.WassistDeployment]()))
	}
	return b.Complete(r)
}
