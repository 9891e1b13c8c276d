//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func lastRequest(t *testing.T, m *sim) wassisttest.Request {
	t.Helper()
	reqs := m.s.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request recorded")
	}
	return reqs[len(reqs)-1]
}

func TestLatencyFaultDelaysMatchingRequests(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Method: http.MethodGet, Latency: 50 * time.Millisecond})
	start := time.Now()
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Fatalf("answered after %v", elapsed)
	}
	if r := lastRequest(t, m); r.Fault != "latency" || r.Status != http.StatusOK {
		t.Fatalf("recorded %+v", r)
	}
	m.createAgent(keyA, "Not delayed")
	if r := lastRequest(t, m); r.Fault != "" {
		t.Fatalf("POST was delayed: %+v", r)
	}
}

func TestLatencyFaultEndsWhenTheClientGivesUp(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.url("/agents/"), nil)
	req.Header.Set("X-API-Key", keyA)
	if resp, err := m.ts.Client().Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("answered despite an hour of latency")
	}
	start := time.Now()
	m.ts.Close() // waits for the handler: it must have stopped sleeping
	if waited := time.Since(start); waited > 10*time.Second {
		t.Fatalf("the handler kept sleeping for %v after the client left", waited)
	}
	if r := lastRequest(t, m); r.Fault != "latency" || r.Status != 0 {
		t.Fatalf("recorded %+v", r)
	}
}

func TestErrorFaultAnswersHTMLServerErrorsUpToCount(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Count: 2})
	for range 2 {
		r := m.do(http.MethodPost, "/agents/", keyA, `{"name":"x"}`)
		expectStatus(t, r, http.StatusInternalServerError)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "Server Error (500)") {
			t.Fatalf("500 answered %s: %s", r.header.Get("Content-Type"), r.body)
		}
	}
	if n := len(m.s.Agents(keyA)); n != 0 {
		t.Fatalf("a 500 created %d agents", n)
	}
	m.createAgent(keyA, "third time")
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Status: http.StatusServiceUnavailable})
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusServiceUnavailable)
	if fired := m.s.FaultsFired()[wassisttest.FaultError]; fired != 3 {
		t.Fatalf("error faults fired %d times, want 3", fired)
	}
	if r := lastRequest(t, m); r.Fault != "error" || r.Status != http.StatusServiceUnavailable {
		t.Fatalf("recorded %+v", r)
	}
}

func TestDropFaultClosesTheConnectionWithoutServing(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultDrop, Method: http.MethodPost, Route: "/agents/", Count: 1})
	if _, err := m.send(http.MethodPost, "/agents/", map[string]string{"X-API-Key": keyA}, `{"name":"Coffee"}`); err == nil {
		t.Fatal("the client got an answer through a dropped connection")
	}
	if n := len(m.s.Agents(keyA)); n != 0 {
		t.Fatalf("a dropped create created %d agents", n)
	}
	if r := lastRequest(t, m); r.Fault != "drop" || r.Status != 0 || r.Route != "/agents/" {
		t.Fatalf("recorded %+v", r)
	}
	m.createAgent(keyA, "Coffee")
}

func TestLoseResponseFaultServesTheRequestThenHangsUp(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Method: http.MethodPost, Route: "/agents/", Count: 1})
	if _, err := m.send(http.MethodPost, "/agents/", map[string]string{"X-API-Key": keyA}, `{"name":"Coffee"}`); err == nil {
		t.Fatal("the client got the lost response")
	}
	agents := m.s.Agents(keyA)
	if len(agents) != 1 || agents[0].Name != "Coffee" {
		t.Fatalf("agents after a lost create: %+v", agents)
	}
	if r := lastRequest(t, m); r.Fault != "lose-response" || r.Status != http.StatusCreated {
		t.Fatalf("recorded %+v", r)
	}
	if fired := m.s.FaultsFired()[wassisttest.FaultLoseResponse]; fired != 1 {
		t.Fatalf("fired %d", fired)
	}
}

func TestRateLimitFaultAnswers429WithoutSpendingTheBudget(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: 1, Clock: wassisttest.NewFakeClock(t0)})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Count: 2, RetryAfter: 5 * time.Second})
	expectThrottled(t, m.do(http.MethodGet, "/agents/", keyA, nil), 5, "5")
	expectThrottled(t, m.do(http.MethodGet, "/agents/", keyA, nil), 5, "5")
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
	expectThrottled(t, m.do(http.MethodGet, "/agents/", keyA, nil), 60, "60")

	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: keyB})
	expectThrottled(t, m.do(http.MethodGet, "/agents/", keyB, nil), 60, "60")
	if r := lastRequest(t, m); r.Fault != "ratelimit" {
		t.Fatalf("recorded %+v", r)
	}
}

func TestFaultsMatchOnMethodRouteAndKey(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Method: http.MethodPost, Route: "/agents/", Key: keyB})
	m.createAgent(keyA, "A")
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyB, nil), http.StatusOK)
	expectStatus(t, m.do(http.MethodPost, "/agents/", keyB, `{"name":"B"}`), http.StatusInternalServerError)
	expectStatus(t, m.do(http.MethodGet, "/agents/", "", nil), http.StatusUnauthorized)
	expectStatus(t, m.do(http.MethodPost, "/agents", keyB, `{"name":"B"}`), http.StatusNotFound)
}

