package wassist

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAPIErrorReadsEveryBodyShape(t *testing.T) {
	cases := []struct {
		name, body  string
		status      int
		wantCode    string
		wantMessage string
	}{
		{"documented error and code", `{"error":"Agent not found","code":"not_found"}`, 404, "not_found", "Agent not found"},
		{"nested error object", `{"error":{"message":"Bad things"}}`, 400, "", "Bad things"},
		{"message", `{"message":"Nope"}`, 403, "", "Nope"},
		{"DRF detail", `{"detail":"Authentication credentials were not provided."}`, 401, "", "Authentication credentials were not provided."},
		{"DRF field map", `{"name":["This field may not be blank."],"icebreakers":["Not a valid list."]}`, 400, "",
			"icebreakers: Not a valid list.; name: This field may not be blank."},
		{"nested list field map", `{"tools":[{},{"name":["This field is required."]}]}`, 400, "", "tools[1].name: This field is required."},
		{"plain text", "upstream exploded", 502, "", "upstream exploded"},
		{"HTML page", "<html><body>Bad Gateway</body></html>", 502, "", ""},
		{"empty", "", 500, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newAPIError("GET /agents/{id}/", tc.status, http.Header{}, []byte(tc.body))
			if e.Code != tc.wantCode || e.Message != tc.wantMessage {
				t.Fatalf("got code %q message %q, want %q %q", e.Code, e.Message, tc.wantCode, tc.wantMessage)
			}
			if !strings.Contains(e.Error(), "GET /agents/{id}/") || !strings.Contains(e.Error(), strconv.Itoa(tc.status)) {
				t.Fatalf("error %q does not name the endpoint and status", e.Error())
			}
		})
	}
}

func TestRetryAfterPrefersTheHeaderToTheBody(t *testing.T) {
	body := []byte(`{"error":"Request was throttled.","retry_after":60}`)
	h := http.Header{}
	if got := newAPIError("GET /agents/", 429, h, body).RetryAfter; got != time.Minute {
		t.Fatalf("body only: got %s, want 1m", got)
	}
	h.Set("Retry-After", "7")
	if got := newAPIError("GET /agents/", 429, h, body).RetryAfter; got != 7*time.Second {
		t.Fatalf("header and body: got %s, want the header's 7s", got)
	}
	h.Set("Retry-After", "soon")
	if got := newAPIError("GET /agents/", 429, h, body).RetryAfter; got != time.Minute {
		t.Fatalf("unreadable header: got %s, want the body's 1m", got)
	}
}

// Every status the SDK tells apart lands in exactly its class, and only the statuses the
// SDK retries are retryable.
func TestErrorClasses(t *testing.T) {
	api := func(status int) error { return newAPIError("GET /x/", status, http.Header{}, nil) }
	local := &RateLimitedError{Endpoint: "GET /x/", RetryAfter: time.Second}
	const (
		notFound = 1 << iota
		unauthorized
		permission
		conflict
		invalid
		limited
		server
		retry
	)
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"400", api(400), invalid},
		{"401", api(401), unauthorized},
		{"403", api(403), permission},
		{"404", api(404), notFound},
		{"408", api(408), retry},
		{"409", api(409), conflict},
		{"413", api(413), invalid},
		{"414", api(414), invalid},
		{"422", api(422), invalid},
		{"425", api(425), retry},
		{"429", api(429), limited | retry},
		{"500", api(500), server | retry},
		{"501", api(501), server},
		{"502", api(502), server | retry},
		{"503", api(503), server | retry},
		{"504", api(504), server | retry},
		{"505", api(505), server},
		{"418", api(418), 0},
		{"local budget", local, limited | retry},
		{"transport", errTransport, retry},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checks := []func(error) bool{
				IsNotFound, IsUnauthorized, IsPermissionDenied, IsConflict, IsInvalid, IsRateLimited, IsServerError, IsRetryable,
			}
			got := 0
			for i, is := range checks {
				if is(tc.err) {
					got |= 1 << i
				}
			}
			if got != tc.want {
				t.Fatalf("classes %08b, want %08b (bits: NotFound Unauthorized PermissionDenied Conflict Invalid "+
					"RateLimited ServerError Retryable, from the right)", got, tc.want)
			}
		})
	}
	if IsRetryable(nil) {
		t.Fatal("nil is not retryable")
	}
}

var errTransport = &transportError{}

type transportError struct{}

func (*transportError) Error() string { return "connection reset by peer" }

// A request the API refuses for what it is (its body, its size) fails again unchanged; a
// refusal for the moment (rate, server trouble, a timeout) does not.
func TestIsInvalidOnlyForRequestsThatWouldFailAgain(t *testing.T) {
	for status, want := range map[int]bool{
		http.StatusBadRequest:            true,
		http.StatusUnprocessableEntity:   true,
		http.StatusRequestEntityTooLarge: true,
		http.StatusRequestURITooLong:     true,
		http.StatusRequestTimeout:        false,
		http.StatusTooManyRequests:       false,
		http.StatusNotFound:              false,
		http.StatusInternalServerError:   false,
		http.StatusBadGateway:            false,
	} {
		err := &APIError{Endpoint: "PATCH /agents/{id}/", Status: status, Message: http.StatusText(status)}
		if got := IsInvalid(err); got != want {
			t.Errorf("IsInvalid(%d) = %v, want %v", status, got, want)
		}
	}
}

// An absurd wait is capped, never a key stopped for years or a negative wait after an
// overflow (FuzzDecodeAnswer found 1e10 seconds turning negative).
func TestRetryAfterIsCapped(t *testing.T) {
	for _, c := range []struct {
		header, body string
		want         time.Duration
	}{
		{"10000000000", "", MaxRetryAfter},
		{"", `{"retry_after":1e12}`, MaxRetryAfter},
		{"", `{"retry_after":"99999999999"}`, MaxRetryAfter},
		{"3599", "", 3599 * time.Second},
		{"Fri, 31 Dec 9999 23:59:59 GMT", "", MaxRetryAfter},
	} {
		h := http.Header{}
		if c.header != "" {
			h.Set("Retry-After", c.header)
		}
		e := newAPIError("GET /agents/", http.StatusTooManyRequests, h, []byte(c.body))
		if e.RetryAfter != c.want {
			t.Errorf("header %q body %q: retry after %s, want %s", c.header, c.body, e.RetryAfter, c.want)
		}
	}
}
