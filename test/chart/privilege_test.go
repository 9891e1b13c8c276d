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
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/wassist-operator/wassist-operator/test/harness"
)

// Least privilege: every permission the manager's ServiceAccount holds is listed here with
// the reason the operator needs it, and docs/operations.md shows the same table. A broader
// kubebuilder:rbac marker, a wildcard, or a rule nobody can explain fails the test; so does
// a rule dropped without updating the list. The chart's roles equal config/rbac's
// (TestRBACMatchesConfig), so this covers both.

// grant is one (role, API group, resource) with its verbs, sorted.
type grant struct {
	role, group, resource, verbs string
}

var managerGrants = map[grant]string{
	{"ClusterRole/manager-role", "", "secrets", "create,get,list,patch,watch"}: "get: the API key and credit password, read uncached " +
		"from the resource's own namespace; list, watch: the metadata-only watch that sees a Secret change (rotation) at once; " +
		"create, patch: the outbound triggers' Secrets only, created owned by their agent and written only while it controls them " +
		"(the outbound-trigger spec of the controller suite). No update or delete.",
	{"ClusterRole/manager-role", "events.k8s.io", "events", "create,patch"}: "an event for every remote write and every problem the user must act on; patch aggregates repeats.",
	{"ClusterRole/manager-role", "wassist.app", "wassistagents", "get,list,patch,watch"}: "the agent controller's cache; patch writes the finalizer and the " +
		"agent-id and create-pending annotations of the crash-safe create.",
	{"ClusterRole/manager-role", "wassist.app", "wassistagents/status", "patch"}: "the one status patch per reconcile.",
	{"ClusterRole/manager-role", "wassist.app", "wassistdeployments", "get,list,patch,watch"}: "the deployment controller's cache, " +
		"and the metadata patches that add and remove its finalizer.",
	{"ClusterRole/manager-role", "wassist.app", "wassistdeployments/status", "patch"}: "the one status patch per reconcile.",
	{"ClusterRole/manager-role", "wassist.app", "wassisttemplates", "get,list,patch,watch"}: "the template controller's cache, " +
		"and the metadata patches of the crash-safe create and the finalizer.",
	{"ClusterRole/manager-role", "wassist.app", "wassisttemplates/status", "patch"}: "the one status patch per reconcile.",
	{"Role/leader-election-role", "coordination.k8s.io", "leases", "create,delete,get,list,patch,update,watch"}: "leader election, " +
		"in the operator's own namespace only (a Role): one Lease, taken, renewed and released on shutdown.",
	{"Role/leader-election-role", "", "events", "create,patch"}:                          "the events leader election records on its Lease, in the operator's own namespace only.",
	{"ClusterRole/metrics-auth-role", "authentication.k8s.io", "tokenreviews", "create"}: "authenticate the bearer token of a /metrics scrape.",
	{"ClusterRole/metrics-auth-role", "authorization.k8s.io", "subjectaccessreviews", "create"}: "authorise a /metrics scrape " +
		"(the scraper needs the metrics-reader ClusterRole).",
}

const managerServiceAccount = "controller-manager"

