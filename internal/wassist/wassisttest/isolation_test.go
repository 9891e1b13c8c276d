//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestKeysSeeOnlyTheirOwnData(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	a := str(t, m.createAgent(keyA, "Alpha"), "id")
	m.createAgent(keyB, "Bravo")
	m.s.SeedAccount(keyB, wassisttest.DemoAccount())

	_, _, _, names := page(t, m.do(http.MethodGet, "/agents/", keyB, nil))
	if len(names) != 1 || names[0] != "Bravo" {
		t.Fatalf("key B lists %v", names)
	}
	notFound := `{"error":"Agent not found","code":"not_found"}`
	expectJSON(t, m.do(http.MethodGet, "/agents/"+a+"/", keyB, nil), http.StatusNotFound, notFound)
	expectJSON(t, m.do(http.MethodPatch, "/agents/"+a+"/", keyB, `{"name":"stolen"}`), http.StatusNotFound, notFound)
	expectJSON(t, m.do(http.MethodDelete, "/agents/"+a+"/", keyB, nil), http.StatusNotFound, notFound)
	if accounts := m.do(http.MethodGet, "/whatsapp-accounts/", keyA, nil).items(t); len(accounts) != 0 {
		t.Fatalf("key A lists key B's accounts: %v", accounts)
	}
	expectJSON(t, m.do(http.MethodGet, "/phone-numbers/447700900100/", keyA, nil), http.StatusNotFound,
		`{"error":"Phone number not found","code":"not_found"}`)
	if got, _ := m.s.Agent(keyA, a); got.Name != "Alpha" {
		t.Fatalf("key B changed key A's agent: %+v", got)
	}
	if n := len(m.s.RequestsFor(keyA)); n != 3 {
		t.Fatalf("%d requests recorded for key A, want 3", n)
	}
}

func TestKeysHaveSeparateRateLimitBudgets(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: 1, Clock: wassisttest.NewFakeClock(t0)})
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusTooManyRequests)
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyB, nil), http.StatusOK)
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyB, nil), http.StatusTooManyRequests)
}
