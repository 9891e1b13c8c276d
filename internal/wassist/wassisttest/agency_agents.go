package wassisttest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The agency's agents, by slot: a slot names one agent of the fixture, since names do not
// (two agents share one, several collide once made into Kubernetes names).
const (
	slotSupport      = "support"
	slotSupportLower = "support-lower"
	slotSupportBang  = "support-bang"
	slotBilling      = "billing"
	slotCafe         = "cafe"
	slotCafeASCII    = "cafe-ascii"
	slotBarista      = "barista"
	slotReception    = "reception"
	slotTriage       = "triage"
	slotSpecialist   = "specialist"
	slotEscalations  = "escalations"
	slotSalesEU      = "sales-eu"
	slotSalesEUPlain = "sales-eu-plain"
	slotSalesUS      = "sales-us"
	slotSalesAPAC    = "sales-apac"
	slotJapanese     = "japanese"
	slotRussian      = "russian"
	slotRobot        = "robot"
	slotSpanish      = "spanish"
	slotLong200      = "long-200"
	slotLong255      = "long-255"
	slotLeadWeb      = "lead-web"
	slotLeadShow     = "lead-show"
	slotDental       = "dental"
	slotProperty     = "property"
	slotOrders       = "orders"
	slotQuiz         = "quiz"
	slotNewsletter   = "newsletter"
	slotHelpDesk     = "help-desk"
	slotLegacy       = "legacy-faq"
	slotBYOA         = "byoa"
)

// agencyLongName is the start of two long names: one of 200 characters and one of 255 (the
// API's limit), which share their first 200 and so any shortened form.
const agencyLongName = "Customer onboarding assistant for the spring campaign across all regions — handles sign-ups, " +
	"verifies documents, answers the pricing questions in English, French and German, and books the first call with an " +
	"account manager (pilot v3, owner: growth team; do not rename without asking Priya)"

// agencyAgent is one agent of the fixture and the slot it is known by.
type agencyAgent struct {
	slot  string
	agent Agent
}

// agencyAgents are the agents in the order they were made, with every id filled in.
func agencyAgents(g agencyIDs) []Agent {
	groups := []func(agencyIDs) []agencyAgent{
		supportAgents, cafeAgents, routingAgents, salesAgents, languageAgents, featureAgents, leftoverAgents,
	}
	all := make([]agencyAgent, 0, 32)
	for _, group := range groups {
		all = append(all, group(g)...)
	}
	out := make([]Agent, 0, len(all))
	for i, a := range all {
		out = append(out, g.complete(a.slot, i, a.agent))
	}
	return out
}

// complete gives the agent its ids, its trigger credentials and its creation day.
func (g agencyIDs) complete(slot string, n int, a Agent) Agent {
	a.ID = g.agent(slot)
	a.CreatedAt = agencyDay(n)
	sub := func(kind string, i int) string { return g.id("agent/" + slot + "/" + kind + "/" + strconv.Itoa(i)) }
	for i := range a.Tools {
		a.Tools[i].ID = sub("tool", i)
	}
	for i := range a.WebsiteTools {
		a.WebsiteTools[i].ID = sub("website", i)
	}
	for i := range a.MemoryKeys {
		a.MemoryKeys[i].ID = sub("memory", i)
	}
	for i := range a.HandoffTools {
		a.HandoffTools[i].ID = sub("handoff", i)
	}
	for i := range a.WakeUpConfigs {
		a.WakeUpConfigs[i].ID = sub("wakeup", i)
	}
	for i := range a.ImageGenerateTools {
		a.ImageGenerateTools[i].ID = sub("image", i)
	}
	for i := range a.MCPConfigs {
		a.MCPConfigs[i].ID = sub("mcp", i)
	}
	for i := range a.OutboundTriggers {
		tr := &a.OutboundTriggers[i]
		tr.ID = sub("trigger", i)
		tr.URL, tr.Secret = triggerURLPrefix+tr.ID+"/", "whsec_"+g.token("secret/"+tr.ID, 24)
	}
	if a.PaywallConfig != nil {
		a.PaywallConfig.ID = sub("paywall", 0)
	}
	if a.CreditSettings != nil {
		a.CreditSettings.ID = sub("credits", 0)
	}
	return a
}

