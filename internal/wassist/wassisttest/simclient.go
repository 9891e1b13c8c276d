package wassisttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SimClient is a typed client of a simulator's /_sim/ routes, for the programs that run the
// wassist-sim binary as its own process (the demo, the benchmark, the e2e and chaos suites).
// It sends and decodes the very types the routes are served from, so the two cannot
// disagree. Methods that take an API key send only its KeyID, except SeedAccount, whose
// route needs the key itself.
type SimClient struct {
	base string
	hc   *http.Client
}

// NewSimClient returns a client of the simulator at baseURL, its root URL such as
// "http://127.0.0.1:8089" (a trailing "/" or "/api/v1/" is dropped). hc nil means a
// client with a 30 s timeout.
func NewSimClient(baseURL string, hc *http.Client) *SimClient {
	base := strings.TrimSuffix(baseURL, "/")
	base = strings.TrimSuffix(base, APIPrefix)
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &SimClient{base: base, hc: hc}
}

// URL is the simulator's root URL, as NewSimClient was given it without the suffixes.
func (c *SimClient) URL() string { return c.base }

// APIURL is the base URL of the simulated API, with its trailing slash, for a Wassist client
// or the manager's --wassist-api-url.
func (c *SimClient) APIURL() string { return c.base + APIPrefix + "/" }

// SimError is a /_sim/ answer with another status than the route's success status.
type SimError struct {
	Method string
	Path   string // with its query
	Status int
	// Message is the simulator's own explanation, or the body when it had none.
	Message string
}

func (e *SimError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Message)
}

// IsSimStatus reports whether err is a SimError with the given status.
func IsSimStatus(err error, status int) bool {
	var se *SimError
	return errors.As(err, &se) && se.Status == status
}

// Ping reports whether the simulator answers its control surface.
func (c *SimClient) Ping(ctx context.Context) error {
	_, err := c.FaultsFired(ctx)
	return err
}

// WaitUp calls Ping every 100 ms until it succeeds, for at most timeout, and returns the
// last error if it never did.
func (c *SimClient) WaitUp(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := c.Ping(ctx)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the simulator did not answer within %s: %w", timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Requests returns every recorded API request, in the order they were answered
// (GET /_sim/requests).
func (c *SimClient) Requests(ctx context.Context) ([]Request, error) {
	var out []Request
	return out, c.do(ctx, http.MethodGet, adminRequestsPath, "", nil, http.StatusOK, &out)
}

// RequestsFor returns the recorded requests made with key, whether or not the simulator
// accepts the key (GET /_sim/requests?keyId=).
func (c *SimClient) RequestsFor(ctx context.Context, key string) ([]Request, error) {
	var out []Request
	return out, c.do(ctx, http.MethodGet, adminRequestsPath, KeyID(key), nil, http.StatusOK, &out)
}

// ResetRequests forgets the request log (POST /_sim/reset-requests).
func (c *SimClient) ResetRequests(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, adminResetRequestsPath, "", nil, http.StatusNoContent, nil)
}

// Counts counts every recorded request by "METHOD /route/template/", such as
// "POST /agents/" (GET /_sim/counts).
func (c *SimClient) Counts(ctx context.Context) (map[string]int, error) {
	var out map[string]int
	return out, c.do(ctx, http.MethodGet, adminCountsPath, "", nil, http.StatusOK, &out)
}

// CountsFor is Counts of the requests made with key (GET /_sim/counts?keyId=).
func (c *SimClient) CountsFor(ctx context.Context, key string) (map[string]int, error) {
	var out map[string]int
	return out, c.do(ctx, http.MethodGet, adminCountsPath, KeyID(key), nil, http.StatusOK, &out)
}

// Agents returns key's agents in creation order, as the API serves them
// (GET /_sim/agents?keyId=). A key the simulator does not accept is a 404 SimError.
func (c *SimClient) Agents(ctx context.Context, key string) ([]Agent, error) {
	var out []Agent
	return out, c.do(ctx, http.MethodGet, adminAgentsPath, KeyID(key), nil, http.StatusOK, &out)
}

// AllAgents returns every key's agents, by KeyID (GET /_sim/agents).
func (c *SimClient) AllAgents(ctx context.Context) (map[string][]Agent, error) {
	var out map[string][]Agent
	return out, c.do(ctx, http.MethodGet, adminAgentsPath, "", nil, http.StatusOK, &out)
}

