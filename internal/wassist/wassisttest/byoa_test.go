//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestBYOAAgentsNeedAnHTTPSWebhook(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	cases := []struct {
		name string
		body any
		want string
	}{
		{"no webhookUrl", map[string]any{"name": "mine"}, `{"webhookUrl":["This field is required."]}`},
		{"null", map[string]any{"webhookUrl": nil}, `{"webhookUrl":["This field may not be null."]}`},
		{"blank", map[string]any{"webhookUrl": " "}, `{"webhookUrl":["This field may not be blank."]}`},
		{"not a URL", map[string]any{"webhookUrl": "bot.example.com"}, `{"webhookUrl":["Enter a valid URL."]}`},
		{"relative", map[string]any{"webhookUrl": "/hooks/wassist"}, `{"webhookUrl":["Enter a valid URL."]}`},
		{"plain http", map[string]any{"webhookUrl": "http://bot.example.com/hook"},
			`{"webhookUrl":["Enter a valid URL that starts with https://."]}`},
		{"a number", map[string]any{"webhookUrl": 443}, `{"webhookUrl":["Not a valid string."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, "/agents/byoa/", keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
	if n := len(m.s.Agents(keyA)); n != 0 {
		t.Fatalf("%d agents created by refused requests", n)
	}
	expectStatus(t, m.do(http.MethodGet, "/agents/byoa/", keyA, nil), http.StatusMethodNotAllowed)
}

// A BYOA agent is an agent like any other on read, patch and delete; its webhook URL is kept
// but never served, and only the simulator's inspection shows it.
func TestBYOAAgentsReadLikeAnyAgentAndKeepTheirWebhookPrivate(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	const hook = "https://bot.example.com/wassist"
	r := m.do(http.MethodPost, "/agents/byoa/", keyA, map[string]any{"webhookUrl": hook})
	expectStatus(t, r, http.StatusCreated)
	created := r.object(t)
	id := str(t, created, "id")
	if created["name"] != "BYOA agent" || created["webhookUrl"] != nil || strings.Contains(string(r.body), hook) {
		t.Fatalf("created %s", r.body)
	}
	plain := m.createAgent(keyA, "Plain")
	if len(created) != len(plain) {
		t.Fatalf("a BYOA agent has %d fields, a plain one %d", len(created), len(plain))
	}
	if got, ok := m.s.BYOAWebhook(keyA, id); !ok || got != hook {
		t.Fatalf("BYOAWebhook = %q %v", got, ok)
	}
	if _, ok := m.s.BYOAWebhook(keyA, str(t, plain, "id")); ok {
		t.Fatal("a plain agent has a BYOA webhook")
	}
	hooks, err := wassisttest.NewSimClient(m.ts.URL, nil).BYOAWebhooks(context.Background(), keyA)
	if err != nil || len(hooks) != 1 || hooks[id] != hook {
		t.Fatalf("/_sim/byoa-webhooks: %v %v", hooks, err)
	}

	got := m.do(http.MethodGet, "/agents/"+id+"/", keyA, nil)
	expectEqualJSON(t, got.body, mustJSON(t, created))
	patched := m.do(http.MethodPatch, "/agents/"+id+"/", keyA, map[string]any{"name": "Concierge", "systemPrompt": "Relay"})
	expectStatus(t, patched, http.StatusOK)
	if p := patched.object(t); p["name"] != "Concierge" || strings.Contains(string(patched.body), hook) {
		t.Fatalf("patched %s", patched.body)
	}
	if _, _, _, names := page(t, m.do(http.MethodGet, "/agents/", keyA, nil)); len(names) != 2 || names[0] != "Concierge" {
		t.Fatalf("listed %v", names)
	}
	expectStatus(t, m.do(http.MethodDelete, "/agents/"+id+"/", keyA, nil), http.StatusNoContent)
	if _, ok := m.s.BYOAWebhook(keyA, id); ok {
		t.Fatal("the webhook outlived its agent")
	}
}

// Faults match the BYOA route by its own template: a lost response still created the agent.
func TestFaultsApplyToTheBYOARoute(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Method: http.MethodPost, Route: "/agents/byoa/", Count: 1})
	body := `{"webhookUrl":"https://bot.example.com/wassist"}`
	if _, err := m.send(http.MethodPost, "/agents/byoa/", map[string]string{"X-API-Key": keyA}, body); err == nil {
		t.Fatal("the client got the lost response")
	}
	if agents := m.s.Agents(keyA); len(agents) != 1 {
		t.Fatalf("agents after a lost BYOA create: %+v", agents)
	}
	if r := lastRequest(t, m); r.Route != "/agents/byoa/" || r.Fault != "lose-response" || r.Status != http.StatusCreated {
		t.Fatalf("recorded %+v", r)
	}
	expectStatus(t, m.do(http.MethodPost, "/agents/", keyA, map[string]any{"name": "not faulted"}), http.StatusCreated)
}
