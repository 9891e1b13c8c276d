package wassist

import (
	"encoding/json"
	"testing"
)

func TestAgentUpdateSendsOnlyWhatIsSetAndCanClear(t *testing.T) {
	name := "Concierge"
	u := AgentUpdate{
		Name:          &name,
		Icebreakers:   []string{},
		LLMModel:      Null[string](),
		PaywallConfig: Value(PaywallConfig{PaywallAction: "none"}),
	}
	data, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": `"Concierge"`, "icebreakers": `[]`, "llmModel": `null`}
	for k, v := range want {
		if string(got[k]) != v {
			t.Errorf("%s = %s, want %s", k, got[k], v)
		}
	}
	if _, ok := got["paywallConfig"]; !ok {
		t.Error("paywallConfig set to a value was left out")
	}
	for _, k := range []string{"description", "tools", "creditSettings", "systemPrompt"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s was never set but was sent: %s", k, data)
		}
	}
}

func TestRefAcceptsAnIDAnObjectOrNull(t *testing.T) {
	var n struct {
		A, B, C Ref
	}
	if err := json.Unmarshal([]byte(`{"A":"id-1","B":{"id":"id-2","name":"Bot"},"C":null}`), &n); err != nil {
		t.Fatal(err)
	}
	if n.A.ID != "id-1" || n.B.ID != "id-2" || n.B.Name != "Bot" || n.C.ID != "" {
		t.Fatalf("got %+v", n)
	}
}

func TestAgentDecodesOwnerAndSharingsPresentNullOrAbsent(t *testing.T) {
	var full Agent
	body := `{"id":"a","owner":{"phoneNumber":"+447700900001","whatsappName":"Ann"},"ownerActive":true,` +
		`"sharings":[{"phoneNumber":"+447700900123","whatsappName":""},{"phoneNumber":"+447700900124","whatsappName":"Bo"}]}`
	if err := json.Unmarshal([]byte(body), &full); err != nil {
		t.Fatal(err)
	}
	if full.Owner == nil || full.Owner.PhoneNumber != "+447700900001" || full.Owner.WhatsappName != "Ann" || !full.OwnerActive ||
		len(full.Sharings) != 2 || full.Sharings[1] != (AgentUser{PhoneNumber: "+447700900124", WhatsappName: "Bo"}) {
		t.Fatalf("got owner %+v ownerActive %v sharings %+v", full.Owner, full.OwnerActive, full.Sharings)
	}
	for _, body := range []string{`{"id":"a","owner":null,"sharings":null,"ownerActive":null}`, `{"id":"a"}`} {
		var a Agent
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if a.Owner != nil || a.Sharings != nil || a.OwnerActive {
			t.Fatalf("%s: got owner %+v ownerActive %v sharings %+v", body, a.Owner, a.OwnerActive, a.Sharings)
		}
	}
}

// A trigger is read with the url and secret Wassist generated and written without them.
func TestOutboundTriggerIsWrittenWithoutItsURLAndSecret(t *testing.T) {
	var a Agent
	body := `{"outboundTriggers":[{"id":"tr1","url":"https://backend.wassist.app/t/tr1/","secret":"whsec_1","enabled":true,` +
		`"templateId":"tpl1","templateName":"order_ready"}]}`
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	want := AgentOutboundTrigger{ID: "tr1", URL: "https://backend.wassist.app/t/tr1/", Secret: "whsec_1", Enabled: true,
		TemplateID: "tpl1", TemplateName: "order_ready"}
	if len(a.OutboundTriggers) != 1 || a.OutboundTriggers[0] != want {
		t.Fatalf("read %+v", a.OutboundTriggers)
	}
	cases := []struct {
		name string
		u    AgentUpdate
		want string
	}{
		{"left out", AgentUpdate{}, `{}`},
		{"cleared", AgentUpdate{OutboundTriggers: []AgentOutboundTrigger{}}, `{"outboundTriggers":[]}`},
		{"sent back as read", AgentUpdate{OutboundTriggers: a.OutboundTriggers},
			`{"outboundTriggers":[{"id":"tr1","enabled":true,"templateId":"tpl1","templateName":"order_ready"}]}`},
		{"new", AgentUpdate{OutboundTriggers: []AgentOutboundTrigger{{TemplateID: "tpl1", TemplateName: "order_ready"}}},
			`{"outboundTriggers":[{"enabled":false,"templateId":"tpl1","templateName":"order_ready"}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.u)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tc.want {
				t.Fatalf("sent %s, want %s", data, tc.want)
			}
		})
	}
}
