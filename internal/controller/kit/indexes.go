package kit

import (
	"cmp"
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The cache indexes through which the kinds find each other: every kind by the Secrets
// it reads (SecretRefIndex), agents by the agents they hand off to and the templates
// their triggers name, deployments by their agent.
const (
	HandoffRefIndex      = "wassist.app/handoff-agent-names"
	TemplateRefIndex     = "wassist.app/trigger-template-names"
	DeploymentAgentIndex = "wassist.app/deployment-agent"
)

// SetupIndexes registers the indexes (the core registers its claim index itself). It
// runs once per manager, before the controllers are set up.
func SetupIndexes(ctx context.Context, mgr ctrl.Manager) error {
	idx := mgr.GetFieldIndexer()
	for _, i := range []struct {
		obj   client.Object
		name  string
		value client.IndexerFunc
	}{
		{&wassistv1alpha1.WassistAgent{}, SecretRefIndex, SecretNames},
		{&wassistv1alpha1.WassistDeployment{}, SecretRefIndex, SecretNames},
		{&wassistv1alpha1.WassistTemplate{}, SecretRefIndex, SecretNames},
		{&wassistv1alpha1.WassistAgent{}, HandoffRefIndex, handoffRefNames},
		{&wassistv1alpha1.WassistAgent{}, TemplateRefIndex, TriggerTemplateNames},
		{&wassistv1alpha1.WassistDeployment{}, DeploymentAgentIndex, deploymentAgentNames},
	} {
		if err := idx.IndexField(ctx, i.obj, i.name, i.value); err != nil {
			return err
		}
	}
	return nil
}

func handoffRefNames(obj client.Object) []string {
	agent, ok := obj.(*wassistv1alpha1.WassistAgent)
	if !ok {
		return nil
	}
	var names []string
	for _, h := range agent.Spec.HandoffTools {
		if h.AgentRef != nil {
			names = append(names, h.AgentRef.Name)
		}
	}
	return names
}

// TriggerTemplateNames are the WassistTemplates an agent's outbound triggers name.
func TriggerTemplateNames(obj client.Object) []string {
	agent, ok := obj.(*wassistv1alpha1.WassistAgent)
	if !ok {
		return nil
	}
	var names []string
	for _, t := range agent.Spec.OutboundTriggers {
		if t.TemplateRef != nil {
			names = append(names, t.TemplateRef.Name)
		}
	}
	return names
}

func deploymentAgentNames(obj client.Object) []string {
	dep, ok := obj.(*wassistv1alpha1.WassistDeployment)
	if !ok || dep.Spec.AgentRef == nil {
		return nil
	}
	return []string{dep.Spec.AgentRef.Name}
}

// DeployedAgent maps a deployment to the WassistAgent it deploys.
func DeployedAgent(_ context.Context, obj client.Object) []reconcile.Request {
	dep, ok := obj.(*wassistv1alpha1.WassistDeployment)
	if !ok || dep.Spec.AgentRef == nil {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: dep.Namespace, Name: dep.Spec.AgentRef.Name}}}
}

// AgentIDOf is the id of the agent a WassistAgent stands for: its status's, else its
// annotation's (a status not restored from a backup, or not written yet after a create).
func AgentIDOf(agent *wassistv1alpha1.WassistAgent) string {
	return cmp.Or(agent.Status.AgentID, agent.Annotations[wassistv1alpha1.AnnotationAgentID])
}
