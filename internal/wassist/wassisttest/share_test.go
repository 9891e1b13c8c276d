//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestShareAndUnshareTakeAUserPhoneNumber(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	id := str(t, m.createAgent(keyA, "Coffee"), "id")
	share, unshare := "/agents/"+id+"/share/", "/agents/"+id+"/unshare/"

	expectJSON(t, m.do(http.MethodPost, share, keyA, `{"userPhoneNumber":"+447700900123"}`), http.StatusOK,
		`{"userPhoneNumber":"+447700900123","shared":true}`)
	expectJSON(t, m.do(http.MethodPost, share, keyA, `{"userPhoneNumber":"447700900124"}`), http.StatusOK,
		`{"userPhoneNumber":"+447700900124","shared":true}`)
	if got := m.s.SharedWith(keyA, id); !slices.Equal(got, []string{"+447700900123", "+447700900124"}) {
		t.Fatalf("shared with %v", got)
	}
	expectJSON(t, m.do(http.MethodPost, unshare, keyA, `{"userPhoneNumber":"447700900123"}`), http.StatusOK,
		`{"userPhoneNumber":"+447700900123","shared":false}`)
	if got := m.s.SharedWith(keyA, id); !slices.Equal(got, []string{"+447700900124"}) {
		t.Fatalf("after unshare shared with %v", got)
	}

	cases := []struct{ name, body, want string }{
		{"missing", `{}`, `{"userPhoneNumber":["This field is required."]}`},
		{"null", `{"userPhoneNumber":null}`, `{"userPhoneNumber":["This field may not be null."]}`},
		{"too short", `{"userPhoneNumber":"+123456"}`, `{"userPhoneNumber":["Enter a valid phone number."]}`},
		{"too long", `{"userPhoneNumber":"+1234567890123456"}`, `{"userPhoneNumber":["Enter a valid phone number."]}`},
		{"letters", `{"userPhoneNumber":"+44770090abc"}`, `{"userPhoneNumber":["Enter a valid phone number."]}`},
		{"spaces", `{"userPhoneNumber":"+44 7700 900123"}`, `{"userPhoneNumber":["Enter a valid phone number."]}`},
		{"number", `{"userPhoneNumber":447700900123}`, `{"userPhoneNumber":["Enter a valid phone number."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, share, keyA, tc.body), http.StatusBadRequest, tc.want)
			expectJSON(t, m.do(http.MethodPost, unshare, keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
}

func TestSharingsAreServedOnEveryAgentReadAndCannotBeWritten(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	id := str(t, m.createAgent(keyA, "Coffee"), "id")
	other := str(t, m.createAgent(keyA, "Tea"), "id")
	path := "/agents/" + id + "/"
	for _, phone := range []string{"+447700900123", "447700900124"} {
		expectStatus(t, m.do(http.MethodPost, path+"share/", keyA, map[string]any{"userPhoneNumber": phone}), http.StatusOK)
	}
	both := `[{"phoneNumber":"+447700900123","whatsappName":""},{"phoneNumber":"+447700900124","whatsappName":""}]`
	sharings := func(what string, a map[string]any, want string) {
		t.Helper()
		if a["ownerActive"] != true || obj(t, a["owner"])["phoneNumber"] != "+447700900000" {
			t.Fatalf("%s: owner %v, ownerActive %v", what, a["owner"], a["ownerActive"])
		}
		if got := mustJSON(t, a["sharings"]); got != want {
			t.Fatalf("%s: sharings %s, want %s", what, got, want)
		}
	}

	sharings("GET", m.do(http.MethodGet, path, keyA, nil).object(t), both)
	results := list(t, m.do(http.MethodGet, "/agents/", keyA, nil).object(t), "results")
	if len(results) != 2 || obj(t, results[1])["id"] != other {
		t.Fatalf("listed %v", results)
	}
	sharings("list", obj(t, results[0]), both)
	sharings("list, the agent not shared", obj(t, results[1]), `[]`)
	sharings("Server.Agents", obj(t, asWire(t, m.s.Agents(keyA)[0])), both)
	sharings("SimClient.Agents", obj(t, asWire(t, must(m.client().Agents(context.Background(), keyA))[0])), both)

	// Read-only, as the other computed fields: a body that carries them changes nothing.
	readOnly := map[string]any{
		"name":        "Coffee",
		"sharings":    []any{map[string]any{"phoneNumber": "+447700900999", "whatsappName": "Eve"}},
		"owner":       map[string]any{"phoneNumber": "+447700900998", "whatsappName": "Mallory"},
		"ownerActive": false,
	}
	for _, method := range []string{http.MethodPatch, http.MethodPut} {
		r := m.do(method, path, keyA, readOnly)
		expectStatus(t, r, http.StatusOK)
		sharings(method, r.object(t), both)
	}
	sharings("GET after the writes", m.do(http.MethodGet, path, keyA, nil).object(t), both)

	expectStatus(t, m.do(http.MethodPost, path+"unshare/", keyA, map[string]any{"userPhoneNumber": "447700900123"}), http.StatusOK)
	sharings("GET after one unshare", m.do(http.MethodGet, path, keyA, nil).object(t), `[{"phoneNumber":"+447700900124","whatsappName":""}]`)
	expectStatus(t, m.do(http.MethodPost, path+"unshare/", keyA, map[string]any{"userPhoneNumber": "+447700900124"}), http.StatusOK)
	sharings("list after both unshares", obj(t, list(t, m.do(http.MethodGet, "/agents/", keyA, nil).object(t), "results")[0]), `[]`)
}

// asWire is v as a client would decode it from the wire.
func asWire(t *testing.T, v any) any {
	t.Helper()
	return reply{body: []byte(mustJSON(t, v))}.value(t)
}
