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

	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// WassistAgentReconciler reconciles a WassistAgent object.
type WassistAgentReconciler struct {
	client.Client
	Scheme *runtime.Scheme
	// Wassist holds one API client per key, shared with the other controller.
	Wassist *wassist.Pool
}

// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents/finalizers,verbs=update

// Reconcile is wired into the manager but does not call the Wassist API yet: it reads
// the object so that watches, caches and RBAC are exercised from the start.
func (r *WassistAgentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj := &wassistv1alpha1.WassistAgent{}
	return ctrl.Result{}, client.IgnoreNotFound(r.Get(ctx, req.NamespacedName, obj))
}

// SetupWithManager sets up the controller with the Manager.
func (r *WassistAgentReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&wassistv1alpha1.WassistAgent{}).
		Named("wassistagent").
		Complete(r)
}
