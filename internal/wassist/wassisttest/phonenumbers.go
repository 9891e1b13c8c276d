package wassisttest

import (
	"fmt"
	"net/http"
)

// PhoneNumber is a WhatsApp number as /phone-numbers/ serves it. Numbers exist only by
// seeding (SeedAccount), since real ones come from Meta onboarding.
type PhoneNumber struct {
	ID                    string `json:"id"`
	Number                string `json:"number"` // E.164 digits without "+"
	WhatsappPhoneNumberID string `json:"whatsappPhoneNumberId"`
	// WhatsappBusinessAccount is the uuid of the Wassist account the number belongs to.
	WhatsappBusinessAccount string  `json:"whatsappBusinessAccount"`
	ActiveAgent             *string `json:"activeAgent"`
	DefaultRouting          *string `json:"defaultRouting"`
	DefaultWebhook          *string `json:"defaultWebhook"`
	IsSandbox               bool    `json:"isSandbox"`
}

// routingAgent is the defaultRouting a number gets when an agent is connected to it.
const routingAgent = "agent"

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

func listPhoneNumbers(c *call) response {
	return listOf(c, c.t.orderedNumbers(), copyNumber)
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
	return jsonResponse(http.StatusOK, copyNumber(n))
}

// connectAgent routes the number to an agent of the same key.
func connectAgent(c *call) response {
	n, agentID, bad := c.routing(true)
	if bad != nil {
		return *bad
	}
	connect(n, agentID)
	return jsonResponse(http.StatusOK, copyNumber(n))
}

// unsubscribeNumber clears the number's routing: no agent, no webhook, defaultRouting null.
// The body may be empty or {}.
func unsubscribeNumber(c *call) response {
	n, _, bad := c.routing(false)
	if bad != nil {
		return *bad
	}
	disconnect(n)
	return jsonResponse(http.StatusOK, copyNumber(n))
}

// routing reads the number of the path and a routing body: agentId (required when
// withAgent) and applyToExisting. applyToExisting is checked for type and otherwise has
// no visible effect: the simulator keeps no conversations.
func (c *call) routing(withAgent bool) (*PhoneNumber, string, *response) {
	n, missing := c.phoneNumber()
	if missing != nil {
		return nil, "", missing
	}
	body, bad := c.object()
	if bad != nil {
		return nil, "", bad
	}
	if withAgent && c.foreignAgent(body["agentId"]) {
		res := permissionDenied()
		return nil, "", &res
	}
	errs := fieldErrs{}
	var agentID string
	var applyToExisting bool
	if withAgent {
		errs.ref(body, "agentId", &agentID, true, c.t.hasAgent)
	}
	errs.boolean(body, "applyToExisting", &applyToExisting)
	if len(errs) > 0 {
		res := validationFailed(errs)
		return nil, "", &res
	}
	return n, agentID, nil
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
