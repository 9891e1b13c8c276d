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
	"k8s.io/apimachinery/pkg/api/meta"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// +kubebuilder:rbac:groups=wassist.app,resources=wassistdeployments,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistdeployments/status,verbs=patch

// deploymentReconciler keeps a WhatsApp number served by the agent each
// WassistDeployment names: the managed core with the deployment's kind. Its finalizer
// holds a deleted deployment until the number is unrouted (deletionPolicy Delete).
type deploymentReconciler = managed.Reconciler[*wassistv1alpha1.WassistDeployment]

func newDeploymentReconciler(mgr ctrl.Manager, w *wiring) *deploymentReconciler {
	return &deploymentReconciler{
		Client:       mgr.GetClient(),
		APIReader:    mgr.GetAPIReader(),
		Recorder:     w.recorder,
		Kind:         &deploymentKind{cache: mgr.GetClient(), keys: w.keys, recorder: w.recorder},
		New:          func() *wassistv1alpha1.WassistDeployment { return &wassistv1alpha1.WassistDeployment{} },
		NewList:      deploymentList,
		Noun:         "number",
		Finalizer:    wassistv1alpha1.Finalizer,
		Deleted:      managed.EventText{Reason: "Unrouted", Note: "Took the agent off number %s: its routing is cleared"},
		ReadyMessage: "the number is served by the agent",
		Drift:        w.drift, Workers: w.workers, Turns: turnOf,
	}
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

// setupDeploymentController registers the deployment controller and its watches.
func setupDeploymentController(mgr ctrl.Manager, r *deploymentReconciler) error {
	return watchSecrets(r.Builder(mgr, "wassistdeployment"), mgr, deploymentList).
		// An agent that becomes Ready, or gets a new id, moves the deployments of it.
		Watches(&wassistv1alpha1.WassistAgent{}, handler.EnqueueRequestsFromMapFunc(
			objectsIndexedBy(mgr.GetClient(), deploymentAgentIndex, deploymentList)),
			builder.WithPredicates(agentIdentityChanged())).
		Complete(r)
}
