package wassisttest

// The agency's WhatsApp side: two accounts, their numbers and where each is routed, the
// dashboard webhook, the MCP connectors and the users agents are shared with. Numbers are in
// ranges reserved for fiction (Ofcom's 07700 900xxx, the US 555-01xx, ACMA's 0491 570 xxx), so
// that none is a real person's.

const (
	accountUK = "uk"
	accountUS = "us"

	// agencyWebhookNumber is routed to the CRM webhook rather than to an agent.
	agencyWebhookNumber = "447700900504"

	agencyBYOAWebhookURL = "https://agents.brightline.example/wassist/inbound?tenant=brightline&v=2"
)

// agencyAccounts are the two business accounts. Most numbers are routed to agents; 447700900504
// goes to the webhook (seedAgencyState), 447700900505 and 12025550143 to nothing.
func agencyAccounts(g agencyIDs) []Account {
	bot := func(slot string) *BotRef { return &BotRef{ID: g.agent(slot)} }
	number := func(n string, b *BotRef) AccountPhoneNumber {
		return AccountPhoneNumber{ID: g.id("number/" + n), Number: n, Bot: b}
	}
	return []Account{{
		ID:   g.account(accountUK),
		Name: "Brightline Digital Ltd",
		WaID: g.metaID("waba/" + accountUK),
		PhoneNumbers: []AccountPhoneNumber{
			number("447700900500", bot(slotSupport)),
			number("447700900501", bot(slotCafe)),
			number("447700900502", bot(slotReception)),
			number("447700900503", bot(slotSalesEU)),
			number(agencyWebhookNumber, nil),
			number("447700900505", nil),
		},
	}, {
		ID:   g.account(accountUS),
		Name: "Brightline Americas, Inc. — \"US & CA\"",
		WaID: g.metaID("waba/" + accountUS),
		PhoneNumbers: []AccountPhoneNumber{
			number("12025550140", bot(slotSalesUS)),
			number("12025550141", bot(slotDental)),
			number("12025550142", bot(slotOrders)),
			number("12025550143", nil),
			number("12025550144", bot(slotBYOA)),
		},
	}}
}

func agencyWebhook(g agencyIDs) Webhook {
	return Webhook{ID: g.id("webhook/crm"), Name: "CRM inbound (HubSpot)", URL: "https://hooks.brightline.example/wassist/crm"}
}

func agencyConnectors(g agencyIDs) []struct{ ID, Name string } {
	return []struct{ ID, Name string }{
		{g.id("connector/shopify"), "Shopify orders"},
		{g.id("connector/calendar"), "Google Calendar — Clinic"},
	}
}

// agencyShares are the users of other organisations some agents are shared with. The API
// shares with a user's WhatsApp number, not an email address.
var agencyShares = map[string][]string{
	slotSupport: {"+447700900321", "+12025550188"},
	slotSalesEU: {"+61491570156"},
	slotDental:  {"+61491570157", "+447700900322", "+12025550189"},
}
