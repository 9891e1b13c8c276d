package controller

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// deploymentExternal reaches one WassistDeployment's number.
type deploymentExternal struct {
	api      *wassist.Client
	dep      *wassistv1alpha1.WassistDeployment
	target   deploymentTarget
	recorder events.EventRecorder
}

var _ managed.External = (*deploymentExternal)(nil)

// numberState is what a number says of its routing.
type numberState struct {
	serving  string // the agent answering on it ("" for none)
	numberID string
}

// errNumbersNotCreated: a number is bought in WhatsApp, never created by the operator.
var errNumbersNotCreated = errors.New("WhatsApp numbers are not created by the operator")

// Observe reads who serves the number. An unknown number is a spec the API cannot
// satisfy: it waits, slowly, for a spec change or for the number to be added.
func (e *deploymentExternal) Observe(ctx context.Context, id string, d managed.Desired) (managed.Observation, error) {
	serving, numberID, err := e.target.observe(ctx, e.api)
	if err != nil {
		return managed.Observation{}, err
	}
	return e.observation(numberState{serving, numberID}, d), nil
}

func (e *deploymentExternal) observation(n numberState, d managed.Desired) managed.Observation {
	view, _ := d.View.(deploymentView)
	upToDate := n.serving == view.agentID && view.agentID != ""
	if upToDate {
		e.dep.Status.AgentID, e.dep.Status.PhoneNumberID = view.agentID, n.numberID
	}
	return managed.Observation{ID: e.target.String(), Exists: true, UpToDate: upToDate, Remote: n}
}

// Update deploys the agent on the number and verifies it by reading the number back:
// the deploy answers are not documented. Until the read succeeds, what the number
// holds is unknown (an empty observation).
func (e *deploymentExternal) Update(ctx context.Context, obs managed.Observation, d managed.Desired) (managed.Observation, error) {
	view, _ := d.View.(deploymentView)
	before, _ := obs.Remote.(numberState)
	if err := e.target.deploy(ctx, e.api, view.agentID, ptr.Deref(e.dep.Spec.ApplyToExisting, true)); err != nil {
		return obs, err
	}
	if e.dep.Status.AgentID == view.agentID && before.serving != "" {
		e.event(corev1.EventTypeWarning, "Redeployed",
			"%s was switched to agent %s outside the operator; deployed agent %s again", e.target, before.serving, view.agentID)
	} else {
		e.event(corev1.EventTypeNormal, "Deployed", "Deployed agent %s on %s", view.agentID, e.target)
	}
	serving, numberID, err := e.target.observe(ctx, e.api)
	if err != nil {
		return managed.Observation{}, err
	}
	after := e.observation(numberState{serving, numberID}, d)
	if !after.UpToDate {
		return after, fmt.Errorf("after deploying agent %s, %s still serves %q", view.agentID, e.target, serving)
	}
	return after, nil
}

func (e *deploymentExternal) Find(context.Context, string, managed.Desired) ([]managed.Observation, error) {
	return nil, errNumbersNotCreated
}

func (e *deploymentExternal) Create(context.Context, string, managed.Desired) (managed.Observation, error) {
	return managed.Observation{}, errNumbersNotCreated
}

// Delete leaves the number as it is: deleting a WassistDeployment stops the operator
// managing the number (see docs/design.md).
func (e *deploymentExternal) Delete(context.Context, string) error { return nil }

func (e *deploymentExternal) event(eventType, reason, note string, args ...any) {
	managed.Emit(e.recorder, e.dep, eventType, reason, note, args...)
}
