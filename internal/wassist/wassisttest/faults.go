package wassisttest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// FaultKind names a way the simulated API can misbehave on purpose.
type FaultKind string

const (
	// FaultLatency delays the request by Fault.Latency before it is served; several latency
	// faults add up. The delay ends early if the client gives up.
	FaultLatency FaultKind = "latency"
	// FaultError answers with a 5xx (Fault.Status, default 500) without serving the request.
	FaultError FaultKind = "error"
	// FaultDrop closes the connection without serving the request or writing a byte.
	// Go's http.Transport silently resends a replayable request (GET, or any request with an
	// Idempotency-Key header) that hit a hang-up on a reused connection, so to see the error
	// a client must use a fresh connection or a non-replayable request.
	FaultDrop FaultKind = "drop"
	// FaultRateLimit answers 429 as the rate limiter would, whatever the key's budget.
	FaultRateLimit FaultKind = "ratelimit"
	// FaultLoseResponse serves the request fully (a create really creates) and then closes
	// the connection instead of answering: the case a client must not turn into duplicates.
	FaultLoseResponse FaultKind = "lose-response"
	// FaultPermissionDenied answers 403 with DRF's permission message without serving the
	// request: a valid key that may not do this (an object of another organisation, a plan
	// that does not allow it).
	FaultPermissionDenied FaultKind = "permission-denied"
	// FaultConflict answers 409 without serving the request: the request conflicts with the
	// object's current state, as the SDK's conflict error says.
	FaultConflict FaultKind = "conflict"
	// FaultEmptyBody serves the request fully and then answers its success status with an
	// empty body, as some endpoints do; an answer that is not a success is left as it is.
	FaultEmptyBody FaultKind = "empty-body"
)

// faultKinds are the kinds InjectFault accepts.
var faultKinds = []FaultKind{
	FaultLatency, FaultError, FaultDrop, FaultRateLimit, FaultLoseResponse, FaultPermissionDenied, FaultConflict, FaultEmptyBody,
}

// Fault describes misbehaviour for the requests it matches. Empty Method, Route and Key
// match anything; Route is a template relative to /api/v1 such as "/agents/{id}/".
// Faults match only requests that reached a route with a valid key.
type Fault struct {
	Kind   FaultKind
	Method string
	Route  string
	Key    string
	// Probability is the chance the fault fires on a matching request, drawn from the
	// Options.Seed stream; 0 means always.
	Probability float64
	// Count caps how many times the fault fires; 0 means no cap.
	Count      int
	Latency    time.Duration // for FaultLatency
	Status     int           // for FaultError; 0 means 500
	RetryAfter time.Duration // for FaultRateLimit; 0 means 60s
}

type faultRule struct {
	Fault
	id    int
	fired int
}

func (f Fault) validate() error {
	switch {
	case !slices.Contains(faultKinds, f.Kind):
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("fault probability %v is outside [0, 1]", f.Probability)
	case f.Count < 0:
		return fmt.Errorf("fault count %d is negative", f.Count)
	case f.Kind == FaultLatency && f.Latency <= 0:
		return fmt.Errorf("a latency fault needs a positive latency")
	}
	return nil
}

// InjectFault adds a fault and returns its id for RemoveFault. An invalid fault (unknown
// kind, probability outside [0, 1], latency fault without latency) panics: it is a bug in
// the test.
func (s *Server) InjectFault(f Fault) int {
	if err := f.validate(); err != nil {
		panic("wassisttest: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultSeq++
	s.faults = append(s.faults, &faultRule{Fault: f, id: s.faultSeq})
	return s.faultSeq
}

// RemoveFault removes one fault; unknown ids are ignored.
func (s *Server) RemoveFault(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = slices.DeleteFunc(s.faults, func(r *faultRule) bool { return r.id == id })
}

// ClearFaults removes every fault. The fired counts are kept.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// FaultsFired counts, per kind, how often injected faults have fired since the server started.
func (s *Server) FaultsFired() map[FaultKind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.fired)
}

func (r *faultRule) matches(key, method, route string) bool {
	return (r.Method == "" || r.Method == method) &&
		(r.Route == "" || r.Route == route) &&
		(r.Key == "" || r.Key == key)
}

// fire decides whether a matching fault fires this time; the server lock must be held.
func (s *Server) fire(r *faultRule) bool {
	if r.Count > 0 && r.fired >= r.Count {
		return false
	}
	if r.Probability > 0 && s.rng.Float64() >= r.Probability {
		return false
	}
	r.fired++
	s.fired[r.Kind]++
	return true
}

// delayFor adds up the latency faults that fire for a request.
func (s *Server) delayFor(key, method, route string) time.Duration {
	var total time.Duration
	for _, r := range s.faults {
		if r.Kind == FaultLatency && r.matches(key, method, route) && s.fire(r) {
			total += r.Latency
		}
	}
	return total
}

// outcomeFault returns the first fault of the given kinds that fires for a request, so a
// request suffers at most one outcome and later faults keep their Count.
func (s *Server) outcomeFault(key, method, route string, kinds ...FaultKind) *faultRule {
	for _, r := range s.faults {
		if slices.Contains(kinds, r.Kind) && r.matches(key, method, route) && s.fire(r) {
			return r
		}
	}
	return nil
}

func (f Fault) retryAfter() time.Duration {
	if f.RetryAfter <= 0 {
		return time.Minute
	}
	return f.RetryAfter
}

// sleepContext waits d of real time (latency is about wall time, not the fake clock) and
// reports false if the client gave up first.
func sleepContext(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
