package controller

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// managedResources is wassist_managed_resources{kind,ready,reason}: the resources the
// operator manages, counted from the cache at each scrape, so the gauge can never drift
// from the objects themselves.
type managedResources struct {
	reader client.Reader
	desc   *prometheus.Desc
}

// RegisterMetrics registers the operator's own series (besides the API client's) on reg.
func RegisterMetrics(reg prometheus.Registerer, reader client.Reader) error {
	return reg.Register(&managedResources{reader: reader, desc: prometheus.NewDesc("wassist_managed_resources",
		"WassistAgents, WassistDeployments and WassistTemplates in the operator's cache, by kind and by Ready condition: its status "+
			"and its reason.", []string{"kind", "ready", "reason"}, nil)})
}

// readyReasons are the values of the reason label: the reasons the operator gives the
// Ready condition, "None" before it has one and "Other" for any other (a bounded set).
var readyReasons = []string{
	wassistv1alpha1.ReasonAvailable, wassistv1alpha1.ReasonWaitingForBudget, wassistv1alpha1.ReasonRateLimited,
	wassistv1alpha1.ReasonRemoteError, wassistv1alpha1.ReasonInvalidSpec, wassistv1alpha1.ReasonCredentialsRejected,
	wassistv1alpha1.ReasonPermissionDenied, wassistv1alpha1.ReasonRemoteConflict,
	wassistv1alpha1.ReasonCredentialsMissing, wassistv1alpha1.ReasonSecretNotFound, wassistv1alpha1.ReasonSecretKeyMissing,
	wassistv1alpha1.ReasonSecretKeyEmpty, wassistv1alpha1.ReasonCreateAmbiguous, wassistv1alpha1.ReasonRemoteNotFound,
	wassistv1alpha1.ReasonHandoffAgentPending, wassistv1alpha1.ReasonAgentNotReady, wassistv1alpha1.ReasonAlreadyManaged,
	wassistv1alpha1.ReasonHandingOver, wassistv1alpha1.ReasonIdentityChanged, wassistv1alpha1.ReasonReviewPending,
	wassistv1alpha1.ReasonTemplateRejected, wassistv1alpha1.ReasonTemplatePending, wassistv1alpha1.ReasonSecretNotOwned,
	wassistv1alpha1.ReasonObserved, wassistv1alpha1.ReasonAdoptionWouldErase, wassistv1alpha1.ReasonRemoteNotVisible,
	wassistv1alpha1.ReasonInUse, reasonNone, reasonOther,
}

const (
	reasonNone  = "None"
	reasonOther = "Other"
)

func (m *managedResources) Describe(ch chan<- *prometheus.Desc) { ch <- m.desc }

func (m *managedResources) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Read-only, at every scrape: no deep copy of the whole cache.
	agents := &wassistv1alpha1.WassistAgentList{}
	if err := m.reader.List(ctx, agents, client.UnsafeDisableDeepCopy); err == nil {
		conds := make([][]metav1.Condition, 0, len(agents.Items))
		for _, a := range agents.Items {
			conds = append(conds, a.Status.Conditions)
		}
		m.emit(ch, "WassistAgent", conds)
	}
	deps := &wassistv1alpha1.WassistDeploymentList{}
	if err := m.reader.List(ctx, deps, client.UnsafeDisableDeepCopy); err == nil {
		conds := make([][]metav1.Condition, 0, len(deps.Items))
		for _, d := range deps.Items {
			conds = append(conds, d.Status.Conditions)
		}
		m.emit(ch, "WassistDeployment", conds)
	}
	templates := &wassistv1alpha1.WassistTemplateList{}
	if err := m.reader.List(ctx, templates, client.UnsafeDisableDeepCopy); err == nil {
		conds := make([][]metav1.Condition, 0, len(templates.Items))
		for _, t := range templates.Items {
			conds = append(conds, t.Status.Conditions)
		}
		m.emit(ch, "WassistTemplate", conds)
	}
}

// emit sends, for one kind, a series per Ready status and reason seen, and a zero for
// every reason not seen with Ready not True, so that an alert on a reason sees it rise
// from zero rather than appear.
func (m *managedResources) emit(ch chan<- prometheus.Metric, kind string, conds [][]metav1.Condition) {
	type series struct {
		ready  bool
		reason string
	}
	counts := map[series]float64{{true, wassistv1alpha1.ReasonAvailable}: 0, {true, wassistv1alpha1.ReasonObserved}: 0}
	for _, reason := range readyReasons {
		counts[series{false, reason}] = 0
	}
	for _, c := range conds {
		counts[series{meta.IsStatusConditionTrue(c, wassistv1alpha1.ConditionReady), reasonOf(c)}]++
	}
	for s, n := range counts {
		ch <- prometheus.MustNewConstMetric(m.desc, prometheus.GaugeValue, n, kind, strconv.FormatBool(s.ready), s.reason)
	}
}

// reasonOf is the reason label of an object with conditions conds.
func reasonOf(conds []metav1.Condition) string {
	ready := meta.FindStatusCondition(conds, wassistv1alpha1.ConditionReady)
	switch {
	case ready == nil:
		return reasonNone
	case slices.Contains(readyReasons, ready.Reason):
		return ready.Reason
	default:
		return reasonOther
	}
}
