package wassist

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// FuzzDecodeAnswer feeds arbitrary answers to everything that reads the API's bodies:
// error decoding must never panic and always name the endpoint and status; list and
// object decoding must fail cleanly or succeed. The seeds run in every `make test`.
func FuzzDecodeAnswer(f *testing.F) {
	seeds := []string{
		`{"error":"Agent not found","code":"not_found"}`,
		`{"retry_after":60}`,
		`{"retry_after":"12"}`,
		`{"detail":"Invalid token."}`,
		`{"tools":[{},{"name":["This field is required."]}]}`,
		`{"count":2,"next":"https://backend.wassist.app/api/v1/agents/?limit=1&offset=1","previous":null,"results":[{"id":"a","name":"x"}]}`,
		`[{"id":"7f6e","number":"447700900100","activeAgent":{"id":"a","name":"n"},"whatsappBusinessAccount":"w"}]`,
		`{"id":"a","name":"n","tools":[{"id":"t","name":"x","apiSchema":{"url":"u"},"creditCost":0,"active":true}],"llmModel":null}`,
		`{"id":"a","owner":null,"sharings":[{"phoneNumber":"+447700900123","whatsappName":""}],"ownerActive":true}`,
		`{"results":null}`,
		`[`, `null`, `"text"`, `{"error":{"message":1}}`, `{"a":{"b":[{"c":["d"]}]}}`,
	}
	for _, s := range seeds {
		f.Add(429, s, "30")
	}
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := newAPIError("GET /agents/{id}/", status, h, []byte(body))
		msg := e.Error()
		if !strings.Contains(msg, "GET /agents/{id}/") {
			t.Fatalf("error %q does not name the endpoint", msg)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative retry-after %s", e.RetryAfter)
		}
		_ = IsRetryable(e)

		var agents listPage[Agent]
		_ = json.Unmarshal([]byte(body), &agents)
		var numbers listPage[PhoneNumber]
		_ = json.Unmarshal([]byte(body), &numbers)
		var agent Agent
		_ = json.Unmarshal([]byte(body), &agent)
		var account WhatsAppAccount
		_ = json.Unmarshal([]byte(body), &account)
	})
}
