package deployment

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// deploymentKind is the WassistDeployment's part of the managed core. Its remote object
// is a WhatsApp number, named by the spec; the operator routes it, never creates it.
type deploymentKind struct {
	cache    client.Reader
	keys     *kit.Keyring
	recorder events.EventRecorder
}

var _ managed.Kind[*wassistv1alpha1.WassistDeployment, deploymentView, numberState] = (*deploymentKind)(nil)

// deploymentView is what a deployment asks for: this route (an agent or a webhook) on its
// number, through the client of this key.
type deploymentView struct {
	route  string
	keyRef wassistv1alpha1.SecretKeySelector
}

func (k *deploymentKind) ExternalName(dep *wassistv1alpha1.WassistDeployment) string {
	return targetOf(dep).id()
}

// Claims name the number in both of its forms: its digits (the spec's, or those its
// account's number id was seen to stand for), and its account's number id. Two
// deployments that write one number differently claim it alike.
func (k *deploymentKind) Claims(dep *wassistv1alpha1.WassistDeployment) []string {
	var claims []string
	if number := digitsOf(dep); number != "" {
		claims = append(claims, "number:"+number)
	}
	if t := targetOf(dep); t.accountID != "" {
		claims = append(claims, "account-number:"+t.accountID+"/"+t.numID)
	}
	return claims
}

// Holds: the deployment routed the number its spec names.
func (k *deploymentKind) Holds(dep *wassistv1alpha1.WassistDeployment) bool { return routedTarget(dep) }

// digitsOf is the number the spec names, as E.164 digits, as far as known: the spec's,
// or those its account's number id was seen to stand for.
func digitsOf(dep *wassistv1alpha1.WassistDeployment) string {
	if dep.Spec.PhoneNumber == "" && statusNamesTarget(dep) {
		return dep.Status.PhoneNumber
	}
	return dep.Spec.PhoneNumber
}

// statusNamesTarget says whether the status describes the number the spec names now,
// and not one named before an edit. A status without the number's digits was written by
// a version before status.phoneNumber, for the spec's number.
func statusNamesTarget(dep *wassistv1alpha1.WassistDeployment) bool {
	if dep.Spec.PhoneNumber != "" {
		return dep.Status.PhoneNumber == "" || dep.Status.PhoneNumber == dep.Spec.PhoneNumber
	}
	return dep.Status.PhoneNumberID == dep.Spec.PhoneNumberID
}

// routedTarget says whether the status records that the deployment routed the number
// its spec names (a deletion that cannot tell reads the number first).
func routedTarget(dep *wassistv1alpha1.WassistDeployment) bool {
	return recordedRoute(dep.Status) != "" && statusNamesTarget(dep)
}

// Desired resolves the agent to deploy and the API key.
func (k *deploymentKind) Desired(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) (desired, error) {
	view, err := k.resolveAgent(ctx, dep)
	if err != nil {
		return desired{}, err
	}
	sum := sha256.Sum256([]byte(targetOf(dep).String() + "=" + view.route))
	return desired{Hash: hex.EncodeToString(sum[:12]), View: view}, nil
}

func (k *deploymentKind) Connect(ctx context.Context, dep *wassistv1alpha1.WassistDeployment,
	d *desired) (external, error) {
	ext := &deploymentExternal{dep: dep, target: targetOf(dep), recorder: k.recorder, cache: k.cache}
	// The key is the one Desired resolved; a deletion (no Desired) reads it again, and
	// needs none when no agent of the deployment's could be on the number.
	var keyRef wassistv1alpha1.SecretKeySelector
	if d != nil {
		keyRef = d.View.keyRef
	} else {
		if ext.ours = k.routesOf(ctx, dep); len(ext.ours) == 0 {
			return ext, nil
		}
		keyRef = k.keyRef(ctx, dep)
	}
	api, err := k.keys.Client(ctx, dep, keyRef, d == nil, "number")
	ext.api = api
	return ext, err
}

// routesOf are the routes the deployment may have put on its numbers: the one its status
// recorded, those pending (a deploy sent, its verification not yet recorded when the
// manager died or the budget held it; a number moved from), and the one its spec names
// now.
func (k *deploymentKind) routesOf(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) []string {
	var ids []string
	if statusNamesTarget(dep) {
		ids = append(ids, ownRoute(dep.Status))
	}
	for _, p := range dep.Status.PendingRoutes {
		ids = append(ids, routeOfPending(p))
	}
	ids = append(ids, dep.Spec.AgentID, webhookRoute(dep.Spec.WebhookID))
	if agent, err := k.agentOf(ctx, dep); err == nil && agent != nil {
		ids = append(ids, kit.AgentIDOf(agent))
	}
	return slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(ids))), func(id string) bool { return id == "" })
}

