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

package chart_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/wassist-operator/wassist-operator/test/harness"
)

// TestDefaultsRenderAsGolden: what helm template renders with the defaults is testdata/
// default.yaml, so that no change to the defaults slips by; UPDATE_GOLDEN=1 rewrites it,
// and CHANGELOG.md says what changed for users.
func TestDefaultsRenderAsGolden(t *testing.T) {
	got, err := template(t)
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/default.yaml"
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := harness.ReadFile(t, golden)
	if !bytes.Equal(got, want) {
		t.Errorf("the defaults render differently from %s (rerun with UPDATE_GOLDEN=1 if intended, and say so in CHANGELOG.md):\n%s",
			golden, firstDifference(string(want), string(got)))
	}
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w[i] + "\n  got:  " + g[i]
		}
	}
	return "lengths differ: want " + strconv.Itoa(len(w)) + " lines, got " + strconv.Itoa(len(g))
}

func TestSchemaRejectsBadValues(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"terminationGracePeriodSeconds=30", "terminationGracePeriodSeconds"},
		{"podDisruptionBudget.maxUnavailable=0", "maxUnavailable"},
		{"goMemLimitPercent=150", "goMemLimitPercent"},
		{"watchNamespaces={Not_A_Namespace}", "watchNamespaces"},
		{"image.pullPolicy=Sometimes", "pullPolicy"},
		{"rateLimt=100", "rateLimt"},
		{"syncPeriod=ten minutes", "syncPeriod"},
		{"resources.limits.memory=lots", "memory"},
		{"extraEnv[0].value=no-name", "name"},
		{"extraArgs={sync-period=1m}", "extraArgs"},
		{"topologySpreadConstraints[0].maxSkew=1", "topologyKey"},
	} {
		t.Run(tc.set, func(t *testing.T) {
			_, err := template(t, tc.set)
			if err == nil {
				t.Fatalf("helm template accepted %s", tc.set)
			}
			if !strings.Contains(err.Error(), "values don't meet the specifications of the schema") ||
				!strings.Contains(err.Error(), tc.want) {
				t.Errorf("helm template refused %s, but not by the schema naming %q:\n%v", tc.set, tc.want, err)
			}
		})
	}
}

// TestScopedRBACRendersRolesOnly: with watchNamespaces the manager's rules are a Role in each
// watched namespace, bound to its ServiceAccount there; cluster-wide, it is bound only to the
// metrics auth ClusterRole (TokenReviews and SubjectAccessReviews have no namespace).
func TestScopedRBACRendersRolesOnly(t *testing.T) {
	docs := render(t, "watchNamespaces={team-a,team-b}")
	wantRules := managerRulesOfConfig(t)
	sa := prefix + managerServiceAccount
	rolesIn := map[string]bool{}
	for _, d := range docs {
		switch d.Kind {
		case "ClusterRole":
			var r rbacv1.ClusterRole
			into(t, d, &r)
			if strings.TrimPrefix(r.Name, prefix) == "manager-role" {
				t.Errorf("ClusterRole %s rendered with watchNamespaces", r.Name)
			}
		case "ClusterRoleBinding":
			var b rbacv1.ClusterRoleBinding
			into(t, d, &b)
			if bindsSubject(b.Subjects, sa) && b.RoleRef.Name != prefix+"metrics-auth-role" {
				t.Errorf("ClusterRoleBinding %s grants %s cluster-wide to the manager", b.Name, b.RoleRef.Name)
			}
		case "Role":
			var r rbacv1.Role
			into(t, d, &r)
			if r.Name == prefix+"manager-role" {
				rolesIn[r.Namespace] = true
				if got := normalizedRules(t, r.Rules); !slices.Equal(got, wantRules) {
					t.Errorf("Role %s/%s rules differ from config/rbac/role.yaml's", r.Namespace, r.Name)
				}
			}
		case "RoleBinding":
			var b rbacv1.RoleBinding
			into(t, d, &b)
			if b.RoleRef.Name == prefix+"manager-role" && (b.RoleRef.Kind != "Role" || !bindsSubject(b.Subjects, sa)) {
				t.Errorf("RoleBinding %s/%s binds %s %s, want Role to the manager", b.Namespace, b.Name, b.RoleRef.Kind, b.RoleRef.Name)
			}
		}
	}
	if !rolesIn["team-a"] || !rolesIn["team-b"] || len(rolesIn) != 2 {
		t.Errorf("manager Roles in %v, want exactly team-a and team-b", rolesIn)
	}
}

