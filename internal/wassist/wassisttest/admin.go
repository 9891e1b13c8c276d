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

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sim/requests", s.adminRequests)
	mux.HandleFunc("POST /_sim/reset-requests", s.adminResetRequests)
	mux.HandleFunc("GET /_sim/counts", s.adminCounts)
	mux.HandleFunc("GET /_sim/agents", s.adminAgents)
	mux.HandleFunc("GET /_sim/phone-numbers", s.adminPhoneNumbers)
	mux.HandleFunc("GET /_sim/faults", s.adminFaultsFired)
	mux.HandleFunc("POST /_sim/faults", s.adminInjectFault)
	mux.HandleFunc("DELETE /_sim/faults", s.adminClearFaults)
	mux.HandleFunc("DELETE /_sim/faults/{id}", s.adminRemoveFault)
	mux.HandleFunc("POST /_sim/seed", s.adminSeed)
	return mux
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	jsonResponse(status, v).write(w)
}

func adminError(w http.ResponseWriter, status int, err error) {
	writeAdmin(w, status, map[string]string{"error": err.Error()})
}

// adminRequests serves the request log, optionally only one key's (?keyId=).
func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	keyID := r.URL.Query().Get("keyId")
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
	keyID := r.URL.Query().Get("keyId")
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
	keyID := r.URL.Query().Get("keyId")
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
	keyID := r.URL.Query().Get("keyId")
	for _, key := range s.keys() {
		if KeyID(key) == keyID {
			writeAdmin(w, http.StatusOK, append([]PhoneNumber{}, s.PhoneNumbers(key)...))
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

func (s *Server) adminFaultsFired(w http.ResponseWriter, _ *http.Request) {
	writeAdmin(w, http.StatusOK, map[string]any{"fired": s.FaultsFired()})
}

// faultSpec is a Fault over HTTP; durations are Go duration strings such as "250ms".
type faultSpec struct {
	Kind        FaultKind `json:"kind"`
	Method      string    `json:"method"`
	Route       string    `json:"route"`
	Key         string    `json:"key"`
	Probability float64   `json:"probability"`
	Count       int       `json:"count"`
	Latency     string    `json:"latency"`
	Status      int       `json:"status"`
	RetryAfter  string    `json:"retryAfter"`
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

func (s *Server) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	var spec faultSpec
	if err := json.NewDecoder(r.Body).Decode(&spec); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	f, err := spec.fault()
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	writeAdmin(w, http.StatusCreated, map[string]int{"id": s.InjectFault(f)})
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
	var req seedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	acc, err := s.seedAccount(req.Key, req.Account)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	writeAdmin(w, http.StatusCreated, acc)
}