// keyRef is the deployment's own API key Secret, or its agent's while that agent is in
// the cache (a deployment deleted after its agent falls back to the key it last used).
func (k *deploymentKind) keyRef(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) wassistv1alpha1.SecretKeySelector {
	if dep.Spec.APIKeySecretRef != nil {
		return *dep.Spec.APIKeySecretRef
	}
	if agent, err := k.agentOf(ctx, dep); err == nil && agent != nil {
		return agent.Spec.APIKeySecretRef
	}
	return wassistv1alpha1.SecretKeySelector{}
}

// agentOf is the WassistAgent the deployment's agentRef names, from the cache; nil when
// there is no agentRef or no such agent.
func (k *deploymentKind) agentOf(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) (*wassistv1alpha1.WassistAgent, error) {
	if dep.Spec.AgentRef == nil {
		return nil, nil
	}
	agent := &wassistv1alpha1.WassistAgent{}
	err := k.cache.Get(ctx, client.ObjectKey{Namespace: dep.Namespace, Name: dep.Spec.AgentRef.Name}, agent)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return agent, err
}

// resolveAgent returns the agent id to deploy and the Secret of the API key: the
// deployment's own, or else its agent's.
func (k *deploymentKind) resolveAgent(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) (deploymentView, error) {
	var view deploymentView
	if dep.Spec.APIKeySecretRef != nil {
		view.keyRef = *dep.Spec.APIKeySecretRef
	}
	if dep.Spec.AgentRef == nil {
		view.route = cmp.Or(dep.Spec.AgentID, webhookRoute(dep.Spec.WebhookID))
		return view, nil
	}
	agent, err := k.agentOf(ctx, dep)
	if err != nil {
		return view, err
	}
	if agent == nil || agent.Status.AgentID == "" ||
		!meta.IsStatusConditionTrue(agent.Status.Conditions, wassistv1alpha1.ConditionReady) {
		return view, k.agentNotReady(ctx, dep, agent)
	}
	if dep.Spec.APIKeySecretRef == nil {
		view.keyRef = agent.Spec.APIKeySecretRef
	}
	view.route = agent.Status.AgentID
	return view, nil
}

// agentNotReady is why a deployment cannot route its agent yet. A deployment that uses its
// agent's key says first what is wrong with that key, as the agent does: the deployment
// cannot be managed either (docs/design.md, rule 16).
func (k *deploymentKind) agentNotReady(ctx context.Context, dep *wassistv1alpha1.WassistDeployment,
	agent *wassistv1alpha1.WassistAgent) error {
	name := dep.Spec.AgentRef.Name
	if agent == nil {
		// Deleted, or not applied yet: say so, rather than leave the user to look for it.
		return &managed.WaitingError{Reason: wassistv1alpha1.ReasonAgentNotReady, Retry: 10 * time.Minute,
			Message: "waiting for WassistAgent " + name + ", which does not exist in this namespace"}
	}
	if dep.Spec.APIKeySecretRef == nil {
		if _, err := k.keys.Secrets.Value(ctx, dep.Namespace, agent.Spec.APIKeySecretRef); err != nil {
			return err
		}
	}
	if !agent.DeletionTimestamp.IsZero() {
		// Held for this very deployment (docs/design.md, rule 17): say what ends the wait.
		return &managed.WaitingError{Reason: wassistv1alpha1.ReasonAgentNotReady, Retry: 10 * time.Minute,
			Message: "WassistAgent " + name + " is being deleted and waits for this deployment: delete it, or name " +
				"another agent; until then the number keeps serving the agent"}
	}
	msg := "waiting for WassistAgent " + name + " to be Ready"
	if ready := meta.FindStatusCondition(agent.Status.Conditions, wassistv1alpha1.ConditionReady); ready != nil {
		msg += " (it is " + ready.Reason + ")"
	}
	return &managed.WaitingError{Reason: wassistv1alpha1.ReasonAgentNotReady, Message: msg, Retry: 10 * time.Minute}
}

// The core's types, as this kind fills them.
type (
	desired     = managed.Desired[deploymentView]
	observation = managed.Observation[numberState]
	external    = managed.External[deploymentView, numberState]
)
