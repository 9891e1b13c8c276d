package wassist

import (
	"context"
	"net/http"
)

const (
	routeAccounts    = "/whatsapp-accounts/"
	routeAccount     = "/whatsapp-accounts/{id}/"
	routeDeployAgent = "/whatsapp-accounts/{id}/deploy-agent/"
)

// ListWhatsAppAccounts returns the key's WhatsApp Business accounts. The API has been
// seen to answer with a bare array and documented with an envelope; both are read.
func (c *Client) ListWhatsAppAccounts(ctx context.Context) ([]WhatsAppAccount, error) {
	return listAll[WhatsAppAccount](ctx, c, routeAccounts, pathOf("whatsapp-accounts"))
}

// GetWhatsAppAccount returns one account with its numbers and the agent serving each.
func (c *Client) GetWhatsAppAccount(ctx context.Context, id string) (*WhatsAppAccount, error) {
	out := &WhatsAppAccount{}
	return out, c.do(ctx, call{method: http.MethodGet, route: routeAccount, path: pathOf("whatsapp-accounts", id)}, out)
}

// DeployAgent puts agentID live on the account's number phoneNumberID (the Wassist id
// of the number). The answer's body is undocumented, so only its status is read.
func (c *Client) DeployAgent(ctx context.Context, accountID, agentID, phoneNumberID string) error {
	body := struct {
		AgentID       string `json:"agentId"`
		PhoneNumberID string `json:"phoneNumberId"`
	}{agentID, phoneNumberID}
	return c.do(ctx, call{method: http.MethodPost, route: routeDeployAgent,
		path: pathOf("whatsapp-accounts", accountID, "deploy-agent"), body: body}, nil)
}
