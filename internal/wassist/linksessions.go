package wassist

import (
	"context"
	"net/http"
)

const (
	routeLinkSessions      = "/whatsapp-link-sessions/"
	routeLinkSession       = "/whatsapp-link-sessions/{id}/"
	routeLinkSessionExpire = "/whatsapp-link-sessions/{id}/expire/"
)

// CreateLinkSession starts onboarding a WhatsApp account: the user opens the returned
// LinkURL and lands on successURL or returnURL.
func (c *Client) CreateLinkSession(ctx context.Context, successURL, returnURL string) (*LinkSession, error) {
	out := &LinkSession{}
	body := struct {
		SuccessURL string `json:"successUrl"`
		ReturnURL  string `json:"returnUrl"`
	}{successURL, returnURL}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeLinkSessions, path: pathOf("whatsapp-link-sessions"), body: body}, out)
}

// ListLinkSessions returns the key's link sessions.
func (c *Client) ListLinkSessions(ctx context.Context) ([]LinkSession, error) {
	return listAll[LinkSession](ctx, c, routeLinkSessions, pathOf("whatsapp-link-sessions"))
}

// GetLinkSession returns one link session, to poll its status.
func (c *Client) GetLinkSession(ctx context.Context, id string) (*LinkSession, error) {
	out := &LinkSession{}
	return out, c.do(ctx, call{method: http.MethodGet, route: routeLinkSession, path: pathOf("whatsapp-link-sessions", id)}, out)
}

// ExpireLinkSession ends a pending link session.
func (c *Client) ExpireLinkSession(ctx context.Context, id string) (*LinkSession, error) {
	out := &LinkSession{}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeLinkSessionExpire,
		path: pathOf("whatsapp-link-sessions", id, "expire")}, out)
}
