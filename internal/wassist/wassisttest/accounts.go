package wassisttest

import "net/http"

// Account is a WhatsApp Business account as /whatsapp-accounts/ serves it.
type Account struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	WaID         string               `json:"waId"` // Meta's WABA id
	PhoneNumbers []AccountPhoneNumber `json:"phoneNumbers"`
	TemplatesURL string               `json:"templatesUrl"`
}

// AccountPhoneNumber is a number inside an Account. Bot is the agent the number is routed
// to, or nil; Waba repeats the owning account.
type AccountPhoneNumber struct {
	ID     string   `json:"id"`
	Number string   `json:"number"`
	Bot    *BotRef  `json:"bot"`
	Waba   *WabaRef `json:"waba"`
}

// BotRef names the agent a number is routed to.
type BotRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// WabaRef names the account a number belongs to.
type WabaRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// accountRecord is a stored account; its numbers live in the tenant's number store, shared
// with /phone-numbers/, so routing changed through either surface shows in both.
type accountRecord struct {
	id, name, waID, templatesURL string
	numbers                      []string
}

const templatesURLPrefix = "https://business.facebook.com/wa/manage/message-templates/?waba_id="

func (t *tenant) renderAccount(acc *accountRecord) Account {
	out := Account{ID: acc.id, Name: acc.name, WaID: acc.waID, TemplatesURL: acc.templatesURL, PhoneNumbers: []AccountPhoneNumber{}}
	for _, num := range acc.numbers {
		n := t.numbers[num]
		pn := AccountPhoneNumber{ID: n.ID, Number: n.Number, Waba: &WabaRef{ID: acc.id, Name: acc.name}}
		if n.ActiveAgent != nil {
			pn.Bot = &BotRef{ID: *n.ActiveAgent, Name: t.agentName(*n.ActiveAgent)}
		}
		out.PhoneNumbers = append(out.PhoneNumbers, pn)
	}
	return out
}

// accountNumber finds a number of acc by its uuid; numbers of other accounts do not count.
func (t *tenant) accountNumber(acc *accountRecord, id string) *PhoneNumber {
	for _, num := range acc.numbers {
		if n := t.numbers[num]; n.ID == id {
			return n
		}
	}
	return nil
}

func listAccounts(c *call) response {
	return listOf(c, c.t.accounts, c.t.renderAccount)
}

func (c *call) account() (*accountRecord, *response) {
	acc := c.t.accountByID[c.params["id"]]
	if acc == nil {
		res := notFound("WhatsApp account not found")
		return nil, &res
	}
	return acc, nil
}

func getAccount(c *call) response {
	acc, missing := c.account()
	if missing != nil {
		return *missing
	}
	return jsonResponse(http.StatusOK, c.t.renderAccount(acc))
}

// deployAgent routes one of the account's numbers (by its Wassist uuid, not the number
// and not Meta's id) to an agent.
func deployAgent(c *call) response {
	acc, missing := c.account()
	if missing != nil {
		return *missing
	}
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	errs := fieldErrs{}
	var agentID, numberID string
	errs.ref(body, "agentId", &agentID, true, c.t.hasAgent)
	errs.ref(body, "phoneNumberId", &numberID, true, func(id string) bool { return c.t.accountNumber(acc, id) != nil })
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	connect(c.t.accountNumber(acc, numberID), agentID)
	return jsonResponse(http.StatusOK, c.t.renderAccount(acc))
}
