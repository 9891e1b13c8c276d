package wassisttest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"time"
)

// Agency is what SeedAgency seeded into a key, as the simulator serves it right after, for
// tests to assert on.
type Agency struct {
	// Agents are every agent of the key, in list order.
	Agents []Agent
	// AgentIDs are the agents' ids by name, in list order: two agents share a name.
	AgentIDs map[string][]string
	// BYOAAgentID is the bring-your-own-agent agent; its replies come from BYOAWebhookURL.
	BYOAAgentID, BYOAWebhookURL string
	// Shares are the user phone numbers (E.164 with "+") agents are shared with, by agent id.
	Shares map[string][]string
	// Accounts are the two WhatsApp accounts, with their numbers and the agent on each.
	Accounts []Account
	// PhoneNumbers are the accounts' numbers with their routing by ids (agent, webhook, none).
	PhoneNumbers []PhoneNumber
	// Webhook is the dashboard webhook one number is subscribed to.
	Webhook Webhook
	// Connectors are the MCP connectors' names by id.
	Connectors map[string]string
	// Templates are the WhatsApp templates, with their links to the accounts.
	Templates []Template
}

// AgentID returns the id of the first agent named name, or "".
func (a Agency) AgentID(name string) string {
	if ids := a.AgentIDs[name]; len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// SeedAgency fills key's tenant with an account as a team has it after months in the
// dashboard, for testing an import of everything a key holds: 31 agents (long multi-line
// prompts in several scripts, names that are not Kubernetes names and collide once made
// into one, every kind of tool and setting, handoffs in pairs, a chain and a cycle, shares,
// a BYOA agent), two WhatsApp accounts whose numbers are routed to agents, to a webhook or
// not at all, two MCP connectors and seven templates in five languages and every review
// state. Everything is something the API would accept and serve back.
//
// Content and ids are deterministic: ids derive from the key (its KeyID), so two keys
// seeded on one simulator do not share ids, and a key seeded twice panics (its ids are in
// use). An unknown key panics.
func (s *Server) SeedAgency(key string) Agency {
	if !s.withTenant(key, func(*tenant) {}) {
		panic("wassisttest: SeedAgency: unknown API key")
	}
	g := agencyIDs{keyID: KeyID(key)}
	for _, c := range agencyConnectors(g) {
		s.seedConnector(key, c.ID, c.Name)
	}
	for _, tpl := range agencyTemplates(g) {
		s.SeedTemplate(key, tpl)
	}
	for _, a := range agencyAgents(g) {
		s.SeedAgent(key, a)
	}
	for _, acc := range agencyAccounts(g) {
		s.SeedAccount(key, acc)
	}
	s.withTenant(key, func(t *tenant) { t.seedAgencyState(g) })
	return s.agency(key, g)
}

// seedAgencyState is what the seeds above cannot express: Meta's ids of the numbers, the
// webhook and its number, the BYOA agent's webhook, the shares and the templates' reviews.
func (t *tenant) seedAgencyState(g agencyIDs) {
	for _, num := range t.numberOrder {
		t.numbers[num].WhatsappPhoneNumberID = g.metaID("number/" + num)
	}
	wh := agencyWebhook(g)
	t.webhooks[wh.ID] = &wh
	subscribe(t.numbers[agencyWebhookNumber], wh.ID)
	t.agentByID[g.agent(slotBYOA)].byoaWebhook = agencyBYOAWebhookURL
	for slot, phones := range agencyShares {
		for _, phone := range phones {
			t.agentByID[g.agent(slot)].setShared(phone, true)
		}
	}
	for _, p := range agencyPublications {
		t.seedPublication(g, p)
	}
}

// seedPublication links a template to an account in the state Meta's review left it in. A
// link still PENDING keeps a PENDING verdict, so it stays under review for good.
func (t *tenant) seedPublication(g agencyIDs, p agencyPublication) {
	rec := t.templateByID[g.template(p.template)]
	acc := t.accountByID[g.account(p.account)]
	l := &templateLink{
		link: TemplateAccountLink{AccountID: acc.id, AccountName: acc.name, WabaID: acc.waID,
			MetaTemplateID: g.metaID("template/" + p.template + "/" + p.account), Status: p.status,
			QualityScore: p.quality, RejectionReason: p.reason},
		submittedAt: rec.tpl.CreatedAt,
		verdict:     TemplateVerdict{Status: p.status, Reason: p.reason},
	}
	rec.links = append(rec.links, l)
}

// agency reads back what SeedAgency made.
func (s *Server) agency(key string, g agencyIDs) Agency {
	out := Agency{
		Agents:         s.Agents(key),
		AgentIDs:       map[string][]string{},
		BYOAAgentID:    g.agent(slotBYOA),
		BYOAWebhookURL: agencyBYOAWebhookURL,
		Shares:         map[string][]string{},
		Accounts:       s.Accounts(key),
		PhoneNumbers:   s.PhoneNumbers(key),
		Webhook:        agencyWebhook(g),
		Connectors:     map[string]string{},
		Templates:      s.Templates(key),
	}
	for _, a := range out.Agents {
		out.AgentIDs[a.Name] = append(out.AgentIDs[a.Name], a.ID)
		if shared := s.SharedWith(key, a.ID); len(shared) > 0 {
			out.Shares[a.ID] = shared
		}
	}
	for _, c := range agencyConnectors(g) {
		out.Connectors[c.ID] = c.Name
	}
	return out
}

// agencyIDs derives the fixture's ids from the key, so that they are the same on every run
// and differ between keys.
type agencyIDs struct{ keyID string }

func (g agencyIDs) sum(label string) [32]byte {
	return sha256.Sum256([]byte("agency/" + g.keyID + "/" + label))
}

// id is a version 4 uuid made of the label's hash.
func (g agencyIDs) id(label string) string {
	b := g.sum(label)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// metaID is a 15-digit id like the ones Meta assigns, made of the label's hash.
func (g agencyIDs) metaID(label string) string {
	b := g.sum(label)
	n := new(big.Int).SetBytes(b[:8])
	return strconv.FormatUint(1e14+n.Mod(n, big.NewInt(9e14)).Uint64(), 10)
}

// token is a hex string of n bytes made of the label's hash, for secrets.
func (g agencyIDs) token(label string, n int) string {
	b := g.sum(label)
	return hex.EncodeToString(b[:n])
}

func (g agencyIDs) agent(slot string) string    { return g.id("agent/" + slot) }
func (g agencyIDs) account(slot string) string  { return g.id("account/" + slot) }
func (g agencyIDs) template(slot string) string { return g.id("template/" + slot) }

// agencySince is when the team started: the fixture's objects were made over the months after.
var agencySince = time.Date(2025, 6, 2, 9, 15, 0, 0, time.UTC)

// agencyDay is the fixture's n-th working day, for createdAt.
func agencyDay(n int) time.Time {
	return agencySince.Add(time.Duration(n) * 73 * time.Hour)
}
