package wassist_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// clientOf is a client of testKey on a server that answers every request with h.
func clientOf(t *testing.T, h http.HandlerFunc) *wassist.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := wassist.New(testKey, wassist.Options{BaseURL: srv.URL + "/api/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Each status the SDK tells apart reaches the caller in its class, with the API's message,
// its code and the request id support asks for.
func TestEveryStatusTheSDKDistinguishes(t *testing.T) {
	type class = func(error) bool
	cases := []struct {
		status  int
		body    string
		header  map[string]string
		is      class
		retry   bool
		wantErr string
		code    string
		after   time.Duration
	}{
		{401, `{"detail":"Invalid API key."}`, nil, wassist.IsUnauthorized, false,
			"wassist: PATCH /agents/{id}/: 401: Invalid API key. (request id req_abc123)", "", 0},
		{403, `{"detail":"You do not have permission"}`, nil, wassist.IsPermissionDenied, false,
			"wassist: PATCH /agents/{id}/: 403: You do not have permission (request id req_abc123)", "", 0},
		{404, `{"error":"Agent not found","code":"not_found"}`, nil, wassist.IsNotFound, false,
			"wassist: PATCH /agents/{id}/: 404: Agent not found (request id req_abc123)", "not_found", 0},
		{409, `{"message":"Agent is being updated","code":"conflict"}`, nil, wassist.IsConflict, false,
			"wassist: PATCH /agents/{id}/: 409: Agent is being updated (request id req_abc123)", "conflict", 0},
		{400, `{"name":["This field may not be blank."]}`, nil, wassist.IsInvalid, false,
			"wassist: PATCH /agents/{id}/: 400: name: This field may not be blank. (request id req_abc123)", "", 0},
		{422, `{"error":"Unprocessable","code":"invalid"}`, nil, wassist.IsInvalid, false,
			"wassist: PATCH /agents/{id}/: 422: Unprocessable (request id req_abc123)", "invalid", 0},
		{429, `{"detail":"Request was throttled."}`, map[string]string{"Retry-After": "17"}, wassist.IsRateLimited, true,
			"wassist: PATCH /agents/{id}/: 429: Request was throttled. (request id req_abc123)", "", 17 * time.Second},
		{500, `<html>oops</html>`, nil, wassist.IsServerError, true,
			"wassist: PATCH /agents/{id}/: 500: Internal Server Error (request id req_abc123)", "", 0},
		{502, ``, nil, wassist.IsServerError, true,
			"wassist: PATCH /agents/{id}/: 502: Bad Gateway (request id req_abc123)", "", 0},
		{503, `{"detail":"Down for maintenance"}`, nil, wassist.IsServerError, true,
			"wassist: PATCH /agents/{id}/: 503: Down for maintenance (request id req_abc123)", "", 0},
		{504, ``, nil, wassist.IsServerError, true,
			"wassist: PATCH /agents/{id}/: 504: Gateway Timeout (request id req_abc123)", "", 0},
		{408, ``, nil, func(err error) bool { return !wassist.IsInvalid(err) && !wassist.IsServerError(err) }, true,
			"wassist: PATCH /agents/{id}/: 408: Request Timeout (request id req_abc123)", "", 0},
	}
	others := map[string]class{
		"NotFound": wassist.IsNotFound, "Unauthorized": wassist.IsUnauthorized, "PermissionDenied": wassist.IsPermissionDenied,
		"Conflict": wassist.IsConflict, "Invalid": wassist.IsInvalid, "RateLimited": wassist.IsRateLimited,
		"ServerError": wassist.IsServerError,
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			c := clientOf(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_abc123")
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			_, err := c.UpdateAgent(context.Background(), "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e", wassist.AgentUpdate{Name: new("x")})
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("error %v\nwant   %s", err, tc.wantErr)
			}
			if !tc.is(err) || wassist.IsRetryable(err) != tc.retry {
				t.Fatalf("%v: not in its class, or IsRetryable = %v", err, wassist.IsRetryable(err))
			}
			// One class only: a 403 is not a bad key, a 409 not a retry, a 5xx not a bad request.
			for name, is := range others {
				if is(err) && reflect.ValueOf(is).Pointer() != reflect.ValueOf(tc.is).Pointer() {
					t.Errorf("%d is also %s", tc.status, name)
				}
			}
			apiErr, ok := errors.AsType[*wassist.APIError](err)
			if !ok || apiErr.RequestID != "req_abc123" || apiErr.Code != tc.code || apiErr.RetryAfter != tc.after {
				t.Fatalf("APIError %+v, want code %q request id req_abc123 retry after %s", apiErr, tc.code, tc.after)
			}
		})
	}
}

