/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package observability_test checks the alerts and the Grafana dashboard that config/ and
// the Helm chart ship (docs/operations.md, Alerts): every query parses, every metric it
// selects is one the manager registers, every alert links a heading of the operations
// guide, and the chart's copies equal config/'s.
package observability_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	ctrlcontroller "sigs.k8s.io/controller-runtime/pkg/controller"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"
	"sigs.k8s.io/yaml"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller"
	"github.com/wassist-operator/wassist-operator/internal/version"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const (
	rulesFile     = "../../config/prometheus/rules.yaml"
	dashboardFile = "../../config/grafana/wassist-operator-dashboard.json"
	chartFiles    = "../../dist/chart/files/"
	operationsDoc = "../../docs/operations.md"
	runbookPrefix = "https://github.com/wassist-operator/wassist-operator/blob/main/docs/operations.md#"
)

// query is one PromQL expression and where it is, for the failure messages.
type query struct{ where, expr string }

func TestQueriesSelectExportedMetrics(t *testing.T) {
	exported, err := managerMetrics()
	if err != nil {
		t.Fatal(err)
	}
	p := parser.NewParser(parser.Options{})
	for _, q := range append(alertQueries(t), dashboardQueries(t)...) {
		expr, err := p.ParseExpr(q.expr)
		if err != nil {
			t.Errorf("%s: %v\n%s", q.where, err, q.expr)
			continue
		}
		for _, name := range selectedMetrics(expr) {
			if !exported.has(name) {
				t.Errorf("%s selects %q, which the manager does not export", q.where, name)
			}
		}
	}
}

func TestAlertsLinkTheirRunbooks(t *testing.T) {
	headings := anchors(t, operationsDoc)
	for _, r := range alertRules(t) {
		if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("alert %s needs a severity label and summary and description annotations", r.Alert)
		}
		anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], runbookPrefix)
		if !ok || !headings[anchor] {
			t.Errorf("alert %s: runbook_url %q is not %s<a heading of docs/operations.md>",
				r.Alert, r.Annotations["runbook_url"], runbookPrefix)
		}
	}
}

// TestChartCopiesMatchConfig: the chart renders config/'s rules and dashboard from copies
// that make manifests writes.
func TestChartCopiesMatchConfig(t *testing.T) {
	for src, copied := range map[string]string{
		rulesFile:     chartFiles + "alerts.yaml",
		dashboardFile: chartFiles + "wassist-operator-dashboard.json",
	} {
		if !bytes.Equal(harness.ReadFile(t, src), harness.ReadFile(t, copied)) {
			t.Errorf("%s differs from %s: run make manifests", copied, src)
		}
	}
}

type alertRule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func alertRules(t *testing.T) []alertRule {
	var rule struct {
		Spec struct {
			Groups []struct {
				Rules []alertRule `json:"rules"`
			} `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(harness.ReadFile(t, rulesFile), &rule); err != nil {
		t.Fatalf("%s: %v", rulesFile, err)
	}
	var rules []alertRule
	for _, g := range rule.Spec.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) == 0 {
		t.Fatalf("%s holds no rules", rulesFile)
	}
	return rules
}

func alertQueries(t *testing.T) []query {
	var qs []query
	for _, r := range alertRules(t) {
		qs = append(qs, query{"alert " + r.Alert, r.Expr})
	}
	return qs
}

// panel is a dashboard panel; a collapsed row holds its panels.
type panel struct {
	Title   string `json:"title"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

func dashboardQueries(t *testing.T) []query {
	var dashboard struct {
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(harness.ReadFile(t, dashboardFile), &dashboard); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	var qs []query
	var walk func([]panel)
	walk = func(panels []panel) {
		for _, p := range panels {
			for _, target := range p.Targets {
				qs = append(qs, query{fmt.Sprintf("panel %q, query %s", p.Title, target.RefID), substitute(target.Expr)})
			}
			walk(p.Panels)
		}
	}
	walk(dashboard.Panels)
	if len(qs) == 0 {
		t.Fatalf("%s holds no queries", dashboardFile)
	}
	return qs
}

// grafanaVariable is a Grafana template variable in a query: $name, ${name} or
// ${name:format}.
var grafanaVariable = regexp.MustCompile(`\$(\w+)|\$\{(\w+)(?::\w+)?\}`)

// intervals stand in for Grafana's interval variables, which Grafana replaces with
// durations; any other variable stands in a label value.
var intervals = map[string]string{"__rate_interval": "5m", "__interval": "1m", "__range": "1h"}

// substitute replaces the template variables of a dashboard query, as Grafana does before
// it sends the query, so that it parses as PromQL.
func substitute(expr string) string {
	return grafanaVariable.ReplaceAllStringFunc(expr, func(v string) string {
		m := grafanaVariable.FindStringSubmatch(v)
		if d, ok := intervals[m[1]+m[2]]; ok {
			return d
		}
		return "x"
	})
}

// selectedMetrics are the metric names of expr's selectors; "" for a selector that does
// not name its metric, which no query here has reason to do.
func selectedMetrics(expr parser.Expr) []string {
	var names []string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, metricName(vs))
		}
		return nil
	})
	return names
}

