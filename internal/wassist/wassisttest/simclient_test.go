//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// client is a SimClient of m's simulator.
func (m *sim) client() *wassisttest.SimClient {
	return wassisttest.NewSimClient(m.ts.URL, m.ts.Client())
}

// sameJSON fails unless got and want marshal to the same JSON: what the client decoded
// against what the server holds, times and raw messages included.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// must is v, or a panic (which fails the test) on an error the test does not expect.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSimClientURLs(t *testing.T) {
	for _, base := range []string{"http://sim:8089", "http://sim:8089/", "http://sim:8089/api/v1", "http://sim:8089/api/v1/"} {
		c := wassisttest.NewSimClient(base, nil)
		if c.URL() != "http://sim:8089" || c.APIURL() != "http://sim:8089/api/v1/" {
			t.Errorf("NewSimClient(%q): URL %q, APIURL %q", base, c.URL(), c.APIURL())
		}
	}
}

func TestSimClientSeedsAndInspectsWhatTheServerHolds(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	c, ctx := m.client(), context.Background()

	acc := must(c.SeedAccount(ctx, keyA, wassisttest.Account{Name: "Acme", PhoneNumbers: []wassisttest.AccountPhoneNumber{
		{Number: "447700900300"}, {Number: "447700900301"},
	}}))
	if acc.ID == "" || acc.Name != "Acme" || len(acc.PhoneNumbers) != 2 {
		t.Fatalf("seeded %+v", acc)
	}
	sameJSON(t, "the seeded account", []wassisttest.Account{acc}, m.s.Accounts(keyA))
	_, err := c.SeedAccount(ctx, keyA, wassisttest.Account{PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: "+44"}}})
	if !wassisttest.IsSimStatus(err, http.StatusBadRequest) || !strings.Contains(err.Error(), `number "+44" is not 7-15 digits`) {
		t.Fatalf("seeding a bad number: %v", err)
	}

	id := str(t, m.createAgent(keyA, "Coffee"), "id")
	m.createAgent(keyA, "Tea")
	if !m.s.ConnectNumber(keyA, "447700900301", id) {
		t.Fatal("ConnectNumber")
	}
	agents := must(c.Agents(ctx, keyA))
	if len(agents) != 2 || agents[0].Name != "Coffee" || len(agents[0].PhoneNumbers) != 1 {
		t.Fatalf("agents of key A: %+v", agents)
	}
	sameJSON(t, "agents of key A", agents, m.s.Agents(keyA))
	if got := must(c.Agents(ctx, keyB)); got == nil || len(got) != 0 {
		t.Fatalf("agents of key B: %#v, want an empty list", got)
	}
	all := must(c.AllAgents(ctx))
	sameJSON(t, "every key's agents", all, map[string][]wassisttest.Agent{
		wassisttest.KeyID(keyA): m.s.Agents(keyA), wassisttest.KeyID(keyB): {},
	})

	numbers := must(c.PhoneNumbers(ctx, keyA))
	if len(numbers) != 2 || numbers[1].ActiveAgent == nil || *numbers[1].ActiveAgent != id {
		t.Fatalf("numbers of key A: %+v", numbers)
	}
	sameJSON(t, "numbers of key A", numbers, m.s.PhoneNumbers(keyA))

	for name, call := range map[string]func() error{
		"Agents":       func() error { _, err := c.Agents(ctx, "unknown"); return err },
		"PhoneNumbers": func() error { _, err := c.PhoneNumbers(ctx, "unknown"); return err },
	} {
		if err := call(); !wassisttest.IsSimStatus(err, http.StatusNotFound) || !strings.Contains(err.Error(), "no key with id") {
			t.Errorf("%s of an unknown key: %v", name, err)
		}
	}
}

