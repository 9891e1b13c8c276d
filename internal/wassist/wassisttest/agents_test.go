//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestCreateAgentReturnsTheAgentWithEveryOtherFieldEmpty(t *testing.T) {
	m := newSim(t, wassisttest.Options{Clock: wassisttest.NewFakeClock(t0)})
	r := m.do(http.MethodPost, "/agents/", keyA, `{"name": "Coffee Concierge"}`)
	expectStatus(t, r, http.StatusCreated)
	got := r.object(t)
	id := str(t, got, "id")
	org := obj(t, got["organization"])
	if str(t, org, "id") == "" || str(t, org, "name") == "" || org["isPersonal"] != false {
		t.Fatalf("organization = %v", org)
	}
	want := fmt.Sprintf(`{"id":%q,"name":"Coffee Concierge","description":"","systemPrompt":"","firstMessage":"",
		"icebreakers":[],"profilePicture":null,"llmModel":null,"reasoningEffort":null,"tools":[],"documents":[],
		"memoryKeys":[],"wakeUpConfigs":[],"outboundTriggers":[],"websiteTools":[],"imageGenerateTools":[],
		"handoffTools":[],"mcpConfigs":[],"paywallConfig":null,"creditSettings":null,"organization":%s,
		"owner":{"phoneNumber":"+447700900000","whatsappName":"Simulated owner %s"},"sharings":[],"ownerActive":true,
		"phoneNumbers":[],"totalMessages":0,"totalSessions":0,
		"connectUrl":"https://wa.me/447000000000?text=/connect:%s","createdAt":"2026-01-02T03:04:05Z"}`,
		id, mustJSON(t, org), wassisttest.KeyID(keyA), id)
	expectEqualJSON(t, r.body, want)
	expectEqualJSON(t, m.do(http.MethodGet, "/agents/"+id+"/", keyA, nil).body, want)
}

func TestCreateAgentIgnoresEveryFieldButName(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	r := m.do(http.MethodPost, "/agents/", keyA, map[string]any{
		"id":           "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e",
		"name":         "Coffee",
		"systemPrompt": "You are a barista.",
		"firstMessage": "Hi!",
		"icebreakers":  []string{"Menu"},
		"llmModel":     "openai/gpt-4.1-mini",
		"tools":        []any{map[string]any{"name": "order_status"}},
		"paywallConfig": map[string]any{
			"paywallAction": "terminal",
		},
	})
	expectStatus(t, r, http.StatusCreated)
	for _, got := range []map[string]any{r.object(t), m.do(http.MethodGet, "/agents/"+str(t, r.object(t), "id")+"/", keyA, nil).object(t)} {
		if got["id"] == "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e" {
			t.Fatal("the client chose the id")
		}
		if got["systemPrompt"] != "" || got["firstMessage"] != "" || got["llmModel"] != nil || got["paywallConfig"] != nil ||
			len(list(t, got, "icebreakers")) != 0 || len(list(t, got, "tools")) != 0 {
			t.Fatalf("create applied more than the name: %v", got)
		}
	}
}