// An answer without a request id reads as before, without an empty "(request id )".
func TestAnErrorWithoutRequestID(t *testing.T) {
	c := clientOf(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"Agent not found","code":"not_found"}`))
	})
	_, err := c.GetAgent(context.Background(), "a")
	if err == nil || err.Error() != "wassist: GET /agents/{id}/: 404: Agent not found" {
		t.Fatalf("got %v", err)
	}
}

// A success without a body is a success for every call that decodes an answer, whatever
// the status: the SDK accepts it, so the client must not fail on it as bad JSON.
func TestAnEmptySuccessIsAccepted(t *testing.T) {
	ctx := context.Background()
	const id, number = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e", "447700900100"
	calls := map[string]func(c *wassist.Client) (any, error){
		"GetAgent":          func(c *wassist.Client) (any, error) { return c.GetAgent(ctx, id) },
		"CreateAgent":       func(c *wassist.Client) (any, error) { return c.CreateAgent(ctx, "a") },
		"CreateBYOAAgent":   func(c *wassist.Client) (any, error) { return c.CreateBYOAAgent(ctx, "https://bot.example.com/") },
		"UpdateAgent":       func(c *wassist.Client) (any, error) { return c.UpdateAgent(ctx, id, wassist.AgentUpdate{}) },
		"GetPhoneNumber":    func(c *wassist.Client) (any, error) { return c.GetPhoneNumber(ctx, number) },
		"ConnectAgent":      func(c *wassist.Client) (any, error) { return c.ConnectAgent(ctx, number, id, false) },
		"SubscribeNumber":   func(c *wassist.Client) (any, error) { return c.SubscribeNumber(ctx, number, id, false) },
		"UnsubscribeNumber": func(c *wassist.Client) (any, error) { return c.UnsubscribeNumber(ctx, number, false) },
		"GetWhatsAppAccount": func(c *wassist.Client) (any, error) {
			return c.GetWhatsAppAccount(ctx, id)
		},
		"CreateLinkSession": func(c *wassist.Client) (any, error) {
			return c.CreateLinkSession(ctx, "https://a.example.com/", "https://a.example.com/")
		},
		"GetLinkSession":       func(c *wassist.Client) (any, error) { return c.GetLinkSession(ctx, id) },
		"ExpireLinkSession":    func(c *wassist.Client) (any, error) { return c.ExpireLinkSession(ctx, id) },
		"ListAgents":           func(c *wassist.Client) (any, error) { return c.ListAgents(ctx) },
		"ListPhoneNumbers":     func(c *wassist.Client) (any, error) { return c.ListPhoneNumbers(ctx) },
		"ListWhatsAppAccounts": func(c *wassist.Client) (any, error) { return c.ListWhatsAppAccounts(ctx) },
		"ListLinkSessions":     func(c *wassist.Client) (any, error) { return c.ListLinkSessions(ctx) },
	}
	for _, status := range []int{http.StatusOK, http.StatusCreated, http.StatusNoContent} {
		for name, call := range calls {
			t.Run(fmt.Sprintf("%d/%s", status, name), func(t *testing.T) {
				c := clientOf(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
				out, err := call(c)
				if err != nil {
					t.Fatalf("an empty %d: %v", status, err)
				}
				v := reflect.ValueOf(out)
				if v.Kind() == reflect.Pointer {
					v = v.Elem()
				}
				if !v.IsZero() {
					t.Fatalf("an empty answer gave %+v, want the zero value", out)
				}
			})
		}
	}
}
