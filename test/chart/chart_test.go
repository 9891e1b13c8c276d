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

// Package chart_test renders the Helm chart in dist/chart with helm and checks it against
// the kustomize bases in config/: same RBAC rules, same CRDs, and a manager Deployment
// whose flags follow the values.
package chart_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/wassist-operator/wassist-operator/test/harness"
)

const (
	chartDir  = "../../dist/chart"
	release   = "t"
	namespace = "wassist-system"
	// fullname of release "t": every chart object's name starts with it.
	prefix = "t-wassist-operator-"
)

// doc is one rendered object, kept raw for decoding into its typed form.
type doc struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	raw []byte
}

func helmBin(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("HELM"); h != "" {
		return h
	}
	if p, err := filepath.Abs("../../bin/helm"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("helm not found: set HELM=/path/to/helm or run `make helm` to install it into ./bin")
	return ""
}

// render runs helm template with the given --set values and decodes every document.
func render(t *testing.T, set ...string) []doc {
	t.Helper()
	out, err := template(t, set...)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, bytes.NewReader(out))
}

// template runs helm template with the given --set values, for the oldest Kubernetes the
// chart supports (a helm built without its release ldflags assumes v1.20, which the chart's
// kubeVersion refuses); the error holds helm's own message.
func template(t *testing.T, set ...string) ([]byte, error) {
	t.Helper()
	args := make([]string, 0, 7+2*len(set))
	args = append(args, "template", release, chartDir, "--namespace", namespace, "--kube-version", harness.OldestKubernetes)
	for _, s := range set {
		args = append(args, "--set", s)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), helmBin(t), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("helm %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes(), nil
}

func decode(t *testing.T, r io.Reader) []doc {
	t.Helper()
	var docs []doc
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	for {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("reading YAML: %v", err)
		}
		var d doc
		if err := yaml.Unmarshal(raw, &d); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		if d.Kind == "" {
			continue // empty document, e.g. only comments
		}
		d.raw = raw
		docs = append(docs, d)
	}
}

func into(t *testing.T, d doc, obj any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(d.raw, obj); err != nil {
		t.Fatalf("decoding %s %s: %v", d.Kind, d.Metadata.Name, err)
	}
}

