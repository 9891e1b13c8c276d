//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func seedAgents(t *testing.T, m *sim, n int) []string {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("agent-%03d", i)
		m.s.SeedAgent(keyA, wassisttest.Agent{Name: names[i]})
	}
	return names
}

func page(t *testing.T, r reply) (count int, next, previous any, names []string) {
	t.Helper()
	expectStatus(t, r, http.StatusOK)
	env := r.object(t)
	if len(env) != 4 {
		t.Fatalf("envelope has keys %v", env)
	}
	for _, a := range list(t, env, "results") {
		names = append(names, str(t, obj(t, a), "name"))
	}
	return int(env["count"].(float64)), env["next"], env["previous"], names
}

func TestAgentListDefaultsTo20WithAbsoluteNextAndCapsLimitAt100(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	seedAgents(t, m, 250)
	base := m.ts.URL + "/api/v1/agents/"

	count, next, previous, names := page(t, m.do(http.MethodGet, "/agents/", keyA, nil))
	if count != 250 || len(names) != 20 || next != base+"?limit=20&offset=20" || previous != nil {
		t.Fatalf("default page: count %d, %d results, next %v, previous %v", count, len(names), next, previous)
	}
	_, next, _, names = page(t, m.do(http.MethodGet, "/agents/?limit=500", keyA, nil))
	if len(names) != 100 || next != base+"?limit=100&offset=100" {
		t.Fatalf("limit=500: %d results, next %v", len(names), next)
	}
}

func TestFollowingNextWalksEveryAgentInCreationOrder(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	all := seedAgents(t, m, 250)
	var walked []string
	sizes := []int{}
	for url := any(m.ts.URL + "/api/v1/agents/?limit=100"); url != nil; {
		_, next, _, names := page(t, m.do(http.MethodGet, url.(string), keyA, nil))
		walked, sizes, url = append(walked, names...), append(sizes, len(names)), next
	}
	if fmt.Sprint(sizes) != "[100 100 50]" || fmt.Sprint(walked) != fmt.Sprint(all) {
		t.Fatalf("walking next: page sizes %v, order matches creation: %v", sizes, fmt.Sprint(walked) == fmt.Sprint(all))
	}
}

func TestAgentListReadsLimitAndOffsetLikeDRF(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	seedAgents(t, m, 250)
	base := m.ts.URL + "/api/v1/agents/"
	cases := []struct {
		query          string
		first          string
		results        int
		next, previous any
	}{
		{"?limit=100&offset=100", "agent-100", 100, base + "?limit=100&offset=200", base + "?limit=100"},
		{"?limit=100&offset=200", "agent-200", 50, nil, base + "?limit=100&offset=100"},
		{"?limit=20&offset=10", "agent-010", 20, base + "?limit=20&offset=30", base + "?limit=20"},
		{"?limit=0", "agent-000", 20, base + "?limit=20&offset=20", nil},
		{"?limit=abc&offset=-5", "agent-000", 20, base + "?limit=20&offset=20", nil},
		{"?offset=300", "", 0, nil, base + "?limit=20&offset=280"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			count, next, previous, names := page(t, m.do(http.MethodGet, "/agents/"+tc.query, keyA, nil))
			first := ""
			if len(names) > 0 {
				first = names[0]
			}
			if count != 250 || first != tc.first || len(names) != tc.results || next != tc.next || previous != tc.previous {
				t.Fatalf("count %d, first %q, %d results, next %v, previous %v", count, first, len(names), next, previous)
			}
		})
	}
}
