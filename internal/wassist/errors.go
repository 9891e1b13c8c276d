package wassist

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// APIError is any answer of the Wassist API that is not a success. It carries the
// API's own words so that a controller can surface them on a condition as they are.
type APIError struct {
	// Endpoint is the method and route template, e.g. "PATCH /agents/{id}/": never an id or a key.
	Endpoint string
	// Status is the HTTP status code.
	Status int
	// Code is the machine code of the documented {error, code} body, when there is one.
	Code string
	// Message is the human text: the body's error, message or detail, or its field errors.
	Message string
	// RetryAfter is how long to wait before the next call, from the Retry-After header or
	// the body's retry_after; zero when the answer gave none.
	RetryAfter time.Duration
	// RequestID is the answer's X-Request-Id header, the id Wassist support asks for; ""
	// when the answer had none.
	RequestID string
}

// requestIDHeader names the request in Wassist's own logs.
const requestIDHeader = "X-Request-Id"

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.RequestID != "" {
		return fmt.Sprintf("wassist: %s: %d: %s (request id %s)", e.Endpoint, e.Status, msg, e.RequestID)
	}
	return fmt.Sprintf("wassist: %s: %d: %s", e.Endpoint, e.Status, msg)
}

// HTTPStatus is the answer's status, for a caller that classifies errors without
// importing this package (the controller's core).
func (e *APIError) HTTPStatus() int { return e.Status }

// Backoff is the wait the answer asks for, for the same callers.
func (e *APIError) Backoff() time.Duration { return e.RetryAfter }

// RateLimitedError says a call was not sent because the key's budget would make the caller
// wait longer than it accepts. It is not an API answer; callers requeue for RetryAfter.
type RateLimitedError struct {
	Endpoint   string
	RetryAfter time.Duration
	// Held: the key holds its token at RetryAfter for the object the call was made for
	// (see Turn); the caller should come back for it on time.
	Held bool
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("wassist: %s: not sent, the API key's rate budget is spent for %s", e.Endpoint, e.RetryAfter.Round(time.Millisecond))
}

// BudgetHold is how a caller that does not import this package learns when to come back,
// and whether its token is held then.
func (e *RateLimitedError) BudgetHold() (time.Duration, bool) { return e.RetryAfter, e.Held }

func statusOf(err error) int {
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		return apiErr.Status
	}
	return 0
}

// The classes are the official TypeScript SDK's: one status, one class, so that a condition
// names what the API said and not a guess.

// IsNotFound reports a 404: the object does not exist (or the path is wrong).
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports a 401: the key is missing, malformed or revoked.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsPermissionDenied reports a 403: the key is valid but may not do this (an object of
// another organisation, an action its plan does not allow). Another key might; the same
// key will not until something changes on Wassist's side.
func IsPermissionDenied(err error) bool { return statusOf(err) == http.StatusForbidden }

// IsConflict reports a 409: the request conflicts with the object's current state. Sent
// again unchanged it fails again, so it is not retryable.
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsServerError reports a 5xx: something is wrong on Wassist's side. Only some of them are
// retried (see IsRetryable).
func IsServerError(err error) bool {
	s := statusOf(err)
	return s >= 500 && s <= 599
}

// IsInvalid reports a 400 or 422, or a 413 or 414 (body or URL too large): the request
// itself is wrong and will fail again unchanged, so it is not retried until it changes.
func IsInvalid(err error) bool {
	switch statusOf(err) {
	case http.StatusBadRequest, http.StatusUnprocessableEntity,
		http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong:
		return true
	}
	return false
}

// IsRateLimited reports a 429 from the API or a call held back by the local budget.
func IsRateLimited(err error) bool {
	if _, ok := errors.AsType[*RateLimitedError](err); ok {
		return true
	}
	return statusOf(err) == http.StatusTooManyRequests
}

// IsRetryable reports errors that may pass unchanged later: the statuses the SDK retries
// (408, 425, 429, 500, 502, 503, 504), a call held back by the local budget, and transport
// failures (timeouts, dropped connections). A 501 or 505 says the request itself is not
// served, and a 409 fails again until the state changes.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if IsRateLimited(err) {
		return true
	}
	switch statusOf(err) {
	case 0:
		// Not an API answer at all: the request never got one (network, timeout).
		return true
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryAfter returns the wait an error asks for, or zero.
func RetryAfter(err error) time.Duration {
	if rl, ok := errors.AsType[*RateLimitedError](err); ok {
		return rl.RetryAfter
	}
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		return apiErr.RetryAfter
	}
	return 0
}

