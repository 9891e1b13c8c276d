package agent

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// An agent is deleted after the deployments that route to it (docs/design.md, rule 17):
// a deployment unroutes its number with its agent's key.
var _ managed.Used[*wassistv1alpha1.WassistAgent] = (*agentKind)(nil)

// UsedBy names the WassistDeployments whose agentRef names the agent, once it has an id.
func (k *agentKind) UsedBy(ctx context.Context, agent *wassistv1alpha1.WassistAgent) ([]string, error) {
	if kit.AgentIDOf(agent) == "" {
		return nil, nil
	}
	deps := &wassistv1alpha1.WassistDeploymentList{}
	if err := k.cache.List(ctx, deps, client.InNamespace(agent.Namespace),
		client.MatchingFields{kit.DeploymentAgentIndex: agent.Name}); err != nil {
		return nil, err
	}
	users := make([]string, 0, len(deps.Items))
	for _, d := range deps.Items {
		users = append(users, "WassistDeployment "+d.Name)
	}
	return users, nil
}