func (g agencyIDs) handoff(child, description string) HandoffTool {
	return HandoffTool{ChildAgentID: g.agent(child), Description: description, Active: true}
}

func (g agencyIDs) trigger(template, name string, enabled bool) OutboundTrigger {
	return OutboundTrigger{TemplateID: g.template(template), TemplateName: name, Enabled: enabled}
}

func (g agencyIDs) connector(slot string, whitelist ...string) MCPConfig {
	return MCPConfig{ConnectorID: g.id("connector/" + slot), ToolWhitelist: append([]string{}, whitelist...)}
}

// schema is an apiSchema written as JSON, kept byte for byte: numbers past float64's
// precision must reach the client as they were written.
func schema(s string) json.RawMessage {
	if !json.Valid([]byte(s)) {
		panic("wassisttest: agency apiSchema is not JSON: " + s)
	}
	return json.RawMessage(s)
}

func supportAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotSupport, Agent{
		Name:          "Support",
		Description:   "Main customer support line (UK number). Owner: CX team — ask #cx-bots before editing.",
		SystemPrompt:  supportPrompt(),
		FirstMessage:  "Hi! 👋 I'm Brightline's assistant. What can I help you with today?",
		Icebreakers:   []string{"Where is my order?", "yes", "No", "on", "null", "~", "3.14", "#48213", "- a list?", "key: value"},
		LLMModel:      new("openai/gpt-4.1-mini"),
		TotalMessages: 48213, TotalSessions: 6120,
		Tools: []Tool{{
			Name: "order_status", Description: "Look up an order when the customer gives an order number (#12345).", Active: true,
			APISchema: schema(`{"url":"https://shop.brightline.example/api/orders/{order_id}","method":"GET",
				"path_params":{"order_id":{"type":"string","input":{"type":"description","description":"Order number, digits only"}}},
				"query_params":{"required":[],"properties":{"expand":{"type":"string","input":{"type":"value","value":"items,shipping"}}}},
				"request_headers":{"X-Caller":{"type":"string","input":{"type":"value","value":"%PHONE_NUMBER%"}}},
				"request_body":{"type":"object","required":[],"properties":{}}}`),
		}, {
			Name: "create_ticket", Description: "Open a support ticket when you cannot solve it: summary, priority.", Active: true,
			CreditCost: 1,
			APISchema: schema(`{"url":"https://helpdesk.brightline.example/api/v2/tickets","method":"POST",
				"path_params":{},"query_params":{"required":[],"properties":{}},
				"request_headers":{"Authorization":{"type":"string","input":{"type":"value","value":"Bearer fixture-token-0001"}}},
				"request_body":{"type":"object","required":["subject","priority"],"properties":{
					"subject":{"type":"string","input":{"type":"description","description":"One line: what went wrong"}},
					"priority":{"type":"string","input":{"type":"value","value":"normal"}},
					"accountId":{"type":"number","input":{"type":"value","value":12345678901234567890}},
					"notify":{"type":"boolean","input":{"type":"value","value":true}},
					"tags":{"type":"array","input":{"type":"value","value":["whatsapp","bot","tier:1"]}},
					"callback":{"type":"string","input":{"type":"value","value":"%CALLBACK_URL%"}}}}}`),
		}},
		MemoryKeys: []MemoryKey{
			{Key: "loyalty_tier", Type: "string", InitialValue: "bronze", WhenToUpdate: "When the order API says the tier."},
			{Key: "cart", Type: "json", InitialValue: `{"items":[],"currency":"GBP"}`, WhenToUpdate: "When the customer adds or removes items."},
		},
		HandoffTools: []HandoffTool{g.handoff(slotBilling, "The customer asks about a refund, an invoice or a charge.")},
	}}, {slotSupportLower, Agent{
		Name: "support",
	}}, {slotSupportBang, Agent{
		Name:         "Support!",
		Description:  "Old support bot, kept for the A/B test in March. Do not route numbers here.",
		SystemPrompt: "You are the previous support assistant. Answer \"Please write to support@brightline.example\" to everything.",
		Tools: []Tool{{Name: "order_status", Description: "Old order lookup (v1 API).", Active: false,
			APISchema: schema(`{"url":"https://shop.brightline.example/api/v1/orders/{id}","method":"GET",
				"path_params":{"id":{"type":"string","input":{"type":"description","description":"Order id"}}}}`)}},
	}}, {slotBilling, Agent{
		Name:          "Billing",
		Description:   "Invoices, charges, refunds. Takes over from Support.",
		SystemPrompt:  billingPrompt(),
		FirstMessage:  "Hello, this is Billing. Which invoice or charge is it about?",
		Icebreakers:   []string{"Refund status", "Download my invoice", "Why was I charged twice?"},
		TotalMessages: 9120, TotalSessions: 1204,
		HandoffTools: []HandoffTool{g.handoff(slotSupport, "The question is not about money after all.")},
		PaywallConfig: &PaywallConfig{MessageLimit: new(20), PaywallAction: "purchase_link",
			PaywallURL: new("https://pay.brightline.example/credits?ref=wa&utm_source=whatsapp"), CTAButtonText: "Buy credits"},
		CreditSettings: &CreditSettings{InitialCredits: 10, CreditGrantAmount: 25},
	}}}
}

func cafeAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotCafe, Agent{
		Name:         "Café Crème ☕",
		Description:  "The café's agent: events, opening times, allergens.",
		SystemPrompt: cafePrompt,
		FirstMessage: "Bonjour ! ☕ Welcome to Café Crème. Events, opening times or the menu?",
		Icebreakers:  []string{"Opening hours?", "Menu", "Vegan options?", "Nuts?"},
		WebsiteTools: []WebsiteTool{{URL: "https://cafe-creme.example/menu", Prompt: "The menu and allergens.", Active: true}},
		ImageGenerateTools: []ImageTool{{Name: "latte_art", Description: "When the customer asks what a drink looks like.",
			Prompt: "The drink the customer asked about, top view, on a marble counter, morning light.", CreditCost: 2, Active: true}},
		HandoffTools: []HandoffTool{g.handoff(slotBarista, "The customer wants to order a drink for pick-up.")},
	}}, {slotCafeASCII, Agent{
		Name:         "Cafe Creme",
		Description:  "Copy of the café agent from before the rename (no accents). Unused.",
		SystemPrompt: "Café agent, old copy.",
	}}, {slotBarista, Agent{
		Name:         "Barista Bot",
		Description:  "Takes pick-up orders for Café Crème.",
		SystemPrompt: baristaPrompt,
		FirstMessage: "What can I make for you? (S/M/L)",
		WakeUpConfigs: []WakeUpConfig{
			{Description: "The customer started an order and went quiet for 10 minutes: ask whether to keep it.", Enabled: true, ForceMessage: true},
			{Description: "Remind regulars of the loyalty card on Mondays.", Enabled: false},
		},
		HandoffTools: []HandoffTool{g.handoff(slotCafe, "The customer asks about the café itself, not an order.")},
	}}}
}

// routingAgents are a chain: Reception → Triage → Specialist → Escalations.
func routingAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotReception, Agent{
		Name: "Reception", SystemPrompt: receptionPrompt, FirstMessage: "Hello! How can we help?",
		MCPConfigs:   []MCPConfig{g.connector("calendar")},
		HandoffTools: []HandoffTool{g.handoff(slotTriage, "Any new problem.")},
	}}, {slotTriage, Agent{
		Name: "Triage", SystemPrompt: triagePrompt,
		HandoffTools: []HandoffTool{g.handoff(slotSpecialist, "A technical problem.")},
	}}, {slotSpecialist, Agent{
		Name: "Specialist", SystemPrompt: specialistPrompt, LLMModel: new("openai/gpt-4.1"),
		HandoffTools: []HandoffTool{g.handoff(slotEscalations, "Unsolved after three messages.")},
	}}, {slotEscalations, Agent{
		Name: "Escalations", SystemPrompt: escalationsPrompt,
		OutboundTriggers: []OutboundTrigger{g.trigger(tplReminderEN, "appointment_reminder", false)},
	}}}
}

