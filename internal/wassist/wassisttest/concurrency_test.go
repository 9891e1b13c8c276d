//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestConcurrentCreatesGetUniqueIDsAndAreAllKept(t *testing.T) {
	const workers, each = 16, 10
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				r, err := m.send(http.MethodPost, "/agents/", map[string]string{"X-API-Key": keyA}, fmt.Sprintf(`{"name":"w%d-%d"}`, w, i))
				if err != nil || r.status != http.StatusCreated {
					t.Errorf("create: %v %d", err, r.status)
					return
				}
				var created struct{ ID string }
				if err := json.Unmarshal(r.body, &created); err != nil {
					t.Errorf("create answered %s", r.body)
					return
				}
				ids <- created.ID
				_ = m.s.Agents(keyA) // readers race with writers too
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %s handed out twice", id)
		}
		seen[id] = true
	}
	if len(seen) != workers*each || len(m.s.Agents(keyA)) != workers*each || m.s.Count(keyA, http.MethodPost, "/agents/") != workers*each {
		t.Fatalf("%d ids, %d agents, %d creates recorded", len(seen), len(m.s.Agents(keyA)), m.s.Count(keyA, http.MethodPost, "/agents/"))
	}
}
