package agent

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// drift is the agents' part of a bulk drift pass.
type drift struct {
	cache  client.Reader
	kind   *agentKind
	agents *reconciler
}

// Check lists the agents of each API key in use once (100 a page), and tells the core
// of each drifted or vanished agent.
func (o *drift) Check(ctx context.Context, pass *kit.Pass) error {
	agents := &wassistv1alpha1.WassistAgentList{}
	// Read-only: the pass compares and enqueues; a deep copy of every agent per pass is
	// garbage the size of the whole cache.
	if err := o.cache.List(ctx, agents, client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	byKey, clients := groupByKey(ctx, pass, agents.Items)
	var firstErr error
	for keyID, group := range byKey {
		listed := time.Now()
		remote, err := clients[keyID].ListAgents(ctx)
		if err != nil {
			// One key's failure (rate limit, rejected key) must not stop the others.
			firstErr = kit.FirstErr(firstErr, err)
			continue
		}
		compared := time.Now()
		pass.Steps.WithLabelValues("list").Observe(compared.Sub(listed).Seconds())
		byID := make(map[string]*wassist.Agent, len(remote))
		for i := range remote {
			byID[remote[i].ID] = &remote[i]
		}
		for _, agent := range group {
			o.compare(ctx, pass, agent, byID[agent.Status.AgentID], clients[keyID].Fingerprint())
		}
		pass.Steps.WithLabelValues("compare").Observe(time.Since(compared).Seconds())
	}
	return firstErr
}

// compare hands the core what the list, made with the key of fingerprint key, says of
// agent when it is news (managed.Differs): the remote agent, or that it vanished.
func (o *drift) compare(ctx context.Context, pass *kit.Pass, agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, key string) {
	obs := observation{ID: agent.Status.AgentID, KeyFingerprint: key}
	if remote != nil {
		want, err := o.kind.Desired(ctx, agent)
		if err != nil {
			return // references not resolvable now: the object's own reconcile says why
		}
		obs = agentObservation(agent, remote, want)
		obs.DesiredHash, obs.KeyFingerprint = want.Hash, key
	}
	kit.Report(pass, o.agents, agent, obs)
}

// groupByKey groups the observable agents (Ready, with an id, not paused or being
// deleted) by the KeyID of their API key.
func groupByKey(ctx context.Context, pass *kit.Pass, items []wassistv1alpha1.WassistAgent) (
	map[string][]*wassistv1alpha1.WassistAgent, map[string]*wassist.Client) {
	byKey := map[string][]*wassistv1alpha1.WassistAgent{}
	clients := map[string]*wassist.Client{}
	for i := range items {
		a := &items[i]
		if a.Status.AgentID == "" || !a.DeletionTimestamp.IsZero() || managed.IsPaused(a) || kit.AlreadyManaged(a.Status.Conditions) {
			continue
		}
		keyID, c, ok := pass.Resolve(ctx, a.Namespace, a.Spec.APIKeySecretRef)
		if !ok {
			continue // the object's own reconcile reports why
		}
		byKey[keyID], clients[keyID] = append(byKey[keyID], a), c
	}
	return byKey, clients
}
