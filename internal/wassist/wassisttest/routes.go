package wassisttest

import (
	"net/http"
	"strings"
)

// handler serves one method of one route; it runs with the server lock held.
type handler func(c *call) response

// route is one URL template of the API and the methods it answers.
type route struct {
	template string // relative to /api/v1, e.g. "/agents/{id}/"
	segments []string
	methods  map[string]handler
}

var routes = []*route{
	newRoute("/agents/", map[string]handler{http.MethodGet: listAgents, http.MethodPost: createAgent}),
	// Before /agents/{id}/, as a DRF list action is routed before the detail route: GET
	// /agents/byoa/ is a 405, not an agent named "byoa".
	newRoute("/agents/byoa/", map[string]handler{http.MethodPost: createBYOAAgent}),
	newRoute("/agents/{id}/", map[string]handler{
		http.MethodGet: getAgent, http.MethodPatch: patchAgent, http.MethodPut: putAgent, http.MethodDelete: deleteAgent,
	}),
	newRoute("/agents/{id}/share/", map[string]handler{http.MethodPost: shareAgent}),
	newRoute("/agents/{id}/unshare/", map[string]handler{http.MethodPost: unshareAgent}),
	newRoute("/phone-numbers/", map[string]handler{http.MethodGet: listPhoneNumbers}),
	newRoute("/phone-numbers/{number}/", map[string]handler{http.MethodGet: getPhoneNumber}),
	newRoute("/phone-numbers/{number}/connect-agent/", map[string]handler{http.MethodPost: connectAgent}),
	newRoute("/phone-numbers/{number}/subscribe/", map[string]handler{http.MethodPost: subscribeNumber}),
	newRoute("/phone-numbers/{number}/unsubscribe/", map[string]handler{http.MethodPost: unsubscribeNumber}),
	newRoute("/whatsapp-accounts/", map[string]handler{http.MethodGet: listAccounts}),
	newRoute("/whatsapp-accounts/{id}/", map[string]handler{http.MethodGet: getAccount}),
	newRoute("/whatsapp-accounts/{id}/deploy-agent/", map[string]handler{http.MethodPost: deployAgent}),
	newRoute("/whatsapp-templates/", map[string]handler{http.MethodGet: listTemplates, http.MethodPost: createTemplate}),
	newRoute("/whatsapp-templates/{id}/", map[string]handler{
		http.MethodGet: getTemplate, http.MethodPatch: patchTemplate, http.MethodDelete: deleteTemplate,
	}),
	newRoute("/whatsapp-templates/{id}/publish/", map[string]handler{http.MethodPost: publishTemplate}),
	newRoute("/whatsapp-templates/{id}/unpublish/", map[string]handler{http.MethodPost: unpublishTemplate}),
	newRoute("/whatsapp-link-sessions/", map[string]handler{http.MethodGet: listLinkSessions, http.MethodPost: createLinkSession}),
	newRoute("/whatsapp-link-sessions/{id}/", map[string]handler{http.MethodGet: getLinkSession}),
	newRoute("/whatsapp-link-sessions/{id}/expire/", map[string]handler{http.MethodPost: expireLinkSession}),
}

func newRoute(template string, methods map[string]handler) *route {
	return &route{template: template, segments: splitPath(template), methods: methods}
}

// splitPath splits "/a/b/" into [a b]; an empty segment (as in "/a//b/") stays empty so
// that it matches nothing.
func splitPath(p string) []string {
	return strings.Split(strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/"), "/")
}

// matchRoute resolves a request path. The API does not redirect slash-less paths, so a path
// without its trailing slash is simply not found.
func matchRoute(path string) (*route, map[string]string, bool) {
	rest, ok := strings.CutPrefix(path, APIPrefix)
	if !ok || len(rest) < 2 || !strings.HasPrefix(rest, "/") || !strings.HasSuffix(rest, "/") {
		return nil, nil, false
	}
	segments := splitPath(rest)
	for _, rt := range routes {
		if params, ok := rt.match(segments); ok {
			return rt, params, true
		}
	}
	return nil, nil, false
}

func (rt *route) match(segments []string) (map[string]string, bool) {
	if len(segments) != len(rt.segments) {
		return nil, false
	}
	params := map[string]string{}
	for i, want := range rt.segments {
		got := segments[i]
		switch {
		case got == "":
			return nil, false
		case strings.HasPrefix(want, "{"):
			params[strings.Trim(want, "{}")] = got
		case want != got:
			return nil, false
		}
	}
	return params, true
}
