//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestPhoneNumbersAreListedAndConnectAgentRoutesThem(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	acc := m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	agent := str(t, m.createAgent(keyA, "Coffee"), "id")
	path := "/phone-numbers/447700900100/"

	numbers := m.do(http.MethodGet, "/phone-numbers/", keyA, nil)
	expectStatus(t, numbers, http.StatusOK)
	if n := len(numbers.items(t)); n != 2 {
		t.Fatalf("%d numbers listed, want 2", n)
	}
	expectStatus(t, m.do(http.MethodPatch, "/agents/"+agent+"/", keyA, map[string]any{"icebreakers": []string{"Menu"}}), http.StatusOK)
	pn := m.do(http.MethodGet, path, keyA, nil).object(t)
	meta := str(t, pn, "whatsappPhoneNumberId")
	// The SDK's shape: the account and the agent as objects, not ids.
	account := `{"id":"` + acc.ID + `","name":"Daily Grind Ltd","waId":"` + acc.WaID + `"}`
	want := `{"id":"` + acc.PhoneNumbers[0].ID + `","number":"447700900100","whatsappPhoneNumberId":"` + meta + `",` +
		`"whatsappBusinessAccount":` + account + `,"activeAgent":null,"defaultRouting":null,"defaultWebhook":null,"isSandbox":false}`
	expectEqualJSON(t, []byte(mustJSON(t, pn)), want)
	expectEqualJSON(t, []byte(mustJSON(t, numbers.items(t)[0])), want)

	r := m.do(http.MethodPost, path+"connect-agent/", keyA, map[string]any{"agentId": agent, "applyToExisting": true})
	want = `{"id":"` + acc.PhoneNumbers[0].ID + `","number":"447700900100","whatsappPhoneNumberId":"` + meta + `",` +
		`"whatsappBusinessAccount":` + account + `,"activeAgent":{"id":"` + agent + `","name":"Coffee","icebreakers":["Menu"]},` +
		`"defaultRouting":"agent","defaultWebhook":null,"isSandbox":false}`
	expectJSON(t, r, http.StatusOK, want)
	expectJSON(t, m.do(http.MethodGet, path, keyA, nil), http.StatusOK, want)

	got := m.do(http.MethodGet, "/agents/"+agent+"/", keyA, nil).object(t)
	wantNumbers := `[{"whatsappPhoneNumberId":"` + meta + `","whatsappBusinessAccountId":"` + acc.WaID + `",` +
		`"wabaId":"` + acc.ID + `","phoneNumber":"447700900100"}]`
	expectEqualJSON(t, []byte(mustJSON(t, got["phoneNumbers"])), wantNumbers)
	if bot := m.s.Accounts(keyA)[0].PhoneNumbers[0].Bot; bot == nil || bot.ID != agent || bot.Name != "Coffee" {
		t.Fatalf("account shows bot %+v", bot)
	}
}

