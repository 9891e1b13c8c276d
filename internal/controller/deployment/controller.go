// Package deployment is the WassistDeployment on the managed core: a WhatsApp number
// routed to an agent or a webhook, its moves between numbers (docs/design.md, rule 15), its part of
// the bulk drift pass, and its controller's watches.
package deployment

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// +kubebuilder:rbac:groups=wassist.app,resources=wassistdeployments,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistdeployments/status,verbs=patch

// reconciler keeps a WhatsApp number served by the agent each WassistDeployment names:
// the managed core with the deployment's kind. Its finalizer holds a deleted deployment
// until the number is unrouted (deletionPolicy Delete).
type reconciler = managed.Reconciler[*wassistv1alpha1.WassistDeployment, deploymentView, numberState]

// Kind plugs the WassistDeployment into the operator (kit.Kind).
type Kind struct{}

// Setup registers the deployment controller, its claim index and its watches, and
// returns its part of a bulk drift pass: one list of numbers per key.
func (Kind) Setup(ctx context.Context, mgr ctrl.Manager, w *kit.Wiring) (kit.DriftCheck, error) {
	r := kit.Reconciler(mgr, w, &reconciler{
		Kind:         &deploymentKind{cache: mgr.GetClient(), keys: w.Keys, recorder: w.Recorder},
		New:          func() *wassistv1alpha1.WassistDeployment { return &wassistv1alpha1.WassistDeployment{} },
		NewList:      kit.DeploymentList,
		Noun:         "number",
		Finalizer:    wassistv1alpha1.Finalizer,
		Deleted:      managed.EventText{Reason: "Unrouted", Note: "Took the agent off number %s: its routing is cleared"},
		ReadyMessage: "the number is served by the agent",
	})
	if err := r.IndexClaims(ctx, mgr); err != nil {
		return nil, err
	}
	return &drift{cache: mgr.GetClient(), deployments: r}, setupController(mgr, r)
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

// setupController registers the deployment controller and its watches.
func setupController(mgr ctrl.Manager, r *reconciler) error {
	return kit.WatchSecrets(r.Builder(mgr, "wassistdeployment"), mgr, kit.DeploymentList).
		// An agent that becomes Ready, or gets a new id, moves the deployments of it.
		Watches(&wassistv1alpha1.WassistAgent{}, handler.EnqueueRequestsFromMapFunc(
			kit.ObjectsIndexedBy(mgr.GetClient(), kit.DeploymentAgentIndex, kit.DeploymentList)),
			builder.WithPredicates(agentIdentityChanged())).
		Complete(r)
}
