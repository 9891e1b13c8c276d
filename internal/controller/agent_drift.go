package controller

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// DriftObserver finds remote drift in bulk (design rule 4): once per sync period, for
// each API key in use, it lists all the key's agents (100 a page) and enqueues only the
// WassistAgents whose remote agent differs from the spec or vanished; likewise one list
// of numbers per key finds the WassistDeployments whose number another agent serves. The steady-state
// cost is then ceil(N/100) requests per key and period instead of N GETs, and the
// reconciler answers the enqueued objects from the list instead of reading them again.
type DriftObserver struct {
	Client  client.Client // the manager's cache
	Secrets *SecretReader
	Wassist *wassist.Pool
	Period  time.Duration

	// desired resolves an agent's spec as the reconciler does; set by the reconciler.
	desired          func(context.Context, *wassistv1alpha1.WassistAgent) (desiredAgent, error)
	events           chan event.TypedGenericEvent[*wassistv1alpha1.WassistAgent]
	deploymentEvents chan event.TypedGenericEvent[*wassistv1alpha1.WassistDeployment]
	// seen holds, per object UID, the remote agent (nil: vanished) of a drifted object,
	// until its reconcile takes it.
	seen   sync.Map
	checks *prometheus.CounterVec
}

// NewDriftObserver returns an observer; register it with the manager (mgr.Add) and
// give it to the WassistAgentReconciler. Its checks are counted on reg.
func NewDriftObserver(c client.Client, secrets *SecretReader, pool *wassist.Pool, period time.Duration,
	reg prometheus.Registerer) *DriftObserver {
	o := &DriftObserver{
		Client: c, Secrets: secrets, Wassist: pool, Period: period,
		events:           make(chan event.TypedGenericEvent[*wassistv1alpha1.WassistAgent], 1024),
		deploymentEvents: make(chan event.TypedGenericEvent[*wassistv1alpha1.WassistDeployment], 1024),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wassist_drift_checks_total",
			Help: "WassistAgents and WassistDeployments compared with the bulk lists of their key, by result (equal, drifted, vanished).",
		}, []string{"result"}),
	}
	if reg != nil {
		reg.MustRegister(o.checks)
	}
	return o
}

// NeedLeaderElection reports true: only the leader spends the API budget.
func (o *DriftObserver) NeedLeaderElection() bool { return true }

// Start checks every period until ctx ends.
func (o *DriftObserver) Start(ctx context.Context) error {
	t := time.NewTicker(o.Period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := o.Check(ctx); err != nil {
				logf.FromContext(ctx).Error(err, "Bulk drift check failed; retrying at the next period")
			}
		}
	}
}

// Check runs one pass over agents and deployments.
func (o *DriftObserver) Check(ctx context.Context) error {
	keys := o.newPassKeys()
	return cmpErr(o.checkAgents(ctx, keys), o.checkDeployments(ctx, keys))
}

// checkAgents: one paginated list of agents per API key in use, then one event per
// drifted or vanished agent.
func (o *DriftObserver) checkAgents(ctx context.Context, keys *passKeys) error {
	agents := &wassistv1alpha1.WassistAgentList{}
	// Read-only: the pass compares and enqueues; a deep copy of every agent per pass is
	// garbage the size of the whole cache.
	if err := o.Client.List(ctx, agents, client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	byKey, clients := groupByKey(ctx, keys, agents.Items)
	var firstErr error
	for keyID, group := range byKey {
		remote, err := clients[keyID].ListAgents(ctx)
		if err != nil {
			// One key's failure (rate limit, rejected key) must not stop the others.
			firstErr = cmpErr(firstErr, err)
			continue
		}
		byID := make(map[string]*wassist.Agent, len(remote))
		for i := range remote {
			byID[remote[i].ID] = &remote[i]
		}
		for _, agent := range group {
			o.compare(ctx, agent, byID[agent.Status.AgentID])
		}
	}
	return firstErr
}

// groupByKey groups the observable agents (Ready, with an id, not paused or being
// deleted) by the KeyID of their API key.
func groupByKey(ctx context.Context, keys *passKeys, items []wassistv1alpha1.WassistAgent) (
	map[string][]*wassistv1alpha1.WassistAgent, map[string]*wassist.Client) {
	byKey := map[string][]*wassistv1alpha1.WassistAgent{}
	clients := map[string]*wassist.Client{}
	for i := range items {
		a := &items[i]
		if a.Status.AgentID == "" || !a.DeletionTimestamp.IsZero() || isPaused(a) {
			continue
		}
		keyID, c, ok := keys.resolve(ctx, a.Namespace, a.Spec.APIKeySecretRef)
		if !ok {
			continue // the object's own reconcile reports why
		}
		byKey[keyID], clients[keyID] = append(byKey[keyID], a), c
	}
	return byKey, clients
}

// passKeys resolves API keys during one pass, reading each Secret once however many
// agents and deployments use it.
type passKeys struct {
	secrets *SecretReader
	pool    *wassist.Pool
	seen    map[secretKey]resolvedKey
}

type secretKey struct{ namespace, name, key string }

type resolvedKey struct {
	id     string
	client *wassist.Client
	ok     bool
}

func (o *DriftObserver) newPassKeys() *passKeys {
	return &passKeys{secrets: o.Secrets, pool: o.Wassist, seen: map[secretKey]resolvedKey{}}
}

// resolve returns the KeyID and client of the key ref names; false when it cannot be
// read (a failure is remembered for the pass too).
func (p *passKeys) resolve(ctx context.Context, namespace string, ref wassistv1alpha1.SecretKeySelector) (string, *wassist.Client, bool) {
	sk := secretKey{namespace, ref.Name, ref.Key}
	if r, ok := p.seen[sk]; ok {
		return r.id, r.client, r.ok
	}
	var r resolvedKey
	if c, id, err := apiClient(ctx, p.secrets, p.pool, namespace, ref); err == nil {
		r = resolvedKey{id: id, client: c, ok: true}
	}
	p.seen[sk] = r
	return r.id, r.client, r.ok
}

// compare enqueues agent when remote (nil: vanished) differs from its spec.
func (o *DriftObserver) compare(ctx context.Context, agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent) {
	result := "vanished"
	if remote != nil {
		want, err := o.desired(ctx, agent)
		if err != nil {
			return // references not resolvable now: the object's own reconcile says why
		}
		if want.view.equal(remoteView(remote)) {
			o.checks.WithLabelValues("equal").Inc()
			return
		}
		result = "drifted"
	}
	o.checks.WithLabelValues(result).Inc()
	o.seen.Store(agent.UID, remote)
	o.events <- event.TypedGenericEvent[*wassistv1alpha1.WassistAgent]{Object: agent}
}

// take returns, once, what the last pass saw of a drifted object: the remote agent, or
// nil with found=true when it vanished.
func (o *DriftObserver) take(uid types.UID) (remote *wassist.Agent, found bool) {
	v, ok := o.seen.LoadAndDelete(uid)
	if !ok {
		return nil, false
	}
	remote, _ = v.(*wassist.Agent)
	return remote, true
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
