//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestWhatsAppAccountsAreListedWithTheirNumbers(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	acc := m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	m.s.SeedAccount(keyA, wassisttest.Account{Name: "Other Ltd", PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: "447700900200"}}})

	accounts := m.do(http.MethodGet, "/whatsapp-accounts/", keyA, nil)
	expectStatus(t, accounts, http.StatusOK)
	if n := len(accounts.items(t)); n != 2 {
		t.Fatalf("%d accounts listed", n)
	}
	waba := `{"id":"` + acc.ID + `","name":"Daily Grind Ltd"}`
	want := `{"id":"` + acc.ID + `","name":"Daily Grind Ltd","waId":"` + acc.WaID + `","phoneNumbers":[` +
		`{"id":"` + acc.PhoneNumbers[0].ID + `","number":"447700900100","bot":null,"waba":` + waba + `},` +
		`{"id":"` + acc.PhoneNumbers[1].ID + `","number":"447700900101","bot":null,"waba":` + waba + `}],` +
		`"templatesUrl":"https://business.facebook.com/wa/manage/message-templates/?waba_id=` + acc.WaID + `"}`
	expectEqualJSON(t, []byte(mustJSON(t, accounts.items(t)[0])), want)
	expectJSON(t, m.do(http.MethodGet, "/whatsapp-accounts/"+acc.ID+"/", keyA, nil), http.StatusOK, want)
}

func TestDeployAgentRoutesANumberOfThatAccount(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	acc := m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	other := m.s.SeedAccount(keyA, wassisttest.Account{Name: "Other", PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: "447700900200"}}})
	agent := str(t, m.createAgent(keyA, "Coffee"), "id")
	path := "/whatsapp-accounts/" + acc.ID + "/deploy-agent/"
	const ghost = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"

	cases := []struct {
		name string
		body any
		want string
	}{
		{"empty", map[string]any{}, `{"agentId":["This field is required."],"phoneNumberId":["This field is required."]}`},
		{"number of another account", map[string]any{"agentId": agent, "phoneNumberId": other.PhoneNumbers[0].ID},
			`{"phoneNumberId":["Invalid pk \"` + other.PhoneNumbers[0].ID + `\" - object does not exist."]}`},
		{"the number instead of its id", map[string]any{"agentId": agent, "phoneNumberId": "447700900100"},
			`{"phoneNumberId":["Must be a valid UUID."]}`},
		{"unknown agent", map[string]any{"agentId": ghost, "phoneNumberId": acc.PhoneNumbers[1].ID},
			`{"agentId":["Invalid pk \"` + ghost + `\" - object does not exist."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, path, keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}

	r := m.do(http.MethodPost, path, keyA, map[string]any{"agentId": agent, "phoneNumberId": acc.PhoneNumbers[1].ID})
	expectStatus(t, r, http.StatusOK)
	numbers := list(t, r.object(t), "phoneNumbers")
	if obj(t, numbers[0])["bot"] != nil || mustJSON(t, obj(t, numbers[1])["bot"]) != `{"id":"`+agent+`","name":"Coffee"}` {
		t.Fatalf("deploy answered %s", r.body)
	}
	pn := m.do(http.MethodGet, "/phone-numbers/447700900101/", keyA, nil).object(t)
	if obj(t, pn["activeAgent"])["id"] != agent || pn["defaultRouting"] != "agent" {
		t.Fatalf("/phone-numbers/ does not see the deploy: %v", pn)
	}
}
