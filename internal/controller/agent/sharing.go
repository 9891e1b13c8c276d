package agent

import (
	"context"
	"slices"
	"strings"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Sharings are read from the agent itself (every read and list of an agent returns
// them), so a share added or removed outside the operator is drift like any other, and
// the bulk drift check finds it at no extra cost.

// reconcileSharing shares the agent with the numbers of spec.sharedWith it is not shared
// with, and unshares the others, as remote says it is shared now. remote and
// status.sharedWith follow each call, so that a failure midway, or a wait for the
// budget, repeats nothing.
func (e *agentExternal) reconcileSharing(ctx context.Context, remote *wassist.Agent) error {
	defer func() { e.agent.Status.SharedWith = remoteSharings(remote) }()
	for _, n := range e.agent.Spec.SharedWith {
		if slices.Contains(remoteSharings(remote), n) {
			continue
		}
		if err := e.api.ShareAgent(ctx, remote.ID, n); err != nil {
			return err
		}
		remote.Sharings = append(remote.Sharings, wassist.AgentUser{PhoneNumber: n})
		e.event("Shared", "Shared the agent with %s", n)
	}
	for _, n := range remoteSharings(remote) {
		if slices.Contains(e.agent.Spec.SharedWith, n) {
			continue
		}
		if err := e.api.UnshareAgent(ctx, remote.ID, n); err != nil {
			return err
		}
		remote.Sharings = slices.DeleteFunc(remote.Sharings, func(u wassist.AgentUser) bool { return sharingNumber(u) == n })
		e.event("Unshared", "Stopped sharing the agent with %s", n)
	}
	return nil
}

// remoteSharings are the numbers the remote agent is shared with, written as the spec
// writes them (E.164 digits without "+"), sorted.
func remoteSharings(remote *wassist.Agent) []string { return RemoteSharings(remote) }

// RemoteSharings are the numbers (E.164 digits, sorted, once each) remote is shared with,
// as spec.sharedWith writes them.
func RemoteSharings(remote *wassist.Agent) []string {
	var out []string
	for _, u := range remote.Sharings {
		if n := sharingNumber(u); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func sharingNumber(u wassist.AgentUser) string {
	return strings.TrimPrefix(strings.TrimSpace(u.PhoneNumber), "+")
}

// unshared names the remote sharings the spec leaves out: sharedWith[number].
func unshared(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent) []string {
	var out []string
	for _, n := range remoteSharings(remote) {
		if !slices.Contains(agent.Spec.SharedWith, n) {
			out = append(out, "sharedWith["+n+"]")
		}
	}
	return out
}

// sharedAsSpecified says whether the remote agent is shared with exactly spec.sharedWith.
func sharedAsSpecified(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent) bool {
	want := slices.Sorted(slices.Values(agent.Spec.SharedWith))
	return slices.Equal(slices.Compact(want), remoteSharings(remote))
}
