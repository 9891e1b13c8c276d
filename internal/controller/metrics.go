package controller

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// managedResources is wassist_managed_resources{kind,ready}: the resources the operator
// manages, counted from the cache at each scrape, so the gauge can never drift from the
// objects themselves.
type managedResources struct {
	reader client.Reader
	desc   *prometheus.Desc
}

// RegisterMetrics registers the operator's own series (besides the API client's) on reg.
func RegisterMetrics(reg prometheus.Registerer, reader client.Reader) error {
	return reg.Register(&managedResources{reader: reader, desc: prometheus.NewDesc("wassist_managed_resources",
		"WassistAgents and WassistDeployments in the operator's cache, by kind and by Ready condition.",
		[]string{"kind", "ready"}, nil)})
}

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
}

func (m *managedResources) emit(ch chan<- prometheus.Metric, kind string, conds [][]metav1.Condition) {
	counts := map[bool]float64{true: 0, false: 0}
	for _, c := range conds {
		counts[meta.IsStatusConditionTrue(c, wassistv1alpha1.ConditionReady)]++
	}
	for ready, n := range counts {
		ch <- prometheus.MustNewConstMetric(m.desc, prometheus.GaugeValue, n, kind, strconv.FormatBool(ready))
	}
}
