package wassist

import (
	"context"
	"net/http"
	"strings"
)

// Route templates: the labels of metrics and the names in errors.
const (
	routeAgents       = "/agents/"
	routeAgentsBYOA   = "/agents/byoa/"
	routeAgent        = "/agents/{id}/"
	routeAgentShare   = "/agents/{id}/share/"
	routeAgentUnshare = "/agents/{id}/unshare/"
)

// ListAgents returns every agent of the key, reading all pages (100 per page).
func (c *Client) ListAgents(ctx context.Context) ([]Agent, error) {
	return listAll[Agent](ctx, c, routeAgents, pathOf("agents"))
}

// GetAgent returns one agent.
func (c *Client) GetAgent(ctx context.Context, id string) (*Agent, error) {
	out := &Agent{}
	return out, c.do(ctx, call{method: http.MethodGet, route: routeAgent, path: pathOf("agents", id)}, out)
}

// CreateAgent creates an agent. The API takes only the name on create; everything else
// is set by a following UpdateAgent.
func (c *Client) CreateAgent(ctx context.Context, name string) (*Agent, error) {
	out := &Agent{}
	body := map[string]string{"name": name}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeAgents, path: pathOf("agents"), body: body}, out)
}

// CreateBYOAAgent creates a bring-your-own-agent agent, whose replies come from the
// server at webhookURL. The body has only the URL (no name), and no call changes it later.
func (c *Client) CreateBYOAAgent(ctx context.Context, webhookURL string) (*Agent, error) {
	out := &Agent{}
	body := map[string]string{"webhookUrl": webhookURL}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeAgentsBYOA, path: pathOf("agents", "byoa"), body: body}, out)
}

// UpdateAgent PATCHes the fields set in u and returns the agent as the API left it.
func (c *Client) UpdateAgent(ctx context.Context, id string, u AgentUpdate) (*Agent, error) {
	out := &Agent{}
	return out, c.do(ctx, call{method: http.MethodPatch, route: routeAgent, path: pathOf("agents", id), body: u}, out)
}

// DeleteAgent deletes an agent. A 404 is returned as an error; callers that treat
// "already gone" as done check IsNotFound.
func (c *Client) DeleteAgent(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, route: routeAgent, path: pathOf("agents", id)}, nil)
}

// ShareAgent shares an agent with a WhatsApp user, by number (E.164, with or without "+").
func (c *Client) ShareAgent(ctx context.Context, id, phoneNumber string) error {
	return c.do(ctx, call{method: http.MethodPost, route: routeAgentShare, path: pathOf("agents", id, "share"),
		body: sharing{UserPhoneNumber: e164(phoneNumber)}}, nil)
}

// UnshareAgent withdraws a share made by ShareAgent.
func (c *Client) UnshareAgent(ctx context.Context, id, phoneNumber string) error {
	return c.do(ctx, call{method: http.MethodPost, route: routeAgentUnshare, path: pathOf("agents", id, "unshare"),
		body: sharing{UserPhoneNumber: e164(phoneNumber)}}, nil)
}

type sharing struct {
	UserPhoneNumber string `json:"userPhoneNumber"`
}

// e164 writes a number as the share endpoints' documented example does: with a "+".
func e164(n string) string { return "+" + strings.TrimPrefix(n, "+") }

// ReserveCreateAgent takes the tokens of the CreateAgent call made next for ctx's Turn
// and, with thenUpdate, of the UpdateAgent call that follows it (see reserve): both are
// due at once, so that the update is sent right after the create instead of waiting for
// a token of its own in another reconcile.
func (c *Client) ReserveCreateAgent(ctx context.Context, thenUpdate bool) error {
	calls := 1
	if thenUpdate {
		calls = 2
	}
	return c.reserve(ctx, call{method: http.MethodPost, route: routeAgents}, calls)
}
