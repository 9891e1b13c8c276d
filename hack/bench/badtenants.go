package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// The bad tenants of --bad-tenants: one whose every request Wassist answers 429, one
// whose key Wassist rejects (401). Their agents never converge; what is measured is that
// the other keys converge as fast as without them.
var (
	stormTenant    = tenant{key: benchKey + "-storm", secret: secretName + "-storm"}
	rejectedTenant = tenant{key: benchKey + "-rejected", secret: secretName + "-rejected"}
)

// stormRetryAfter is the retry_after of the storm tenant's 429s.
const stormRetryAfter = 5 * time.Second

// badTenant is one bad tenant's share of a run: its requests and how they were answered.
type badTenant struct {
	Label    string `json:"label"`
	KeyID    string `json:"key_id"`
	Requests int    `json:"requests"`
	TooMany  int    `json:"http_429"`
	Rejected int    `json:"http_401"`
}

// badTenantsOf are the bad tenants a run adds: none without --bad-tenants.
func badTenantsOf(o options) []tenant {
	if !o.badTenants {
		return nil
	}
	return []tenant{stormTenant, rejectedTenant}
}

// simKeys are the keys the simulator accepts: every tenant's but the rejected one's.
func simKeys(o options) []string {
	var keys []string
	for _, t := range append(tenantsOf(o), badTenantsOf(o)...) {
		if t != rejectedTenant {
			keys = append(keys, t.key)
		}
	}
	return keys
}

// startStorm makes Wassist answer every request of the storm tenant with a 429.
func startStorm(ctx context.Context, o options, s *stack) error {
	if !o.badTenants {
		return nil
	}
	_, err := s.sim.InjectFault(ctx, wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: stormTenant.key,
		RetryAfter: stormRetryAfter})
	return err
}

// badAgents are n agents for each bad tenant, labelled by the tenant: created before the
// good keys' agents, so that they are at the head of the queue.
func badAgents(bad []tenant, n int) []*wassistv1alpha1.WassistAgent {
	agents := make([]*wassistv1alpha1.WassistAgent, 0, len(bad)*n)
	for _, t := range bad {
		label := badLabel(t)
		for i := range n {
			a := newAgent(fmt.Sprintf("%s-agent-%05d", label, i), batchInitial, t.secret)
			a.Labels[keyLabel] = label
			agents = append(agents, a)
		}
	}
	return agents
}

func badLabel(t tenant) string {
	if t == stormTenant {
		return "storm"
	}
	return "rejected"
}

// splitBad takes the bad tenants' requests out of reqs, and counts them.
func splitBad(bad []tenant, reqs []wassisttest.Request) ([]wassisttest.Request, []badTenant) {
	out := make([]badTenant, len(bad))
	for i, t := range bad {
		out[i] = badTenant{Label: badLabel(t), KeyID: wassisttest.KeyID(t.key)}
	}
	good := slices.DeleteFunc(slices.Clone(reqs), func(r wassisttest.Request) bool {
		i := slices.IndexFunc(out, func(b badTenant) bool { return b.KeyID == r.KeyID })
		if i < 0 {
			return false
		}
		out[i].Requests++
		switch r.Status {
		case 429:
			out[i].TooMany++
		case 401:
			out[i].Rejected++
		}
		return true
	})
	return good, out
}
