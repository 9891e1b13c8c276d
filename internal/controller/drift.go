package controller

import (
	"cmp"
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// DriftObserver finds remote drift in bulk (docs/design.md, rule 4): once per sync period, for
// each API key in use, it lists all the key's agents (100 a page) and hands the core an
// observation of each WassistAgent whose remote agent differs from the spec or vanished;
// likewise one list of numbers per key finds the WassistDeployments whose number another
// agent serves. The steady-state cost is then ceil(N/100) requests per key and period
// instead of N GETs, and the core answers the enqueued objects from the list instead of
// reading them again.
type DriftObserver struct {
	cache       client.Reader
	keys        *keyring
	period      time.Duration
	agentKind   *agentKind
	agents      *agentReconciler
	deployments *deploymentReconciler
	templates   *templateReconciler
	checks      *prometheus.CounterVec
	// steps times one key's list and comparison in a pass: what a pass costs per key as
	// its objects grow (docs/benchmarks.md, Growth).
	steps *prometheus.HistogramVec
}

func newDriftObserver(cache client.Reader, keys *keyring, period time.Duration, reg prometheus.Registerer) (*DriftObserver, error) {
	o := &DriftObserver{
		cache: cache, keys: keys, period: period,
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wassist_drift_checks_total",
			Help: "WassistAgents and WassistDeployments compared with the bulk lists of their key, by result (equal, drifted, vanished).",
		}, []string{"result"}),
		steps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wassist_drift_check_duration_seconds",
			Help: "Time of one API key's step in a bulk drift pass of WassistAgents: listing them from Wassist " +
				"(list; waits for the key's budget included) or comparing them with their resources (compare).",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10), // 1 ms to about 4 minutes
		}, []string{"step"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{o.checks, o.steps} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return o, nil
}

// NeedLeaderElection reports true: only the leader spends the API budget.
func (o *DriftObserver) NeedLeaderElection() bool { return true }

// Start checks every period until ctx ends, and the keys with a template under review
// every review period.
func (o *DriftObserver) Start(ctx context.Context) error {
	t := time.NewTicker(o.period)
	defer t.Stop()
	reviews := time.NewTicker(reviewPeriod(o.period))
	defer reviews.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := o.Check(ctx); err != nil {
				logf.FromContext(ctx).Error(err, "Bulk drift check failed; retrying at the next period")
			}
		case <-reviews.C:
			if err := o.CheckReviews(ctx); err != nil {
				logf.FromContext(ctx).Error(err, "Review check failed; retrying at the next review period")
			}
		}
	}
}

// reviewPeriod is how often the keys with a template under Meta's review list their
// templates: a tenth of the sync period (a minute by default), at least 5 seconds.
func reviewPeriod(period time.Duration) time.Duration {
	return max(cmp.Or(period, DefaultSyncPeriod)/10, 5*time.Second)
}

// Check runs one pass over agents, deployments and templates.
func (o *DriftObserver) Check(ctx context.Context) error {
	keys := o.newPassKeys()
	return cmpErr(cmpErr(o.checkAgents(ctx, keys), o.checkDeployments(ctx, keys)), o.checkTemplates(ctx, keys, false))
}

// CheckReviews lists the templates of the keys that have one under Meta's review.
func (o *DriftObserver) CheckReviews(ctx context.Context) error {
	return o.checkTemplates(ctx, o.newPassKeys(), true)
}

// groupByKey groups the observable agents (Ready, with an id, not paused or being
// deleted) by the KeyID of their API key.
func groupByKey(ctx context.Context, keys *passKeys, items []wassistv1alpha1.WassistAgent) (
	map[string][]*wassistv1alpha1.WassistAgent, map[string]*wassist.Client) {
	byKey := map[string][]*wassistv1alpha1.WassistAgent{}
	clients := map[string]*wassist.Client{}
	for i := range items {
		a := &items[i]
		if a.Status.AgentID == "" || !a.DeletionTimestamp.IsZero() || managed.IsPaused(a) || alreadyManaged(a.Status.Conditions) {
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

// alreadyManaged: another resource manages the remote object; this one sends nothing,
// and there is nothing to compare it with.
func alreadyManaged(conds []metav1.Condition) bool {
	ready := meta.FindStatusCondition(conds, wassistv1alpha1.ConditionReady)
	return ready != nil && ready.Reason == wassistv1alpha1.ReasonAlreadyManaged
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
	return &passKeys{secrets: o.keys.secrets, pool: o.keys.pool, seen: map[secretKey]resolvedKey{}}
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

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
