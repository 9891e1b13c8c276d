package controller

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// reconcileSharing shares the agent with the numbers added to spec.sharedWith and
// unshares those removed. Wassist has no way to list sharings, so status.sharedWith
// records what the operator did; it is updated after each call so that a failure
// midway repeats nothing.
func (e *agentExternal) reconcileSharing(ctx context.Context) error {
	st := &e.agent.Status
	for _, n := range e.agent.Spec.SharedWith {
		if slices.Contains(st.SharedWith, n) {
			continue
		}
		if err := e.api.ShareAgent(ctx, st.AgentID, n); err != nil {
			return err
		}
		st.SharedWith = append(st.SharedWith, n)
		e.event(corev1.EventTypeNormal, "Shared", "Shared the agent with %s", n)
	}
	for _, n := range slices.Clone(st.SharedWith) {
		if slices.Contains(e.agent.Spec.SharedWith, n) {
			continue
		}
		if err := e.api.UnshareAgent(ctx, st.AgentID, n); err != nil {
			return err
		}
		st.SharedWith = slices.DeleteFunc(st.SharedWith, func(x string) bool { return x == n })
		e.event(corev1.EventTypeNormal, "Unshared", "Stopped sharing the agent with %s", n)
	}
	return nil
}

// sharedAsSpecified says whether status.sharedWith already equals spec.sharedWith.
func sharedAsSpecified(agent *wassistv1alpha1.WassistAgent) bool {
	return len(agent.Spec.SharedWith) == len(agent.Status.SharedWith) &&
		!slices.ContainsFunc(agent.Spec.SharedWith, func(n string) bool { return !slices.Contains(agent.Status.SharedWith, n) })
}
