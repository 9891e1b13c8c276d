package wassisttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// seededNumberPattern is the stored form of a number: E.164 digits, no "+".
var seededNumberPattern = regexp.MustCompile(`^[0-9]{7,15}$`)

// DemoAccount is the account the wassist-sim binary seeds for every key by default: a
// business with two numbers and no agents routed yet.
func DemoAccount() Account {
	return Account{
		ID:           DemoAccountID,
		Name:         "Daily Grind Ltd",
		PhoneNumbers: []AccountPhoneNumber{{Number: "447700900100"}, {Number: "447700900101"}},
	}
}

// SeedAccount adds a WhatsApp account with its phone numbers to key's tenant, standing in
// for Meta onboarding, and returns it as the API serves it. Empty ids (account, numbers) and
// waId are generated; a number's Bot, if it names an agent of the key, routes the number to
// it; Waba is ignored. An unknown key, a non-uuid id or a number the key already has panics.
func (s *Server) SeedAccount(key string, a Account) Account {
	out, err := s.seedAccount(key, a)
	if err != nil {
		panic("wassisttest: " + err.Error())
	}
	return out
}

func (s *Server) seedAccount(key string, a Account) (Account, error) {
	var out Account
	err := errors.New("unknown API key")
	s.withTenant(key, func(t *tenant) { out, err = t.seedAccount(a) })
	return out, err
}

func (t *tenant) seedAccount(a Account) (Account, error) {
	orNewID(&a.ID)
	if err := t.checkSeed(a); err != nil {
		return Account{}, err
	}
	acc := &accountRecord{id: a.ID, name: a.Name, waID: a.WaID, templatesURL: a.TemplatesURL}
	if acc.waID == "" {
		acc.waID = newMetaID()
	}
	if acc.templatesURL == "" {
		acc.templatesURL = templatesURLPrefix + acc.waID
	}
	for _, pn := range a.PhoneNumbers {
		t.seedNumber(acc, pn)
	}
	t.accounts = append(t.accounts, acc)
	t.accountByID[acc.id] = acc
	return t.renderAccount(acc), nil
}

// checkSeed refuses what the API could never hold: duplicate ids or numbers, and ids that
// are not uuids (a client would rightly reject them).
func (t *tenant) checkSeed(a Account) error {
	if !isUUID(a.ID) || t.accountByID[a.ID] != nil {
		return fmt.Errorf("account id %q is not a new uuid", a.ID)
	}
	seen := map[string]bool{}
	for _, pn := range a.PhoneNumbers {
		switch {
		case !seededNumberPattern.MatchString(pn.Number):
			return fmt.Errorf("number %q is not 7-15 digits without +", pn.Number)
		case seen[pn.Number] || t.numbers[pn.Number] != nil:
			return fmt.Errorf("number %s already exists", pn.Number)
		case pn.ID != "" && !isUUID(pn.ID):
			return fmt.Errorf("number id %q is not a uuid", pn.ID)
		}
		seen[pn.Number] = true
	}
	return nil
}

func (t *tenant) seedNumber(acc *accountRecord, pn AccountPhoneNumber) {
	orNewID(&pn.ID)
	n := &PhoneNumber{ID: pn.ID, Number: pn.Number, WhatsappPhoneNumberID: newMetaID(), WhatsappBusinessAccount: acc.id}
	if pn.Bot != nil && t.hasAgent(pn.Bot.ID) {
		connect(n, pn.Bot.ID)
	}
	t.numbers[n.Number] = n
	t.numberOrder = append(t.numberOrder, n.Number)
	acc.numbers = append(acc.numbers, n.Number)
}

// SeedAgent stores an agent created out of band (in the dashboard, or by an earlier run
// whose create response was lost) and returns it as the API serves it. The id is generated
// when empty, createdAt defaults to now, sub-resource ids are filled in, and computed fields
// are ignored. Nothing is validated. An unknown key or an id in use panics.
func (s *Server) SeedAgent(key string, a Agent) Agent {
	var out Agent
	ok := s.withTenant(key, func(t *tenant) {
		orNewID(&a.ID)
		if t.hasAgent(a.ID) {
			panic("wassisttest: agent id " + a.ID + " is in use")
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = s.clock.Now().UTC().Truncate(time.Microsecond)
		}
		out = t.render(t.addAgent(storable(a)))
	})
	if !ok {
		panic("wassisttest: SeedAgent: unknown API key")
	}
	return out
}

// storable strips what the server computes on every read and fills in what the API would
// have: sub-resource ids, empty lists, an empty apiSchema.
func storable(a Agent) Agent {
	a = cloneAgent(a)
	a.Organization, a.PhoneNumbers, a.ConnectURL = nil, nil, ""
	a.Owner, a.Sharings, a.OwnerActive = nil, nil, false
	for i := range a.Tools {
		if len(a.Tools[i].APISchema) == 0 || string(a.Tools[i].APISchema) == "null" {
			a.Tools[i].APISchema = json.RawMessage("{}")
		}
	}
	fillIDs(&a)
	fillEmpty(&a)
	return a
}

// SeedConnector adds an MCP connector to key's organisation, as made in the dashboard (the
// API has no call to make one), and returns its id for an agent's mcpConfigs. An unknown
// key panics.
func (s *Server) SeedConnector(key, name string) string {
	id := newUUID()
	s.seedConnector(key, id, name)
	return id
}