// PhoneNumbers returns key's numbers in the order they were seeded, each with the agent it
// serves (GET /_sim/phone-numbers?keyId=). A key the simulator does not accept is a 404
// SimError.
func (c *SimClient) PhoneNumbers(ctx context.Context, key string) ([]PhoneNumber, error) {
	var out []PhoneNumber
	return out, c.do(ctx, http.MethodGet, adminPhoneNumbersPath, KeyID(key), nil, http.StatusOK, &out)
}

// BYOAWebhooks returns key's bring-your-own-agent agents' webhook URLs by agent id, which
// the API never serves (GET /_sim/byoa-webhooks?keyId=). A key the simulator does not accept
// is a 404 SimError.
func (c *SimClient) BYOAWebhooks(ctx context.Context, key string) (map[string]string, error) {
	var out map[string]string
	return out, c.do(ctx, http.MethodGet, adminBYOAWebhooksPath, KeyID(key), nil, http.StatusOK, &out)
}

// Templates returns key's templates in creation order, as the API would serve them now, with
// their account links and Meta's reviews (GET /_sim/templates?keyId=). A key the simulator
// does not accept is a 404 SimError.
func (c *SimClient) Templates(ctx context.Context, key string) ([]Template, error) {
	var out []Template
	return out, c.do(ctx, http.MethodGet, adminTemplatesPath, KeyID(key), nil, http.StatusOK, &out)
}

// SeedAccount adds a WhatsApp account with its numbers to key's tenant and returns it as the
// API serves it (POST /_sim/seed; see Server.SeedAccount). What the server would panic on
// (an unknown key, a bad id or number) is a 400 SimError.
func (c *SimClient) SeedAccount(ctx context.Context, key string, a Account) (Account, error) {
	var out Account
	return out, c.do(ctx, http.MethodPost, adminSeedPath, "", seedRequest{Key: key, Account: a}, http.StatusCreated, &out)
}

// DriftAgents sets the system prompt of key's agents ids as a dashboard user would: outside
// the key's rate budget and request log (POST /_sim/drift). It returns how many of them
// existed; an unknown key is a 404 SimError.
func (c *SimClient) DriftAgents(ctx context.Context, key string, ids []string, prompt string) (int, error) {
	var out driftAnswer
	err := c.do(ctx, http.MethodPost, adminDriftPath, "", driftRequest{KeyID: KeyID(key), AgentIDs: ids, SystemPrompt: prompt},
		http.StatusOK, &out)
	return out.Edited, err
}

// InjectFault adds a fault and returns its id for RemoveFault (POST /_sim/faults). An
// invalid fault is a 400 SimError.
func (c *SimClient) InjectFault(ctx context.Context, f Fault) (int, error) {
	var out faultCreated
	err := c.do(ctx, http.MethodPost, adminFaultsPath, "", specOf(f), http.StatusCreated, &out)
	return out.ID, err
}

// RemoveFault removes one fault; unknown ids are ignored (DELETE /_sim/faults/{id}).
func (c *SimClient) RemoveFault(ctx context.Context, id int) error {
	return c.do(ctx, http.MethodDelete, adminFaultsPath+"/"+strconv.Itoa(id), "", nil, http.StatusNoContent, nil)
}

// ClearFaults removes every fault; the fired counts are kept (DELETE /_sim/faults).
func (c *SimClient) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, adminFaultsPath, "", nil, http.StatusNoContent, nil)
}

// FaultsFired counts, per kind, how often injected faults have fired since the simulator
// started (GET /_sim/faults).
func (c *SimClient) FaultsFired(ctx context.Context) (map[FaultKind]int, error) {
	var out faultsFiredBody
	err := c.do(ctx, http.MethodGet, adminFaultsPath, "", nil, http.StatusOK, &out)
	return out.Fired, err
}

// do sends one request to path (with ?keyId=keyID unless keyID is ""), with body as JSON
// unless nil, expects the status want and decodes the answer into out unless nil.
func (c *SimClient) do(ctx context.Context, method, path, keyID string, body any, want int, out any) error {
	if keyID != "" {
		path += "?" + url.Values{keyIDParam: {keyID}}.Encode()
	}
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		se := &SimError{Method: method, Path: path, Status: resp.StatusCode, Message: strings.TrimSpace(string(data))}
		var eb adminErrorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error != "" {
			se.Message = eb.Error
		}
		return se
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}
