package controller

import (
	"cmp"
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
)

// DriftObserver finds remote drift in bulk (docs/design.md, rule 4): once per sync period, for
// each API key in use, it lists all the key's agents (100 a page) and hands the core an
// observation of each WassistAgent whose remote agent differs from the spec or vanished;
// likewise one list of numbers per key finds the WassistDeployments whose number another
// agent serves. The steady-state cost is then ceil(N/100) requests per key and period
// instead of N GETs, and the core answers the enqueued objects from the list instead of
// reading them again.
type DriftObserver struct {
	keys   *kit.Keyring
	period time.Duration
	// kinds are the kinds' parts of a pass, in the order they run.
	kinds  []kit.DriftCheck
	checks *prometheus.CounterVec
	// steps times one key's list and comparison in a pass: what a pass costs per key as
	// its objects grow (docs/benchmarks.md, Growth).
	steps *prometheus.HistogramVec
}

func newDriftObserver(keys *kit.Keyring, period time.Duration, reg prometheus.Registerer) (*DriftObserver, error) {
	o := &DriftObserver{
		keys: keys, period: period,
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

// Check runs one pass over every kind.
func (o *DriftObserver) Check(ctx context.Context) error {
	return o.run(func(k kit.DriftCheck, pass *kit.Pass) error { return k.Check(ctx, pass) })
}

// CheckReviews lists the remote objects of the keys that have one under a review.
func (o *DriftObserver) CheckReviews(ctx context.Context) error {
	return o.run(func(k kit.DriftCheck, pass *kit.Pass) error {
		if r, ok := k.(kit.ReviewCheck); ok {
			return r.CheckReviews(ctx, pass)
		}
		return nil
	})
}

// run runs check for every kind in one pass: a kind's failure does not stop the others,
// and the first is returned.
func (o *DriftObserver) run(check func(kit.DriftCheck, *kit.Pass) error) error {
	pass := kit.NewPass(o.keys, o.checks, o.steps)
	var first error
	for _, k := range o.kinds {
		first = kit.FirstErr(first, check(k, pass))
	}
	return first
}
