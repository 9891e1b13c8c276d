package wassisttest

import (
	"fmt"
	"net/http"
	"slices"
)

// PhoneNumber is a WhatsApp number as the simulator stores it and the inspection methods
// (Server.PhoneNumber, /_sim/phone-numbers) return it: its routing by ids, so a test compares
// with the ids it holds. The API serves it with the SDK's nested objects instead (see
// phoneNumberView). Numbers exist only by seeding (SeedAccount), since real ones come from
// Meta onboarding.
type PhoneNumber struct {
	ID                    string `json:"id"`
	Number                string `json:"number"` // E.164 digits without "+"
	WhatsappPhoneNumberID string `json:"whatsappPhoneNumberId"`
	// WhatsappBusinessAccount is the uuid of the Wassist account the number belongs to.
	WhatsappBusinessAccount string  `json:"whatsappBusinessAccount"`
	ActiveAgent             *string `json:"activeAgent"`
	DefaultRouting          *string `json:"defaultRouting"`
	// DefaultWebhook is the id of the webhook the number is subscribed to (SeedWebhook).
	DefaultWebhook *string `json:"defaultWebhook"`
	IsSandbox      bool    `json:"isSandbox"`
}

// phoneNumberView is a number as the API serves it, in the SDK's shape: the account, the
// agent and the webhook as nested objects (or null), not as ids.
type phoneNumberView struct {
	ID                      string            `json:"id"`
	Number                  string            `json:"number"`
	WhatsappPhoneNumberID   string            `json:"whatsappPhoneNumberId"`
	WhatsappBusinessAccount *numberAccountRef `json:"whatsappBusinessAccount"`
	ActiveAgent             *numberAgentRef   `json:"activeAgent"`
	DefaultRouting          *string           `json:"defaultRouting"`
	DefaultWebhook          *Webhook          `json:"defaultWebhook"`
	IsSandbox               bool              `json:"isSandbox"`
}

type numberAccountRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	WaID string `json:"waId"`
}

type numberAgentRef struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Icebreakers []string `json:"icebreakers"`
}

// Webhook is an endpoint made in the Wassist dashboard (the API has no call to create one)
// that a number can be subscribed to; tests make them with SeedWebhook.
type Webhook struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// renderNumber is n as the API serves it; the lock is held.
func (t *tenant) renderNumber(n *PhoneNumber) phoneNumberView {
	v := phoneNumberView{ID: n.ID, Number: n.Number, WhatsappPhoneNumberID: n.WhatsappPhoneNumberID, IsSandbox: n.IsSandbox}
	if acc := t.accountByID[n.WhatsappBusinessAccount]; acc != nil {
		v.WhatsappBusinessAccount = &numberAccountRef{ID: acc.id, Name: acc.name, WaID: acc.waID}
	}
	if n.ActiveAgent != nil {
		if rec := t.agentByID[*n.ActiveAgent]; rec != nil {
			a := rec.agent
			v.ActiveAgent = &numberAgentRef{ID: a.ID, Name: a.Name, Icebreakers: emptyIfNil(slices.Clone(a.Icebreakers))}
		}
	}
	if n.DefaultRouting != nil {
		v.DefaultRouting = new(*n.DefaultRouting)
	}
	if n.DefaultWebhook != nil {
		if wh := t.webhooks[*n.DefaultWebhook]; wh != nil {
			v.DefaultWebhook = new(*wh)
		}
	}
	return v
}

// The defaultRouting a number gets when an agent is connected to it, or a webhook subscribed.
const (
	routingAgent   = "agent"
	routingWebhook = "webhook"
)

func (t *tenant) orderedNumbers() []*PhoneNumber {
	out := make([]*PhoneNumber, 0, len(t.numberOrder))
	for _, num := range t.numberOrder {
		out = append(out, t.numbers[num])
	}
	return out
}

func (t *tenant) hasAgent(id string) bool {
	return t.agentByID[id] != nil
}

func copyNumber(n *PhoneNumber) PhoneNumber {
	return cloneJSON(*n)
}

func (t *tenant) hasWebhook(id string) bool {
	return t.webhooks[id] != nil
}

func listPhoneNumbers(c *call) response {
	return listOf(c, c.t.orderedNumbers(), c.t.renderNumber)
}

func (c *call) phoneNumber() (*PhoneNumber, *response) {
	n := c.t.numbers[c.params["number"]]
	if n == nil {
		res := notFound("Phone number not found")
		return nil, &res
	}
	return n, nil
}

func getPhoneNumber(c *call) response {
	if c.s.opts.NoSingleNumberRoute {
		return detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", c.r.Method))
	}
	n, missing := c.phoneNumber()
	if missing != nil {
		return *missing
	}
	return jsonResponse(http.StatusOK, c.t.renderNumber(n))
}

// connectAgent routes the number to an agent of the same key.
func connectAgent(c *call) response {
	n, agentID, bad := c.routing("agentId", c.t.hasAgent)
	if bad != nil {
		return *bad
	}
	connect(n, agentID)
	return jsonResponse(http.StatusOK, c.t.renderNumber(n))
}

// subscribeNumber routes the number to one of the key's webhooks; its agent is dropped.
func subscribeNumber(c *call) response {
	n, webhookID, bad := c.routing("webhookId", c.t.hasWebhook)
	if bad != nil {
		return *bad
	}
	subscribe(n, webhookID)
	return jsonResponse(http.StatusOK, c.t.renderNumber(n))
}

// unsubscribeNumber clears the number's routing: no agent, no webhook, defaultRouting null.
// The body may be empty or {}.
func unsubscribeNumber(c *call) response {
	n, _, bad := c.routing("", nil)
	if bad != nil {
		return *bad
	}
	disconnect(n)
	return jsonResponse(http.StatusOK, c.t.renderNumber(n))
}

// routing reads the number of the path and a routing body: the target's id under field
// (required, checked by exists; none when field is "") and applyToExisting.
// applyToExisting is checked for type and otherwise has no visible effect: the simulator
// keeps no conversations.
func (c *call) routing(field string, exists func(string) bool) (*PhoneNumber, string, *response) {
	n, missing := c.phoneNumber()
	if missing != nil {
		return nil, "", missing
	}
	body, bad := c.object()
	if bad != nil {
		return nil, "", bad
	}
	if field == "agentId" && c.foreignAgent(body[field]) {
		res := permissionDenied()
		return nil, "", &res
	}
	errs := fieldErrs{}
	var target string
	var applyToExisting bool
	if field != "" {
		errs.ref(body, field, &target, true, exists)
	}
	errs.boolean(body, "applyToExisting", &applyToExisting)
	if len(errs) > 0 {
		res := validationFailed(errs)
		return nil, "", &res
	}
	return n, target, nil
}

// foreignAgent reports an agent id that exists but belongs to another key's organisation:
// the agent must be owned by (or shared with) the caller, and the API says so with a 403,
// not with the 400 of an id that names nothing.
func (c *call) foreignAgent(v any) bool {
	id, ok := v.(string)
	if !ok || c.t.hasAgent(id) {
		return false
	}
	for _, t := range c.s.tenants {
		if t != c.t && t.hasAgent(id) {
			return true
		}
	}
	return false
}