func TestFaultProbabilityFollowsTheSeed(t *testing.T) {
	statuses := func(seed int64) []int {
		m := newSim(t, wassisttest.Options{Seed: seed, RateLimit: -1})
		m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Probability: 0.3})
		out := make([]int, 200)
		for i := range out {
			out[i] = m.do(http.MethodGet, "/agents/", keyA, nil).status
		}
		if fired, failed := m.s.FaultsFired()[wassisttest.FaultError], countOf(out, 500); fired != failed {
			t.Fatalf("fired %d, but %d requests failed", fired, failed)
		}
		return out
	}
	first, again, other := statuses(7), statuses(7), statuses(8)
	if !slices.Equal(first, again) {
		t.Fatal("the same seed gave different faults")
	}
	if slices.Equal(first, other) {
		t.Fatal("different seeds gave the same faults")
	}
	if n := countOf(first, 500); n < 30 || n > 90 {
		t.Fatalf("%d of 200 failed at probability 0.3", n)
	}
}

func countOf(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func TestRemoveAndClearFaults(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	id := m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Route: "/agents/"})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Route: "/phone-numbers/"})
	m.s.RemoveFault(id)
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
	expectStatus(t, m.do(http.MethodGet, "/phone-numbers/", keyA, nil), http.StatusInternalServerError)
	m.s.ClearFaults()
	expectStatus(t, m.do(http.MethodGet, "/phone-numbers/", keyA, nil), http.StatusOK)
}

func TestInvalidFaultsPanic(t *testing.T) {
	for _, f := range []wassisttest.Fault{
		{Kind: "meltdown"},
		{Kind: wassisttest.FaultLatency},
		{Kind: wassisttest.FaultError, Probability: 1.5},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("InjectFault(%+v) accepted", f)
				}
			}()
			newSim(t, wassisttest.Options{}).s.InjectFault(f)
		}()
	}
}

// TestGoTransportReplaysIdempotentRequestsAfterAHangUp pins down a trap for clients written
// in Go: on a reused keep-alive connection, net/http silently resends a request it considers
// replayable (GET, or any method carrying an Idempotency-Key header) when the server hangs
// up. The client sees no error, and a lost create is then made twice, because the simulator,
// like the documented API, does not deduplicate on Idempotency-Key.
func TestGoTransportReplaysIdempotentRequestsAfterAHangUp(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.do(http.MethodGet, "/agents/", keyA, nil) // leaves a keep-alive connection to reuse
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Count: 1})
	headers := map[string]string{"X-API-Key": keyA, "Idempotency-Key": "create-coffee-1"}
	r, err := m.send(http.MethodPost, "/agents/", headers, `{"name":"Coffee"}`)
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("expected the transport to hide the lost response, got %v %d", err, r.status)
	}
	if n := len(m.s.Agents(keyA)); n != 2 {
		t.Fatalf("%d agents, want the duplicate the silent replay makes", n)
	}
}

// The 403 and 409 faults answer as the API would without serving the request; the empty-body
// fault serves it and answers its success status with nothing.
func TestStatusFaultsAndTheEmptyBody(t *testing.T) {
	cases := []struct {
		kind    wassisttest.FaultKind
		status  int
		body    string
		created int
	}{
		{wassisttest.FaultPermissionDenied, http.StatusForbidden, `{"detail":"You do not have permission to perform this action."}`, 0},
		{wassisttest.FaultConflict, http.StatusConflict,
			`{"error":"The request conflicts with the current state of the resource.","code":"conflict"}`, 0},
		{wassisttest.FaultEmptyBody, http.StatusCreated, ``, 1},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			m := newSim(t, wassisttest.Options{})
			m.s.InjectFault(wassisttest.Fault{Kind: tc.kind, Method: http.MethodPost, Route: "/agents/", Count: 1})
			r := m.do(http.MethodPost, "/agents/", keyA, map[string]any{"name": "Coffee"})
			if r.status != tc.status || string(r.body) != tc.body {
				t.Fatalf("answered %d %q, want %d %q", r.status, r.body, tc.status, tc.body)
			}
			if n := len(m.s.Agents(keyA)); n != tc.created {
				t.Fatalf("%d agents created, want %d", n, tc.created)
			}
			if got := lastRequest(t, m); got.Fault != string(tc.kind) || got.Status != tc.status {
				t.Fatalf("recorded %+v", got)
			}
			// Count 1: the next request is served as usual.
			expectStatus(t, m.do(http.MethodPost, "/agents/", keyA, map[string]any{"name": "Tea"}), http.StatusCreated)
		})
	}
}

// An answer that is not a success keeps its body under the empty-body fault: the fault is
// about successes that come back empty, not about losing the API's error.
func TestEmptyBodyFaultLeavesErrorsAlone(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	m.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultEmptyBody})
	expectJSON(t, m.do(http.MethodPost, "/agents/", keyA, map[string]any{}), http.StatusBadRequest, `{"name":["This field is required."]}`)
	r := m.do(http.MethodGet, "/agents/", keyA, nil)
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("GET /agents/ answered %d %q, want an empty 200", r.status, r.body)
	}
}
