package controller

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// checkAgents: one paginated list of agents per API key in use, then one event per
// drifted or vanished agent.
func (o *DriftObserver) checkAgents(ctx context.Context, keys *passKeys) error {
	agents := &wassistv1alpha1.WassistAgentList{}
	// Read-only: the pass compares and enqueues; a deep copy of every agent per pass is
	// garbage the size of the whole cache.
	if err := o.cache.List(ctx, agents, client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	byKey, clients := groupByKey(ctx, keys, agents.Items)
	var firstErr error
	for keyID, group := range byKey {
		listed := time.Now()
		remote, err := clients[keyID].ListAgents(ctx)
		if err != nil {
			// One key's failure (rate limit, rejected key) must not stop the others.
			firstErr = cmpErr(firstErr, err)
			continue
		}
		compared := time.Now()
		o.steps.WithLabelValues("list").Observe(compared.Sub(listed).Seconds())
		byID := make(map[string]*wassist.Agent, len(remote))
		for i := range remote {
			byID[remote[i].ID] = &remote[i]
		}
		for _, agent := range group {
			o.compare(ctx, agent, byID[agent.Status.AgentID], clients[keyID].Fingerprint())
		}
		o.steps.WithLabelValues("compare").Observe(time.Since(compared).Seconds())
	}
	return firstErr
}

// compare hands the core what the list, made with the key of fingerprint key, says of
// agent when it is news (managed.Differs): the remote agent, or that it vanished.
func (o *DriftObserver) compare(ctx context.Context, agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, key string) {
	obs := managed.Observation{ID: agent.Status.AgentID, KeyFingerprint: key}
	result := "vanished"
	if remote != nil {
		want, err := o.agentKind.Desired(ctx, agent)
		if err != nil {
			return // references not resolvable now: the object's own reconcile says why
		}
		obs = agentObservation(agent, remote, want)
		obs.DesiredHash, obs.KeyFingerprint = want.Hash, key
		if obs.UpToDate {
			o.checks.WithLabelValues("equal").Inc()
		} else {
			o.checks.WithLabelValues("drifted").Inc()
		}
		if o.agents.Differs(agent, obs) {
			o.agents.Observed(agent.DeepCopy(), &obs)
		}
		return
	}
	o.checks.WithLabelValues(result).Inc()
	o.agents.Observed(agent.DeepCopy(), &obs)
}
