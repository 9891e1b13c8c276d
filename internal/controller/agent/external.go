package agent

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// agentExternal reaches one WassistAgent's remote agent.
type agentExternal struct {
	api      *wassist.Client
	agent    *wassistv1alpha1.WassistAgent
	recorder events.EventRecorder
	// cache finds the WassistAgents that name an agent (a BYOA create's recovery).
	cache client.Reader
	// writer and reader write the triggers' Secrets (agent_triggers.go).
	writer client.Client
	reader client.Reader
}

var (
	_ external         = (*agentExternal)(nil)
	_ managed.Reserver = (*agentExternal)(nil)
)

// ReserveCreate reserves, for an agent created under its marker, the PATCH that names it
// too: the create is always followed by it, and with both tokens due at once the agent is
// configured in the create's reconcile, one status write fewer (docs/design.md, Budget
// waits). A BYOA create takes the webhook URL only; what follows it depends on the spec.
func (e *agentExternal) ReserveCreate(ctx context.Context) error {
	return e.api.ReserveCreateAgent(ctx, e.agent.Spec.BYOA == nil)
}

func (e *agentExternal) Observe(ctx context.Context, id string, d desired) (observation, error) {
	remote, err := e.api.GetAgent(ctx, id)
	if wassist.IsNotFound(err) {
		return observation{ID: id}, nil
	}
	if err != nil {
		return observation{}, err
	}
	e.report(remote)
	return agentObservation(e.agent, remote, d), nil
}

func (e *agentExternal) Find(ctx context.Context, marker string, d desired) ([]observation, error) {
	agents, err := e.api.ListAgents(ctx)
	if err != nil {
		return nil, err
	}
	if e.agent.Spec.BYOA != nil {
		return e.findBYOA(ctx, agents, d)
	}
	var found []observation
	for i := range agents {
		if agents[i].Name == marker {
			found = append(found, agentObservation(e.agent, &agents[i], d))
		}
	}
	return found, nil
}

// Create creates the agent under marker, the only field the API's create takes (a BYOA
// agent under none: its create takes only the webhook URL).
func (e *agentExternal) Create(ctx context.Context, marker string, d desired) (observation, error) {
	if e.agent.Spec.BYOA != nil {
		return e.createBYOA(ctx, d)
	}
	created, err := e.api.CreateAgent(ctx, marker)
	return e.created(created, err, d)
}

// created is the observation of a create's answer. An answer without the agent (an
// empty 2xx body) is a lost answer: the agent may exist, and is found at the next attempt.
func (e *agentExternal) created(a *wassist.Agent, err error, d desired) (observation, error) {
	if err != nil {
		return observation{}, err
	}
	if a.ID == "" {
		return observation{}, kit.EmptyCreateAnswer("agent")
	}
	return agentObservation(e.agent, a, d), nil
}

// Update PATCHes the remote agent when it differs from the spec, sending every list
// whole, and then shares and unshares it so that its sharings equal spec.sharedWith.
func (e *agentExternal) Update(ctx context.Context, obs observation, d desired) (observation, error) {
	remote := obs.Remote
	if remote == nil {
		// Every observation of an existing agent carries it; read it rather than guess.
		observed, err := e.Observe(ctx, obs.ID, d)
		if err != nil {
			return observed, err
		}
		if !observed.Exists {
			return observed, fmt.Errorf("remote agent %s vanished before its update", obs.ID)
		}
		remote = observed.Remote
	}
	want := d.View
	if got := want.observed(remote); !want.equal(got) {
		patched, err := e.api.UpdateAgent(ctx, remote.ID, want.update(remote))
		if err == nil && patched.ID == "" {
			// Answered without the agent (an empty body): read what the PATCH left.
			patched, err = e.api.GetAgent(ctx, remote.ID)
		}
		if err != nil {
			return obs, err
		}
		if !obs.Created {
			e.announce(ctx, remote.ID, d, fielddiff.Changes(want, got))
		}
		remote = patched
	}
	e.report(remote)
	if err := e.reconcileSharing(ctx, remote); err != nil {
		return agentObservation(e.agent, remote, d), err
	}
	if err := e.writeTriggerSecrets(ctx, remote, want); err != nil {
		return agentObservation(e.agent, remote, d), err
	}
	return agentObservation(e.agent, remote, d), nil
}

// announce says what a PATCH changed: a repair of drift when the spec had been applied
// as it is (what changed, changed outside the cluster), else the spec's change.
func (e *agentExternal) announce(ctx context.Context, id string, d desired, fields []string) {
	st := e.agent.Status
	if st.AppliedHash == d.Hash && st.LastSyncTime != nil {
		logf.FromContext(ctx).Info("Corrected drift", "agentID", id, "fields", fields)
		e.event("DriftCorrected", "%s changed outside the cluster; restored on remote agent %s",
			fielddiff.List(fields), id)
		return
	}
	e.event("Updated", "Updated remote agent %s to match the spec: %s", id, fielddiff.List(fields))
}

func (e *agentExternal) Delete(ctx context.Context, id string) error {
	return e.api.DeleteAgent(ctx, id)
}

func (e *agentExternal) KeyFingerprint() string { return e.api.Fingerprint() }

// agentObservation compares a remote agent with the desired one (none when d has no
// view), and names what differs and what an update would erase.
func agentObservation(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, d desired) observation {
	obs := observation{ID: remote.ID, Exists: true, Remote: remote}
	want, ok := d.View, d.Hash != ""
	if !ok {
		return obs
	}
	got := want.observed(remote)
	// Under Observe the triggers' Secrets are not the operator's to write yet: they are
	// Kubernetes', not what a takeover changes on Wassist.
	shared, written := sharedAsSpecified(agent, remote), managed.Observing(agent) || triggersWritten(agent, remote, want)
	if obs.UpToDate = want.equal(got) && shared && written; obs.UpToDate {
		return obs
	}
	obs.Changes, obs.Erases = fielddiff.Changes(want, got), fielddiff.Erasures(want, got)
	if !shared {
		obs.Changes = append(obs.Changes, "sharedWith")
		obs.Erases = append(obs.Erases, unshared(agent, remote)...)
	}
	if !written {
		obs.Changes = append(obs.Changes, "outboundTriggers' Secrets")
	}
	return obs
}

// report writes what the remote agent says of itself on the status.
func (e *agentExternal) report(remote *wassist.Agent) {
	st := &e.agent.Status
	st.ConnectURL = remote.ConnectURL
	st.SharedWith = remoteSharings(remote)
	st.PhoneNumbers = nil
	for _, n := range remote.PhoneNumbers {
		st.PhoneNumbers = append(st.PhoneNumbers, wassistv1alpha1.AgentPhoneNumber{
			PhoneNumber: n.PhoneNumber, WhatsAppPhoneNumberID: n.WhatsAppPhoneNumberID})
	}
}

// event sends a Normal event about the agent: what a write did.
func (e *agentExternal) event(reason, note string, args ...any) {
	managed.Emit(e.recorder, e.agent, corev1.EventTypeNormal, reason, note, args...)
}
