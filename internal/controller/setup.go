package controller

import (
	"context"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// DefaultSyncPeriod is how often a Ready resource is compared with the remote one.
const DefaultSyncPeriod = managed.DefaultSyncPeriod

// Options configure the controllers; cmd/main.go and the test suites set them alike.
type Options struct {
	// Wassist holds one API client, and so one rate budget, per key, shared by all kinds.
	Wassist *wassist.Pool
	// SyncPeriod is how often drift is looked for (DefaultSyncPeriod when zero).
	SyncPeriod time.Duration
	// Workers is how many objects of each kind are reconciled at once.
	Workers int
	// BulkDriftCheck finds drift with one list per API key and sync period instead of
	// one read per object and period.
	BulkDriftCheck bool
	// Registry receives the operator's own metrics (besides the API client's).
	Registry prometheus.Registerer
}

// Operator is what Setup wired.
type Operator struct {
	// Drift is the bulk drift check, nil in the periodic mode. Check runs one pass.
	Drift *DriftObserver
}

// CacheOptions is the manager's cache: scoped to the listed namespaces (comma-separated; none
// means all), and holding objects without their managedFields. Nothing here reads them, and
// every field manager that writes an object adds to them: leaving them out lowered the peak
// memory at 10,000 agents by a sixth (docs/benchmarks.md, Growth).
func CacheOptions(namespaces string) cache.Options {
	opts := cache.Options{DefaultTransform: cache.TransformStripManagedFields()}
	for ns := range strings.SplitSeq(namespaces, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			if opts.DefaultNamespaces == nil {
				opts.DefaultNamespaces = map[string]cache.Config{}
			}
			opts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	return opts
}

// wiring is what every kind's reconciler is built from.
// The client's errors say what the core classifies them by, and its turns name the object
// a call is made for: the core imports no client.
var (
	_ managed.Answer   = (*wassist.APIError)(nil)
	_ managed.Unsent   = (*wassist.RateLimitedError)(nil)
	_ managed.TurnFunc = turnOf
)

// turnOf names the object in the calls a reconcile makes for it (wassist.Turn).
func turnOf(ctx context.Context, holder string, urgent bool) context.Context {
	return wassist.WithTurn(ctx, wassist.Turn{Holder: holder, Urgent: urgent})
}

type wiring struct {
	recorder events.EventRecorder
	secrets  *SecretReader
	keys     *keyring
	drift    managed.DriftMode
	workers  int
}

// Setup registers the operator on mgr: the cache indexes, the metrics, both kinds'
// controllers and, in the bulk mode, the drift check.
func Setup(ctx context.Context, mgr ctrl.Manager, o Options) (*Operator, error) {
	if err := SetupIndexes(ctx, mgr); err != nil {
		return nil, err
	}
	if err := RegisterMetrics(o.Registry, mgr.GetClient()); err != nil {
		return nil, err
	}
	secrets := NewSecretReader(mgr.GetClient(), mgr.GetAPIReader())
	w := &wiring{
		recorder: mgr.GetEventRecorder("wassist-operator"),
		secrets:  secrets,
		keys:     &keyring{secrets: secrets, pool: o.Wassist},
		drift:    managed.DriftMode{Period: o.SyncPeriod, Bulk: o.BulkDriftCheck},
		workers:  o.Workers,
	}
	kind, tplKind := newAgentKind(mgr, w), newTemplateKind(mgr, w)
	agents, deployments := newAgentReconciler(mgr, w, kind), newDeploymentReconciler(mgr, w)
	templates := newTemplateReconciler(mgr, w, tplKind)
	for _, index := range []func(context.Context, ctrl.Manager) error{agents.IndexClaims, deployments.IndexClaims,
		templates.IndexClaims} {
		if err := index(ctx, mgr); err != nil {
			return nil, err
		}
	}
	op := &Operator{}
	if o.BulkDriftCheck {
		drift, err := newDriftObserver(mgr.GetClient(), w.keys, o.SyncPeriod, o.Registry)
		if err != nil {
			return nil, err
		}
		drift.agentKind, drift.agents, drift.deployments = kind, agents, deployments
		drift.templates = templates
		if err := mgr.Add(drift); err != nil {
			return nil, err
		}
		op.Drift = drift
	}
	if err := setupAgentController(mgr, agents); err != nil {
		return nil, err
	}
	if err := setupTemplateController(mgr, templates); err != nil {
		return nil, err
	}
	return op, setupDeploymentController(mgr, deployments)
}
