package wassisttest

import (
	"net/http"
	"strings"
)

func listAgents(c *call) response {
	return paginate(c, c.t.agents, c.t.render)
}

// createAgent takes only the name; every other field in the body is ignored, so a client
// that forgets to PATCH the rest after creating is caught.
func createAgent(c *call) response {
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	errs := fieldErrs{}
	var name string
	errs.text(body, "name", &name, nameRule, true)
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	rec := c.t.addAgent(newAgent(name, c.now))
	return jsonResponse(http.StatusCreated, c.t.render(rec))
}

// byoaAgentName is the name the API gives a bring-your-own-agent agent; the body has none.
const byoaAgentName = "BYOA agent"

// createBYOAAgent creates an agent whose replies come from the caller's server: the body is
// only the webhook URL, which must be an absolute https URL (Wassist posts conversations to
// it). The agent reads like any other; the URL is kept but not served.
func createBYOAAgent(c *call) response {
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	errs := fieldErrs{}
	var webhook string
	errs.link(body, "webhookUrl", &webhook, true)
	if len(errs) == 0 && !strings.HasPrefix(webhook, "https://") {
		errs.add("webhookUrl", msgHTTPS)
	}
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	rec := c.t.addAgent(newAgent(byoaAgentName, c.now))
	rec.byoaWebhook = webhook
	return jsonResponse(http.StatusCreated, c.t.render(rec))
}

// agent finds the agent named in the path or answers the documented 404.
func (c *call) agent() (*agentRecord, *response) {
	rec := c.t.agentByID[c.params["id"]]
	if rec == nil {
		res := notFound("Agent not found")
		return nil, &res
	}
	return rec, nil
}

func getAgent(c *call) response {
	rec, missing := c.agent()
	if missing != nil {
		return *missing
	}
	return jsonResponse(http.StatusOK, c.t.render(rec))
}

func patchAgent(c *call) response {
	return updateAgent(c, false)
}

func putAgent(c *call) response {
	return updateAgent(c, true)
}

func updateAgent(c *call, replace bool) response {
	rec, missing := c.agent()
	if missing != nil {
		return *missing
	}
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	a, errs := writeAgent(c.t, rec.agent, body, replace)
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	rec.agent = a
	return jsonResponse(http.StatusOK, c.t.render(rec))
}

func deleteAgent(c *call) response {
	rec, missing := c.agent()
	if missing != nil {
		return *missing
	}
	c.t.removeAgent(rec.agent.ID)
	return noContent()
}

// sharing is the answer to share and unshare (undocumented; this shape is the simulator's).
type sharing struct {
	UserPhoneNumber string `json:"userPhoneNumber"`
	Shared          bool   `json:"shared"`
}

func shareAgent(c *call) response {
	return setSharing(c, true)
}

func unshareAgent(c *call) response {
	return setSharing(c, false)
}

func setSharing(c *call, shared bool) response {
	rec, missing := c.agent()
	if missing != nil {
		return *missing
	}
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	const field = "userPhoneNumber"
	v, ok := body[field]
	phone, valid := normalisePhone(v)
	switch {
	case !ok:
		return validationFailed(fieldErrs{field: []string{msgRequired}})
	case v == nil:
		return validationFailed(fieldErrs{field: []string{msgNull}})
	case !valid:
		return validationFailed(fieldErrs{field: []string{msgPhone}})
	}
	rec.setShared(phone, shared)
	return jsonResponse(http.StatusOK, sharing{UserPhoneNumber: phone, Shared: shared})
}
