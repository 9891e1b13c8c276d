package wassisttest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// A Fault sent by SimClient arrives as the same Fault: every field survives specOf, the
// JSON and spec.fault().
func TestFaultSpecRoundTrips(t *testing.T) {
	for _, f := range []Fault{
		{Kind: FaultRateLimit, Method: http.MethodGet, Route: "/agents/{id}/", Key: "k", Probability: 0.25, Count: 3,
			RetryAfter: 1500 * time.Millisecond},
		{Kind: FaultLatency, Latency: 250 * time.Millisecond},
		{Kind: FaultError, Status: http.StatusServiceUnavailable, Count: 1},
		{Kind: FaultLoseResponse, Method: http.MethodPost, Route: "/agents/", Probability: 1},
	} {
		data, err := json.Marshal(specOf(f))
		if err != nil {
			t.Fatal(err)
		}
		var spec faultSpec
		if err := json.Unmarshal(data, &spec); err != nil {
			t.Fatal(err)
		}
		got, err := spec.fault()
		if err != nil || got != f {
			t.Errorf("%+v came back as %+v (%v) through %s", f, got, err, data)
		}
	}
}
