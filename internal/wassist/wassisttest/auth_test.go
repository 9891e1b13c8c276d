//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestAuthRejectsRequestsWithoutAValidXAPIKey(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: 1})
	cases := []struct {
		name    string
		headers map[string]string
	}{
		{"no key", nil},
		{"unknown key", map[string]string{"X-API-Key": "not-a-key"}},
		{"empty key", map[string]string{"X-API-Key": ""}},
		{"token scheme instead of X-API-Key", map[string]string{"Authorization": "Token " + keyA}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 3 {
				r, err := m.send(http.MethodGet, "/agents/", tc.headers, nil)
				if err != nil {
					t.Fatal(err)
				}
				expectJSON(t, r, http.StatusUnauthorized, `{"error":"Invalid API key","code":"unauthorized"}`)
			}
		})
	}
	t.Run("401s cost no budget", func(t *testing.T) {
		expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusOK)
		expectStatus(t, m.do(http.MethodGet, "/agents/", keyA, nil), http.StatusTooManyRequests)
	})
}