func (s *Server) seedConnector(key, id, name string) {
	if !s.withTenant(key, func(t *tenant) { t.connectors[id] = name }) {
		panic("wassisttest: SeedConnector: unknown API key")
	}
}

// DemoAccountID is the id of DemoAccount, which config/samples publishes its template to.
const DemoAccountID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"

// DemoConnectorID is the MCP connector ("Shop orders") SeedDemo gives every key, which
// config/samples names.
const DemoConnectorID = "3d8f6a2e-1b7c-4e5d-9a0f-2c4b6d8e0f13"

// SeedDemo seeds key, the n-th key (from 0) the wassist-sim binary knows, with what it
// offers by default: the demo MCP connector and an account of its own, DemoAccount for
// the first key, another business with two numbers of its own for each other key. A
// WhatsApp number belongs to one account, so no two keys are given the same one.
func (s *Server) SeedDemo(key string, n int) {
	acct := DemoAccount()
	if n > 0 {
		acct.ID, acct.Name = "", fmt.Sprintf("%s %d", acct.Name, n+1)
		for i := range acct.PhoneNumbers {
			acct.PhoneNumbers[i].Number = fmt.Sprintf("4477009%05d", 100+2*n+i)
		}
	}
	s.SeedAccount(key, acct)
	s.seedConnector(key, DemoConnectorID, "Shop orders")
}

// EditAgent changes an agent behind the client's back, as a dashboard user would (drift).
// edit gets the agent as the API serves it; changes to id, createdAt and computed fields
// are ignored. It reports whether the agent exists.
func (s *Server) EditAgent(key, id string, edit func(*Agent)) bool {
	found := false
	s.withTenant(key, func(t *tenant) {
		rec := t.agentByID[id]
		if rec == nil {
			return
		}
		a := t.render(rec)
		edit(&a)
		a.ID, a.CreatedAt = rec.agent.ID, rec.agent.CreatedAt
		rec.agent = storable(a)
		found = true
	})
	return found
}

// RotateTriggerSecret gives an agent's outbound trigger a new secret behind the client's
// back, as rotating it in the dashboard would; the URL stays. It returns the new secret, or
// false if the agent or the trigger does not exist.
func (s *Server) RotateTriggerSecret(key, agentID, triggerID string) (string, bool) {
	var secret string
	s.withTenant(key, func(t *tenant) {
		rec := t.agentByID[agentID]
		if rec == nil {
			return
		}
		for i := range rec.agent.OutboundTriggers {
			if tr := &rec.agent.OutboundTriggers[i]; tr.ID == triggerID {
				_, tr.Secret = triggerCredentials(tr.ID)
				secret = tr.Secret
			}
		}
	})
	return secret, secret != ""
}

// RemoveAgent deletes an agent behind the client's back; handoffs to it and number routing
// to it go with it. It reports whether the agent existed.
func (s *Server) RemoveAgent(key, id string) bool {
	removed := false
	s.withTenant(key, func(t *tenant) { removed = t.removeAgent(id) })
	return removed
}

// ConnectNumber re-routes a number behind the client's back; agentID "" disconnects it.
// It reports false if the number or the agent does not exist.
func (s *Server) ConnectNumber(key, number, agentID string) bool {
	done := false
	s.withTenant(key, func(t *tenant) {
		n := t.numbers[number]
		switch {
		case n == nil:
		case agentID == "":
			disconnect(n)
			done = true
		case t.hasAgent(agentID):
			connect(n, agentID)
			done = true
		}
	})
	return done
}

// SeedWebhook adds a webhook to key's organisation, as made in the dashboard (the API has
// no call to make one), and returns it with its new id for subscribe's webhookId. An unknown
// key or a URL that is not absolute http(s) panics.
func (s *Server) SeedWebhook(key, name, url string) Webhook {
	if !isHTTPURL(url) {
		panic("wassisttest: SeedWebhook: " + url + " is not an absolute http(s) URL")
	}
	wh := Webhook{ID: newUUID(), Name: name, URL: url}
	if !s.withTenant(key, func(t *tenant) { t.webhooks[wh.ID] = new(wh) }) {
		panic("wassisttest: SeedWebhook: unknown API key")
	}
	return wh
}

// SubscribeNumber routes a number to one of key's webhooks behind the client's back, as a
// dashboard user would; the number's agent is dropped. It reports false if the number or
// the webhook does not exist.
func (s *Server) SubscribeNumber(key, number, webhookID string) bool {
	done := false
	s.withTenant(key, func(t *tenant) {
		if n := t.numbers[number]; n != nil && t.hasWebhook(webhookID) {
			subscribe(n, webhookID)
			done = true
		}
	})
	return done
}

// FinishLinkSession plays the user completing (or failing) Meta's signup: a PENDING session
// becomes SUCCESS or FAILED. Seeding the resulting account is left to the test
// (SeedAccount). It reports false if the session does not exist or is not pending.
func (s *Server) FinishLinkSession(key, id string, success bool) bool {
	done := false
	s.withTenant(key, func(t *tenant) {
		ls := t.sessionByID[id]
		if ls == nil || ls.Status != LinkSessionPending {
			return
		}
		ls.Status = LinkSessionFailed
		if success {
			ls.Status = LinkSessionSuccess
		}
		done = true
	})
	return done
}
