package deployment

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// A route is what answers on a number: an agent, by its id, or a webhook, as "webhook:"
// and its id. One string for both, so that comparing a number with a spec, the routes a
// deletion may take off and the drift check never ask which it is.
const webhookPrefix = "webhook:"

func webhookRoute(id string) string {
	if id == "" {
		return ""
	}
	return webhookPrefix + id
}

// describeRoute names a route in messages: "agent <id>" or "webhook <id>".
func describeRoute(route string) string {
	if id, ok := strings.CutPrefix(route, webhookPrefix); ok {
		return "webhook " + id
	}
	return "agent " + route
}

// routeOf is what the number serves, as the API reports it.
func routeOf(n *wassist.PhoneNumber) string {
	if n.DefaultRouting == "webhook" {
		return webhookRoute(n.DefaultWebhook.ID)
	}
	return n.ActiveAgent.ID
}

// recordedRoute is the route the status records the deployment put on its number.
func recordedRoute(st wassistv1alpha1.WassistDeploymentStatus) string {
	return routeFrom(st.AgentID, st.WebhookID)
}

// routeFrom is the route an agent id or a webhook id (one of them set) names.
func routeFrom(agentID, webhookID string) string {
	return cmp.Or(agentID, webhookRoute(webhookID))
}

// ownRoute is the route the deployment itself put on its number: none while its status
// only reports what managementPolicy Observe saw (status.takeover is set until Full has
// applied the spec).
func ownRoute(st wassistv1alpha1.WassistDeploymentStatus) string {
	if st.Takeover != nil {
		return ""
	}
	return recordedRoute(st)
}

// record writes route on the status.
func record(st *wassistv1alpha1.WassistDeploymentStatus, route string) {
	setRoute(&st.AgentID, &st.WebhookID, route)
}

// setRoute writes route as an agent id or a webhook id.
func setRoute(agentID, webhookID *string, route string) {
	webhook, isWebhook := strings.CutPrefix(route, webhookPrefix)
	*agentID, *webhookID = "", ""
	if isWebhook {
		*webhookID = webhook
	} else {
		*agentID = route
	}
}

// deploymentTarget is a WhatsApp number in either of the two forms the API deploys to.
type deploymentTarget struct {
	phoneNumber      string // E.164 digits: /phone-numbers/{n}/connect-agent/
	accountID, numID string // /whatsapp-accounts/{id}/deploy-agent/ with the number's id
}

func targetOf(dep *wassistv1alpha1.WassistDeployment) deploymentTarget {
	return deploymentTarget{dep.Spec.PhoneNumber, dep.Spec.WhatsAppAccountID, dep.Spec.PhoneNumberID}
}

// id names the number as the spec writes it: its digits, or its id in its account.
func (t deploymentTarget) id() string {
	if t.phoneNumber != "" {
		return t.phoneNumber
	}
	return fmt.Sprintf("%s of WhatsApp account %s", t.numID, t.accountID)
}

// String names the target in messages.
func (t deploymentTarget) String() string { return "number " + t.id() }

// observe returns what the number serves. An unknown number is a spec the API cannot
// satisfy: it waits, slowly, for a spec change or for the number to be added to the
// account.
func (t deploymentTarget) observe(ctx context.Context, api *wassist.Client) (numberState, error) {
	if t.phoneNumber != "" {
		n, err := api.GetPhoneNumber(ctx, t.phoneNumber)
		if wassist.IsNotFound(err) {
			return numberState{}, t.unknown()
		}
		if err != nil {
			return numberState{}, err
		}
		return numberState{serving: routeOf(n), numberID: n.ID, number: n.Number}, nil
	}
	acct, err := api.GetWhatsAppAccount(ctx, t.accountID)
	if wassist.IsNotFound(err) {
		return numberState{}, t.unknown()
	}
	if err != nil {
		return numberState{}, err
	}
	for _, n := range acct.PhoneNumbers {
		if n.ID == t.numID {
			return accountNumberState(n), nil
		}
	}
	return numberState{}, t.unknown()
}

func accountNumberState(n wassist.AccountPhoneNumber) numberState {
	state := numberState{numberID: n.ID, number: n.Number}
	if n.Bot != nil {
		state.serving = n.Bot.ID
	}
	return state
}

func (t deploymentTarget) unknown() error {
	return &managed.WaitingError{Reason: wassistv1alpha1.ReasonInvalidSpec, Stalled: true,
		Message: t.String() + " is not known to Wassist for this API key", Retry: managed.AmbiguousRetry}
}

// deploy makes route what answers on the number: connect-agent, deploy-agent (the account
// form) or, for a webhook, subscribe (admission allows webhooks on the digits form only).
func (t deploymentTarget) deploy(ctx context.Context, api *wassist.Client, route string, applyToExisting bool) error {
	if webhook, ok := strings.CutPrefix(route, webhookPrefix); ok {
		_, err := api.SubscribeNumber(ctx, t.phoneNumber, webhook, applyToExisting)
		return err
	}
	if t.phoneNumber != "" {
		_, err := api.ConnectAgent(ctx, t.phoneNumber, route, applyToExisting)
		return err
	}
	return api.DeployAgent(ctx, t.accountID, route, t.numID)
}

// unroute takes whatever serves the number off it: the agent, and any webhook.
func unroute(ctx context.Context, api *wassist.Client, number string, applyToExisting bool) error {
	_, err := api.UnsubscribeNumber(ctx, number, applyToExisting)
	return err
}
