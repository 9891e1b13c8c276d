//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"--api-key", "a,b", "--api-key=c", "--error-rate", "0.5"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.apiKeys, []string{"a", "b", "c"}) || cfg.addr != "127.0.0.1:8089" || cfg.rateLimit != 100 ||
		!cfg.demoSeed || cfg.errorRate != 0.5 || cfg.latency != 0 || cfg.omitRetryAfter {
		t.Fatalf("config = %+v", cfg)
	}
	for _, bad := range [][]string{{}, {"--api-key", " , "}, {"--api-key", "a", "--error-rate", "2"}, {"--api-key", "a", "--bogus"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

func get(t *testing.T, url, key string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestSimulatorSeedsEveryKeyWithItsOwnAccount(t *testing.T) {
	ts := httptest.NewServer(newSimulator(config{apiKeys: []string{"a", "b"}, demoSeed: true}, io.Discard))
	defer ts.Close()
	want := map[string][]string{"a": {"Daily Grind Ltd", "447700900100", "447700900101"},
		"b": {"Daily Grind Ltd 2", "447700900102", "447700900103"}}
	for _, key := range []string{"a", "b"} {
		status, body := get(t, ts.URL+"/api/v1/whatsapp-accounts/", key)
		var page struct {
			Results []struct {
				Name         string
				PhoneNumbers []struct{ Number string }
			}
		}
		if err := json.Unmarshal(body, &page); err != nil || status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
		accounts := page.Results
		if len(accounts) != 1 || accounts[0].Name != want[key][0] || len(accounts[0].PhoneNumbers) != 2 ||
			accounts[0].PhoneNumbers[0].Number != want[key][1] || accounts[0].PhoneNumbers[1].Number != want[key][2] {
			t.Fatalf("key %s sees %s", key, body)
		}
		// The samples' MCP connector is known to every key.
		agent := call(t, ts.URL+"/api/v1/agents/", key, http.MethodPost, `{"name": "probe"}`, http.StatusCreated)
		call(t, ts.URL+"/api/v1/agents/"+agent["id"].(string)+"/", key, http.MethodPatch,
			`{"mcpConfigs": [{"connectorId": "`+wassisttest.DemoConnectorID+`"}]}`, http.StatusOK)
	}
}

// call sends body to url and checks the answer's status; it returns the answer decoded.
func call(t *testing.T, url, key, method, body string, want int) map[string]any {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	req.Header.Set("X-API-Key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	out := map[string]any{}
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want || json.Unmarshal(data, &out) != nil {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	return out
}

func TestSimulatorErrorRateAndRateLimit(t *testing.T) {
	ts := httptest.NewServer(newSimulator(config{apiKeys: []string{"a"}, rateLimit: 1, errorRate: 1}, io.Discard))
	defer ts.Close()
	if status, _ := get(t, ts.URL+"/api/v1/agents/", "a"); status != http.StatusInternalServerError {
		t.Fatalf("error-rate 1 answered %d", status)
	}
	if status, _ := get(t, ts.URL+"/api/v1/agents/", "a"); status != http.StatusTooManyRequests {
		t.Fatalf("rate-limit 1 answered %d", status)
	}
}

// Each --api-key is its own tenant with its own budget, which the benchmark's many-keys
// mode relies on: one key's 429 says nothing of another's.
func TestEveryKeyHasItsOwnBudget(t *testing.T) {
	cfg, err := parseFlags([]string{"--api-key", "k1,k2,k3", "--rate-limit", "1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newSimulator(cfg, io.Discard))
	defer ts.Close()
	for _, key := range []string{"k1", "k2", "k3"} {
		if status, body := get(t, ts.URL+"/api/v1/agents/", key); status != http.StatusOK {
			t.Fatalf("key %s, first request: %d %s", key, status, body)
		}
	}
	if status, _ := get(t, ts.URL+"/api/v1/agents/", "k2"); status != http.StatusTooManyRequests {
		t.Fatalf("key k2, second request in the minute: %d", status)
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, out := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--api-key", "k"}, out, io.Discard) }()

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "wassist-sim listening on http://127.0.0.1:") || !strings.HasSuffix(line, "/api/v1/\n") {
		t.Fatalf("first line %q, %v", line, err)
	}
	base := strings.TrimSuffix(strings.TrimPrefix(line, "wassist-sim listening on "), "\n")
	if status, body := get(t, base+"phone-numbers/", "k"); status != http.StatusOK || !strings.Contains(string(body), "447700900100") {
		t.Fatalf("%d %s", status, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
}

// --agency-key adds a tenant holding the agency fixture instead of the demo account; the
// other keys keep the demo seed.
func TestAgencyKeyIsSeededWithTheAgency(t *testing.T) {
	cfg, err := parseFlags([]string{"--api-key", "demo", "--agency-key", "agency", "--rate-limit", "-1"}, io.Discard)
	if err != nil || cfg.agencyKey != "agency" {
		t.Fatalf("config %+v, %v", cfg, err)
	}
	ts := httptest.NewServer(newSimulator(cfg, io.Discard))
	defer ts.Close()
	count := func(path, key string) int {
		status, body := get(t, ts.URL+"/api/v1/"+path, key)
		var page struct{ Count int }
		if status != http.StatusOK || json.Unmarshal(body, &page) != nil {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		return page.Count
	}
	if agents, accounts := count("agents/", "agency"), count("whatsapp-accounts/", "agency"); agents < 24 || accounts != 2 {
		t.Errorf("the agency key holds %d agents and %d accounts", agents, accounts)
	}
	if _, body := get(t, ts.URL+"/api/v1/whatsapp-accounts/", "agency"); strings.Contains(string(body), "Daily Grind") {
		t.Error("the agency key was given the demo account too")
	}
	if agents, accounts := count("agents/", "demo"), count("whatsapp-accounts/", "demo"); agents != 0 || accounts != 1 {
		t.Errorf("the demo key holds %d agents and %d accounts", agents, accounts)
	}
	if _, err := parseFlags([]string{"--agency-key", "only"}, io.Discard); err != nil {
		t.Errorf("--agency-key alone was refused: %v", err)
	}
}