// newAPIError builds the error of a non-2xx answer. It never fails: a body it cannot
// read still gives an error that names the endpoint and the status.
func newAPIError(endpoint string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{Endpoint: endpoint, Status: status, RequestID: strings.TrimSpace(header.Get(requestIDHeader))}
	fields := map[string]any{}
	if err := json.Unmarshal(body, &fields); err == nil {
		e.Code, _ = fields["code"].(string)
		e.Message = messageOf(fields)
		e.RetryAfter = secondsValue(fields["retry_after"])
	} else if text := strings.TrimSpace(string(body)); text != "" && len(text) <= 512 && !strings.HasPrefix(text, "<") {
		e.Message = text
	}
	if d, ok := parseRetryAfterHeader(header.Get("Retry-After")); ok {
		e.RetryAfter = d
	}
	return e
}

// messageOf reads the human text of an error body, whichever of the shapes seen on
// the API it has: {error, code}, {error: {message}}, {message}, {detail}, or a
// Django REST Framework field map such as {"name": ["This field may not be blank."]}.
func messageOf(fields map[string]any) string {
	for _, k := range []string{"error", "message", "detail"} {
		switch v := fields[k].(type) {
		case string:
			return v
		case map[string]any:
			if m, ok := v["message"].(string); ok {
				return m
			}
		}
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if k == "code" || k == "retry_after" {
			continue
		}
		parts = append(parts, fieldErrors(k, fields[k])...)
	}
	return strings.Join(parts, "; ")
}

// fieldErrors flattens a field map entry: a list of messages, a nested object, or a
// list of per-index objects for nested lists (e.g. tools[1].name).
func fieldErrors(path string, v any) []string {
	switch v := v.(type) {
	case string:
		return []string{path + ": " + v}
	case []any:
		var out, msgs []string
		for i, item := range v {
			if s, ok := item.(string); ok {
				msgs = append(msgs, s)
				continue
			}
			out = append(out, fieldErrors(fmt.Sprintf("%s[%d]", path, i), item)...)
		}
		if len(msgs) > 0 {
			out = append([]string{path + ": " + strings.Join(msgs, " ")}, out...)
		}
		return out
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, fieldErrors(path+"."+k, v[k])...)
		}
		return out
	default:
		return nil
	}
}

func secondsValue(v any) time.Duration {
	switch v := v.(type) {
	case float64:
		if v > 0 {
			return seconds(v)
		}
	case string:
		if d, ok := parseRetryAfterHeader(v); ok {
			return d
		}
	}
	return 0
}

// parseRetryAfterHeader reads Retry-After as seconds or as an HTTP date.
func parseRetryAfterHeader(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return seconds(s), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), MaxRetryAfter), true
	}
	return 0, false
}

// MaxRetryAfter caps the wait an answer can ask for. A larger value is taken as a
// mistake of the API, not as a reason to stop the key for days (or, past 292 years,
// to overflow into a negative wait: found by FuzzDecodeAnswer).
const MaxRetryAfter = time.Hour

// seconds converts a number of seconds to a duration, capped at MaxRetryAfter.
func seconds(s float64) time.Duration {
	if s >= MaxRetryAfter.Seconds() {
		return MaxRetryAfter
	}
	return time.Duration(s * float64(time.Second))
}