// configRBAC decodes every object of config/rbac.
func configRBAC(t *testing.T) []doc {
	t.Helper()
	files, err := filepath.Glob("../../config/rbac/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var docs []doc
	for _, f := range files {
		docs = append(docs, decode(t, bytes.NewReader(harness.ReadFile(t, f)))...)
	}
	return docs
}

// ofKind decodes the objects of docs of one kind.
func ofKind[T any](t *testing.T, docs []doc, kind string) []T {
	t.Helper()
	var objs []T
	for _, d := range docs {
		if d.Kind == kind {
			var obj T
			into(t, d, &obj)
			objs = append(objs, obj)
		}
	}
	return objs
}

// onlyDeployment returns the one Deployment of docs, failing unless there is exactly one.
func onlyDeployment(t *testing.T, docs []doc) appsv1.Deployment {
	t.Helper()
	deploys := ofKind[appsv1.Deployment](t, docs, "Deployment")
	if len(deploys) != 1 {
		t.Fatalf("want 1 Deployment, got %d", len(deploys))
	}
	return deploys[0]
}

// managerContainer returns the pod's container named manager.
func managerContainer(t *testing.T, pod corev1.PodSpec) corev1.Container {
	t.Helper()
	i := slices.IndexFunc(pod.Containers, func(c corev1.Container) bool { return c.Name == "manager" })
	if i < 0 {
		t.Fatal("no manager container")
	}
	return pod.Containers[i]
}

// normalizedRules turns rules into sorted canonical strings, each with sorted lists, so
// that two rule sets compare equal whatever the order of rules, verbs or resources.
func normalizedRules(t *testing.T, rules []rbacv1.PolicyRule) []string {
	t.Helper()
	out := make([]string, 0, len(rules))
	for _, r := range rules {
		for _, l := range [][]string{r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs, r.Verbs} {
			slices.Sort(l)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// roles maps "Kind/name" (name without the release prefix) to normalised rules.
func roles(t *testing.T, docs []doc, trim string) map[string][]string {
	t.Helper()
	m := map[string][]string{}
	for _, d := range docs {
		if d.Kind != "Role" && d.Kind != "ClusterRole" {
			continue
		}
		var role rbacv1.ClusterRole // a Role has the same shape
		into(t, d, &role)
		m[d.Kind+"/"+strings.TrimPrefix(d.Metadata.Name, trim)] = normalizedRules(t, role.Rules)
	}
	return m
}

func TestRBACMatchesConfig(t *testing.T) {
	want := roles(t, configRBAC(t), "")
	got := roles(t, render(t), prefix)

	// The roles scaffolded by kubebuilder; config/rbac may add more, never lose these.
	for _, name := range []string{
		"ClusterRole/manager-role", "Role/leader-election-role",
		"ClusterRole/metrics-auth-role", "ClusterRole/metrics-reader",
		"ClusterRole/wassistagent-admin-role", "ClusterRole/wassistagent-editor-role",
		"ClusterRole/wassistagent-viewer-role", "ClusterRole/wassistdeployment-admin-role",
		"ClusterRole/wassistdeployment-editor-role", "ClusterRole/wassistdeployment-viewer-role",
		"ClusterRole/wassisttemplate-admin-role", "ClusterRole/wassisttemplate-editor-role", "ClusterRole/wassisttemplate-viewer-role",
	} {
		if _, ok := want[name]; !ok {
			t.Errorf("config/rbac has no %s", name)
		}
	}
	for name, rules := range want {
		if !slices.Equal(got[name], rules) {
			t.Errorf("%s: the chart's rules differ from config/rbac's:\nchart:  %s\nconfig: %s",
				name, strings.Join(got[name], "\n        "), strings.Join(rules, "\n        "))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: in the chart but not in config/rbac", name)
		}
	}
}

func TestDeployment(t *testing.T) {
	for _, tc := range []struct {
		name          string
		set           []string
		wantArgs      []string
		absentArgs    []string
		metricsObject bool
	}{{
		name: "defaults",
		wantArgs: []string{"--leader-elect", "--sync-period=10m", "--rate-limit=100", "--rate-burst=5",
			"--metrics-bind-address=:8443", "--health-probe-bind-address=:8081",
			"--wassist-api-url=https://backend.wassist.app/api/v1/"},
		absentArgs:    []string{"--watch-namespaces"},
		metricsObject: true,
	}, {
		name: "variant",
		set: []string{"leaderElection.enabled=false", "syncPeriod=2m", "rateLimit=30",
			"metrics.enabled=false", "serviceMonitor.enabled=true", "watchNamespaces={a,b}",
			"extraArgs={--zap-log-level=debug}"},
		wantArgs: []string{"--sync-period=2m", "--rate-limit=30", "--metrics-bind-address=0",
			"--watch-namespaces=a,b", "--zap-log-level=debug"},
		absentArgs: []string{"--leader-elect", "--sync-period=10m", "--rate-limit=100"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			docs := render(t, tc.set...)
			metricsObject := slices.ContainsFunc(docs, func(d doc) bool { return d.Kind == "Service" || d.Kind == "ServiceMonitor" })
			if metricsObject != tc.metricsObject {
				t.Errorf("metrics Service/ServiceMonitor rendered: %v, want %v", metricsObject, tc.metricsObject)
			}
			pod := onlyDeployment(t, docs).Spec.Template.Spec
			c := managerContainer(t, pod)
			for _, a := range tc.wantArgs {
				if !slices.Contains(c.Args, a) {
					t.Errorf("args %q lack %q", c.Args, a)
				}
			}
			for _, a := range tc.absentArgs {
				if slices.ContainsFunc(c.Args, func(s string) bool { return s == a || strings.HasPrefix(s, a+"=") }) {
					t.Errorf("args %q contain %q", c.Args, a)
				}
			}

			psc, sc := pod.SecurityContext, c.SecurityContext
			switch {
			case psc == nil || sc == nil:
				t.Fatal("pod or container securityContext missing")
			case !isTrue(psc.RunAsNonRoot) || !isTrue(sc.RunAsNonRoot):
				t.Error("pod and container must set runAsNonRoot: true")
			case !isTrue(sc.ReadOnlyRootFilesystem):
				t.Error("container must set readOnlyRootFilesystem: true")
			case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
				t.Error("container must set allowPrivilegeEscalation: false")
			case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL"):
				t.Error("container must drop ALL capabilities")
			case psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
				t.Error("pod must use the RuntimeDefault seccomp profile")
			}
		})
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// TestCRDsMatchConfig fails when `make manifests` changed the CRDs and the chart's copy
// was not refreshed.
func TestCRDsMatchConfig(t *testing.T) {
	list := func(dir string) []string {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = filepath.Base(f)
		}
		return names
	}
	const configDir, chartCRDs = "../../config/crd/bases", chartDir + "/crds"
	want, got := list(configDir), list(chartCRDs)
	if len(want) == 0 || !slices.Equal(want, got) {
		t.Fatalf("CRD files differ: config/crd/bases has %q, dist/chart/crds has %q", want, got)
	}
	for _, name := range want {
		if !bytes.Equal(harness.ReadFile(t, filepath.Join(configDir, name)), harness.ReadFile(t, filepath.Join(chartCRDs, name))) {
			t.Errorf("dist/chart/crds/%s differs from config/crd/bases/%s: copy it again", name, name)
		}
	}
}
