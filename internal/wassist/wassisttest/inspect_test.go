//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestOutOfBandEditsShowThroughTheAPI(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	adopted := m.s.SeedAgent(keyA, wassisttest.Agent{Name: "Made in the dashboard", SystemPrompt: "Old"})
	path := "/agents/" + adopted.ID + "/"
	if got := m.do(http.MethodGet, path, keyA, nil).object(t); got["name"] != "Made in the dashboard" || got["systemPrompt"] != "Old" {
		t.Fatalf("seeded agent served as %v", got)
	}

	if !m.s.EditAgent(keyA, adopted.ID, func(a *wassisttest.Agent) {
		a.SystemPrompt = "Edited by a human"
		a.Tools = append(a.Tools, wassisttest.Tool{Name: "added"})
		a.ID = "ignored"
	}) {
		t.Fatal("EditAgent did not find the agent")
	}
	got := m.do(http.MethodGet, path, keyA, nil).object(t)
	tool := obj(t, list(t, got, "tools")[0])
	if got["systemPrompt"] != "Edited by a human" || str(t, tool, "id") == "" || got["id"] != adopted.ID {
		t.Fatalf("after EditAgent: %v", got)
	}
	if m.s.EditAgent(keyA, "missing", func(*wassisttest.Agent) {}) || m.s.EditAgent(keyB, adopted.ID, func(*wassisttest.Agent) {}) {
		t.Fatal("EditAgent found an agent that is not there")
	}
}

func TestOutOfBandRoutingAndDeletionShowThroughTheAPI(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	adopted := m.s.SeedAgent(keyA, wassisttest.Agent{Name: "Made in the dashboard"})
	path := "/agents/" + adopted.ID + "/"
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	if !m.s.ConnectNumber(keyA, "447700900100", adopted.ID) || m.s.ConnectNumber(keyA, "447700900999", adopted.ID) ||
		m.s.ConnectNumber(keyA, "447700900101", "missing") {
		t.Fatal("ConnectNumber")
	}
	if pn := m.do(http.MethodGet, "/phone-numbers/447700900100/", keyA, nil).object(t); obj(t, pn["activeAgent"])["id"] != adopted.ID {
		t.Fatalf("number routed to %v", pn["activeAgent"])
	}

	if !m.s.RemoveAgent(keyA, adopted.ID) || m.s.RemoveAgent(keyA, adopted.ID) {
		t.Fatal("RemoveAgent must succeed once")
	}
	expectStatus(t, m.do(http.MethodGet, path, keyA, nil), http.StatusNotFound)
	if pn, _ := m.s.PhoneNumber(keyA, "447700900100"); pn.ActiveAgent != nil {
		t.Fatalf("number still routed to the removed agent %s", *pn.ActiveAgent)
	}
}

func TestRequestLogCountsByKeyMethodAndRoute(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	id := str(t, m.createAgent(keyA, "A"), "id")
	m.do(http.MethodGet, "/agents/"+id+"/", keyA, nil)
	m.do(http.MethodGet, "/agents/"+id+"/", keyB, nil)
	m.do(http.MethodGet, "/agents/?limit=5", keyB, nil)
	m.do(http.MethodGet, "/agents", keyB, nil)
	m.do(http.MethodGet, "/agents/", "wrong", nil)

	counts := []struct {
		key, method, route string
		want               int
	}{
		{"", "", "", 6},
		{keyA, "", "", 2},
		{"", http.MethodGet, "/agents/{id}/", 2},
		{keyB, http.MethodGet, "/agents/{id}/", 1},
		{"", http.MethodGet, "/agents/", 2},
		{"", "", "", 6},
		{"wrong", "", "", 1},
	}
	for _, c := range counts {
		if got := m.s.Count(c.key, c.method, c.route); got != c.want {
			t.Errorf("Count(%q, %q, %q) = %d, want %d", c.key, c.method, c.route, got, c.want)
		}
	}
	reqs := m.s.RequestsFor(keyB)
	if len(reqs) != 3 || reqs[1].Query != "limit=5" || reqs[2].Route != "" || reqs[2].Status != http.StatusNotFound {
		t.Fatalf("requests of key B: %+v", reqs)
	}
	if r := m.s.RequestsFor("wrong"); len(r) != 1 || r[0].Status != http.StatusUnauthorized {
		t.Fatalf("unknown key's requests: %+v", r)
	}
	m.s.ResetRequests()
	if n := len(m.s.Requests()); n != 0 {
		t.Fatalf("%d requests after reset", n)
	}
}

func TestLogHasOneLinePerRequestAndNeverTheKey(t *testing.T) {
	var buf bytes.Buffer
	m := newSim(t, wassisttest.Options{Log: &buf})
	id := str(t, m.createAgent(keyA, "A"), "id")
	m.do(http.MethodGet, "/agents/"+id+"/", keyA, nil)
	m.do(http.MethodGet, "/nope/", "", nil)
	m.ts.Close() // waits for handlers, so every line is written
	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "POST /agents/ 201") || !strings.HasSuffix(lines[1], "GET /agents/{id}/ 200") ||
		!strings.HasSuffix(lines[2], "GET /api/v1/nope/ 404") {
		t.Fatalf("log:\n%s", out)
	}
	if strings.Contains(out, keyA) || strings.Contains(out, wassisttest.KeyID(keyA)) {
		t.Fatal("the log shows the key")
	}
}

// Every answer carries an X-Request-Id of its own, errors included, and the log records it.
func TestEveryAnswerCarriesARequestID(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: 2, Clock: wassisttest.NewFakeClock(t0)})
	answers := []reply{
		m.do(http.MethodGet, "/agents/", keyA, nil),        // 200
		m.do(http.MethodGet, "/agents/", "wrong-key", nil), // 401
		m.do(http.MethodGet, "/no-such-route/", keyA, nil), // 404 before auth
		m.do(http.MethodPost, "/agents/", keyA, `{}`),      // 400
		m.do(http.MethodGet, "/agents/", keyA, nil),        // 429
		m.do(http.MethodDelete, "/agents/", keyB, nil),     // 405
	}
	reqs := m.s.Requests()
	if len(reqs) != len(answers) {
		t.Fatalf("%d requests recorded, want %d", len(reqs), len(answers))
	}
	seen := map[string]bool{}
	for i, r := range answers {
		id := r.header.Get("X-Request-Id")
		if !strings.HasPrefix(id, "req_") || len(id) < 12 || seen[id] {
			t.Fatalf("answer %d (%d): request id %q, want a new req_ id", i, r.status, id)
		}
		seen[id] = true
		if reqs[i].RequestID != id {
			t.Fatalf("request %d recorded request id %q, answered %q", i, reqs[i].RequestID, id)
		}
	}
	if got := []int{answers[1].status, answers[2].status, answers[3].status, answers[4].status, answers[5].status}; !slices.Equal(got,
		[]int{401, 404, 400, 429, 405}) {
		t.Fatalf("statuses %v", got)
	}
}
