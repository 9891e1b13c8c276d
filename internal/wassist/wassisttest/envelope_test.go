//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// Every list is served in the paginated envelope by default, as the SDK reads it.
func TestEveryListIsEnvelopedByDefault(t *testing.T) {
	if os.Getenv(wassisttest.BareListsEnv) == "1" {
		t.Skip(wassisttest.BareListsEnv + "=1: the lists are bare on purpose")
	}
	m := newSim(t, wassisttest.Options{})
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
		{"/whatsapp-templates/", 0, 0, nil},
		{"/agents/", 0, 0, nil},
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

// BareLists serves the lists third parties saw bare as arrays, and agents still enveloped.
func TestBareListsServesArraysButAgentsEnveloped(t *testing.T) {
	m := newSim(t, wassisttest.Options{BareLists: true})
	m.s.SeedAccount(keyA, wassisttest.DemoAccount())
	createSession(t, m)
	for path, n := range map[string]int{
		"/whatsapp-accounts/": 1, "/phone-numbers/": 2, "/phone-numbers/?limit=1": 2, "/whatsapp-link-sessions/": 1,
		"/whatsapp-templates/": 0,
	} {
		r := m.do(http.MethodGet, path, keyA, nil)
		expectStatus(t, r, http.StatusOK)
		if items, ok := r.value(t).([]any); !ok || len(items) != n {
			t.Fatalf("%s: %s, want a bare array of %d", path, r.body, n)
		}
	}
	r := m.do(http.MethodGet, "/agents/", keyA, nil)
	expectStatus(t, r, http.StatusOK)
	if env := r.object(t); len(env) != 4 || env["count"] != float64(0) {
		t.Fatalf("agents: %s, want the envelope", r.body)
	}
}

// The environment variable turns bare lists on without a change to the test's code.
func TestBareListsFromTheEnvironment(t *testing.T) {
	t.Setenv(wassisttest.BareListsEnv, "1")
	if !wassisttest.New(wassisttest.Options{}).BareLists() {
		t.Fatal(wassisttest.BareListsEnv + "=1 did not turn bare lists on")
	}
	t.Setenv(wassisttest.BareListsEnv, "")
	if wassisttest.New(wassisttest.Options{}).BareLists() {
		t.Fatal("bare lists without the option or the variable")
	}
}
