//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// TestSubResourceListsAreReplacedAndDiffedByID runs the same scenario on every writable
// list: the list sent replaces the stored one, ids decide update versus create.
func TestSubResourceListsAreReplacedAndDiffedByID(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	child := str(t, m.createAgent(keyA, "Child"), "id")
	connector := m.s.SeedConnector(keyA, "Calendar")
	templates := map[string]string{} // a trigger's templateName must be its template's name
	for _, name := range []string{"a", "b", "a2", "c", "new"} {
		templates[name] = m.s.SeedTemplate(keyA, wassisttest.Template{Name: name, Category: "UTILITY"}).ID
	}
	cases := []struct {
		field string
		entry func(label string) map[string]any // a valid new entry; label is stored in the text field
		text  string
	}{
		{"tools", func(l string) map[string]any { return map[string]any{"name": l} }, "name"},
		{"websiteTools", func(l string) map[string]any { return map[string]any{"url": "https://example.com/", "prompt": l} }, "prompt"},
		{"memoryKeys", func(l string) map[string]any { return map[string]any{"key": l, "type": "string"} }, "key"},
		{"handoffTools", func(l string) map[string]any { return map[string]any{"childAgentId": child, "description": l} }, "description"},
		{"wakeUpConfigs", func(l string) map[string]any { return map[string]any{"description": l} }, "description"},
		{"imageGenerateTools", func(l string) map[string]any {
			return map[string]any{"name": l, "description": "Draws", "prompt": "A cup of coffee"}
		}, "name"},
		{"mcpConfigs", func(l string) map[string]any {
			return map[string]any{"connectorId": connector, "toolWhitelist": []any{l}}
		}, "toolWhitelist"},
		{"outboundTriggers", func(l string) map[string]any { return map[string]any{"templateId": templates[l], "templateName": l} }, "templateName"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			path := "/agents/" + str(t, m.createAgent(keyA, "Parent"), "id") + "/"
			patch := func(entries ...map[string]any) reply {
				entries = append([]map[string]any{}, entries...) // never null: a nil Go slice would be a 400
				return m.do(http.MethodPatch, path, keyA, map[string]any{tc.field: entries})
			}
			entries := func(r reply) []map[string]any {
				expectStatus(t, r, http.StatusOK)
				var out []map[string]any
				for _, e := range list(t, r.object(t), tc.field) {
					out = append(out, obj(t, e))
				}
				return out
			}

			first := entries(patch(tc.entry("a"), tc.entry("b")))
			idA, idB := str(t, first[0], "id"), str(t, first[1], "id")
			if idA == "" || idA == idB {
				t.Fatalf("created entries got ids %q and %q", idA, idB)
			}

			updated := tc.entry("a2")
			updated["id"] = idA
			second := entries(patch(updated, tc.entry("c")))
			if len(second) != 2 || second[0]["id"] != idA || fmt.Sprint(second[0][tc.text]) != fmt.Sprint(updated[tc.text]) {
				t.Fatalf("update by id: %v", second)
			}
			if idC := str(t, second[1], "id"); idC == idA || idC == idB {
				t.Fatalf("new entry reused id %s", idC)
			}

			stale := tc.entry("b")
			stale["id"] = idB
			want := fmt.Sprintf(`{%q:[{},{"id":["Invalid pk \"%s\" - object does not exist."]}]}`, tc.field, idB)
			expectJSON(t, patch(tc.entry("new"), stale), http.StatusBadRequest, want)

			dup := map[string]any{"id": idA}
			want = fmt.Sprintf(`{%q:[{},{"id":["Duplicate id %s in list."]}]}`, tc.field, idA)
			expectJSON(t, patch(dup, dup), http.StatusBadRequest, want)

			untouched := entries(m.do(http.MethodPatch, path, keyA, map[string]any{"name": "Renamed"}))
			if mustJSON(t, untouched) != mustJSON(t, second) {
				t.Fatalf("omitting %s changed it: %v", tc.field, untouched)
			}
			if got := entries(patch()); len(got) != 0 {
				t.Fatalf("an empty list left %v", got)
			}
		})
	}
}

