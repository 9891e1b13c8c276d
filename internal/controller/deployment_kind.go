package controller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// deploymentKind is the WassistDeployment's part of the managed core. Its remote object
// is a WhatsApp number, named by the spec; the operator routes it, never creates it.
type deploymentKind struct {
	cache    client.Reader
	keys     *keyring
	recorder events.EventRecorder
}

var _ managed.Kind[*wassistv1alpha1.WassistDeployment] = (*deploymentKind)(nil)

// deploymentView is what a deployment asks for: this agent on its number, through the
// client of this key.
type deploymentView struct {
	agentID string
	keyRef  wassistv1alpha1.SecretKeySelector
}

func (k *deploymentKind) ExternalName(dep *wassistv1alpha1.WassistDeployment) string {
	return targetOf(dep).String()
}

// Desired resolves the agent to deploy and the API key, and fails with Conflict unless
// this deployment holds the claim on its number.
func (k *deploymentKind) Desired(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) (managed.Desired, error) {
	view, err := k.resolveAgent(ctx, dep)
	if err != nil {
		return managed.Desired{}, err
	}
	if err := k.claimTarget(ctx, dep); err != nil {
		return managed.Desired{}, err
	}
	sum := sha256.Sum256([]byte(targetOf(dep).String() + "=" + view.agentID))
	return managed.Desired{Hash: hex.EncodeToString(sum[:12]), View: view}, nil
}

func (k *deploymentKind) Connect(ctx context.Context, dep *wassistv1alpha1.WassistDeployment,
	d *managed.Desired) (managed.External, error) {
	// The key is the one Desired resolved; a deletion (no Desired) has only its own.
	var keyRef wassistv1alpha1.SecretKeySelector
	if d != nil {
		keyRef = d.View.(deploymentView).keyRef
	} else if dep.Spec.APIKeySecretRef != nil {
		keyRef = *dep.Spec.APIKeySecretRef
	}
	api, err := k.keys.client(ctx, dep, keyRef, d == nil, "number")
	if err != nil {
		return nil, err
	}
	return &deploymentExternal{api: api, dep: dep, target: targetOf(dep), recorder: k.recorder}, nil
}

// resolveAgent returns the agent id to deploy and the Secret of the API key: the
// deployment's own, or else its agent's.
func (k *deploymentKind) resolveAgent(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) (deploymentView, error) {
	var view deploymentView
	if dep.Spec.APIKeySecretRef != nil {
		view.keyRef = *dep.Spec.APIKeySecretRef
	}
	if dep.Spec.AgentRef == nil {
		view.agentID = dep.Spec.AgentID
		return view, nil
	}
	agent := &wassistv1alpha1.WassistAgent{}
	err := k.cache.Get(ctx, client.ObjectKey{Namespace: dep.Namespace, Name: dep.Spec.AgentRef.Name}, agent)
	if err != nil && !apierrors.IsNotFound(err) {
		return view, err
	}
	if err != nil || agent.Status.AgentID == "" ||
		!meta.IsStatusConditionTrue(agent.Status.Conditions, wassistv1alpha1.ConditionReady) {
		return view, &managed.WaitingError{Reason: wassistv1alpha1.ReasonAgentNotReady,
			Message: "waiting for WassistAgent " + dep.Spec.AgentRef.Name + " to be Ready", Retry: 10 * time.Minute}
	}
	if dep.Spec.APIKeySecretRef == nil {
		view.keyRef = agent.Spec.APIKeySecretRef
	}
	view.agentID = agent.Status.AgentID
	return view, nil
}

// claimTarget fails with Conflict unless this deployment is the oldest of those in the
// cluster that claim its number: the loser sends nothing, so two claims never flap.
func (k *deploymentKind) claimTarget(ctx context.Context, dep *wassistv1alpha1.WassistDeployment) error {
	claims := &wassistv1alpha1.WassistDeploymentList{}
	if err := k.cache.List(ctx, claims, client.MatchingFields{deploymentTargetIndex: targetOf(dep).String()}); err != nil {
		return err
	}
	winner := dep
	for i := range claims.Items {
		c := &claims.Items[i]
		if c.DeletionTimestamp.IsZero() && olderThan(c, winner) {
			winner = c
		}
	}
	if winner.UID == dep.UID {
		return nil
	}
	return &managed.WaitingError{Reason: wassistv1alpha1.ReasonConflict,
		Message: fmt.Sprintf("%s is claimed by the older WassistDeployment %s/%s; this one sends nothing until that one is deleted",
			targetOf(dep), winner.Namespace, winner.Name)}
}

func olderThan(a, b *wassistv1alpha1.WassistDeployment) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
}
