package wassisttest_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// agencyClient seeds keyA with the agency and returns it with a real client of the key.
func agencyClient(t *testing.T) (wassisttest.Agency, *wassist.Client) {
	t.Helper()
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	agency := m.s.SeedAgency(keyA)
	c, err := wassist.New(keyA, wassist.Options{BaseURL: m.ts.URL + wassisttest.APIPrefix, Budget: wassist.NewBudget(6000, 100, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return agency, c
}

func TestAgencyReadsBackThroughTheClient(t *testing.T) {
	agency, c := agencyClient(t)
	t.Run("agents", func(t *testing.T) { expectAgentsReadBack(t, c, agency) })
	ctx := t.Context()
	accounts, err := c.ListWhatsAppAccounts(ctx)
	if err != nil || len(accounts) != 2 {
		t.Fatalf("%d accounts, %v", len(accounts), err)
	}
	for _, a := range accounts {
		if _, err := c.GetWhatsAppAccount(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	numbers, err := c.ListPhoneNumbers(ctx)
	if err != nil || len(numbers) != len(agency.PhoneNumbers) {
		t.Fatalf("%d numbers, %v", len(numbers), err)
	}
	if _, err := c.GetPhoneNumber(ctx, numbers[0].Number); err != nil {
		t.Fatal(err)
	}
	templates, err := c.ListTemplates(ctx)
	if err != nil || len(templates) != len(agency.Templates) {
		t.Fatalf("%d templates, %v", len(templates), err)
	}
	for _, tpl := range templates {
		if _, err := c.GetTemplate(ctx, tpl.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// expectAgentsReadBack lists the agents and reads each, comparing with what was seeded.
func expectAgentsReadBack(t *testing.T, c *wassist.Client, agency wassisttest.Agency) {
	agents, err := c.ListAgents(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != len(agency.Agents) || len(agents) < 24 {
		t.Fatalf("%d agents listed, %d seeded", len(agents), len(agency.Agents))
	}
	for i, a := range agents {
		got, err := c.GetAgent(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("GetAgent(%q): %v", a.Name, err)
		}
		want := agency.Agents[i]
		if got.ID != want.ID || got.Name != want.Name || got.SystemPrompt != want.SystemPrompt ||
			got.Description != want.Description || len(got.Tools) != len(want.Tools) || len(got.HandoffTools) != len(want.HandoffTools) {
			t.Errorf("agent %d (%q) reads back as %q", i, want.Name, got.Name)
		}
	}
}

// TestAgencyHoldsWhatAnImportMustCopeWith reads the fixture as an importer would, through the
// client, and checks each hard case is there.
func TestAgencyHoldsWhatAnImportMustCopeWith(t *testing.T) {
	agency, c := agencyClient(t)
	agents, err := c.ListAgents(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]wassist.Agent{}
	for _, a := range agents {
		byName[a.Name] = append(byName[a.Name], a)
	}
	t.Run("names", func(t *testing.T) { expectHostileNames(t, byName) })
	t.Run("handoffs", func(t *testing.T) { expectHandoffShapes(t, agents) })
	t.Run("texts", func(t *testing.T) { expectHostileTexts(t, byName) })
	t.Run("tools", func(t *testing.T) { expectEveryTool(t, agents) })
	t.Run("triggers", func(t *testing.T) { expectTriggersNameTemplates(t, c, agents) })
	t.Run("shares", func(t *testing.T) {
		if len(agency.Shares) < 3 || len(byName["Support"][0].Sharings) != 2 || byName["Support"][0].Sharings[0].PhoneNumber != "+447700900321" {
			t.Errorf("shares: %v; Support's: %+v", agency.Shares, byName["Support"][0].Sharings)
		}
	})
	t.Run("routing", func(t *testing.T) { expectRouting(t, c, agency) })
	t.Run("templates", func(t *testing.T) { expectTemplateStates(t, c) })
	if agency.BYOAAgentID == "" || agency.AgentID("BYOA agent") != agency.BYOAAgentID {
		t.Errorf("BYOA agent: %q, by name %q", agency.BYOAAgentID, agency.AgentID("BYOA agent"))
	}
}

func expectHostileNames(t *testing.T, byName map[string][]wassist.Agent) {
	for _, name := range []string{"Support", "support", "Support!", "Café Crème ☕", "Cafe Creme", "Sales / EU", "Sales EU",
		"日本語サポート", "Поддержка клиентов", "🤖", "¿Qué tal? 🇪🇸", "BYOA agent"} {
		if len(byName[name]) != 1 {
			t.Errorf("%d agents named %q", len(byName[name]), name)
		}
	}
	if len(byName["Lead Qualifier"]) != 2 {
		t.Errorf("%d agents named Lead Qualifier, want two", len(byName["Lead Qualifier"]))
	}
	lengths := map[int]string{}
	for name := range byName {
		lengths[utf8.RuneCountInString(name)] = name
	}
	long200, long255 := lengths[200], lengths[255]
	if long200 == "" || long255 == "" || !strings.HasPrefix(long255, long200) {
		t.Errorf("the long names: %q and %q", long200, long255)
	}
}

// expectHandoffShapes finds the mutual pairs, the chain and the cycle of three in the
// handoff graph the client reads.
func expectHandoffShapes(t *testing.T, agents []wassist.Agent) {
	ids, names := map[string]string{}, map[string]string{}
	children := map[string][]string{}
	for _, a := range agents {
		ids[a.Name], names[a.ID] = a.ID, a.Name
	}
	for _, a := range agents {
		for _, h := range a.HandoffTools {
			if names[h.ChildAgentID] == "" || h.ChildAgentName != names[h.ChildAgentID] || h.ParentAgentID != a.ID {
				t.Errorf("%q hands off to %+v, not an agent of the account", a.Name, h)
			}
			children[a.Name] = append(children[a.Name], names[h.ChildAgentID])
		}
	}
	hands := func(from, to string) bool { return slices.Contains(children[from], to) }
	for _, p := range [][2]string{{"Support", "Billing"}, {"Café Crème ☕", "Barista Bot"}} {
		if !hands(p[0], p[1]) || !hands(p[1], p[0]) {
			t.Errorf("%q and %q do not hand off to each other", p[0], p[1])
		}
	}
	for _, path := range [][]string{
		{"Reception", "Triage", "Specialist", "Escalations"},
		{"Sales / EU", "Sales / US", "Sales / APAC", "Sales / EU"},
	} {
		for i := range len(path) - 1 {
			if !hands(path[i], path[i+1]) {
				t.Errorf("%q does not hand off to %q", path[i], path[i+1])
			}
		}
	}
	if len(children["Escalations"]) != 0 {
		t.Errorf("the chain does not end at Escalations: %v", children["Escalations"])
	}
}

func expectHostileTexts(t *testing.T, byName map[string][]wassist.Agent) {
	support := byName["Support"][0].SystemPrompt
	for _, s := range []string{"\n---\n", "\n...\n", "\n\t", "key: value", "# Role", "“curly”", "`", "%PHONE_NUMBER%", "🙂"} {
		if !strings.Contains(support, s) {
			t.Errorf("Support's prompt lacks %q", s)
		}
	}
	if len(support) < 6000 {
		t.Errorf("Support's prompt is only %d bytes", len(support))
	}
	if p := byName["Billing"][0].SystemPrompt; !strings.Contains(p, "\r\n") {
		t.Error("Billing's prompt lost its CRLF line endings")
	}
	if !strings.Contains(byName["Sales / APAC"][0].SystemPrompt, "مرحبا") {
		t.Error("APAC's prompt lacks its Arabic")
	}
	icebreakers := byName["Support"][0].Icebreakers
	for _, s := range []string{"yes", "No", "on", "null", "~", "3.14"} {
		if !slices.Contains(icebreakers, s) {
			t.Errorf("Support's icebreakers lack %q: %q", s, icebreakers)
		}
	}
}

func expectEveryTool(t *testing.T, agents []wassist.Agent) {
	found := map[string]bool{}
	for _, a := range agents {
		for _, tl := range a.Tools {
			found["tool"] = true
			found["inactive tool"] = found["inactive tool"] || !tl.Active
			found["credit cost"] = found["credit cost"] || tl.CreditCost > 0
			found["big number"] = found["big number"] || strings.Contains(string(tl.APISchema), ":12345678901234567890")
			found["2^53+1"] = found["2^53+1"] || strings.Contains(string(tl.APISchema), "9007199254740993")
		}
		for _, mk := range a.MemoryKeys {
			found["memory "+mk.Type] = true
		}
		if a.PaywallConfig != nil {
			found["paywall "+a.PaywallConfig.PaywallAction] = true
		}
		if a.CreditSettings != nil && a.CreditSettings.CreditGrantPassword != nil {
			found["grant password"] = true
		}
		found["website"] = found["website"] || len(a.WebsiteTools) > 0
		found["image"] = found["image"] || len(a.ImageGenerateTools) > 0
		found["wake-up"] = found["wake-up"] || len(a.WakeUpConfigs) > 0
		found["llm model"] = found["llm model"] || a.LLMModel != nil
		for _, m := range a.MCPConfigs {
			found["mcp"] = found["mcp"] || m.ConnectorName != ""
		}
	}
	for _, want := range []string{"tool", "inactive tool", "credit cost", "big number", "2^53+1", "memory string", "memory number",
		"memory boolean", "memory json", "paywall none", "paywall purchase_link", "paywall subscribe", "paywall terminal",
		"grant password", "website", "image", "wake-up", "llm model", "mcp"} {
		if !found[want] {
			t.Errorf("no agent has: %s", want)
		}
	}
}

func expectTriggersNameTemplates(t *testing.T, c *wassist.Client, agents []wassist.Agent) {
	n := 0
	for _, a := range agents {
		for _, tr := range a.OutboundTriggers {
			n++
			tpl, err := c.GetTemplate(t.Context(), tr.TemplateID)
			if err != nil || tpl.Name != tr.TemplateName || tr.URL == "" || !strings.HasPrefix(tr.Secret, "whsec_") {
				t.Errorf("%q's trigger %s: template %+v, %v", a.Name, tr, tpl, err)
			}
		}
	}
	if n < 3 {
		t.Errorf("%d outbound triggers", n)
	}
}

func expectRouting(t *testing.T, c *wassist.Client, agency wassisttest.Agency) {
	numbers, err := c.ListPhoneNumbers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	routing := map[string]int{}
	for _, n := range numbers {
		routing[n.DefaultRouting]++
		if n.DefaultRouting == "webhook" && n.DefaultWebhook.ID != agency.Webhook.ID {
			t.Errorf("%s is routed to webhook %q", n.Number, n.DefaultWebhook.ID)
		}
		if n.DefaultRouting == "agent" && n.ActiveAgent.ID == agency.BYOAAgentID {
			routing["byoa"]++
		}
	}
	if routing["agent"] != 8 || routing["webhook"] != 1 || routing[""] != 2 || routing["byoa"] != 1 {
		t.Errorf("routing: %v", routing)
	}
}

func expectTemplateStates(t *testing.T, c *wassist.Client) {
	templates, err := c.ListTemplates(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	states, languages, unpublished := map[string]bool{}, map[string]bool{}, 0
	for _, tpl := range templates {
		languages[tpl.Language] = true
		if len(tpl.AccountLinks) == 0 {
			unpublished++
		}
		for _, l := range tpl.AccountLinks {
			states[l.Status] = true
		}
	}
	if got := slices.Sorted(maps.Keys(states)); !slices.Equal(got, []string{"APPROVED", "PAUSED", "PENDING", "REJECTED"}) {
		t.Errorf("review states: %v", got)
	}
	if len(languages) < 4 || unpublished != 1 {
		t.Errorf("languages %v, %d unpublished", languages, unpublished)
	}
}

// TestAgencyIsTheSameOnEveryRun compares two simulators seeded with one key, and two keys.
func TestAgencyIsTheSameOnEveryRun(t *testing.T) {
	seed := func(key string) wassisttest.Agency {
		s := wassisttest.New(wassisttest.Options{APIKeys: []string{key}})
		return s.SeedAgency(key)
	}
	one, two := seed(keyA), seed(keyA)
	if a, b := agencyJSON(t, one), agencyJSON(t, two); a != b {
		t.Fatal("two runs seeded different agencies")
	}
	other := seed(keyB)
	if other.Agents[0].ID == one.Agents[0].ID || other.Accounts[0].ID == one.Accounts[0].ID {
		t.Error("two keys share ids")
	}
	defer func() {
		if recover() == nil {
			t.Error("seeding a key twice did not panic")
		}
	}()
	s := wassisttest.New(wassisttest.Options{APIKeys: []string{keyA}})
	s.SeedAgency(keyA)
	s.SeedAgency(keyA)
}

// agencyJSON is the agency without the organisation, whose id the simulator draws per key.
func agencyJSON(t *testing.T, a wassisttest.Agency) string {
	t.Helper()
	for i := range a.Agents {
		a.Agents[i].Organization = nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
