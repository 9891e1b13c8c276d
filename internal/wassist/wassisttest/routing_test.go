//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const notFoundBody = `{"error":"Not found","code":"not_found"}`

func TestPathsWithoutTheTrailingSlashAreNotFoundAndNotRedirected(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	id := str(t, m.createAgent(keyA, "Coffee"), "id")
	cases := []struct{ method, path string }{
		{http.MethodGet, "/agents"},
		{http.MethodPost, "/agents"},
		{http.MethodGet, "/agents/" + id},
		{http.MethodPatch, "/agents/" + id},
		{http.MethodDelete, "/agents/" + id},
		{http.MethodPost, "/agents/" + id + "/share"},
		{http.MethodGet, "/phone-numbers"},
		{http.MethodGet, "/whatsapp-accounts"},
		{http.MethodGet, "/whatsapp-link-sessions"},
		{http.MethodGet, ""},
		{http.MethodGet, "/"},
		{http.MethodGet, "//agents/"},
		{http.MethodGet, "/agents//"},
		{http.MethodGet, "/conversations/"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := m.do(tc.method, tc.path, keyA, nil)
			expectJSON(t, r, http.StatusNotFound, notFoundBody)
			if loc := r.header.Get("Location"); loc != "" {
				t.Fatalf("redirected to %s", loc)
			}
		})
	}
	if a, _ := m.s.Agent(keyA, id); a.ID != id {
		t.Fatal("a DELETE without the trailing slash deleted the agent")
	}
}

func TestUnknownIDsAreNotFoundWithTheDocumentedBody(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	const missing = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"
	agentBody := `{"error":"Agent not found","code":"not_found"}`
	numberBody := `{"error":"Phone number not found","code":"not_found"}`
	accountBody := `{"error":"WhatsApp account not found","code":"not_found"}`
	sessionBody := `{"error":"Link session not found","code":"not_found"}`
	cases := []struct{ method, path, want string }{
		{http.MethodGet, "/agents/" + missing + "/", agentBody},
		{http.MethodGet, "/agents/not-a-uuid/", agentBody},
		{http.MethodPatch, "/agents/" + missing + "/", agentBody},
		{http.MethodPut, "/agents/" + missing + "/", agentBody},
		{http.MethodDelete, "/agents/" + missing + "/", agentBody},
		{http.MethodPost, "/agents/" + missing + "/share/", agentBody},
		{http.MethodPost, "/agents/" + missing + "/unshare/", agentBody},
		{http.MethodGet, "/phone-numbers/447700900999/", numberBody},
		{http.MethodGet, "/phone-numbers/+447700900100/", numberBody},
		{http.MethodPost, "/phone-numbers/447700900999/connect-agent/", numberBody},
		{http.MethodPost, "/phone-numbers/447700900999/unsubscribe/", numberBody},
		{http.MethodPost, "/phone-numbers/+447700900100/unsubscribe/", numberBody},
		{http.MethodGet, "/whatsapp-accounts/" + missing + "/", accountBody},
		{http.MethodPost, "/whatsapp-accounts/" + missing + "/deploy-agent/", accountBody},
		{http.MethodGet, "/whatsapp-link-sessions/" + missing + "/", sessionBody},
		{http.MethodPost, "/whatsapp-link-sessions/" + missing + "/expire/", sessionBody},
	}
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			expectJSON(t, m.do(tc.method, tc.path, keyA, map[string]any{}), http.StatusNotFound, tc.want)
		})
	}
}

func TestWrongMethodOnAKnownRouteIsNotAllowed(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	id := str(t, m.createAgent(keyA, "Coffee"), "id")
	cases := []struct{ method, path string }{
		{http.MethodPut, "/agents/"},
		{http.MethodDelete, "/agents/"},
		{http.MethodPost, "/agents/" + id + "/"},
		{http.MethodGet, "/agents/" + id + "/share/"},
		{http.MethodPost, "/phone-numbers/"},
		{http.MethodGet, "/phone-numbers/447700900100/connect-agent/"},
		{http.MethodGet, "/phone-numbers/447700900100/unsubscribe/"},
		{http.MethodPatch, "/whatsapp-accounts/" + id + "/"},
		{http.MethodDelete, "/whatsapp-link-sessions/"},
		{http.MethodGet, "/whatsapp-link-sessions/" + id + "/expire/"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := m.do(tc.method, tc.path, keyA, nil)
			expectJSON(t, r, http.StatusMethodNotAllowed, mustJSON(t, map[string]string{"detail": `Method "` + tc.method + `" not allowed.`}))
			if r.header.Get("Allow") == "" {
				t.Fatal("405 without an Allow header")
			}
		})
	}
}