func TestCreateAgentValidatesTheName(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	cases := []struct {
		name, body, contentType string
		status                  int
		want                    string
	}{
		{"missing", `{}`, "", 400, `{"name":["This field is required."]}`},
		{"empty body", ``, "", 400, `{"name":["This field is required."]}`},
		{"blank", `{"name":""}`, "", 400, `{"name":["This field may not be blank."]}`},
		{"whitespace", `{"name":"   "}`, "", 400, `{"name":["This field may not be blank."]}`},
		{"too long", `{"name":"` + strings.Repeat("a", 256) + `"}`, "", 400,
			`{"name":["Ensure this field has no more than 255 characters."]}`},
		{"number", `{"name":5}`, "", 400, `{"name":["Not a valid string."]}`},
		{"list", `{"name":["a"]}`, "", 400, `{"name":["Not a valid string."]}`},
		{"null", `{"name":null}`, "", 400, `{"name":["This field may not be null."]}`},
		{"array body", `[{"name":"a"}]`, "", 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"null body", `null`, "", 400, `{"non_field_errors":["No data provided"]}`},
		{"not JSON content", `{"name":"a"}`, "text/plain", 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
		{"form content", `name=a`, "application/x-www-form-urlencoded", 415,
			`{"detail":"Unsupported media type \"application/x-www-form-urlencoded\" in request."}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{"X-API-Key": keyA}
			if tc.contentType != "" {
				headers["Content-Type"] = tc.contentType
			}
			r, err := m.send(http.MethodPost, "/agents/", headers, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			expectJSON(t, r, tc.status, tc.want)
		})
	}
	t.Run("malformed JSON", func(t *testing.T) {
		for _, body := range []string{`{"name":`, `{"name":"a"} trailing`, `name=a`} {
			r := m.do(http.MethodPost, "/agents/", keyA, body)
			expectStatus(t, r, http.StatusBadRequest)
			got := r.object(t)
			if len(got) != 1 || !strings.HasPrefix(str(t, got, "detail"), "JSON parse error - ") {
				t.Fatalf("body = %s", r.body)
			}
		}
	})
	t.Run("255 characters is allowed", func(t *testing.T) {
		expectStatus(t, m.do(http.MethodPost, "/agents/", keyA, map[string]any{"name": strings.Repeat("é", 255)}), http.StatusCreated)
	})
	if n := len(m.s.Agents(keyA)); n != 1 {
		t.Fatalf("%d agents stored, want only the valid one", n)
	}
}

func TestPatchChangesOnlyWritableFieldsAndDeleteRemovesTheAgent(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	created := m.createAgent(keyA, "Coffee")
	id := str(t, created, "id")
	path := "/agents/" + id + "/"

	r := m.do(http.MethodPatch, path, keyA, map[string]any{
		"systemPrompt":  "Be kind.",
		"icebreakers":   []string{"Menu", "Hours"},
		"llmModel":      "openai/gpt-4.1-mini",
		"id":            "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e",
		"createdAt":     "2020-01-01T00:00:00Z",
		"connectUrl":    "https://example.com",
		"totalMessages": 99,
		"phoneNumbers":  []any{map[string]any{"phoneNumber": "447700900100"}},
		"documents":     []any{map[string]any{"name": "menu.pdf"}},
		"noSuchField":   true,
	})
	expectStatus(t, r, http.StatusOK)
	got := r.object(t)
	if got["id"] != id || got["createdAt"] != created["createdAt"] || got["connectUrl"] != created["connectUrl"] ||
		got["totalMessages"] != float64(0) || len(list(t, got, "phoneNumbers")) != 0 || len(list(t, got, "documents")) != 0 {
		t.Fatalf("PATCH changed read-only fields: %s", r.body)
	}
	if got["name"] != "Coffee" || got["systemPrompt"] != "Be kind." || got["llmModel"] != "openai/gpt-4.1-mini" ||
		mustJSON(t, got["icebreakers"]) != `["Menu","Hours"]` {
		t.Fatalf("PATCH did not apply: %s", r.body)
	}
	expectEqualJSON(t, m.do(http.MethodGet, path, keyA, nil).body, string(r.body))

	del := m.do(http.MethodDelete, path, keyA, nil)
	expectStatus(t, del, http.StatusNoContent)
	if len(del.body) != 0 {
		t.Fatalf("204 with a body: %q", del.body)
	}
	notFound := `{"error":"Agent not found","code":"not_found"}`
	expectJSON(t, m.do(http.MethodGet, path, keyA, nil), http.StatusNotFound, notFound)
	expectJSON(t, m.do(http.MethodDelete, path, keyA, nil), http.StatusNotFound, notFound)
}

func TestPatchLeavesOmittedFieldsAloneAndTrimsText(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	expectStatus(t, m.do(http.MethodPatch, path, keyA, map[string]any{
		"systemPrompt": "  Be kind.\n", "tools": []any{map[string]any{"name": " order_status "}},
	}), http.StatusOK)
	got := m.do(http.MethodPatch, path, keyA, map[string]any{"name": " Coffee Concierge "}).object(t)
	if got["name"] != "Coffee Concierge" || got["systemPrompt"] != "Be kind." {
		t.Fatalf("text not trimmed or not kept: name %q, systemPrompt %q", got["name"], got["systemPrompt"])
	}
	if tools := list(t, got, "tools"); len(tools) != 1 || obj(t, tools[0])["name"] != "order_status" {
		t.Fatalf("tools = %v", tools)
	}
}

func TestPatchRejectsBadFieldsWithDRFFieldErrorsAndChangesNothing(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	const ghost = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"
	cases := []struct{ name, body, want string }{
		{"blank name", `{"name":""}`, `{"name":["This field may not be blank."]}`},
		{"null name", `{"name":null}`, `{"name":["This field may not be null."]}`},
		{"number description", `{"description":5}`, `{"description":["Not a valid string."]}`},
		{"null systemPrompt", `{"systemPrompt":null}`, `{"systemPrompt":["This field may not be null."]}`},
		{"icebreakers not a list", `{"icebreakers":"hi"}`, `{"icebreakers":["Expected a list of items but got type \"str\"."]}`},
		{"icebreaker not a string", `{"icebreakers":["ok",3]}`, `{"icebreakers":{"1":["Not a valid string."]}}`},
		{"blank icebreaker", `{"icebreakers":[""]}`, `{"icebreakers":{"0":["This field may not be blank."]}}`},
		{"llmModel number", `{"llmModel":4}`, `{"llmModel":["Not a valid string."]}`},
		{"tool without name", `{"tools":[{"name":"a"},{"description":"no name"}]}`, `{"tools":[{},{"name":["This field is required."]}]}`},
		{"tools not a list", `{"tools":{"name":"a"}}`, `{"tools":{"non_field_errors":["Expected a list of items but got type \"dict\"."]}}`},
		{"tools null", `{"tools":null}`, `{"tools":["This field may not be null."]}`},
		{"tool not an object", `{"tools":["x"]}`, `{"tools":[{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}]}`},
		{"tool name too long", `{"tools":[{"name":"` + strings.Repeat("t", 129) + `"}]}`,
			`{"tools":[{"name":["Ensure this field has no more than 128 characters."]}]}`},
		{"negative creditCost", `{"tools":[{"name":"a","creditCost":-1}]}`,
			`{"tools":[{"creditCost":["Ensure this value is greater than or equal to 0."]}]}`},
		{"fractional creditCost", `{"tools":[{"name":"a","creditCost":1.5}]}`, `{"tools":[{"creditCost":["A valid integer is required."]}]}`},
		{"string creditCost", `{"tools":[{"name":"a","creditCost":"1"}]}`, `{"tools":[{"creditCost":["A valid integer is required."]}]}`},
		{"string active", `{"tools":[{"name":"a","active":"true"}]}`, `{"tools":[{"active":["Must be a valid boolean."]}]}`},
		{"apiSchema list", `{"tools":[{"name":"a","apiSchema":[]}]}`,
			`{"tools":[{"apiSchema":["Expected a dictionary of items but got type \"list\"."]}]}`},
		{"website tool bad url", `{"websiteTools":[{"url":"not a url"}]}`, `{"websiteTools":[{"url":["Enter a valid URL."]}]}`},
		{"website tool without url", `{"websiteTools":[{"prompt":"p"}]}`, `{"websiteTools":[{"url":["This field is required."]}]}`},
		{"memory key bad type", `{"memoryKeys":[{"key":"k","type":"date"}]}`, `{"memoryKeys":[{"type":["\"date\" is not a valid choice."]}]}`},
		{"memory key without key", `{"memoryKeys":[{"type":"string"}]}`, `{"memoryKeys":[{"key":["This field is required."]}]}`},
		{"handoff to unknown agent", `{"handoffTools":[{"childAgentId":"` + ghost + `"}]}`,
			`{"handoffTools":[{"childAgentId":["Invalid pk \"` + ghost + `\" - object does not exist."]}]}`},
		{"handoff to non-uuid", `{"handoffTools":[{"childAgentId":"nope"}]}`, `{"handoffTools":[{"childAgentId":["Must be a valid UUID."]}]}`},
		{"handoff without child", `{"handoffTools":[{"description":"d"}]}`, `{"handoffTools":[{"childAgentId":["This field is required."]}]}`},
		{"paywall bad action", `{"paywallConfig":{"paywallAction":"bogus"}}`,
			`{"paywallConfig":{"paywallAction":["\"bogus\" is not a valid choice."]}}`},
		{"paywall not an object", `{"paywallConfig":[]}`,
			`{"paywallConfig":{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}}`},
		{"paywall price 3 places", `{"paywallConfig":{"subscriptionPricePerMonth":"9.999"}}`,
			`{"paywallConfig":{"subscriptionPricePerMonth":["Ensure that there are no more than 2 decimal places."]}}`},
		{"paywall price not a number", `{"paywallConfig":{"subscriptionPricePerMonth":"cheap"}}`,
			`{"paywallConfig":{"subscriptionPricePerMonth":["A valid number is required."]}}`},
		{"paywall bad url", `{"paywallConfig":{"paywallUrl":"ftp://example.com"}}`, `{"paywallConfig":{"paywallUrl":["Enter a valid URL."]}}`},
		{"paywall negative limit", `{"paywallConfig":{"messageLimit":-1}}`,
			`{"paywallConfig":{"messageLimit":["Ensure this value is greater than or equal to 0."]}}`},
		{"credits negative", `{"creditSettings":{"initialCredits":-1}}`,
			`{"creditSettings":{"initialCredits":["Ensure this value is greater than or equal to 0."]}}`},
		{"credits string", `{"creditSettings":{"creditGrantAmount":"5"}}`, `{"creditSettings":{"creditGrantAmount":["A valid integer is required."]}}`},
		{"several fields", `{"name":"","systemPrompt":"new","tools":"x"}`,
			`{"name":["This field may not be blank."],"tools":{"non_field_errors":["Expected a list of items but got type \"str\"."]}}`},
	}
	before := m.do(http.MethodGet, path, keyA, nil).body
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPatch, path, keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
	expectEqualJSON(t, m.do(http.MethodGet, path, keyA, nil).body, string(before))
}

func TestPutReplacesEveryWritableField(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	expectStatus(t, m.do(http.MethodPatch, path, keyA, map[string]any{
		"systemPrompt": "Be kind.", "tools": []any{map[string]any{"name": "a"}}, "creditSettings": map[string]any{},
	}), http.StatusOK)
	got := m.do(http.MethodPut, path, keyA, map[string]any{"name": "Tea", "firstMessage": "Hello"}).object(t)
	if got["name"] != "Tea" || got["firstMessage"] != "Hello" || got["systemPrompt"] != "" ||
		len(list(t, got, "tools")) != 0 || got["creditSettings"] != nil {
		t.Fatalf("PUT did not replace: %v", got)
	}
	expectJSON(t, m.do(http.MethodPut, path, keyA, `{}`), http.StatusBadRequest, `{"name":["This field is required."]}`)
}