func TestUpdatingAnEntryByIDKeepsTheFieldsItOmits(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	tool := map[string]any{"name": "order_status", "description": "Look up orders", "creditCost": 2, "active": false,
		"apiSchema": map[string]any{"url": "https://shop.example.com/orders/{order_id}", "method": "GET"}}
	created := obj(t, list(t, m.do(http.MethodPatch, path, keyA, map[string]any{"tools": []any{tool}}).object(t), "tools")[0])
	want := `{"id":"` + str(t, created, "id") + `","name":"order_status","description":"Look up orders",` +
		`"apiSchema":{"method":"GET","url":"https://shop.example.com/orders/{order_id}"},"creditCost":2,"active":false}`
	expectEqualJSON(t, []byte(mustJSON(t, created)), want)

	r := m.do(http.MethodPatch, path, keyA, map[string]any{"tools": []any{map[string]any{"id": created["id"], "active": true}}})
	got := obj(t, list(t, r.object(t), "tools")[0])
	if got["active"] != true || got["description"] != "Look up orders" || got["creditCost"] != float64(2) {
		t.Fatalf("partial entry update: %v", got)
	}
}

func TestHandoffToolsNameTheirAgentsAndFollowThem(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	parent := str(t, m.createAgent(keyA, "Front desk"), "id")
	child := str(t, m.createAgent(keyA, "Billing"), "id")
	other := str(t, m.createAgent(keyB, "Other tenant"), "id")
	path := "/agents/" + parent + "/"

	r := m.do(http.MethodPatch, path, keyA, map[string]any{"handoffTools": []any{map[string]any{"childAgentId": child, "description": "money"}}})
	h := obj(t, list(t, r.object(t), "handoffTools")[0])
	if h["parentAgentId"] != parent || h["childAgentId"] != child || h["childAgentName"] != "Billing" || h["active"] != true {
		t.Fatalf("handoff = %v", h)
	}

	expectStatus(t, m.do(http.MethodPatch, "/agents/"+child+"/", keyA, map[string]any{"name": "Payments"}), http.StatusOK)
	h = obj(t, list(t, m.do(http.MethodGet, path, keyA, nil).object(t), "handoffTools")[0])
	if h["childAgentName"] != "Payments" {
		t.Fatalf("childAgentName after rename = %v", h["childAgentName"])
	}

	want := `{"handoffTools":[{"childAgentId":["Invalid pk \"` + other + `\" - object does not exist."]}]}`
	expectJSON(t, m.do(http.MethodPatch, path, keyA, map[string]any{"handoffTools": []any{map[string]any{"childAgentId": other}}}),
		http.StatusBadRequest, want)

	expectStatus(t, m.do(http.MethodDelete, "/agents/"+child+"/", keyA, nil), http.StatusNoContent)
	if hs := list(t, m.do(http.MethodGet, path, keyA, nil).object(t), "handoffTools"); len(hs) != 0 {
		t.Fatalf("handoff to a deleted agent survived: %v", hs)
	}
}

func TestPaywallAndCreditSettingsAreNullableObjectsWithIDs(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	patch := func(body any) map[string]any {
		r := m.do(http.MethodPatch, path, keyA, body)
		expectStatus(t, r, http.StatusOK)
		return r.object(t)
	}

	pc := obj(t, patch(map[string]any{"paywallConfig": map[string]any{
		"paywallAction": "subscribe", "subscriptionPricePerMonth": "9.9", "messageLimit": 10,
	}})["paywallConfig"])
	id := str(t, pc, "id")
	want := `{"id":"` + id + `","messageLimit":10,"paywallAction":"subscribe","paywallUrl":null,"ctaButtonText":"",` +
		`"terminalStateMessage":"","subscriptionPricePerMonth":"9.90"}`
	expectEqualJSON(t, []byte(mustJSON(t, pc)), want)

	pc = obj(t, patch(map[string]any{"paywallConfig": map[string]any{"messageLimit": nil, "subscriptionPricePerMonth": 12}})["paywallConfig"])
	if pc["id"] != id || pc["paywallAction"] != "subscribe" || pc["messageLimit"] != nil || pc["subscriptionPricePerMonth"] != "12.00" {
		t.Fatalf("merged paywall = %v", pc)
	}
	if got := patch(map[string]any{"paywallConfig": nil}); got["paywallConfig"] != nil {
		t.Fatalf("null did not remove the paywall: %v", got["paywallConfig"])
	}

	cs := obj(t, patch(map[string]any{"creditSettings": map[string]any{"initialCredits": 5}})["creditSettings"])
	want = `{"id":"` + str(t, cs, "id") + `","initialCredits":5,"creditGrantPassword":null,"creditGrantAmount":0}`
	expectEqualJSON(t, []byte(mustJSON(t, cs)), want)
}

