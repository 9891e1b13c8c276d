//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const (
	keyA = "key-alpha-secret"
	keyB = "key-bravo-secret"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// sim is a simulator on a local port plus helpers to talk to it with plain net/http.
type sim struct {
	t  *testing.T
	s  *wassisttest.Server
	ts *httptest.Server
}

// newSim starts a simulator that accepts keyA and keyB unless o says otherwise.
func newSim(t *testing.T, o wassisttest.Options) *sim {
	t.Helper()
	if o.APIKeys == nil {
		o.APIKeys = []string{keyA, keyB}
	}
	s, ts := wassisttest.NewHTTPTest(o)
	t.Cleanup(ts.Close)
	return &sim{t: t, s: s, ts: ts}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// url turns a path relative to /api/v1 into an absolute URL; absolute URLs pass through.
func (m *sim) url(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	if strings.HasPrefix(path, "/_sim/") {
		return m.ts.URL + path
	}
	return m.ts.URL + wassisttest.APIPrefix + path
}

// send makes a request. body is nil (no body), a string (sent as is) or a value to marshal;
// a body is sent as application/json unless headers say otherwise.
func (m *sim) send(method, path string, headers map[string]string, body any) (reply, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			m.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, m.url(path), rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := m.ts.Client().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: raw}, err
}

// do sends an API request with key ("" sends no key) and fails the test on transport errors.
func (m *sim) do(method, path, key string, body any) reply {
	m.t.Helper()
	headers := map[string]string{}
	if key != "" {
		headers["X-API-Key"] = key
	}
	r, err := m.send(method, path, headers, body)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// createAgent creates an agent through the API and returns it decoded.
func (m *sim) createAgent(key, name string) map[string]any {
	m.t.Helper()
	r := m.do(http.MethodPost, "/agents/", key, map[string]any{"name": name})
	expectStatus(m.t, r, http.StatusCreated)
	return r.object(m.t)
}

func (r reply) value(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.body)
	}
	return v
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.value(t).(map[string]any)
	if !ok {
		t.Fatalf("body is not a JSON object: %s", r.body)
	}
	return m
}

func (r reply) array(t *testing.T) []any {
	t.Helper()
	a, ok := r.value(t).([]any)
	if !ok {
		t.Fatalf("body is not a JSON array: %s", r.body)
	}
	return a
}

// items is a list answer's entries, in either shape the simulator serves (the envelope by
// default, a bare array with BareLists), for tests that hold in both.
func (r reply) items(t *testing.T) []any {
	t.Helper()
	switch v := r.value(t).(type) {
	case []any:
		return v
	case map[string]any:
		return list(t, v, "results")
	}
	t.Fatalf("body is not a list answer: %s", r.body)
	return nil
}

func expectStatus(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
}

// expectJSON checks the status and that the body equals want as JSON values.
func expectJSON(t *testing.T, r reply, status int, want string) {
	t.Helper()
	expectStatus(t, r, status)
	expectEqualJSON(t, r.body, want)
}

func expectEqualJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body:\n got %s\nwant %s", got, want)
	}
}

// str reads a string field of a decoded object.
func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("%q is %T (%v), want string", key, m[key], m[key])
	}
	return s
}

// list reads a list field of a decoded object.
func list(t *testing.T, m map[string]any, key string) []any {
	t.Helper()
	l, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%q is %T (%v), want list", key, m[key], m[key])
	}
	return l
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is %T, want object", v, v)
	}
	return m
}

// mustJSON renders v for building expected bodies.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
