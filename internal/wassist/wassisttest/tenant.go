package wassisttest

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// tenant is everything one API key owns. Keys never see each other's data, as two
// customers' keys would not.
type tenant struct {
	key   string
	keyID string
	org   Organization
	owner AgentUser // the WhatsApp user every agent of the key names as its owner

	agents    []*agentRecord // creation order, which is also list order
	agentByID map[string]*agentRecord

	accounts    []*accountRecord
	accountByID map[string]*accountRecord

	numbers     map[string]*PhoneNumber // by number (E.164 digits)
	numberOrder []string

	connectors map[string]string // MCP connector id to name, made "in the dashboard"
	webhooks   map[string]*Webhook

	templates    []*templateRecord // creation order, which is also list order
	templateByID map[string]*templateRecord
	reviewRules  map[string]TemplateVerdict // Meta's verdict on submissions, by account id (SetTemplateReview)

	sessions    []*LinkSession
	sessionByID map[string]*LinkSession

	window []time.Time // accepted requests in the rate-limit window, oldest first
}

// agentRecord is a stored agent plus the state the Agent wire shape does not carry.
type agentRecord struct {
	agent      Agent
	sharedWith []string
	// byoaWebhook is where a bring-your-own-agent agent's messages go. The API keeps it but
	// never serves it (the SDK's Agent has no such field); tests read it with BYOAWebhook.
	byoaWebhook string
}

func newTenant(key string) *tenant {
	id := KeyID(key)
	return &tenant{
		key:          key,
		keyID:        id,
		org:          Organization{ID: newUUID(), Name: "Simulated organisation " + id},
		owner:        ownerFor(id),
		agentByID:    map[string]*agentRecord{},
		accountByID:  map[string]*accountRecord{},
		numbers:      map[string]*PhoneNumber{},
		sessionByID:  map[string]*LinkSession{},
		templateByID: map[string]*templateRecord{},
		reviewRules:  map[string]TemplateVerdict{},
		connectors:   map[string]string{},
		webhooks:     map[string]*Webhook{},
	}
}

func (t *tenant) addAgent(a Agent) *agentRecord {
	rec := &agentRecord{agent: a}
	t.agents = append(t.agents, rec)
	t.agentByID[a.ID] = rec
	return rec
}

// removeAgent deletes the agent and what pointed at it: handoffs to it disappear and its
// numbers lose their agent, as database cascades would do.
func (t *tenant) removeAgent(id string) bool {
	if t.agentByID[id] == nil {
		return false
	}
	delete(t.agentByID, id)
	t.agents = slices.DeleteFunc(t.agents, func(r *agentRecord) bool { return r.agent.ID == id })
	for _, r := range t.agents {
		r.agent.HandoffTools = slices.DeleteFunc(r.agent.HandoffTools, func(h HandoffTool) bool { return h.ChildAgentID == id })
	}
	for _, n := range t.numbers {
		if n.ActiveAgent != nil && *n.ActiveAgent == id {
			n.ActiveAgent = nil
		}
	}
	return true
}

// render is the agent as the API serves it: a private copy with the computed fields filled.
func (t *tenant) render(rec *agentRecord) Agent {
	a := cloneAgent(rec.agent)
	fillEmpty(&a)
	org := t.org
	a.Organization = &org
	a.ConnectURL = connectURLPrefix + a.ID
	a.PhoneNumbers = t.agentNumbers(a.ID)
	owner := t.owner
	a.Owner, a.OwnerActive, a.Sharings = &owner, true, rec.sharings()
	for i := range a.HandoffTools {
		h := &a.HandoffTools[i]
		h.ParentAgentID = a.ID
		h.ChildAgentName = t.agentName(h.ChildAgentID)
	}
	for i := range a.MCPConfigs {
		a.MCPConfigs[i].ConnectorName = t.connectors[a.MCPConfigs[i].ConnectorID]
	}
	return a
}

func (t *tenant) agentName(id string) string {
	if rec := t.agentByID[id]; rec != nil {
		return rec.agent.Name
	}
	return ""
}

func (t *tenant) agentNumbers(agentID string) []AgentPhoneNumber {
	out := []AgentPhoneNumber{}
	for _, num := range t.numberOrder {
		n := t.numbers[num]
		if n.ActiveAgent == nil || *n.ActiveAgent != agentID {
			continue
		}
		acc := t.accountByID[n.WhatsappBusinessAccount]
		out = append(out, AgentPhoneNumber{
			WhatsappPhoneNumberID:     n.WhatsappPhoneNumberID,
			WhatsappBusinessAccountID: new(acc.waID),
			WabaID:                    new(acc.id),
			PhoneNumber:               n.Number,
		})
	}
	return out
}

// ownerFor is a key's owner: fixed per key so runs compare, and in Ofcom's drama range
// (+447700900000-999) so it is never a real person's number.
func ownerFor(keyID string) AgentUser {
	n, _ := strconv.ParseUint(keyID[:4], 16, 32)
	return AgentUser{PhoneNumber: fmt.Sprintf("+447700900%03d", n%1000), WhatsappName: "Simulated owner " + keyID}
}

// sharings lists the users the agent is shared with, in the order they were shared. The
// simulator has no WhatsApp profiles to take a name from, so whatsappName is empty.
func (rec *agentRecord) sharings() []AgentUser {
	out := make([]AgentUser, 0, len(rec.sharedWith))
	for _, phone := range rec.sharedWith {
		out = append(out, AgentUser{PhoneNumber: phone})
	}
	return out
}

// share records that userPhone may use the agent; unshare forgets it. Both are idempotent.
func (rec *agentRecord) setShared(userPhone string, shared bool) {
	i := slices.Index(rec.sharedWith, userPhone)
	switch {
	case shared && i < 0:
		rec.sharedWith = append(rec.sharedWith, userPhone)
	case !shared && i >= 0:
		rec.sharedWith = slices.Delete(rec.sharedWith, i, i+1)
	}
}

// connect routes a number to an agent, which is what both connect-agent and deploy-agent do.
func connect(n *PhoneNumber, agentID string) {
	n.ActiveAgent = new(agentID)
	n.DefaultRouting = new(routingAgent)
	n.DefaultWebhook = nil
}

// subscribe routes a number to a webhook, which drops its agent.
func subscribe(n *PhoneNumber, webhookID string) {
	n.ActiveAgent = nil
	n.DefaultRouting = new(routingWebhook)
	n.DefaultWebhook = new(webhookID)
}

// disconnect clears a number's routing, which is what unsubscribe does. The agent's
// phoneNumbers and the account's bot are read from ActiveAgent, so both drop the number too.
func disconnect(n *PhoneNumber) {
	n.ActiveAgent = nil
	n.DefaultRouting = nil
	n.DefaultWebhook = nil
}