// The lists added for wake-ups, image tools, MCP connectors and outbound triggers check their
// entries as strictly as the older lists do.
func TestWakeUpImageMCPAndTriggerEntriesAreValidated(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	foreign := m.s.SeedConnector(keyB, "Not yours")
	welcome := m.s.SeedTemplate(keyA, wassisttest.Template{Name: "welcome", Category: "UTILITY"}).ID
	foreignTemplate := m.s.SeedTemplate(keyB, wassisttest.Template{Name: "welcome", Category: "UTILITY"}).ID
	const ghost = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"
	image := func(extra map[string]any) map[string]any {
		e := map[string]any{"name": "draw", "description": "Draws", "prompt": "A cup"}
		maps.Copy(e, extra)
		return e
	}
	cases := []struct {
		name, field string
		entry       map[string]any
		want        string
	}{
		{"wake-up without description", "wakeUpConfigs", map[string]any{"enabled": true}, `[{"description":["This field is required."]}]`},
		{"wake-up with a blank description", "wakeUpConfigs", map[string]any{"description": "  "}, `[{"description":["This field may not be blank."]}]`},
		{"wake-up forceMessage not a bool", "wakeUpConfigs", map[string]any{"description": "x", "forceMessage": "yes"},
			`[{"forceMessage":["Must be a valid boolean."]}]`},
		{"image tool without prompt", "imageGenerateTools", map[string]any{"name": "draw", "description": "d"},
			`[{"prompt":["This field is required."]}]`},
		{"image tool without name and description", "imageGenerateTools", map[string]any{"prompt": "p"},
			`[{"name":["This field is required."],"description":["This field is required."]}]`},
		{"image tool with a negative credit cost", "imageGenerateTools", image(map[string]any{"creditCost": -1}),
			`[{"creditCost":["Ensure this value is greater than or equal to 0."]}]`},
		{"image tool active not a bool", "imageGenerateTools", image(map[string]any{"active": 1}), `[{"active":["Must be a valid boolean."]}]`},
		{"MCP without connectorId", "mcpConfigs", map[string]any{}, `[{"connectorId":["This field is required."]}]`},
		{"MCP connectorId not a uuid", "mcpConfigs", map[string]any{"connectorId": "calendar"}, `[{"connectorId":["Must be a valid UUID."]}]`},
		{"MCP with an unknown connector", "mcpConfigs", map[string]any{"connectorId": ghost},
			`[{"connectorId":["Invalid pk \"` + ghost + `\" - object does not exist."]}]`},
		{"MCP with another key's connector", "mcpConfigs", map[string]any{"connectorId": foreign},
			`[{"connectorId":["Invalid pk \"` + foreign + `\" - object does not exist."]}]`},
		{"MCP toolWhitelist not a list", "mcpConfigs", map[string]any{"connectorId": foreign, "toolWhitelist": "all"},
			`[{"connectorId":["Invalid pk \"` + foreign + `\" - object does not exist."],"toolWhitelist":["Expected a list of items but got type \"str\"."]}]`},
		{"trigger without template", "outboundTriggers", map[string]any{"enabled": true},
			`[{"templateId":["This field is required."],"templateName":["This field is required."]}]`},
		{"trigger with a blank template id", "outboundTriggers", map[string]any{"templateId": "", "templateName": "welcome"},
			`[{"templateId":["This field may not be blank."]}]`},
		{"trigger naming no template", "outboundTriggers", map[string]any{"templateId": ghost, "templateName": "welcome"},
			`[{"templateId":["Invalid pk \"` + ghost + `\" - object does not exist."]}]`},
		{"trigger naming another key's template", "outboundTriggers", map[string]any{"templateId": foreignTemplate, "templateName": "welcome"},
			`[{"templateId":["Invalid pk \"` + foreignTemplate + `\" - object does not exist."]}]`},
		{"trigger with another name than its template's", "outboundTriggers", map[string]any{"templateId": welcome, "templateName": "reminder"},
			`[{"templateName":["Does not match the name of template ` + welcome + `, \"welcome\"."]}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(http.MethodPatch, path, keyA, map[string]any{tc.field: []any{tc.entry}})
			expectJSON(t, r, http.StatusBadRequest, fmt.Sprintf(`{%q:%s}`, tc.field, tc.want))
		})
	}
	if a, _ := m.s.Agent(keyA, strings.Split(path, "/")[2]); len(a.WakeUpConfigs)+len(a.ImageGenerateTools)+len(a.MCPConfigs)+
		len(a.OutboundTriggers) != 0 {
		t.Fatalf("a refused PATCH stored entries: %+v", a)
	}
}

// Omitted flags take the API's defaults; connectorName, url and secret are the server's and
// cannot be written; a trigger keeps its url and secret through updates.
func TestWakeUpImageMCPAndTriggerDefaultsAndReadOnlyFields(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	connector := m.s.SeedConnector(keyA, "Calendar")
	welcome := m.s.SeedTemplate(keyA, wassisttest.Template{Name: "welcome", Category: "UTILITY"}).ID
	reminder := m.s.SeedTemplate(keyA, wassisttest.Template{Name: "reminder", Category: "UTILITY"}).ID
	r := m.do(http.MethodPatch, path, keyA, map[string]any{
		"wakeUpConfigs":      []any{map[string]any{"description": "Nudge after a day"}},
		"imageGenerateTools": []any{map[string]any{"name": "draw", "description": "", "prompt": "A cup"}},
		"mcpConfigs":         []any{map[string]any{"connectorId": connector, "connectorName": "forged"}},
		"outboundTriggers": []any{map[string]any{"templateId": welcome, "templateName": "welcome",
			"url": "https://evil.example.com/", "secret": "mine"}},
	})
	expectStatus(t, r, http.StatusOK)
	a := r.object(t)
	wake := obj(t, list(t, a, "wakeUpConfigs")[0])
	image := obj(t, list(t, a, "imageGenerateTools")[0])
	mcp := obj(t, list(t, a, "mcpConfigs")[0])
	trigger := obj(t, list(t, a, "outboundTriggers")[0])
	expectEqualJSON(t, []byte(mustJSON(t, wake)), `{"id":"`+str(t, wake, "id")+`","description":"Nudge after a day","enabled":true,"forceMessage":false}`)
	expectEqualJSON(t, []byte(mustJSON(t, image)),
		`{"id":"`+str(t, image, "id")+`","name":"draw","description":"","prompt":"A cup","creditCost":0,"active":true}`)
	expectEqualJSON(t, []byte(mustJSON(t, mcp)),
		`{"id":"`+str(t, mcp, "id")+`","connectorId":"`+connector+`","connectorName":"Calendar","toolWhitelist":[]}`)
	url, secret := str(t, trigger, "url"), str(t, trigger, "secret")
	if !strings.HasPrefix(url, "https://") || strings.Contains(url, "evil") || secret == "" || secret == "mine" ||
		trigger["enabled"] != true || trigger["templateName"] != "welcome" {
		t.Fatalf("trigger = %v", trigger)
	}

	r = m.do(http.MethodPatch, path, keyA, map[string]any{"outboundTriggers": []any{
		map[string]any{"id": trigger["id"], "enabled": false, "secret": "rotated?"},
		map[string]any{"templateId": reminder, "templateName": "reminder"},
	}})
	expectStatus(t, r, http.StatusOK)
	triggers := list(t, r.object(t), "outboundTriggers")
	kept, added := obj(t, triggers[0]), obj(t, triggers[1])
	if kept["url"] != url || kept["secret"] != secret || kept["enabled"] != false || kept["templateId"] != welcome {
		t.Fatalf("updated trigger = %v, want url %s and secret kept", kept, url)
	}
	if added["url"] == url || added["secret"] == secret || str(t, added, "secret") == "" {
		t.Fatalf("a new trigger shares credentials: %v", added)
	}
	got := m.do(http.MethodGet, path, keyA, nil).object(t)
	if mustJSON(t, list(t, got, "outboundTriggers")) != mustJSON(t, triggers) || mustJSON(t, list(t, got, "mcpConfigs")) != mustJSON(t, []any{mcp}) {
		t.Fatalf("GET serves other lists than the PATCH answered: %s", mustJSON(t, got))
	}
}
