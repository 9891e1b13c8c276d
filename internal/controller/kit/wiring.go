// Package kit is what the kinds share: how a kind plugs into the operator (Kind,
// Wiring), API keys read from Secrets, the cache indexes through which the kinds find each
// other, and one bulk drift pass.
package kit

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Kind is how a kind plugs into the operator: Setup registers its controller (and its
// claim index) on the manager, and returns its part of the bulk drift check.
type Kind interface {
	Setup(ctx context.Context, mgr ctrl.Manager, w *Wiring) (DriftCheck, error)
}

// Wiring is what every kind's reconciler is built from.
type Wiring struct {
	Recorder events.EventRecorder
	Secrets  *SecretReader
	Keys     *Keyring
	Drift    managed.DriftMode
	Workers  int
}

// Reconciler is the core's reconciler of a kind, configured as every kind's is.
func Reconciler[O managed.Object, V, R any](mgr ctrl.Manager, w *Wiring, r *managed.Reconciler[O, V, R]) *managed.Reconciler[O, V, R] {
	r.Client, r.APIReader, r.Recorder = mgr.GetClient(), mgr.GetAPIReader(), w.Recorder
	r.Drift, r.Workers, r.Turns = w.Drift, w.Workers, TurnOf
	return r
}

// The client's errors say what the core classifies them by, and its turns name the object
// a call is made for: the core imports no client.
var (
	_ managed.Answer   = (*wassist.APIError)(nil)
	_ managed.Unsent   = (*wassist.RateLimitedError)(nil)
	_ managed.TurnFunc = TurnOf
)

// TurnOf names the object in the calls a reconcile makes for it (wassist.Turn).
func TurnOf(ctx context.Context, holder string, urgent bool) context.Context {
	return wassist.WithTurn(ctx, wassist.Turn{Holder: holder, Urgent: urgent})
}

// DriftCheck is a kind's part of a bulk drift pass (docs/design.md, rule 4): one list per
// API key in use, and the core told of each object whose remote side differs.
type DriftCheck interface {
	Check(ctx context.Context, pass *Pass) error
}

// ReviewCheck is a DriftCheck that also looks, more often, at objects waiting for a
// review outside the operator (templates under Meta's review).
type ReviewCheck interface {
	CheckReviews(ctx context.Context, pass *Pass) error
}

// Pass is one bulk drift pass: the keys it resolves, read once however many objects use
// them, and the metrics it reports to.
type Pass struct {
	secrets *SecretReader
	pool    *wassist.Pool
	seen    map[secretKey]resolvedKey
	// Checks counts the objects compared, by result (equal, drifted, vanished); Steps
	// times one key's list and comparison.
	Checks *prometheus.CounterVec
	Steps  *prometheus.HistogramVec
}

type secretKey struct{ namespace, name, key string }

type resolvedKey struct {
	id     string
	client *wassist.Client
	ok     bool
}

// NewPass starts a pass with the keys of keys.
func NewPass(keys *Keyring, checks *prometheus.CounterVec, steps *prometheus.HistogramVec) *Pass {
	return &Pass{secrets: keys.Secrets, pool: keys.Pool, seen: map[secretKey]resolvedKey{}, Checks: checks, Steps: steps}
}

// Resolve returns the KeyID and client of the key ref names; false when it cannot be
// read (a failure is remembered for the pass too: the object's own reconcile says why).
func (p *Pass) Resolve(ctx context.Context, namespace string, ref wassistv1alpha1.SecretKeySelector) (string, *wassist.Client, bool) {
	sk := secretKey{namespace, ref.Name, ref.Key}
	if r, ok := p.seen[sk]; ok {
		return r.id, r.client, r.ok
	}
	var r resolvedKey
	if c, id, err := APIClient(ctx, p.secrets, p.pool, namespace, ref); err == nil {
		r = resolvedKey{id: id, client: c, ok: true}
	}
	p.seen[sk] = r
	return r.id, r.client, r.ok
}

// Report hands the core what a list said of obj: the remote object compared with its
// spec (obs.Exists), counted equal or drifted and handed over when it is news
// (Reconciler.Differs); or that it vanished, always handed over.
func Report[O managed.Object, V, R any](pass *Pass, r *managed.Reconciler[O, V, R], obj O, obs managed.Observation[R]) {
	switch {
	case !obs.Exists:
		pass.Checks.WithLabelValues("vanished").Inc()
	case obs.UpToDate:
		pass.Checks.WithLabelValues("equal").Inc()
	default:
		pass.Checks.WithLabelValues("drifted").Inc()
	}
	if !obs.Exists || r.Differs(obj, obs) {
		r.Observed(obj.DeepCopyObject().(O), &obs)
	}
}

// AlreadyManaged says another resource manages the remote object: this one sends
// nothing, and there is nothing to compare it with.
func AlreadyManaged(conds []metav1.Condition) bool {
	ready := meta.FindStatusCondition(conds, wassistv1alpha1.ConditionReady)
	return ready != nil && ready.Reason == wassistv1alpha1.ReasonAlreadyManaged
}

// FirstErr is first, or err when first is nil.
func FirstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Plural is one when names holds one name, many otherwise.
func Plural(names []string, one, many string) string {
	if len(names) == 1 {
		return one
	}
	return many
}

// OrWhole is changes, or the whole object for a difference no field names (the order of
// a template's components, say): never nothing when the views differ.
func OrWhole(changes []string, whole string) []string {
	if len(changes) == 0 {
		return []string{whole}
	}
	return changes
}

// NilIfEmpty is s, or nil when it is empty: an empty list and none compare equal.
func NilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// EmptyCreateAnswer is the error of a create answered with an empty body: a lost answer,
// which the next attempt settles by looking for what it made.
func EmptyCreateAnswer(noun string) error {
	return fmt.Errorf("the create was answered without the %s; it is looked for at the next attempt", noun)
}
