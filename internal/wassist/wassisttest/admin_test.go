//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// admin calls the /_sim/ surface, which takes no API key.
func (m *sim) admin(method, path string, body any) reply {
	m.t.Helper()
	r, err := m.send(method, "/_sim/"+path, nil, body)
	if err != nil {
		m.t.Fatal(err)
	}
	return r
}

func TestAdminSurfaceSeedsInspectsAndInjects(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	idA, idB := wassisttest.KeyID(keyA), wassisttest.KeyID(keyB)

	r := m.admin(http.MethodPost, "seed", map[string]any{"key": keyA, "account": map[string]any{
		"name": "Acme", "phoneNumbers": []any{map[string]any{"number": "447700900300"}},
	}})
	expectStatus(t, r, http.StatusCreated)
	if acc := r.object(t); acc["name"] != "Acme" || str(t, acc, "id") == "" {
		t.Fatalf("seed answered %s", r.body)
	}
	expectStatus(t, m.admin(http.MethodPost, "seed", map[string]any{"key": "unknown", "account": map[string]any{}}), http.StatusBadRequest)
	expectStatus(t, m.admin(http.MethodPost, "seed", map[string]any{"key": keyB, "account": map[string]any{
		"phoneNumbers": []any{map[string]any{"number": "+44"}},
	}}), http.StatusBadRequest)

	if n := len(m.do(http.MethodGet, "/phone-numbers/", keyA, nil).items(t)); n != 1 {
		t.Fatalf("seeded account has %d numbers through the API", n)
	}
	m.createAgent(keyA, "Coffee")

	agents := m.admin(http.MethodGet, "agents?keyId="+idA, nil)
	if a := agents.array(t); len(a) != 1 || obj(t, a[0])["name"] != "Coffee" {
		t.Fatalf("agents of key A: %s", agents.body)
	}
	all := m.admin(http.MethodGet, "agents", nil).object(t)
	if len(list(t, all, idA)) != 1 || len(list(t, all, idB)) != 0 {
		t.Fatalf("all agents: %v", all)
	}
	expectStatus(t, m.admin(http.MethodGet, "agents?keyId=nobody", nil), http.StatusNotFound)

	numbers := m.admin(http.MethodGet, "phone-numbers?keyId="+idA, nil)
	if n := numbers.array(t); len(n) != 1 || obj(t, n[0])["number"] != "447700900300" {
		t.Fatalf("numbers of key A: %s", numbers.body)
	}
	expectJSON(t, m.admin(http.MethodGet, "phone-numbers?keyId="+idB, nil), http.StatusOK, `[]`)
	expectStatus(t, m.admin(http.MethodGet, "phone-numbers", nil), http.StatusNotFound)

	reqs := m.admin(http.MethodGet, "requests", nil)
	if strings.Contains(string(reqs.body), keyA) {
		t.Fatal("the request log shows the API key")
	}
	if got := reqs.array(t); len(got) != 2 || obj(t, got[1])["keyId"] != idA || obj(t, got[1])["route"] != "/agents/" {
		t.Fatalf("requests: %s", reqs.body)
	}
	expectJSON(t, m.admin(http.MethodGet, "counts", nil), http.StatusOK, `{"GET /phone-numbers/":1,"POST /agents/":1}`)
	expectJSON(t, m.admin(http.MethodGet, "counts?keyId="+idB, nil), http.StatusOK, `{}`)

	r = m.admin(http.MethodPost, "faults", `{"kind":"error","method":"GET","route":"/agents/","count":1}`)
	expectStatus(t, r, http.StatusCreated)
	faultID := r.object(t)["id"]
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusInternalServerError)
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
	expectJSON(t, m.admin(http.MethodGet, "faults", nil), http.StatusOK, `{"fired":{"error":1}}`)
	for _, bad := range []string{`{"kind":"meltdown"}`, `{"kind":"latency","latency":"soon"}`, `{"kind":"latency"}`, `not json`} {
		expectStatus(t, m.admin(http.MethodPost, "faults", bad), http.StatusBadRequest)
	}

	expectStatus(t, m.admin(http.MethodPost, "faults", `{"kind":"latency","latency":"1ms"}`), http.StatusCreated)
	expectStatus(t, m.admin(http.MethodPost, "faults", `{"kind":"error","route":"/phone-numbers/"}`), http.StatusCreated)
	expectStatus(t, m.admin(http.MethodDelete, "faults/"+mustJSON(t, faultID), nil), http.StatusNoContent)
	expectStatus(t, m.admin(http.MethodDelete, "faults", nil), http.StatusNoContent)
	expectStatus(t, m.do(http.MethodGet, "/phone-numbers/", keyA, nil), http.StatusOK)

	expectStatus(t, m.admin(http.MethodPost, "reset-requests", nil), http.StatusNoContent)
	expectJSON(t, m.admin(http.MethodGet, "requests", nil), http.StatusOK, `[]`)
	if n := len(m.s.Requests()); n != 0 {
		t.Fatalf("admin calls were recorded: %d", n)
	}
}
