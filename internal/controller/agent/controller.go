// Package agent is the WassistAgent on the managed core: its Kind and External, the
// mapping between its spec and the remote agent (views, the PATCH, triggers, sharings,
// BYOA), its part of the bulk drift pass, and its controller's watches.
package agent

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassistagents/status,verbs=patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// reconciler keeps a remote Wassist agent equal to each WassistAgent: the managed core
// with the agent's kind.
type reconciler = managed.Reconciler[*wassistv1alpha1.WassistAgent, agentView, *wassist.Agent]

// Kind plugs the WassistAgent into the operator (kit.Kind).
type Kind struct{}

// Setup registers the agent controller, its claim index and its watches, and returns
// its part of a bulk drift pass: one list of agents per key.
func (Kind) Setup(ctx context.Context, mgr ctrl.Manager, w *kit.Wiring) (kit.DriftCheck, error) {
	kind := &agentKind{cache: mgr.GetClient(), writer: mgr.GetClient(), reader: mgr.GetAPIReader(), secrets: w.Secrets,
		keys: w.Keys, recorder: w.Recorder}
	r := kit.Reconciler(mgr, w, &reconciler{
		Kind:      kind,
		New:       func() *wassistv1alpha1.WassistAgent { return &wassistv1alpha1.WassistAgent{} },
		NewList:   kit.AgentList,
		Noun:      "agent",
		Deleted:   managed.EventText{Reason: "Deleted", Note: "Deleted remote agent %s"},
		Finalizer: wassistv1alpha1.Finalizer, IDAnnotation: wassistv1alpha1.AnnotationAgentID,
		ReadyMessage: "the remote agent exists and matches the spec",
	})
	if err := r.IndexClaims(ctx, mgr); err != nil {
		return nil, err
	}
	err := kit.WatchSecrets(r.Builder(mgr, "wassistagent"), mgr, kit.AgentList).
		// A handoff target created, deleted or getting (or changing) its agent id moves the
		// agents that hand off to it; its other updates do not, and cost no index lookup.
		Watches(&wassistv1alpha1.WassistAgent{},
			handler.EnqueueRequestsFromMapFunc(kit.ObjectsIndexedBy(mgr.GetClient(), kit.HandoffRefIndex, kit.AgentList)),
			builder.WithPredicates(agentIDChanged())).
		// A template its trigger names getting an id moves the agent.
		Watches(&wassistv1alpha1.WassistTemplate{},
			handler.EnqueueRequestsFromMapFunc(kit.ObjectsIndexedBy(mgr.GetClient(), kit.TemplateRefIndex, kit.AgentList))).
		// A deployment of the agent changing refreshes the agent's status.phoneNumbers, and
		// one gone (or moved to another agent) frees the agent's deletion.
		Watches(&wassistv1alpha1.WassistDeployment{}, handler.EnqueueRequestsFromMapFunc(kit.DeployedAgent)).
		Complete(r)
	return &drift{cache: mgr.GetClient(), kind: kind, agents: r}, err
}

// agentIDChanged passes the updates of an agent that change the id it stands for.
func agentIDChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		old, okOld := e.ObjectOld.(*wassistv1alpha1.WassistAgent)
		cur, okNew := e.ObjectNew.(*wassistv1alpha1.WassistAgent)
		return !okOld || !okNew || kit.AgentIDOf(old) != kit.AgentIDOf(cur)
	}}
}
