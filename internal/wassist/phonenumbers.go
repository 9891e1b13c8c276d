package wassist

import (
	"context"
	"net/http"
)

const (
	routePhoneNumbers = "/phone-numbers/"
	routePhoneNumber  = "/phone-numbers/{number}/"
	routeConnectAgent = "/phone-numbers/{number}/connect-agent/"
	routeUnsubscribe  = "/phone-numbers/{number}/unsubscribe/"
	routeSubscribe    = "/phone-numbers/{number}/subscribe/"
)

// ListPhoneNumbers returns the key's WhatsApp numbers, every page of the envelope the SDK
// reads (a bare array, as third parties saw the API answer, is read too).
func (c *Client) ListPhoneNumbers(ctx context.Context) ([]PhoneNumber, error) {
	return listAll[PhoneNumber](ctx, c, routePhoneNumbers, pathOf("phone-numbers"))
}

// GetPhoneNumber returns one number, given as E.164 digits without "+". GET
// /phone-numbers/{number}/ is in the API's operation list but not in the official SDK, whose
// only way to read a number is the list: when that route answers 404 or 405, the number is
// looked for in the list (every page). A number in neither is a 404 (IsNotFound).
func (c *Client) GetPhoneNumber(ctx context.Context, number string) (*PhoneNumber, error) {
	out := &PhoneNumber{}
	err := c.do(ctx, call{method: http.MethodGet, route: routePhoneNumber, path: pathOf("phone-numbers", number)}, out)
	if s := statusOf(err); s != http.StatusNotFound && s != http.StatusMethodNotAllowed {
		return out, err
	}
	all, listErr := c.ListPhoneNumbers(ctx)
	if listErr != nil {
		return &PhoneNumber{}, listErr
	}
	for i := range all {
		if all[i].Number == number {
			return &all[i], nil
		}
	}
	if IsNotFound(err) {
		return &PhoneNumber{}, err
	}
	return &PhoneNumber{}, &APIError{Endpoint: http.MethodGet + " " + routePhoneNumbers, Status: http.StatusNotFound,
		Message: "the number is not one of the key's phone numbers"}
}

// ConnectAgent makes agentID the agent that answers on number. With applyToExisting,
// conversations already running on the number move to the agent too.
func (c *Client) ConnectAgent(ctx context.Context, number, agentID string, applyToExisting bool) (*PhoneNumber, error) {
	out := &PhoneNumber{}
	body := struct {
		AgentID         string `json:"agentId"`
		ApplyToExisting bool   `json:"applyToExisting"`
	}{agentID, applyToExisting}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeConnectAgent,
		path: pathOf("phone-numbers", number, "connect-agent"), body: body}, out)
}

// SubscribeNumber routes number to webhookID (a webhook made in the dashboard): the
// number's agent, if any, is dropped. applyToExisting as for ConnectAgent.
func (c *Client) SubscribeNumber(ctx context.Context, number, webhookID string, applyToExisting bool) (*PhoneNumber, error) {
	out := &PhoneNumber{}
	body := struct {
		WebhookID       string `json:"webhookId"`
		ApplyToExisting bool   `json:"applyToExisting"`
	}{webhookID, applyToExisting}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeSubscribe,
		path: pathOf("phone-numbers", number, "subscribe"), body: body}, out)
}

// UnsubscribeNumber clears the number's routing entirely (defaultRouting null): it drops
// both the agent and any webhook. This is how an agent is taken off a number; connecting
// another agent would only replace it. With applyToExisting, conversations already running
// on the number lose their agent too.
func (c *Client) UnsubscribeNumber(ctx context.Context, number string, applyToExisting bool) (*PhoneNumber, error) {
	out := &PhoneNumber{}
	// The field is always sent: the API's default is true, so leaving it out on false
	// would move the running conversations after all.
	body := struct {
		ApplyToExisting bool `json:"applyToExisting"`
	}{applyToExisting}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeUnsubscribe,
		path: pathOf("phone-numbers", number, "unsubscribe"), body: body}, out)
}
