// Package wassist is a client for the Wassist REST API: one typed method per endpoint
// the operator uses, typed errors, tolerant list decoding, a per-key rate budget and
// Prometheus metrics. It knows nothing of Kubernetes.
package wassist

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://backend.wassist.app/api/v1/"

// Version names the operator in the User-Agent; the build sets it with -ldflags.
var Version = "dev"

// maxResponseBytes bounds what a single answer may make the client read.
const maxResponseBytes = 16 << 20

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// BaseURL of the API, e.g. https://backend.wassist.app/api/v1/.
	BaseURL string
	// Timeout of one call, including the wait for its token. Default 30s.
	Timeout time.Duration
	// MaxWait is the longest a call waits for its token before failing with a
	// RateLimitedError. Default DefaultMaxWait.
	MaxWait time.Duration
	// HTTPClient sends the requests. Default: a client with its own transport.
	HTTPClient *http.Client
	// Budget is the key's rate budget; clients of one key must share one. Default: a
	// budget of DefaultRequestsPerMinute for this client alone.
	Budget *Budget
	// Metrics receive every call. Default: unregistered series.
	Metrics *Metrics
}

// Client calls the Wassist API with one API key.
type Client struct {
	base   *url.URL
	apiKey string
	// fingerprint names the key without revealing it (Fingerprint).
	fingerprint string
	timeout     time.Duration
	maxWait     time.Duration
	http        *http.Client
	budget      *Budget
	metrics     *Metrics
}

// New returns a client for apiKey. The key is only ever written to the X-API-Key header.
func New(apiKey string, o Options) (*Client, error) {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(o.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("wassist: base URL %q is not an absolute URL", o.BaseURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	c := &Client{
		base:        base,
		apiKey:      apiKey,
		fingerprint: Fingerprint(apiKey),
		timeout:     o.Timeout,
		maxWait:     o.MaxWait,
		http:        o.HTTPClient,
		budget:      o.Budget,
		metrics:     o.Metrics,
	}
	if c.timeout <= 0 {
		c.timeout = 30 * time.Second
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.budget == nil {
		c.budget = NewBudget(DefaultRequestsPerMinute, DefaultBurst, nil)
	}
	if c.metrics == nil {
		c.metrics = NewMetrics(nil)
	}
	return c, nil
}

// Budget returns the key's rate budget, so a caller can ask how long a call would wait.
func (c *Client) Budget() *Budget { return c.budget }

// Fingerprint names the client's API key without revealing it (see Fingerprint).
func (c *Client) Fingerprint() string { return c.fingerprint }

// call is one request: route is the template used in metrics and errors, path the
// real path relative to the base URL (always ending in "/", the API does not redirect).
type call struct {
	method string
	route  string
	path   string
	query  url.Values
	body   any
}

func (r call) endpoint() string { return r.method + " " + r.route }

// do sends the call after taking a token of the key's budget, and decodes a 2xx body
// into out (when out is non-nil). Every failure comes back as *APIError,
// *RateLimitedError or a transport error that names the endpoint.
func (c *Client) do(ctx context.Context, r call, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := c.waitForToken(ctx, r); err != nil {
		return err
	}
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.metrics.observe(r.method, r.route, 0, time.Since(start))
		return fmt.Errorf("wassist: %s: %w", r.endpoint(), stripURL(err))
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	c.metrics.observe(r.method, r.route, resp.StatusCode, time.Since(start))
	if err != nil {
		return fmt.Errorf("wassist: %s: reading the %d answer: %w", r.endpoint(), resp.StatusCode, stripURL(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(r.endpoint(), resp.StatusCode, resp.Header, body)
		if resp.StatusCode == http.StatusTooManyRequests {
			c.metrics.rateLimited.WithLabelValues("server").Inc()
			// Without a retry-after the API still said "stop": hold the key a minute,
			// the length of its window.
			if apiErr.RetryAfter <= 0 {
				apiErr.RetryAfter = time.Minute
			}
			c.budget.BlockFor(apiErr.RetryAfter)
		}
		return apiErr
	}
	// Some answers have no body at all, whatever their status (a 204, but also a 200 or
	// 201 some endpoints send empty): out is left as it was, as the SDK does.
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("wassist: %s: decoding the %d answer: %w", r.endpoint(), resp.StatusCode, err)
	}
	return nil
}

// reserve takes the tokens of the next `calls` calls made for ctx's Turn, the first of
// them r, without sending anything, so that writing what must precede them (the
// crash-safe create's mark) waits for their turn as r would, instead of being written
// again at every wait. The calls, made within a second of their time, spend the tokens
// without waiting. When the tokens are not due at once, reserve fails like r would, with a
// RateLimitedError. Without a Turn it does nothing: the calls will wait in place.
func (c *Client) reserve(ctx context.Context, r call, calls int) error {
	turn, ok := turnFrom(ctx)
	if !ok {
		return nil
	}
	if wait, ok := c.budget.holdTurn(turn, calls); !ok {
		return c.heldBack(r, wait, turn)
	}
	return nil
}

// heldBack is the error of a call the budget did not let go, counted as such; turn is
// the call's (empty without one).
func (c *Client) heldBack(r call, wait time.Duration, turn Turn) error {
	c.metrics.rateLimited.WithLabelValues("client").Inc()
	return &RateLimitedError{Endpoint: r.endpoint(), RetryAfter: wait, Held: turn.Holder != "" && c.budget.holding(turn.Holder)}
}

func (c *Client) waitForToken(ctx context.Context, r call) error {
	turn, withTurn := turnFrom(ctx)
	var wait time.Duration
	var ok bool
	if withTurn {
		wait, ok = c.budget.reserveTurn(turn)
	} else {
		wait, ok = c.budget.reserve(c.maxWait)
	}
	if !ok {
		return c.heldBack(r, wait, turn)
	}
	c.metrics.wait.Observe(wait.Seconds())
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("wassist: %s: waiting for the rate budget: %w", r.endpoint(), ctx.Err())
	case <-t.C:
		return nil
	}
}

func (c *Client) newRequest(ctx context.Context, r call) (*http.Request, error) {
	// An empty id would make "agents//", which the API answers 404: a caller would take
	// that for a deleted object. Refuse it here instead.
	if strings.Contains(r.path, "//") || r.path == "/" {
		return nil, fmt.Errorf("wassist: %s: empty id in the request path", r.endpoint())
	}
	u, err := url.Parse(c.base.String() + strings.TrimPrefix(r.path, "/"))
	if err != nil {
		return nil, fmt.Errorf("wassist: %s: %w", r.endpoint(), err)
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		data, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("wassist: %s: encoding the request: %w", r.endpoint(), err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("wassist: %s: %w", r.endpoint(), err)
	}
	req.Header.Set("X-API-Key", c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "wassist-operator/"+Version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// stripURL drops the URL from a transport error: the endpoint already names the call,
// and ids in paths do not belong in condition messages that are compared across runs.
func stripURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// pathOf joins path segments, escaping each, and ends with the slash the API requires.
func pathOf(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteString(url.PathEscape(s))
		b.WriteByte('/')
	}
	return b.String()
}
