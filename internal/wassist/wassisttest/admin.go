package wassisttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// adminPrefix is the simulator's own control surface, which the real API does not have.
// It takes no API key, so the wassist-sim binary listens on loopback unless told otherwise.
const adminPrefix = "/_sim/"

// The /_sim/ routes, shared by the server's mux and SimClient so that the two agree.
const (
	adminRequestsPath      = adminPrefix + "requests"
	adminResetRequestsPath = adminPrefix + "reset-requests"
	adminCountsPath        = adminPrefix + "counts"
	adminAgentsPath        = adminPrefix + "agents"
	adminPhoneNumbersPath  = adminPrefix + "phone-numbers"
	adminBYOAWebhooksPath  = adminPrefix + "byoa-webhooks"
	adminTemplatesPath     = adminPrefix + "templates"
	adminFaultsPath        = adminPrefix + "faults"
	adminSeedPath          = adminPrefix + "seed"
	adminDriftPath         = adminPrefix + "drift"
	// keyIDParam selects one key's data, by KeyID, in the routes that take it.
	keyIDParam = "keyId"
)

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+adminRequestsPath, s.adminRequests)
	mux.HandleFunc("POST "+adminResetRequestsPath, s.adminResetRequests)
	mux.HandleFunc("GET "+adminCountsPath, s.adminCounts)
	mux.HandleFunc("GET "+adminAgentsPath, s.adminAgents)
	mux.HandleFunc("GET "+adminPhoneNumbersPath, s.adminPhoneNumbers)
	mux.HandleFunc("GET "+adminBYOAWebhooksPath, s.adminBYOAWebhooks)
	mux.HandleFunc("GET "+adminTemplatesPath, s.adminTemplates)
	mux.HandleFunc("GET "+adminFaultsPath, s.adminFaultsFired)
	mux.HandleFunc("POST "+adminFaultsPath, s.adminInjectFault)
	mux.HandleFunc("DELETE "+adminFaultsPath, s.adminClearFaults)
	mux.HandleFunc("DELETE "+adminFaultsPath+"/{id}", s.adminRemoveFault)
	mux.HandleFunc("POST "+adminSeedPath, s.adminSeed)
	mux.HandleFunc("POST "+adminDriftPath, s.adminDrift)
	return mux
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	jsonResponse(status, v).write(w)
}

// adminErrorBody is the answer of a refused /_sim/ request.
type adminErrorBody struct {
	Error string `json:"error"`
}

func adminError(w http.ResponseWriter, status int, err error) {
	writeAdmin(w, status, adminErrorBody{Error: err.Error()})
}

// decodeAdmin reads a /_sim/ request's JSON body; a body that does not decode is answered
// 400 with the decoder's words, and ok is false.
func decodeAdmin[T any](w http.ResponseWriter, r *http.Request) (T, bool) {
	var v T
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return v, false
	}
	return v, true
}

// adminRequests serves the request log, optionally only one key's (?keyId=).
func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get(keyIDParam)
	out := []Request{}
	for _, req := range s.Requests() {
		if keyID == "" || req.KeyID == keyID {
			out = append(out, req)
		}
	}
	writeAdmin(w, http.StatusOK, out)
}

func (s *Server) adminResetRequests(w http.ResponseWriter, _ *http.Request) {
	s.ResetRequests()
	w.WriteHeader(http.StatusNoContent)
}

// adminCounts serves request counts keyed "METHOD /route/template/", optionally for one key.
func (s *Server) adminCounts(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get(keyIDParam)
	counts := map[string]int{}
	for _, req := range s.Requests() {
		if keyID == "" || req.KeyID == keyID {
			counts[req.Method+" "+req.Route]++
		}
	}
	writeAdmin(w, http.StatusOK, counts)
}

// adminAgents serves one key's agents as an array with ?keyId=, else every key's agents
// as an object keyed by KeyID.
func (s *Server) adminAgents(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get(keyIDParam)
	all := map[string][]Agent{}
	for _, key := range s.keys() {
		all[KeyID(key)] = s.Agents(key)
	}
	if keyID == "" {
		writeAdmin(w, http.StatusOK, all)
		return
	}
	agents, ok := all[keyID]
	if !ok {
		adminError(w, http.StatusNotFound, fmt.Errorf("no key with id %q", keyID))
		return
	}
	writeAdmin(w, http.StatusOK, agents)
}

// adminPhoneNumbers serves one key's numbers (?keyId=, required) with the agent each
// serves, so a test can check deployments against what the API holds.
func (s *Server) adminPhoneNumbers(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get(keyIDParam)
	for _, key := range s.keys() {
		if KeyID(key) == keyID {
			writeAdmin(w, http.StatusOK, append([]PhoneNumber{}, s.PhoneNumbers(key)...))
			return
		}
	}
	adminError(w, http.StatusNotFound, fmt.Errorf("no key with id %q", keyID))
}

// adminBYOAWebhooks serves one key's BYOA webhook URLs by agent id (?keyId=, required):
// the API never serves them, so this is the only place a test can read them from.
func (s *Server) adminBYOAWebhooks(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get(keyIDParam)
	for _, key := range s.keys() {
		if KeyID(key) == keyID {
			writeAdmin(w, http.StatusOK, s.BYOAWebhooks(key))
			return
		}
	}
	adminError(w, http.StatusNotFound, fmt.Errorf("no key with id %q", keyID))
}

