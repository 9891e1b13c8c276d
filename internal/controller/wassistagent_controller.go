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
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents/status,verbs=patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// agentReconciler keeps a remote Wassist agent equal to each WassistAgent: the managed
// core with the agent's kind.
type agentReconciler = managed.Reconciler[*wassistv1alpha1.WassistAgent]

func newAgentKind(mgr ctrl.Manager, w *wiring) *agentKind {
	return &agentKind{cache: mgr.GetClient(), writer: mgr.GetClient(), reader: mgr.GetAPIReader(), secrets: w.secrets,
		keys: w.keys, recorder: w.recorder}
}

func newAgentReconciler(mgr ctrl.Manager, w *wiring, kind *agentKind) *agentReconciler {
	return &agentReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  w.recorder,
		Kind:      kind,
		New:       func() *wassistv1alpha1.WassistAgent { return &wassistv1alpha1.WassistAgent{} },
		NewList:   agentList,
		Noun:      "agent",
		Deleted:   managed.EventText{Reason: "Deleted", Note: "Deleted remote agent %s"},
		Finalizer: wassistv1alpha1.Finalizer, IDAnnotation: wassistv1alpha1.AnnotationAgentID,
		ReadyMessage: "the remote agent exists and matches the spec",
		Drift:        w.drift, Workers: w.workers, Turns: turnOf,
	}
}

// setupAgentController registers the agent controller and its watches.
func setupAgentController(mgr ctrl.Manager, r *agentReconciler) error {
	return watchSecrets(r.Builder(mgr, "wassistagent"), mgr, agentList).
		// A handoff target getting (or changing) its agent id moves the agents that hand off to it.
		Watches(&wassistv1alpha1.WassistAgent{},
			handler.EnqueueRequestsFromMapFunc(objectsIndexedBy(mgr.GetClient(), handoffRefIndex, agentList))).
		// A template its trigger names getting an id moves the agent.
		Watches(&wassistv1alpha1.WassistTemplate{},
			handler.EnqueueRequestsFromMapFunc(objectsIndexedBy(mgr.GetClient(), templateRefIndex, agentList))).
		// A deployment of the agent changing refreshes the agent's status.phoneNumbers, and
		// one gone (or moved to another agent) frees the agent's deletion.
		Watches(&wassistv1alpha1.WassistDeployment{}, handler.EnqueueRequestsFromMapFunc(deployedAgent)).
		Complete(r)
}
