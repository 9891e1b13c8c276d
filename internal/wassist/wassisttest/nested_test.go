//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// TestSubResourceListsAreReplacedAndDiffedByID runs the same scenario on every writable
// list: the list sent replaces the stored one, ids decide update versus create.
func TestSubResourceListsAreReplacedAndDiffedByID(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	child := str(t, m.createAgent(keyA, "Child"), "id")
	cases := []struct {
		field string
		entry func(label string) map[string]any // a valid new entry; label is stored in the text field
		text  string
	}{
		{"tools", func(l string) map[string]any { return map[string]any{"name": l} }, "name"},
		{"websiteTools", func(l string) map[string]any { return map[string]any{"url": "https://example.com/", "prompt": l} }, "prompt"},
		{"memoryKeys", func(l string) map[string]any { return map[string]any{"key": l, "type": "string"} }, "key"},
		{"handoffTools", func(l string) map[string]any { return map[string]any{"childAgentId": child, "description": l} }, "description"},
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
			if len(second) != 2 || second[0]["id"] != idA || second[0][tc.text] != "a2" {
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