// adminTemplates serves one key's templates as the API would serve them now (?keyId=,
// required), account links and reviews included.
func (s *Server) adminTemplates(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get(keyIDParam)
	for _, key := range s.keys() {
		if KeyID(key) == keyID {
			writeAdmin(w, http.StatusOK, s.Templates(key))
			return
		}
	}
	adminError(w, http.StatusNotFound, fmt.Errorf("no key with id %q", keyID))
}

func (s *Server) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tenants))
	for k := range s.tenants {
		out = append(out, k)
	}
	return out
}

// faultsFiredBody is the answer of GET /_sim/faults.
type faultsFiredBody struct {
	Fired map[FaultKind]int `json:"fired"`
}

func (s *Server) adminFaultsFired(w http.ResponseWriter, _ *http.Request) {
	writeAdmin(w, http.StatusOK, faultsFiredBody{Fired: s.FaultsFired()})
}

// faultSpec is a Fault over HTTP; durations are Go duration strings such as "250ms".
type faultSpec struct {
	Kind        FaultKind `json:"kind"`
	Method      string    `json:"method,omitempty"`
	Route       string    `json:"route,omitempty"`
	Key         string    `json:"key,omitempty"`
	Probability float64   `json:"probability,omitempty"`
	Count       int       `json:"count,omitempty"`
	Latency     string    `json:"latency,omitempty"`
	Status      int       `json:"status,omitempty"`
	RetryAfter  string    `json:"retryAfter,omitempty"`
}

// specOf is f as POST /_sim/faults takes it; spec.fault() turns it back into f.
func specOf(f Fault) faultSpec {
	return faultSpec{
		Kind: f.Kind, Method: f.Method, Route: f.Route, Key: f.Key,
		Probability: f.Probability, Count: f.Count, Status: f.Status,
		Latency: formatOptionalDuration(f.Latency), RetryAfter: formatOptionalDuration(f.RetryAfter),
	}
}

// faultCreated is the answer of POST /_sim/faults: the id for DELETE /_sim/faults/{id}.
type faultCreated struct {
	ID int `json:"id"`
}

func (spec faultSpec) fault() (Fault, error) {
	f := Fault{
		Kind: spec.Kind, Method: spec.Method, Route: spec.Route, Key: spec.Key,
		Probability: spec.Probability, Count: spec.Count, Status: spec.Status,
	}
	var err error
	if f.Latency, err = parseOptionalDuration(spec.Latency); err != nil {
		return f, err
	}
	if f.RetryAfter, err = parseOptionalDuration(spec.RetryAfter); err != nil {
		return f, err
	}
	return f, f.validate()
}

func parseOptionalDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

func formatOptionalDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func (s *Server) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	spec, ok := decodeAdmin[faultSpec](w, r)
	if !ok {
		return
	}
	f, err := spec.fault()
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	writeAdmin(w, http.StatusCreated, faultCreated{ID: s.InjectFault(f)})
}

func (s *Server) adminClearFaults(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminRemoveFault(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	s.RemoveFault(id)
	w.WriteHeader(http.StatusNoContent)
}

// seedRequest is the body of POST /_sim/seed.
type seedRequest struct {
	Key     string  `json:"key"`
	Account Account `json:"account"`
}

func (s *Server) adminSeed(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeAdmin[seedRequest](w, r)
	if !ok {
		return
	}
	acc, err := s.seedAccount(req.Key, req.Account)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	writeAdmin(w, http.StatusCreated, acc)
}

// driftRequest is the body of POST /_sim/drift: agents of one key (by KeyID) whose system
// prompt a dashboard user changes.
type driftRequest struct {
	KeyID        string   `json:"keyId"`
	AgentIDs     []string `json:"agentIds"`
	SystemPrompt string   `json:"systemPrompt"`
}

// driftAnswer is the answer of POST /_sim/drift: how many of the agents existed and were changed.
type driftAnswer struct {
	Edited int `json:"edited"`
}

// adminDrift changes agents as the dashboard would (EditAgent): outside the key's rate
// budget and its request log, so that a benchmark can drift thousands of agents without
// spending the budget it measures.
func (s *Server) adminDrift(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeAdmin[driftRequest](w, r)
	if !ok {
		return
	}
	key, ok := s.keyOf(req.KeyID)
	if !ok {
		adminError(w, http.StatusNotFound, fmt.Errorf("no key with id %q", req.KeyID))
		return
	}
	edited := 0
	for _, id := range req.AgentIDs {
		if s.EditAgent(key, id, func(a *Agent) { a.SystemPrompt = req.SystemPrompt }) {
			edited++
		}
	}
	writeAdmin(w, http.StatusOK, driftAnswer{Edited: edited})
}

// keyOf is the accepted key whose KeyID is keyID.
func (s *Server) keyOf(keyID string) (string, bool) {
	for _, key := range s.keys() {
		if KeyID(key) == keyID {
			return key, true
		}
	}
	return "", false
}