// salesAgents hand off in a cycle: EU → US → APAC → EU; "Sales EU" collides with "Sales / EU".
func salesAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotSalesEU, Agent{
		Name: "Sales / EU", Description: "EU sales (EUR). Shared with our reseller in Sydney.",
		SystemPrompt: salesPrompt("the EU", "EUR (€)"), LLMModel: new("anthropic/claude-sonnet-4"),
		Icebreakers:  []string{"Pricing?", "Book a demo", "GDPR?"},
		HandoffTools: []HandoffTool{g.handoff(slotSalesUS, "The customer is based in the US or Canada.")},
	}}, {slotSalesEUPlain, Agent{
		Name: "Sales EU", Description: "Draft of a new EU sales agent.", SystemPrompt: salesPrompt("the EU (draft)", "EUR"),
	}}, {slotSalesUS, Agent{
		Name: "Sales / US", SystemPrompt: salesPrompt("the US and Canada", "USD ($)"),
		HandoffTools: []HandoffTool{g.handoff(slotSalesAPAC, "The customer is based in Asia or Oceania.")},
	}}, {slotSalesAPAC, Agent{
		Name: "Sales / APAC", SystemPrompt: apacPrompt,
		HandoffTools: []HandoffTool{g.handoff(slotSalesEU, "The customer is based in Europe.")},
	}}}
}

// languageAgents have names with no Latin letter at all, or few.
func languageAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotJapanese, Agent{
		Name: "日本語サポート", Description: "日本のお客様向けサポート（JST）", SystemPrompt: japanesePrompt,
		FirstMessage: "こんにちは！ご用件をお聞かせください。", Icebreakers: []string{"注文状況", "返品について", "営業時間"},
		LLMModel:     new("openai/gpt-4.1-mini"),
		HandoffTools: []HandoffTool{g.handoff(slotSupport, "お客様が英語を希望する場合 (the customer prefers English).")},
	}}, {slotRussian, Agent{
		Name: "Поддержка клиентов", SystemPrompt: russianPrompt, FirstMessage: "Здравствуйте! Чем можем помочь?",
	}}, {slotRobot, Agent{
		Name: "🤖", Description: "Emoji-only name: the internal test bot.\u200b(zero-width space before this)",
		SystemPrompt: "Echo what the user says, prefixed with \"🤖: \".",
	}}, {slotSpanish, Agent{
		Name: "¿Qué tal? 🇪🇸", SystemPrompt: spanishPrompt, FirstMessage: "¡Hola! ¿En qué le puedo ayudar?",
		Icebreakers: []string{"¿Dónde está mi pedido?", "Horario", "Sí"},
	}}, {slotLong200, Agent{
		Name: runesPrefix(agencyLongName, 200), Description: "Name at 200 characters.",
		SystemPrompt: "Onboarding assistant (spring campaign).",
	}}, {slotLong255, Agent{
		Name: runesPrefix(agencyLongName, 255), Description: "Name at the API's limit, 255 characters; starts like the 200-character one.",
		SystemPrompt: "Onboarding assistant (spring campaign), second pilot.",
	}}}
}

// featureAgents use the rest of what an agent holds: every memory key type, paywall actions,
// credits, triggers, MCP, images, wake-ups.
func featureAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotLeadWeb, Agent{
		Name: "Lead Qualifier", Description: "Website widget leads.", SystemPrompt: leadPromptA,
	}}, {slotLeadShow, Agent{
		Name: "Lead Qualifier", Description: "Trade-show leads (same name as the website one, on purpose: \"it's the same job\").",
		SystemPrompt: leadPromptB,
	}}, {slotDental, dentalAgent()}, {slotProperty, propertyAgent()}, {slotOrders, Agent{
		Name: "Order Updates", SystemPrompt: ordersPrompt, Description: "Sends shipping updates through outbound triggers.",
		OutboundTriggers: []OutboundTrigger{
			g.trigger(tplOrderShipped, "order_shipped", true),
			g.trigger(tplPedido, "pedido_enviado", true),
		},
		MCPConfigs: []MCPConfig{g.connector("shopify", "get_order")},
		Tools: []Tool{{Name: "refund_lookup", Description: "Refund status of an order.", Active: true, CreditCost: 1,
			APISchema: schema(`{"url":"https://shop.brightline.example/api/refunds","method":"GET",
				"query_params":{"required":["order"],"properties":{
					"order":{"type":"string","input":{"type":"description","description":"Order number"}},
					"limit":{"type":"number","input":{"type":"value","value":1}}}}}`)}},
		WakeUpConfigs: []WakeUpConfig{{Description: "The customer asked about a delay and did not answer for a day.", Enabled: true}},
	}}, {slotQuiz, Agent{
		Name: "Quiz Master", SystemPrompt: quizPrompt, FirstMessage: "Ready for today's quiz? ☕ Reply GO!",
		Icebreakers: []string{"GO!", "My score", "Rules"},
		MemoryKeys:  []MemoryKey{{Key: "score", Type: "number", InitialValue: "0", WhenToUpdate: "After every answer."}},
		PaywallConfig: &PaywallConfig{MessageLimit: new(50), PaywallAction: "terminal",
			TerminalStateMessage: "That's all for today! 🎉 Come back tomorrow for new questions."},
		CreditSettings: &CreditSettings{InitialCredits: 100},
	}}, {slotNewsletter, Agent{
		Name: "Newsletter Signup", SystemPrompt: "Ask for the first name and whether they want the weekly or monthly letter.",
		PaywallConfig: &PaywallConfig{PaywallAction: "none"},
	}}}
}

