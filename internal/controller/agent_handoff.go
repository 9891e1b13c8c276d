package controller

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// handoffRefIndex indexes WassistAgents by the WassistAgents they hand off to.
const handoffRefIndex = "wassist.app/handoff-agent-names"

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