func TestConnectAgentValidatesItsBody(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	agent := str(t, m.createAgent(keyA, "Coffee"), "id")
	foreign := str(t, m.createAgent(keyB, "Not yours"), "id")
	const ghost = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"
	cases := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"missing agentId", map[string]any{}, 400, `{"agentId":["This field is required."]}`},
		{"null agentId", map[string]any{"agentId": nil}, 400, `{"agentId":["This field may not be null."]}`},
		{"agentId not a uuid", map[string]any{"agentId": "Coffee"}, 400, `{"agentId":["Must be a valid UUID."]}`},
		{"unknown agent", map[string]any{"agentId": ghost}, 400, `{"agentId":["Invalid pk \"` + ghost + `\" - object does not exist."]}`},
		// The agent exists, but the key's organisation neither owns it nor has it shared.
		{"another key's agent", map[string]any{"agentId": foreign}, 403, `{"detail":"You do not have permission to perform this action."}`},
		{"applyToExisting not a bool", map[string]any{"agentId": agent, "applyToExisting": "yes"}, 400,
			`{"applyToExisting":["Must be a valid boolean."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, "/phone-numbers/447700900100/connect-agent/", keyA, tc.body), tc.status, tc.want)
		})
	}
	if n, _ := m.s.PhoneNumber(keyA, "447700900100"); n.ActiveAgent != nil {
		t.Fatalf("a rejected connect routed the number to %s", *n.ActiveAgent)
	}
}

func TestUnsubscribeClearsTheRoutingEverywhereItShows(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	acc := m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	agent := str(t, m.createAgent(keyA, "Coffee"), "id")
	for _, num := range []string{"447700900100", "447700900101"} {
		expectStatus(t, m.do(http.MethodPost, "/phone-numbers/"+num+"/connect-agent/", keyA, map[string]any{"agentId": agent}), http.StatusOK)
	}
	path := "/phone-numbers/447700900100/"
	meta := str(t, m.do(http.MethodGet, path, keyA, nil).object(t), "whatsappPhoneNumberId")

	r := m.do(http.MethodPost, path+"unsubscribe/", keyA, map[string]any{"applyToExisting": false})
	want := `{"id":"` + acc.PhoneNumbers[0].ID + `","number":"447700900100","whatsappPhoneNumberId":"` + meta + `",` +
		`"whatsappBusinessAccount":{"id":"` + acc.ID + `","name":"Daily Grind Ltd","waId":"` + acc.WaID + `"},` +
		`"activeAgent":null,"defaultRouting":null,"defaultWebhook":null,"isSandbox":false}`
	expectJSON(t, r, http.StatusOK, want)
	expectJSON(t, m.do(http.MethodGet, path, keyA, nil), http.StatusOK, want)

	numbers := list(t, m.do(http.MethodGet, "/agents/"+agent+"/", keyA, nil).object(t), "phoneNumbers")
	if len(numbers) != 1 || obj(t, numbers[0])["phoneNumber"] != "447700900101" {
		t.Fatalf("the agent still lists %v, want only 447700900101", numbers)
	}
	account := m.do(http.MethodGet, "/whatsapp-accounts/"+acc.ID+"/", keyA, nil).object(t)
	bots := list(t, account, "phoneNumbers")
	if obj(t, bots[0])["bot"] != nil || obj(t, obj(t, bots[1])["bot"])["id"] != agent {
		t.Fatalf("account numbers after unsubscribe: %s", mustJSON(t, bots))
	}

	// The body is optional, and unsubscribing a number with no routing is not an error.
	for _, body := range []any{`{}`, nil, `{"applyToExisting":true}`} {
		r := m.do(http.MethodPost, "/phone-numbers/447700900101/unsubscribe/", keyA, body)
		expectStatus(t, r, http.StatusOK)
		if got := r.object(t); got["activeAgent"] != nil || got["defaultRouting"] != nil {
			t.Fatalf("body %v: answered %s", body, r.body)
		}
	}
	if n := len(list(t, m.do(http.MethodGet, "/agents/"+agent+"/", keyA, nil).object(t), "phoneNumbers")); n != 0 {
		t.Fatalf("the agent still lists %d numbers", n)
	}
}

func TestUnsubscribeValidatesItsBody(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	agent := str(t, m.createAgent(keyA, "Coffee"), "id")
	if !m.s.ConnectNumber(keyA, "447700900100", agent) {
		t.Fatal("could not route the number")
	}
	cases := []struct{ name, body, want string }{
		{"a list", `[]`, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"a string", `"applyToExisting"`, `{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}`},
		{"null", `null`, `{"non_field_errors":["No data provided"]}`},
		{"applyToExisting a string", `{"applyToExisting":"true"}`, `{"applyToExisting":["Must be a valid boolean."]}`},
		{"applyToExisting a number", `{"applyToExisting":1}`, `{"applyToExisting":["Must be a valid boolean."]}`},
		{"applyToExisting null", `{"applyToExisting":null}`, `{"applyToExisting":["This field may not be null."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, "/phone-numbers/447700900100/unsubscribe/", keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
	if n, _ := m.s.PhoneNumber(keyA, "447700900100"); n.ActiveAgent == nil || *n.ActiveAgent != agent {
		t.Fatalf("a rejected unsubscribe changed the routing: %+v", n)
	}
}

// A webhook made in the dashboard takes the number over from its agent; connecting an agent
// drops the webhook again, and unsubscribe clears both.
func TestSubscribeRoutesANumberToAWebhook(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	agent := str(t, m.createAgent(keyA, "Coffee"), "id")
	wh := m.s.SeedWebhook(keyA, "Orders", "https://hooks.example.com/orders")
	const path = "/phone-numbers/447700900100/"
	expectStatus(t, m.do(http.MethodPost, path+"connect-agent/", keyA, map[string]any{"agentId": agent}), http.StatusOK)

	r := m.do(http.MethodPost, path+"subscribe/", keyA, map[string]any{"webhookId": wh.ID, "applyToExisting": false})
	expectStatus(t, r, http.StatusOK)
	pn := r.object(t)
	if pn["activeAgent"] != nil || pn["defaultRouting"] != "webhook" ||
		mustJSON(t, pn["defaultWebhook"]) != `{"id":"`+wh.ID+`","name":"Orders","url":"https://hooks.example.com/orders"}` {
		t.Fatalf("subscribe answered %s", r.body)
	}
	expectEqualJSON(t, m.do(http.MethodGet, path, keyA, nil).body, string(r.body))
	if n := len(list(t, m.do(http.MethodGet, "/agents/"+agent+"/", keyA, nil).object(t), "phoneNumbers")); n != 0 {
		t.Fatalf("the agent still lists %d numbers", n)
	}
	if n, _ := m.s.PhoneNumber(keyA, "447700900100"); n.ActiveAgent != nil || n.DefaultWebhook == nil || *n.DefaultWebhook != wh.ID {
		t.Fatalf("the simulator holds %+v", n)
	}

	pn = m.do(http.MethodPost, path+"connect-agent/", keyA, map[string]any{"agentId": agent}).object(t)
	if pn["defaultWebhook"] != nil || pn["defaultRouting"] != "agent" {
		t.Fatalf("connect-agent kept the webhook: %v", pn)
	}
	if !m.s.SubscribeNumber(keyA, "447700900100", wh.ID) || m.s.SubscribeNumber(keyA, "447700900100", agent) ||
		m.s.SubscribeNumber(keyA, "447700900999", wh.ID) {
		t.Fatal("SubscribeNumber")
	}
	pn = m.do(http.MethodPost, path+"unsubscribe/", keyA, map[string]any{}).object(t)
	if pn["defaultWebhook"] != nil || pn["defaultRouting"] != nil || pn["activeAgent"] != nil {
		t.Fatalf("unsubscribe kept the webhook: %v", pn)
	}
}

func TestSubscribeValidatesItsBody(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	wh := m.s.SeedWebhook(keyA, "Orders", "https://hooks.example.com/orders")
	foreign := m.s.SeedWebhook(keyB, "Not yours", "https://hooks.example.com/other")
	const ghost = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"
	cases := []struct {
		name string
		body any
		want string
	}{
		{"missing webhookId", map[string]any{}, `{"webhookId":["This field is required."]}`},
		{"null webhookId", map[string]any{"webhookId": nil}, `{"webhookId":["This field may not be null."]}`},
		{"webhookId not a uuid", map[string]any{"webhookId": "Orders"}, `{"webhookId":["Must be a valid UUID."]}`},
		{"unknown webhook", map[string]any{"webhookId": ghost}, `{"webhookId":["Invalid pk \"` + ghost + `\" - object does not exist."]}`},
		{"another key's webhook", map[string]any{"webhookId": foreign.ID},
			`{"webhookId":["Invalid pk \"` + foreign.ID + `\" - object does not exist."]}`},
		{"applyToExisting not a bool", map[string]any{"webhookId": wh.ID, "applyToExisting": "yes"}, `{"applyToExisting":["Must be a valid boolean."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, "/phone-numbers/447700900100/subscribe/", keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
	if n, _ := m.s.PhoneNumber(keyA, "447700900100"); n.DefaultWebhook != nil || n.DefaultRouting != nil {
		t.Fatalf("a rejected subscribe routed the number: %+v", n)
	}
	expectJSON(t, m.do(http.MethodPost, "/phone-numbers/447700900999/subscribe/", keyA, map[string]any{"webhookId": wh.ID}),
		http.StatusNotFound, `{"error":"Phone number not found","code":"not_found"}`)
}
