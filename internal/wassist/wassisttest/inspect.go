package wassisttest

import (
	"slices"
	"time"
)

// Request is one API request as the simulator saw it. Admin (/_sim/) requests are not
// recorded. Status is 0 when no answer was written (a dropped connection, or a client that
// gave up during injected latency); a lost response keeps the status it would have had.
type Request struct {
	Time   time.Time `json:"time"`
	KeyID  string    `json:"keyId"` // KeyID of the presented key (known or not); "" without one
	Method string    `json:"method"`
	Route  string    `json:"route"` // template relative to /api/v1, e.g. "/agents/{id}/"; "" if no route matched
	Path   string    `json:"path"`
	Query  string    `json:"query"` // raw query string, to check how a client paginates
	Status int       `json:"status"`
	Fault  string    `json:"fault"` // the injected fault that decided the outcome, "latency" if only delayed, or ""
	// RequestID is the X-Request-Id the answer carried (or would have: a dropped or lost
	// answer carries none), unique per request, so a test can check that a caller surfaced it.
	RequestID string `json:"requestId"`
}

// Requests returns every recorded request in the order they were answered.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestsFor returns the recorded requests made with key.
func (s *Server) RequestsFor(key string) []Request {
	id := KeyID(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.KeyID == id {
			out = append(out, r)
		}
	}
	return out
}

// Count counts recorded requests by key, method and route template; "" matches anything
// (so Count("", "POST", "/agents/") counts creates by every key).
func (s *Server) Count(key, method, route string) int {
	id := ""
	if key != "" {
		id = KeyID(key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if (id == "" || r.KeyID == id) && (method == "" || r.Method == method) && (route == "" || r.Route == route) {
			n++
		}
	}
	return n
}

// ResetRequests forgets the request log (not the faults' fired counts).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// withTenant runs f with the lock held on key's tenant, or returns false for an unknown key.
func (s *Server) withTenant(key string, f func(t *tenant)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[key]
	if t == nil {
		return false
	}
	f(t)
	return true
}

// Agents returns key's agents in creation order, exactly as GET /agents/{id}/ would serve them.
func (s *Server) Agents(key string) []Agent {
	var out []Agent
	s.withTenant(key, func(t *tenant) {
		out = make([]Agent, 0, len(t.agents))
		for _, rec := range t.agents {
			out = append(out, t.render(rec))
		}
	})
	return out
}

// Agent returns one of key's agents as the API would serve it.
func (s *Server) Agent(key, id string) (Agent, bool) {
	var a Agent
	var found bool
	s.withTenant(key, func(t *tenant) {
		if rec := t.agentByID[id]; rec != nil {
			a, found = t.render(rec), true
		}
	})
	return a, found
}

// SharedWith returns the user phone numbers (E.164 with "+") the agent is shared with, in
// the order they were shared.
func (s *Server) SharedWith(key, id string) []string {
	var out []string
	s.withTenant(key, func(t *tenant) {
		if rec := t.agentByID[id]; rec != nil {
			out = slices.Clone(rec.sharedWith)
		}
	})
	return out
}

// PhoneNumber returns one of key's numbers (E.164 digits without "+").
func (s *Server) PhoneNumber(key, number string) (PhoneNumber, bool) {
	var n PhoneNumber
	var found bool
	s.withTenant(key, func(t *tenant) {
		if p := t.numbers[number]; p != nil {
			n, found = copyNumber(p), true
		}
	})
	return n, found
}

// PhoneNumbers returns key's numbers in the order they were seeded.
func (s *Server) PhoneNumbers(key string) []PhoneNumber {
	var out []PhoneNumber
	s.withTenant(key, func(t *tenant) {
		for _, n := range t.orderedNumbers() {
			out = append(out, copyNumber(n))
		}
	})
	return out
}

// Accounts returns key's WhatsApp accounts in the order they were seeded.
func (s *Server) Accounts(key string) []Account {
	var out []Account
	s.withTenant(key, func(t *tenant) {
		for _, acc := range t.accounts {
			out = append(out, t.renderAccount(acc))
		}
	})
	return out
}

// LinkSessions returns key's link sessions in creation order.
func (s *Server) LinkSessions(key string) []LinkSession {
	var out []LinkSession
	s.withTenant(key, func(t *tenant) {
		for _, ls := range t.sessions {
			out = append(out, *ls)
		}
	})
	return out
}

// BYOAWebhook returns the webhook URL a bring-your-own-agent agent was created with, which
// the API keeps but never serves; false if the agent does not exist or is not BYOA.
func (s *Server) BYOAWebhook(key, id string) (string, bool) {
	var url string
	s.withTenant(key, func(t *tenant) {
		if rec := t.agentByID[id]; rec != nil {
			url = rec.byoaWebhook
		}
	})
	return url, url != ""
}

// BYOAWebhooks returns key's bring-your-own-agent agents' webhook URLs by agent id.
func (s *Server) BYOAWebhooks(key string) map[string]string {
	out := map[string]string{}
	s.withTenant(key, func(t *tenant) {
		for _, rec := range t.agents {
			if rec.byoaWebhook != "" {
				out[rec.agent.ID] = rec.byoaWebhook
			}
		}
	})
	return out
}