func managerRulesOfConfig(t *testing.T) []string {
	t.Helper()
	rules := roles(t, configRBAC(t), "")["ClusterRole/manager-role"]
	if len(rules) == 0 {
		t.Fatal("config/rbac has no ClusterRole manager-role")
	}
	return rules
}

func bindsSubject(subjects []rbacv1.Subject, serviceAccount string) bool {
	return slices.ContainsFunc(subjects, func(s rbacv1.Subject) bool {
		return s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.Namespace == namespace
	})
}

// TestGoMemLimitFollowsTheMemoryLimit: GOMEMLIMIT is goMemLimitPercent of the limit, in
// bytes rounded down; absent without a limit, at 0%, or when extraEnv sets it.
func TestGoMemLimitFollowsTheMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  []string
		want []string // GOMEMLIMIT values in the container's env, in order
	}{
		{"256Mi", nil, []string{"214748364"}},
		{"1Gi", []string{"resources.limits.memory=1Gi"}, []string{"858993459"}},
		{"500M at 90%", []string{"resources.limits.memory=500M", "goMemLimitPercent=90"}, []string{"450000000"}},
		{"1.5Gi", []string{"resources.limits.memory=1.5Gi"}, []string{"1288490188"}},
		{"0%", []string{"goMemLimitPercent=0"}, nil},
		{"no limit", []string{"resources.limits=null"}, nil},
		{"extraEnv's own", []string{"extraEnv[0].name=GOMEMLIMIT", "extraEnv[0].value=100MiB"}, []string{"100MiB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range manager(t, tc.set...).Env {
				if e.Name == "GOMEMLIMIT" {
					got = append(got, e.Value)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("GOMEMLIMIT %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := template(t, "resources.limits.memory=1e9"); err == nil || !strings.Contains(err.Error(), "write it like 256Mi") {
		t.Errorf("a limit GOMEMLIMIT cannot be derived from: want helm's failure with the way out, got %v", err)
	}
}

// TestKustomizeGoMemLimitIsEightyPercent: config/manager states GOMEMLIMIT by hand (kustomize
// cannot compute it), so it must move with the limit beside it.
func TestKustomizeGoMemLimitIsEightyPercent(t *testing.T) {
	dep := onlyDeployment(t, decode(t, bytes.NewReader(harness.ReadFile(t, "../../config/manager/manager.yaml"))))
	c := managerContainer(t, dep.Spec.Template.Spec)
	limit := c.Resources.Limits.Memory().Value()
	i := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "GOMEMLIMIT" })
	if i < 0 {
		t.Fatal("config/manager/manager.yaml sets no GOMEMLIMIT")
	}
	if want := limit * 80 / 100; c.Env[i].Value != strconv.FormatInt(want, 10) {
		t.Errorf("GOMEMLIMIT %s, want 80%% of the %d-byte limit: %d", c.Env[i].Value, limit, want)
	}
	if g := dep.Spec.Template.Spec.TerminationGracePeriodSeconds; g == nil || *g <= 35 {
		t.Errorf("terminationGracePeriodSeconds %v, want above the manager's 35 s watchdog", g)
	}
}

func manager(t *testing.T, set ...string) corev1.Container {
	t.Helper()
	return managerContainer(t, onlyDeployment(t, render(t, set...)).Spec.Template.Spec)
}

func TestPodSchedulingValues(t *testing.T) {
	docs := render(t, "priorityClassName=system-cluster-critical", "replicas=2",
		"topologySpreadConstraints[0].maxSkew=1", "topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname",
		"topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway", "podDisruptionBudget.maxUnavailable=50%")
	pdbs := ofKind[policyv1.PodDisruptionBudget](t, docs, "PodDisruptionBudget")
	pod := onlyDeployment(t, docs).Spec.Template
	if pod.Spec.PriorityClassName != "system-cluster-critical" {
		t.Errorf("priorityClassName %q", pod.Spec.PriorityClassName)
	}
	tsc := pod.Spec.TopologySpreadConstraints
	if len(tsc) != 1 || tsc[0].LabelSelector == nil || !selects(tsc[0].LabelSelector.MatchLabels, pod.Labels) {
		t.Errorf("topology spread %+v: want one constraint selecting the manager pods %v", tsc, pod.Labels)
	}
	if len(pdbs) != 1 || pdbs[0].Spec.MaxUnavailable.String() != "50%" ||
		!selects(pdbs[0].Spec.Selector.MatchLabels, pod.Labels) {
		t.Errorf("PodDisruptionBudgets %+v: want one of maxUnavailable 50%% selecting the manager pods", pdbs)
	}
	for _, d := range render(t, "podDisruptionBudget.enabled=false") {
		if d.Kind == "PodDisruptionBudget" {
			t.Error("a PodDisruptionBudget rendered with podDisruptionBudget.enabled=false")
		}
	}
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return len(selector) > 0
}

// TestCRDTemplates: the CRDs are templates only with crds.enabled, the same as crds/, and
// kept by helm uninstall unless crds.keep is false.
func TestCRDTemplates(t *testing.T) {
	for _, tc := range []struct {
		set        []string
		crds, keep bool
	}{{nil, false, false}, {[]string{"crds.enabled=true"}, true, true}, {[]string{"crds.enabled=true", "crds.keep=false"}, true, false}} {
		t.Run(strings.Join(tc.set, ","), func(t *testing.T) {
			var names []string
			for _, d := range render(t, tc.set...) {
				if d.Kind != "CustomResourceDefinition" {
					continue
				}
				var crd apiextensionsv1.CustomResourceDefinition
				into(t, d, &crd)
				names = append(names, crd.Name)
				if kept := crd.Annotations["helm.sh/resource-policy"] == "keep"; kept != tc.keep {
					t.Errorf("%s kept by helm uninstall: %v, want %v", crd.Name, kept, tc.keep)
				}
				if !sameSpecAsChartCRD(t, crd) {
					t.Errorf("%s: the template's spec differs from crds/'s", crd.Name)
				}
			}
			if tc.crds && len(names) != 3 {
				t.Errorf("CRD templates %q, want the 3 of crds/", names)
			} else if !tc.crds && len(names) != 0 {
				t.Errorf("CRD templates %q without crds.enabled", names)
			}
		})
	}
}

func sameSpecAsChartCRD(t *testing.T, crd apiextensionsv1.CustomResourceDefinition) bool {
	t.Helper()
	b := harness.ReadFile(t, filepath.Join(chartDir, "crds", crd.Spec.Group+"_"+crd.Spec.Names.Plural+".yaml"))
	var want apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	a, _ := yaml.Marshal(crd.Spec)
	w, _ := yaml.Marshal(want.Spec)
	return bytes.Equal(a, w)
}

// TestOneVersion: the VERSION file is the chart's version and appVersion, the image of
// config/manager and dist/install.yaml, and the one Artifact Hub lists.
func TestOneVersion(t *testing.T) {
	v := strings.TrimSpace(string(harness.ReadFile(t, "../../VERSION")))
	var chart struct {
		Version     string            `json:"version"`
		AppVersion  string            `json:"appVersion"`
		Annotations map[string]string `json:"annotations"`
	}
	if err := yaml.Unmarshal(harness.ReadFile(t, chartDir+"/Chart.yaml"), &chart); err != nil {
		t.Fatal(err)
	}
	image := "ghcr.io/wassist-operator/wassist-operator:" + v
	for what, got := range map[string]string{
		"Chart.yaml version":               chart.Version,
		"Chart.yaml appVersion":            chart.AppVersion,
		"Chart.yaml artifacthub.io/images": imageIn(chart.Annotations["artifacthub.io/images"]),
		"config/manager newTag":            tagIn(harness.ReadFile(t, "../../config/manager/kustomization.yaml")),
		"dist/install.yaml image":          imageIn(string(harness.ReadFile(t, "../../dist/install.yaml"))),
	} {
		if got != v && got != image {
			t.Errorf("%s is %q, want version %s (make manifests, make build-installer)", what, got, v)
		}
	}
}

var (
	imageLine = regexp.MustCompile(`image: "?(ghcr\.io/wassist-operator/wassist-operator:[^"\s]+)`)
	newTag    = regexp.MustCompile(`(?m)^\s+newTag: (\S+)$`)
)

func imageIn(s string) string {
	if m := imageLine.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

func tagIn(b []byte) string {
	if m := newTag.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}
