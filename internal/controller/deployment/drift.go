package deployment

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// drift is the deployments' part of a bulk drift pass.
type drift struct {
	cache       client.Reader
	deployments *reconciler
}

// Check is the deployments' part of a bulk drift check: per API key, one
// list of phone numbers (and one of WhatsApp accounts, when a deployment names its
// number by account) says which agent serves every number; only the deployments whose
// number is served by another agent are enqueued.
func (o *drift) Check(ctx context.Context, pass *kit.Pass) error {
	deps := &wassistv1alpha1.WassistDeploymentList{}
	if err := o.cache.List(ctx, deps, client.UnsafeDisableDeepCopy); err != nil { // read-only
		return err
	}
	byKey := map[string][]*wassistv1alpha1.WassistDeployment{}
	clients := map[string]*wassist.Client{}
	for i := range deps.Items {
		d := &deps.Items[i]
		if (recordedRoute(d.Status) == "" && !managed.Observing(d)) || !d.DeletionTimestamp.IsZero() || managed.IsPaused(d) ||
			!meta.IsStatusConditionTrue(d.Status.Conditions, wassistv1alpha1.ConditionReady) {
			continue
		}
		keyID, c, ok := o.clientOf(ctx, pass, d)
		if !ok {
			continue
		}
		byKey[keyID], clients[keyID] = append(byKey[keyID], d), c
	}
	var firstErr error
	for keyID, group := range byKey {
		numbers, err := numberStates(ctx, clients[keyID], group)
		if err != nil {
			firstErr = kit.FirstErr(firstErr, err)
			continue
		}
		for _, d := range group {
			o.compareDeployment(pass, d, numbers, clients[keyID].Fingerprint())
		}
	}
	return firstErr
}

// compareDeployment hands the core what the list, made with the key of fingerprint key,
// says of d's number when another agent serves it; a number missing from the list is
// read again by the reconcile, and so is one seen with a key the status does not record
// yet (a rotation): that read records it.
func (o *drift) compareDeployment(pass *kit.Pass, d *wassistv1alpha1.WassistDeployment, numbers map[string]numberState, key string) {
	n, listed := numbers[targetOf(d).String()]
	if listed && n.serving == recordedRoute(d.Status) {
		pass.Checks.WithLabelValues("equal").Inc()
		if d.Status.KeyFingerprint != key {
			o.deployments.Observed(d.DeepCopy(), nil)
		}
		return
	}
	pass.Checks.WithLabelValues("drifted").Inc()
	var obs *observation
	// Under Observe the reconcile reads the number again: the list says what it serves,
	// not what the spec would change.
	if listed && !managed.Observing(d) {
		obs = &observation{ID: targetOf(d).id(), Exists: true, Remote: n, KeyFingerprint: key}
	}
	o.deployments.Observed(d.DeepCopy(), obs)
}

// clientOf returns the API client of a deployment's key: its own Secret, or its agent's.
func (o *drift) clientOf(ctx context.Context, pass *kit.Pass, d *wassistv1alpha1.WassistDeployment) (
	string, *wassist.Client, bool) {
	if d.Spec.APIKeySecretRef != nil {
		return pass.Resolve(ctx, d.Namespace, *d.Spec.APIKeySecretRef)
	}
	if d.Spec.AgentRef == nil {
		return "", nil, false
	}
	agent := &wassistv1alpha1.WassistAgent{}
	if err := o.cache.Get(ctx, types.NamespacedName{Namespace: d.Namespace, Name: d.Spec.AgentRef.Name}, agent); err != nil {
		return "", nil, false
	}
	return pass.Resolve(ctx, d.Namespace, agent.Spec.APIKeySecretRef)
}

// numberStates maps each target (as deploymentTarget.String names it) to its number's
// routing, with one list of numbers and, if needed, one list of accounts.
func numberStates(ctx context.Context, c *wassist.Client, group []*wassistv1alpha1.WassistDeployment) (map[string]numberState, error) {
	serving := map[string]numberState{}
	var byNumber, byAccount bool
	for _, d := range group {
		byNumber = byNumber || d.Spec.PhoneNumber != ""
		byAccount = byAccount || d.Spec.PhoneNumber == ""
	}
	if byNumber {
		numbers, err := c.ListPhoneNumbers(ctx)
		if err != nil {
			return nil, err
		}
		for _, n := range numbers {
			serving[deploymentTarget{phoneNumber: n.Number}.String()] = numberState{serving: routeOf(&n), numberID: n.ID,
				number: n.Number}
		}
	}
	if byAccount {
		accounts, err := c.ListWhatsAppAccounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range accounts {
			for _, n := range a.PhoneNumbers {
				serving[deploymentTarget{accountID: a.ID, numID: n.ID}.String()] = accountNumberState(n)
			}
		}
	}
	return serving, nil
}
