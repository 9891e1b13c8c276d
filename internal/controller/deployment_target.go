package controller

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Indexes of WassistDeployments: by the number they claim (cluster-wide, for conflicts)
// and by the WassistAgent they deploy.
const (
	deploymentTargetIndex = "wassist.app/deployment-target"
	deploymentAgentIndex  = "wassist.app/deployment-agent"
)

// deploymentTarget is a WhatsApp number in either of the two forms the API deploys to.
type deploymentTarget struct {
	phoneNumber      string // E.164 digits: /phone-numbers/{n}/connect-agent/
	accountID, numID string // /whatsapp-accounts/{id}/deploy-agent/ with the number's id
}

func targetOf(dep *wassistv1alpha1.WassistDeployment) deploymentTarget {
	return deploymentTarget{dep.Spec.PhoneNumber, dep.Spec.WhatsAppAccountID, dep.Spec.PhoneNumberID}
}

// String names the target in messages and in the conflict index.
func (t deploymentTarget) String() string {
	if t.phoneNumber != "" {
		return "number " + t.phoneNumber
	}
	return fmt.Sprintf("number %s of WhatsApp account %s", t.numID, t.accountID)
}

// observe returns the agent serving the number ("" for none) and the number's id. An
// unknown number is a spec the API cannot satisfy: it waits, slowly, for a spec change
// or for the number to be added to the account.
func (t deploymentTarget) observe(ctx context.Context, api *wassist.Client) (serving, numberID string, err error) {
	if t.phoneNumber != "" {
		n, err := api.GetPhoneNumber(ctx, t.phoneNumber)
		if wassist.IsNotFound(err) {
			return "", "", t.unknown()
		}
		if err != nil {
			return "", "", err
		}
		return n.ActiveAgent.ID, n.ID, nil
	}
	acct, err := api.GetWhatsAppAccount(ctx, t.accountID)
	if wassist.IsNotFound(err) {
		return "", "", t.unknown()
	}
	if err != nil {
		return "", "", err
	}
	for _, n := range acct.PhoneNumbers {
		if n.ID == t.numID {
			if n.Bot == nil {
				return "", n.ID, nil
			}
			return n.Bot.ID, n.ID, nil
		}
	}
	return "", "", t.unknown()
}

func (t deploymentTarget) unknown() error {
	return &managed.WaitingError{Reason: wassistv1alpha1.ReasonInvalidSpec,
		Message: t.String() + " is not known to Wassist for this API key", Retry: managed.AmbiguousRetry}
}

// deploy makes agentID the agent that answers on the number.
func (t deploymentTarget) deploy(ctx context.Context, api *wassist.Client, agentID string, applyToExisting bool) error {
	if t.phoneNumber != "" {
		_, err := api.ConnectAgent(ctx, t.phoneNumber, agentID, applyToExisting)
		return err
	}
	return api.DeployAgent(ctx, t.accountID, agentID, t.numID)
}

func deploymentTargets(obj client.Object) []string {
	dep, ok := obj.(*wassistv1alpha1.WassistDeployment)
	if !ok {
		return nil
	}
	return []string{targetOf(dep).String()}
}

func deploymentAgentNames(obj client.Object) []string {
	dep, ok := obj.(*wassistv1alpha1.WassistDeployment)
	if !ok || dep.Spec.AgentRef == nil {
		return nil
	}
	return []string{dep.Spec.AgentRef.Name}
}

// sameTargetClaims maps a deployment to the other deployments, in any namespace, that
// claim its number, so that the next oldest takes over when it goes.
func sameTargetClaims(c client.Reader) func(context.Context, client.Object) []reconcile.Request {
	return func(ctx context.Context, obj client.Object) []reconcile.Request {
		dep, ok := obj.(*wassistv1alpha1.WassistDeployment)
		if !ok {
			return nil
		}
		claims := &wassistv1alpha1.WassistDeploymentList{}
		if err := c.List(ctx, claims, client.MatchingFields{deploymentTargetIndex: targetOf(dep).String()}); err != nil {
			return nil
		}
		var reqs []reconcile.Request
		for i := range claims.Items {
			if claims.Items[i].UID != dep.UID {
				reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&claims.Items[i])})
			}
		}
		return reqs
	}
}
