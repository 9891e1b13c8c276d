package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// agentExternal reaches one WassistAgent's remote agent.
type agentExternal struct {
	api      *wassist.Client
	agent    *wassistv1alpha1.WassistAgent
	recorder events.EventRecorder
}

var _ managed.External = (*agentExternal)(nil)

func (e *agentExternal) Observe(ctx context.Context, id string, d managed.Desired) (managed.Observation, error) {
	remote, err := e.api.GetAgent(ctx, id)
	if wassist.IsNotFound(err) {
		return managed.Observation{ID: id}, nil
	}
	if err != nil {
		return managed.Observation{}, err
	}
	e.report(remote)
	return agentObservation(e.agent, remote, d), nil
}

func (e *agentExternal) Find(ctx context.Context, marker string, d managed.Desired) ([]managed.Observation, error) {
	agents, err := e.api.ListAgents(ctx)
	if err != nil {
		return nil, err
	}
	var found []managed.Observation
	for i := range agents {
		if agents[i].Name == marker {
			found = append(found, agentObservation(e.agent, &agents[i], d))
		}
	}
	return found, nil
}

// Create creates the agent under marker, the only field the API's create takes.
func (e *agentExternal) Create(ctx context.Context, marker string, d managed.Desired) (managed.Observation, error) {
	created, err := e.api.CreateAgent(ctx, marker)
	if err != nil {
		return managed.Observation{}, err
	}
	return agentObservation(e.agent, created, d), nil
}

// Update PATCHes the remote agent when it differs from the spec, sending every list
// whole, and then shares and unshares it so that its sharings equal spec.sharedWith.
func (e *agentExternal) Update(ctx context.Context, obs managed.Observation, d managed.Desired) (managed.Observation, error) {
	remote, ok := obs.Remote.(*wassist.Agent)
	if !ok || remote == nil {
		// Every observation of an existing agent carries it; read it rather than guess.
		observed, err := e.Observe(ctx, obs.ID, d)
		if err != nil {
			return observed, err
		}
		if !observed.Exists {
			return observed, fmt.Errorf("remote agent %s vanished before its update", obs.ID)
		}
		remote = observed.Remote.(*wassist.Agent)
	}
	want, _ := d.View.(agentView)
	if !want.equal(remoteView(remote)) {
		patched, err := e.api.UpdateAgent(ctx, remote.ID, want.update(remote))
		if err != nil {
			return obs, err
		}
		if !obs.Created {
			e.event(corev1.EventTypeNormal, "Updated", "Updated remote agent %s to match the spec", remote.ID)
		}
		remote = patched
	}
	e.report(remote)
	if err := e.reconcileSharing(ctx, remote); err != nil {
		return agentObservation(e.agent, remote, d), err
	}
	return agentObservation(e.agent, remote, d), nil
}

func (e *agentExternal) Delete(ctx context.Context, id string) error {
	return e.api.DeleteAgent(ctx, id)
}

// agentObservation compares a remote agent with the desired one (none when d has no view).
func agentObservation(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, d managed.Desired) managed.Observation {
	want, ok := d.View.(agentView)
	return managed.Observation{ID: remote.ID, Exists: true, Remote: remote,
		UpToDate: ok && want.equal(remoteView(remote)) && sharedAsSpecified(agent, remote)}
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

func (e *agentExternal) event(eventType, reason, note string, args ...any) {
	managed.Emit(e.recorder, e.agent, eventType, reason, note, args...)
}