func dentalAgent() Agent {
	return Agent{
		Name: "Dental Appointments", Description: "Smile Dental's booking agent (client since Aug 2025).",
		SystemPrompt: dentalPrompt, FirstMessage: "Hi, this is Smile Dental 😁 Would you like to book, move or cancel?",
		Icebreakers: []string{"Book a check-up", "Move my appointment", "Cancel", "Prices"},
		LLMModel:    new("google/gemini-2.5-flash"), TotalMessages: 20411, TotalSessions: 3377,
		MemoryKeys: []MemoryKey{
			{Key: "patient_name", Type: "string", WhenToUpdate: "When the patient says their name."},
			{Key: "visits", Type: "number", InitialValue: "0", WhenToUpdate: "After a booking is confirmed."},
			{Key: "is_new_patient", Type: "boolean", InitialValue: "true", WhenToUpdate: "When the practice system knows them."},
			{Key: "preferences", Type: "json", InitialValue: `{"reminders": true, "channel": "whatsapp", "slots": ["am", "pm"], "notes": null}`,
				WhenToUpdate: "When the patient states a preference: \"mornings only\", \"no SMS\"."},
		},
		Tools: []Tool{{Name: "book_slot", Description: "Book a slot the patient agreed to.", Active: true, CreditCost: 5,
			APISchema: schema(`{"url":"https://api.smiledental.example/v3/practices/{practice}/bookings","method":"POST",
				"path_params":{"practice":{"type":"string","input":{"type":"value","value":"smile-london-01"}}},
				"request_headers":{"X-Api-Version":{"type":"string","input":{"type":"value","value":"2025-08-01"}}},
				"request_body":{"type":"object","required":["patient","slot"],"properties":{
					"patient":{"type":"object","input":{"type":"value","value":{"phone":"%PHONE_NUMBER%","externalId":12345678901234567890,
						"legacyId":9007199254740993,"flags":{"vip":false,"smsOptOut":true},"balance":-0.5,"ratio":1e-7,"deleted":null}}},
					"slot":{"type":"string","input":{"type":"description","description":"ISO time of the slot, e.g. 2026-06-03T09:30:00+01:00"}},
					"durations":{"type":"array","input":{"type":"value","value":[30,45,60]}},
					"meta":{"type":"object","input":{"type":"value","value":{}}},
					"reasons":{"type":"array","input":{"type":"value","value":[]}}}}}`)}},
		WakeUpConfigs:  []WakeUpConfig{{Description: "The day before the appointment, if no reminder template was sent.", Enabled: true}},
		CreditSettings: &CreditSettings{InitialCredits: 20, CreditGrantPassword: new("SMILE-2026!"), CreditGrantAmount: 50},
	}
}

