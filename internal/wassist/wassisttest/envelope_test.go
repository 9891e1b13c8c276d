//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestEnvelopeAllListsWrapsTheBareLists(t *testing.T) {
	m := newSim(t, wassisttest.Options{EnvelopeAllLists: true})
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	createSession(t, m)
	base := m.ts.URL + "/api/v1"
	cases := []struct {
		path    string
		count   int
		results int
		next    any
	}{
		{"/whatsapp-accounts/", 1, 1, nil},
		{"/phone-numbers/", 2, 2, nil},
		{"/phone-numbers/?limit=1", 2, 1, base + "/phone-numbers/?limit=1&offset=1"},
		{"/whatsapp-link-sessions/", 1, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			r := m.do(http.MethodGet, tc.path, keyA, nil)
			expectStatus(t, r, http.StatusOK)
			env := r.object(t)
			if len(env) != 4 || env["count"] != float64(tc.count) || len(list(t, env, "results")) != tc.results ||
				env["next"] != tc.next || env["previous"] != nil {
				t.Fatalf("envelope = %s", r.body)
			}
		})
	}
}
