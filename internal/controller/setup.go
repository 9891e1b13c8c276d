package controller

import (
	"context"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/wassist-operator/wassist-operator/internal/controller/agent"
	"github.com/wassist-operator/wassist-operator/internal/controller/deployment"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/controller/template"
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

// Kinds are the kinds the operator manages, each plugged into the core through its own
// package; a bulk drift pass runs their checks in this order.
var Kinds = []kit.Kind{agent.Kind{}, deployment.Kind{}, template.Kind{}}

// Setup registers the operator on mgr: the cache indexes, the metrics, every kind's
// controller and, in the bulk mode, the drift check.
func Setup(ctx context.Context, mgr ctrl.Manager, o Options) (*Operator, error) {
	if err := kit.SetupIndexes(ctx, mgr); err != nil {
		return nil, err
	}
	if err := RegisterMetrics(o.Registry, mgr.GetClient()); err != nil {
		return nil, err
	}
	secrets := kit.NewSecretReader(mgr.GetClient(), mgr.GetAPIReader())
	keys := &kit.Keyring{Secrets: secrets, Pool: o.Wassist}
	w := &kit.Wiring{Recorder: mgr.GetEventRecorder("wassist-operator"), Secrets: secrets, Keys: keys,
		Drift: managed.DriftMode{Period: o.SyncPeriod, Bulk: o.BulkDriftCheck}, Workers: o.Workers}
	var checks []kit.DriftCheck
	for _, k := range Kinds {
		check, err := k.Setup(ctx, mgr, w)
		if err != nil {
			return nil, err
		}
		checks = append(checks, check)
	}
	op := &Operator{}
	if !o.BulkDriftCheck {
		return op, nil
	}
	drift, err := newDriftObserver(keys, o.SyncPeriod, o.Registry)
	if err != nil {
		return nil, err
	}
	drift.kinds = checks
	op.Drift = drift
	return op, mgr.Add(drift)
}