func propertyAgent() Agent {
	return Agent{
		Name: "Property Finder", Description: "Keystone Estates: listings search, subscribers first.",
		SystemPrompt: propertyPrompt, FirstMessage: "Looking to buy or rent? 🏠", LLMModel: new("openai/gpt-4.1"),
		Icebreakers: []string{"Rent", "Buy", "Valuation"},
		Tools: []Tool{{Name: "search_listings", Description: "Search listings by area, budget and bedrooms.", Active: true, CreditCost: 5,
			APISchema: schema(`{"url":"https://api.keystone.example/listings","method":"GET",
				"query_params":{"required":["postcode","mode"],"properties":{
					"postcode":{"type":"string","input":{"type":"description","description":"UK postcode, e.g. SW1A 1AA"}},
					"mode":{"type":"string","input":{"type":"description","description":"buy or rent"}},
					"max_price":{"type":"number","input":{"type":"description","description":"Budget in GBP, digits only"}},
					"min_bedrooms":{"type":"number","input":{"type":"value","value":1}},
					"include_sold":{"type":"boolean","input":{"type":"value","value":false}}}}}`)},
			{Name: "legacy_search", Description: "Old search (before the Keystone API v2). Disabled.", Active: false,
				APISchema: schema(`{"url":"https://old.keystone.example/search.php","method":"POST",
					"request_body":{"type":"object","required":[],"properties":{
						"q":{"type":"string","input":{"type":"description","description":"Query"}}}}}`)}},
		WebsiteTools: []WebsiteTool{
			{URL: "https://keystone.example/area-guides", Prompt: "Area guides: schools, transport, prices.", Active: true},
			{URL: "https://keystone.example/fees", Prompt: "Fees for tenants.", Active: false},
		},
		ImageGenerateTools: []ImageTool{
			{Name: "floor_plan_sketch", Description: "A rough floor plan when the listing has none.", Prompt: "A simple 2D floor plan.",
				CreditCost: 10, Active: true},
			{Name: "staging", Description: "Virtual staging of an empty room (paused: quality).", Prompt: "The room, furnished, Scandi style.",
				CreditCost: 25, Active: false},
		},
		PaywallConfig: &PaywallConfig{MessageLimit: new(5), PaywallAction: "subscribe", SubscriptionPricePerMonth: new("19.99"),
			PaywallURL: new("https://keystone.example/subscribe"), CTAButtonText: "Subscribe – £19.99/mo"},
	}
}

// leftoverAgents are what months of use leave behind: a help desk for the team, a disabled
// FAQ, and the BYOA agent the API names itself.
func leftoverAgents(g agencyIDs) []agencyAgent {
	return []agencyAgent{{slotHelpDesk, Agent{
		Name: "Help Desk", SystemPrompt: helpDeskPrompt, Description: "Internal: staff and partners.",
		MCPConfigs: []MCPConfig{g.connector("shopify", "get_order", "list_orders")},
		WebsiteTools: []WebsiteTool{
			{URL: "https://docs.brightline.example/help", Prompt: "How-to articles for staff.", Active: true},
			{URL: "https://status.brightline.example", Active: false},
		},
		HandoffTools: []HandoffTool{g.handoff(slotSupport, "A customer's payment or order problem.")},
	}}, {slotLegacy, Agent{
		Name: "Legacy FAQ", SystemPrompt: "Answer from the FAQ only. If unsure, say you don't know.",
		Tools: []Tool{
			{Name: "faq_search", Description: "Old FAQ search.", Active: false,
				APISchema: schema(`{"url":"https://faq.brightline.example/search","method":"GET"}`)},
			{Name: "faq_feedback", Description: "Thumbs up/down.", Active: false, CreditCost: 0,
				APISchema: schema(`{"url":"https://faq.brightline.example/feedback","method":"POST","request_body":{"type":"object",` +
					`"required":["helpful"],"properties":{"helpful":{"type":"boolean",` +
					`"input":{"type":"description","description":"Was it helpful?"}}}}}`)},
		},
		HandoffTools: []HandoffTool{{ChildAgentID: g.agent(slotSupport), Description: "Disabled when FAQ went read-only.", Active: false}},
	}}, {slotBYOA, Agent{
		Name: byoaAgentName,
	}}}
}

// runesPrefix is the first n characters of s.
func runesPrefix(s string, n int) string {
	r := []rune(s)
	if len(r) < n {
		panic("wassisttest: agency name shorter than " + strconv.Itoa(n))
	}
	return strings.TrimSpace(string(r[:n]))
}
