//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
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