func TestManagerPermissionsAreAllowListed(t *testing.T) {
	docs := configRBAC(t)
	roles := map[string][]rbacv1.PolicyRule{}
	bound := map[string]bool{}
	for _, d := range docs {
		switch d.Kind {
		case "Role", "ClusterRole":
			var r rbacv1.ClusterRole
			into(t, d, &r)
			roles[d.Kind+"/"+r.Name] = r.Rules
		case "RoleBinding", "ClusterRoleBinding":
			var b rbacv1.ClusterRoleBinding
			into(t, d, &b)
			for _, s := range b.Subjects {
				if s.Kind == rbacv1.ServiceAccountKind && s.Name == managerServiceAccount {
					bound[b.RoleRef.Kind+"/"+b.RoleRef.Name] = true
				}
			}
		}
	}
	if len(bound) == 0 {
		t.Fatal("no role is bound to the manager's ServiceAccount")
	}

	got := map[grant]bool{}
	for role := range bound {
		rules, ok := roles[role]
		if !ok {
			t.Errorf("%s is bound to the manager but not defined in config/rbac", role)
		}
		for _, r := range rules {
			if len(r.NonResourceURLs) > 0 || len(r.ResourceNames) > 0 {
				t.Errorf("%s: unexpected rule %+v", role, r)
			}
			verbs := slices.Sorted(slices.Values(r.Verbs))
			for _, v := range append(slices.Clone(verbs), append(r.APIGroups, r.Resources...)...) {
				if v == rbacv1.VerbAll || strings.Contains(v, "*") {
					t.Errorf("%s: wildcard %q in rule %+v", role, v, r)
				}
			}
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					got[grant{role, g, res, strings.Join(verbs, ",")}] = true
				}
			}
		}
	}
	for g := range got {
		if _, ok := managerGrants[g]; !ok {
			t.Errorf("the manager is granted %s on %q in group %q by %s, which no entry of the allow-list "+
				"explains: narrow the kubebuilder:rbac marker, or add the grant with its reason here and in "+
				"docs/operations.md", g.verbs, g.resource, g.group, g.role)
		}
	}
	for g := range managerGrants {
		if !got[g] {
			t.Errorf("the allow-list has %s on %q in group %q by %s, which the manager is no longer granted: "+
				"drop it here and in docs/operations.md", g.verbs, g.resource, g.group, g.role)
		}
	}

	// The operations guide shows every grant, so that an operator reviewing the install
	// sees what each permission is for.
	ops := harness.ReadFile(t, "../../docs/operations.md")
	for g := range managerGrants {
		kind, name, _ := strings.Cut(g.role, "/")
		group := g.group
		if group == "" {
			group = `""`
		}
		row := fmt.Sprintf("| %s `wassist-operator-%s` | `%s` | `%s` | `%s` |", kind, name, group, g.resource,
			strings.ReplaceAll(g.verbs, ",", "`, `"))
		if !bytes.Contains(ops, []byte(row)) {
			t.Errorf("docs/operations.md lacks the row starting %q", row)
		}
	}
}

// TestKustomizeManagerIsHardened checks the manager Deployment that config/default renders
// (what `make deploy` and the e2e suite install); TestDeployment checks the chart's.
func TestKustomizeManagerIsHardened(t *testing.T) {
	bin := os.Getenv("KUSTOMIZE")
	if bin == "" {
		if p, err := filepath.Abs("../../bin/kustomize"); err == nil {
			if _, err := os.Stat(p); err == nil {
				bin = p
			}
		}
	}
	if bin == "" {
		t.Skip("kustomize not found: set KUSTOMIZE=/path/to/kustomize or run `make kustomize`")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), bin, "build", "../../config/default")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kustomize build config/default: %v\n%s", err, stderr.String())
	}
	pod := onlyDeployment(t, decode(t, &stdout)).Spec.Template.Spec
	psc := pod.SecurityContext
	if psc == nil || !isTrue(psc.RunAsNonRoot) {
		t.Error("the pod must set runAsNonRoot: true")
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("the pod must use the RuntimeDefault seccomp profile")
	}
	for _, c := range append(pod.InitContainers, pod.Containers...) {
		sc := c.SecurityContext
		switch {
		case sc == nil:
			t.Errorf("container %s: no securityContext", c.Name)
		case !isTrue(sc.ReadOnlyRootFilesystem):
			t.Errorf("container %s must set readOnlyRootFilesystem: true", c.Name)
		case sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot, sc.RunAsUser != nil && *sc.RunAsUser == 0:
			t.Errorf("container %s must not run as root", c.Name)
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			t.Errorf("container %s must set allowPrivilegeEscalation: false", c.Name)
		case sc.Privileged != nil && *sc.Privileged:
			t.Errorf("container %s must not be privileged", c.Name)
		case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0:
			t.Errorf("container %s must drop ALL capabilities and add none", c.Name)
		}
	}
}