func metricName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

// anchors are the link targets GitHub gives the headings of a Markdown file: lowercase,
// spaces to hyphens, other punctuation dropped (docs/operations.md links its own so).
func anchors(t *testing.T, path string) map[string]bool {
	found := map[string]bool{}
	inCode := false
	lines := bufio.NewScanner(bytes.NewReader(harness.ReadFile(t, path)))
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if !inCode && strings.HasPrefix(line, "#") {
			heading := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
			found[strings.ReplaceAll(notInAnchor.ReplaceAllString(heading, ""), " ", "-")] = true
		}
	}
	return found
}

var notInAnchor = regexp.MustCompile(`[^\p{L}\p{N}_ -]`)

// catalog maps each metric the manager exports to whether it is a histogram, whose series
// are its _bucket, _sum and _count.
type catalog map[string]bool

func (c catalog) has(name string) bool {
	if _, ok := c[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && c[base] {
			return true
		}
	}
	return false
}

// managerMetrics is built once per process: the registries are global, and a second
// registration of the operator's series would fail.
var managerMetrics = sync.OnceValues(exportedMetrics)

// exportedMetrics reads the metrics from the registry the manager serves: the operator's
// own, registered as cmd/main.go registers them, and controller-runtime's, registered
// when its packages load.
func exportedMetrics() (catalog, error) {
	ctrl.SetLogger(logr.Discard())
	reg := &recorder{Registerer: ctrlmetrics.Registry}
	if err := errors.Join(registerAsManager(reg), reconcileOnce()); err != nil {
		return nil, err
	}
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return nil, err
	}
	c := catalog{}
	for _, f := range families {
		c[f.GetName()] = f.GetType() == dto.MetricType_HISTOGRAM
	}
	for _, col := range reg.collectors {
		describe(c, col)
	}
	return c, nil
}

// recorder keeps the collectors registered through it: the registry gathers a vector only
// once it has a child, but a collector describes itself at once.
type recorder struct {
	prometheus.Registerer
	collectors []prometheus.Collector
}

func (r *recorder) Register(c prometheus.Collector) error {
	r.collectors = append(r.collectors, c)
	return r.Registerer.Register(c)
}

func (r *recorder) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

// registerAsManager registers the series as cmd/main.go does: the API client's, the build
// info, and controller.Setup's. Setup runs on a manager that is never started, whose REST
// mapper knows the scheme's kinds, so nothing asks an API server.
func registerAsManager(reg *recorder) error {
	pool := wassist.NewPool(wassist.PoolOptions{Options: wassist.Options{Metrics: wassist.NewMetrics(reg)}})
	reg.MustRegister(version.BuildInfo())
	scheme := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), wassistv1alpha1.AddToScheme(scheme)); err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(&rest.Config{Host: "https://127.0.0.1:1"}, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		MapperProvider: func(*rest.Config, *http.Client) (meta.RESTMapper, error) {
			mapper := meta.NewDefaultRESTMapper(nil)
			for gvk := range scheme.AllKnownTypes() {
				mapper.Add(gvk, meta.RESTScopeNamespace)
			}
			return mapper, nil
		},
	})
	if err != nil {
		return err
	}
	_, err = controller.Setup(context.Background(), mgr, controller.Options{Wassist: pool, BulkDriftCheck: true, Registry: reg})
	return err
}

// reconcileOnce runs one reconcile of a controller of its own, so that controller-runtime's
// per-controller series (reconciles, their errors and times, the work queue's) have a child
// and are gathered: the manager's own controllers never start here.
func reconcileOnce() error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := ctrlcontroller.NewUnmanaged("observability-probe", ctrlcontroller.Options{
		Reconciler: reconcile.Func(func(context.Context, reconcile.Request) (reconcile.Result, error) {
			cancel() // Start returns once its worker has recorded this reconcile.
			return reconcile.Result{}, nil
		}),
	})
	if err != nil {
		return err
	}
	enqueue := source.Func(func(_ context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
		q.Add(reconcile.Request{})
		return nil
	})
	if err := c.Watch(enqueue); err != nil {
		return err
	}
	return c.Start(ctx)
}

// fqName is the name in a Desc's String, the only place a Desc shows it.
var fqName = regexp.MustCompile(`^Desc\{fqName: "([^"]+)"`)

func describe(c catalog, col prometheus.Collector) {
	histogram := isHistogram(col)
	descs := make(chan *prometheus.Desc)
	go func() {
		col.Describe(descs)
		close(descs)
	}()
	for d := range descs {
		if m := fqName.FindStringSubmatch(d.String()); m != nil {
			c[m[1]] = histogram
		}
	}
}

// isHistogram tells a histogram from the collector alone: a vector by its Go type, a single
// metric by a sample, since a summary has the same Go interface as a histogram.
func isHistogram(col prometheus.Collector) bool {
	switch v := col.(type) {
	case *prometheus.HistogramVec:
		return true
	case prometheus.Metric:
		var m dto.Metric
		return v.Write(&m) == nil && m.Histogram != nil
	}
	return false
}