func TestSimClientReadsAndResetsTheRequestLog(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	c, ctx := m.client(), context.Background()
	id := str(t, m.createAgent(keyA, "A"), "id")
	m.do(http.MethodGet, "/agents/"+id+"/", keyA, nil)
	m.do(http.MethodGet, "/agents/?limit=5", keyB, nil)
	m.do(http.MethodGet, "/agents/", "wrong", nil)

	all := must(c.Requests(ctx))
	if len(all) != 4 || all[2].Query != "limit=5" || all[3].Status != http.StatusUnauthorized {
		t.Fatalf("requests: %+v", all)
	}
	sameJSON(t, "every request", all, m.s.Requests())
	sameJSON(t, "key A's requests", must(c.RequestsFor(ctx, keyA)), m.s.RequestsFor(keyA))
	if got := must(c.RequestsFor(ctx, "wrong")); len(got) != 1 || got[0].KeyID != wassisttest.KeyID("wrong") {
		t.Fatalf("requests with an unknown key: %+v", got)
	}

	counts := must(c.Counts(ctx))
	if want := map[string]int{"POST /agents/": 1, "GET /agents/{id}/": 1, "GET /agents/": 2}; !maps.Equal(counts, want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	if got := must(c.CountsFor(ctx, keyB)); !maps.Equal(got, map[string]int{"GET /agents/": 1}) {
		t.Fatalf("counts of key B: %v", got)
	}

	if err := c.ResetRequests(ctx); err != nil {
		t.Fatal(err)
	}
	if got := must(c.Requests(ctx)); got == nil || len(got) != 0 || len(m.s.Requests()) != 0 {
		t.Fatalf("after the reset: %#v", got)
	}
}

func TestSimClientInjectsRemovesAndCountsFaults(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	c, ctx := m.client(), context.Background()

	id := must(c.InjectFault(ctx, wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Method: http.MethodGet,
		Route: "/agents/", Key: keyA, RetryAfter: 7 * time.Second}))
	r := m.do(http.MethodGet, "/agents/", keyA, nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "7" {
		t.Fatalf("with a ratelimit fault: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyB, nil), http.StatusOK)   // another key
	expectStatus(t, m.do(http.MethodPost, "/agents/", keyA, `{"name":"x"}`), 201) // another method
	if err := c.RemoveFault(ctx, id); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)

	second := must(c.InjectFault(ctx, wassisttest.Fault{Kind: wassisttest.FaultError, Status: http.StatusBadGateway, Count: 1}))
	if second == id {
		t.Fatalf("two faults with id %d", id)
	}
	must(c.InjectFault(ctx, wassisttest.Fault{Kind: wassisttest.FaultLatency, Latency: time.Second, Route: "/phone-numbers/"}))
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyB, nil), http.StatusBadGateway)
	fired := must(c.FaultsFired(ctx))
	if want := map[wassisttest.FaultKind]int{wassisttest.FaultRateLimit: 1, wassisttest.FaultError: 1}; !maps.Equal(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if err := c.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, m.do(http.MethodGet, "/phone-numbers/", keyA, nil), http.StatusOK)
	if r := lastRequest(t, m); r.Fault != "" {
		t.Fatalf("after ClearFaults a request suffered %q", r.Fault)
	}
	if fired := must(c.FaultsFired(ctx)); len(fired) != 2 {
		t.Fatalf("ClearFaults forgot the fired counts: %v", fired)
	}

	_, err := c.InjectFault(ctx, wassisttest.Fault{Kind: wassisttest.FaultLatency})
	if !wassisttest.IsSimStatus(err, http.StatusBadRequest) || !strings.Contains(err.Error(), "needs a positive latency") {
		t.Fatalf("an invalid fault: %v", err)
	}
}

func TestSimClientPingWaitUpAndTransportErrors(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	c, ctx := m.client(), context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitUp(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	m.ts.Close()
	if err := c.Ping(ctx); err == nil {
		t.Fatal("Ping of a closed simulator succeeded")
	}
	start := time.Now()
	if err := c.WaitUp(ctx, 300*time.Millisecond); err == nil || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("WaitUp of a closed simulator: %v after %s", err, time.Since(start))
	}
	var se *wassisttest.SimError
	if _, err := c.Requests(ctx); err == nil || errors.As(err, &se) {
		t.Fatalf("a transport error is %v", err)
	}
}

func TestSimClientSurfacesAnswersThatAreNotTheSimulators(t *testing.T) {
	ts := newSim(t, wassisttest.Options{}).ts
	// A server that is not the simulator: its 404 page comes back as the message.
	c := wassisttest.NewSimClient(ts.URL+"/elsewhere", ts.Client())
	_, err := c.Requests(context.Background())
	if !wassisttest.IsSimStatus(err, http.StatusNotFound) {
		t.Fatalf("got %v", err)
	}
}

func TestSimClientDriftsAgentsOutsideTheBudgetAndTheLog(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: 2}) // two requests a minute: the creates spend them
	c, ctx := m.client(), context.Background()
	a, b := str(t, m.createAgent(keyA, "A"), "id"), str(t, m.createAgent(keyA, "B"), "id")
	logged := len(m.s.Requests())

	edited := must(c.DriftAgents(ctx, keyA, []string{a, "00000000-0000-0000-0000-000000000000", b}, "Changed in the dashboard."))
	if edited != 2 {
		t.Fatalf("edited %d agents, want 2 (the unknown id is not one)", edited)
	}
	for _, id := range []string{a, b} {
		if got, _ := m.s.Agent(keyA, id); got.SystemPrompt != "Changed in the dashboard." {
			t.Errorf("agent %s: prompt %q", id, got.SystemPrompt)
		}
	}
	if got := len(m.s.Requests()); got != logged {
		t.Errorf("the drift logged %d requests; a dashboard edit is not the key's", got-logged)
	}
	if _, err := c.DriftAgents(ctx, "unknown", []string{a}, "x"); !wassisttest.IsSimStatus(err, http.StatusNotFound) {
		t.Errorf("drifting with an unknown key: %v", err)
	}
}
