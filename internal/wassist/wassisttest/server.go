package wassisttest

import (
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIPrefix is where the simulated API is mounted: a client's base URL is the server's
// URL followed by APIPrefix.
const APIPrefix = "/api/v1"

const (
	apiKeyHeader = "X-API-Key"
	// requestIDHeader names every answer, as the API's does for support tickets.
	requestIDHeader = "X-Request-Id"
	maxBodyBytes    = 10 << 20
)

// Options configures a Server. The zero value is a working simulator that accepts no key
// until AddAPIKey is called.
type Options struct {
	// APIKeys are accepted from the start. Each key is its own tenant with its own agents,
	// accounts, numbers, link sessions and templates, as two customers' keys would be.
	APIKeys []string
	// RateLimit is requests per minute per key: 0 means the documented 100, negative means
	// unlimited.
	RateLimit int
	// Clock drives the rate-limit window and timestamps; nil means real time.
	Clock Clock
	// Seed seeds the draws of fault probabilities, so runs repeat.
	Seed int64
	// OmitRetryAfterHeader makes 429s carry only the body's retry_after, because the real API
	// is not known to send the header.
	OmitRetryAfterHeader bool
	// BareLists serves phone numbers, WhatsApp accounts, link sessions and templates as bare
	// JSON arrays (limit and offset ignored), as third parties saw the API answer, instead of the
	// paginated envelope the SDK reads every list as. Agents are always enveloped. The
	// environment variable WASSIST_SIM_BARE_LISTS=1 sets it for every simulator New makes.
	BareLists bool
	// NoSingleNumberRoute makes GET /phone-numbers/{number}/ answer 405, as a deployment
	// without that route would: it is in the API's operation list but not in the official
	// SDK, so a client must be able to read a number from the list alone.
	NoSingleNumberRoute bool
	// TemplateReviewDelay is how long after a template's submission to an account Meta's
	// verdict shows on its account link: 0 means DefaultTemplateReviewDelay (2s), negative
	// (TemplateReviewAtNextRead) means at the first read after the submission. The review is
	// worked out from Clock when the template is read, so a FakeClock controls it exactly.
	TemplateReviewDelay time.Duration
	// Log, when set, gets one line per API request: method, route, status and fault. The
	// key never appears, not even as its KeyID.
	Log io.Writer
}

// Server is the simulated Wassist API, an http.Handler. It is safe for concurrent use:
// one mutex guards all state, and it is never held while waiting on a client.
type Server struct {
	opts   Options
	clock  Clock
	logger *log.Logger
	admin  http.Handler

	mu       sync.Mutex
	tenants  map[string]*tenant // by API key
	requests []Request
	faults   []*faultRule
	faultSeq int
	fired    map[FaultKind]int
	rng      *rand.Rand
}

// BareListsEnv is the environment variable that turns on Options.BareLists in every
// simulator New makes, so that a whole suite can be run again against bare lists without
// a change to its code: WASSIST_SIM_BARE_LISTS=1 go test ./...
const BareListsEnv = "WASSIST_SIM_BARE_LISTS"

// New returns a simulator configured by o (and by BareListsEnv).
func New(o Options) *Server {
	if os.Getenv(BareListsEnv) == "1" {
		o.BareLists = true
	}
	s := &Server{
		opts:    o,
		clock:   o.Clock,
		tenants: map[string]*tenant{},
		fired:   map[FaultKind]int{},
		rng:     rand.New(rand.NewPCG(uint64(o.Seed), 0)),
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if o.Log != nil {
		s.logger = log.New(o.Log, "", log.LstdFlags)
	}
	for _, k := range o.APIKeys {
		s.AddAPIKey(k)
	}
	s.admin = s.adminHandler()
	return s
}

// NewHTTPTest starts the simulator on a local httptest server; the caller closes it. The
// client's base URL is ts.URL + APIPrefix.
func NewHTTPTest(o Options) (*Server, *httptest.Server) {
	s := New(o)
	return s, httptest.NewServer(s)
}

// BareLists reports whether the lists that may be bare are served bare (Options.BareLists,
// or BareListsEnv), for tests whose expectations depend on the shape.
func (s *Server) BareLists() bool { return s.opts.BareLists }

// AddAPIKey accepts key from now on, as a new empty tenant. Adding a known key changes
// nothing; the empty key is never accepted, since it is what a missing header reads as.
func (s *Server) AddAPIKey(key string) {
	if key == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tenants[key] == nil {
		s.tenants[key] = newTenant(key)
	}
}

// AddAPIKeyOf accepts key from now on as a second key of the account of known (a
// rotation within one account): both see, and change, the same agents, numbers and
// templates. They share one request budget too, which is never looser than a budget of
// the key's own, and the faults injected for known. False when known is not accepted.
func (s *Server) AddAPIKeyOf(known, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[known]
	if t == nil || key == "" {
		return false
	}
	s.tenants[key] = t
	return true
}

// ServeHTTP serves the API under /api/v1/ and the simulator's controls under /_sim/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.admin.ServeHTTP(w, r)
		return
	}
	req := Request{Time: s.clock.Now(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, RequestID: newRequestID()}
	res := s.handle(r, &req)
	s.deliver(w, &req, res)
}

// handle runs the checks in the order the real stack does: URL resolution (404, before
// auth), authentication (401, before the throttle, so it costs no budget), then faults,
// throttling (429), the method (405), and the view.
func (s *Server) handle(r *http.Request, req *Request) response {
	key := r.Header.Get(apiKeyHeader)
	if key != "" {
		req.KeyID = KeyID(key)
	}
	rt, params, ok := matchRoute(r.URL.Path)
	if !ok {
		return notFound("Not found")
	}
	req.Route = rt.template
	t, delay := s.admit(key, r.Method, rt.template)
	if t == nil {
		return unauthorized()
	}
	if delay > 0 {
		req.Fault = string(FaultLatency)
		if !sleepContext(r.Context(), delay) {
			return response{aborted: true}
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return response{aborted: true}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, t: t, r: r, params: params, body: body, now: s.clock.Now()}
	return s.dispatch(c, rt, req)
}

// admit finds the key's tenant and the latency faults that fire for the request.
func (s *Server) admit(key, method, template string) (*tenant, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[key]
	if t == nil {
		return nil, 0
	}
	return t, s.delayFor(key, method, template)
}

// dispatch serves an authenticated request; the server lock is held.
func (s *Server) dispatch(c *call, rt *route, req *Request) response {
	key, method := c.t.key, c.r.Method
	if f := s.outcomeFault(key, method, rt.template, FaultRateLimit); f != nil {
		req.Fault = string(f.Kind)
		return s.throttled(f.retryAfter())
	}
	if res, limited := s.throttle(c.t, c.now); limited {
		return res
	}
	f := s.outcomeFault(key, method, rt.template,
		FaultError, FaultDrop, FaultLoseResponse, FaultPermissionDenied, FaultConflict, FaultEmptyBody)
	var kind FaultKind
	if f != nil {
		kind = f.Kind
		req.Fault = string(kind)
	}
	switch kind {
	case FaultError:
		return serverError(f.Status)
	case FaultDrop:
		return response{drop: true}
	case FaultPermissionDenied:
		return permissionDenied()
	case FaultConflict:
		return errorResponse(http.StatusConflict, "The request conflicts with the current state of the resource.", "conflict")
	}
	h, ok := rt.methods[method]
	if !ok {
		return methodNotAllowed(method, rt)
	}
	res := h(c)
	res.drop = kind == FaultLoseResponse
	if kind == FaultEmptyBody && res.status >= 200 && res.status <= 299 {
		res.body = nil
	}
	return res
}

// deliver records the request before answering, so a client that has its answer always
// finds the request in the log.
func (s *Server) deliver(w http.ResponseWriter, req *Request, res response) {
	req.Status = res.status
	s.record(*req)
	switch {
	case res.aborted:
	case res.drop:
		hangUp(w)
	default:
		w.Header().Set(requestIDHeader, req.RequestID)
		res.write(w)
	}
	s.logRequest(*req)
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

func (s *Server) logRequest(req Request) {
	if s.logger == nil {
		return
	}
	route := req.Route
	if route == "" {
		route = req.Path
	}
	line := req.Method + " " + route + " " + statusText(req.Status)
	if req.Fault != "" {
		line += " fault=" + req.Fault
	}
	s.logger.Print(line)
}

func statusText(status int) string {
	if status == 0 {
		return "-"
	}
	return strconv.Itoa(status)
}
