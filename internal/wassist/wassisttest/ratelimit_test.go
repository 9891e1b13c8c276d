//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func expectThrottled(t *testing.T, r reply, secs int, header string) {
	t.Helper()
	expectJSON(t, r, http.StatusTooManyRequests,
		mustJSON(t, map[string]any{"error": "Request was throttled.", "code": "rate_limited", "retry_after": secs}))
	if got := r.header.Get("Retry-After"); got != header {
		t.Fatalf("Retry-After = %q, want %q", got, header)
	}
}

func TestRateLimitIsASlidingWindowOfAcceptedRequests(t *testing.T) {
	clock := wassisttest.NewFakeClock(t0)
	m := newSim(t, wassisttest.Options{RateLimit: 3, Clock: clock})
	get := func() reply { return m.do(http.MethodGet, "/agents/", keyA, nil) }

	for range 3 { // accepted at 0s, 10s, 20s
		expectStatus(t, get(), http.StatusOK)
		clock.Advance(10 * time.Second)
	}
	// At 30s the request at 0s leaves the window in 30s.
	expectThrottled(t, get(), 30, "30")
	// At 59.5s it leaves in half a second, which rounds up to 1.
	clock.Advance(29500 * time.Millisecond)
	expectThrottled(t, get(), 1, "1")
	// At 60s it has left. Had the two 429s counted, the window would still be full.
	clock.Advance(500 * time.Millisecond)
	expectStatus(t, get(), http.StatusOK)
	// Window now holds 10s, 20s, 60s: the next slot opens at 70s.
	expectThrottled(t, get(), 10, "10")
}

func TestRateLimitCanOmitTheRetryAfterHeader(t *testing.T) {
	clock := wassisttest.NewFakeClock(t0)
	m := newSim(t, wassisttest.Options{RateLimit: 1, Clock: clock, OmitRetryAfterHeader: true})
	expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
	expectThrottled(t, m.do(http.MethodGet, "/agents/", keyA, nil), 60, "")
}

func TestRateLimitDefaultsToTheDocumented100PerMinute(t *testing.T) {
	clock := wassisttest.NewFakeClock(t0)
	m := newSim(t, wassisttest.Options{Clock: clock})
	for i := range 100 {
		if r := m.do(http.MethodGet, "/agents/", keyA, nil); r.status != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, r.status)
		}
	}
	expectThrottled(t, m.do(http.MethodGet, "/agents/", keyA, nil), 60, "60")
}

func TestNegativeRateLimitIsUnlimited(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1, Clock: wassisttest.NewFakeClock(t0)})
	for i := range 150 {
		if r := m.do(http.MethodGet, "/agents/", keyA, nil); r.status != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, r.status)
		}
	}
}
