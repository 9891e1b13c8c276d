package argocd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The script of the controller suite's specs is the one argocd-cm.yaml ships for both
// kinds, and the one docs/gitops.md shows.
func TestShippedConfigMapHoldsTheScriptForEveryKind(t *testing.T) {
	script := read(t, "config", "argocd", "health.lua")
	raw := read(t, "config", "argocd", "argocd-cm.yaml")
	cm := &corev1.ConfigMap{}
	if err := yaml.Unmarshal([]byte(raw), cm); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"WassistAgent", "WassistDeployment", "WassistTemplate"} {
		key := "resource.customizations.health.wassist.app_" + kind
		if cm.Data[key] != script {
			t.Errorf("argocd-cm.yaml's %s is not config/argocd/health.lua", key)
		}
	}
	if len(cm.Data) != 3 {
		t.Errorf("argocd-cm.yaml has %d keys, want one per kind", len(cm.Data))
	}
	docs := read(t, "docs", "gitops.md")
	if !strings.Contains(docs, "```yaml\n"+raw+"```\n") {
		t.Error("docs/gitops.md does not show config/argocd/argocd-cm.yaml as it is")
	}
}

// Argo CD opens no string library: a script that used one would fail there, and here.
func TestEvaluateOpensOnlyWhatArgoCDOpens(t *testing.T) {
	_, err := Evaluate(`return { status = string.upper("healthy") }`, map[string]any{})
	if err == nil {
		t.Fatal("string library available; Argo CD does not open it")
	}
	h, err := Evaluate(`return { status = "Healthy", message = obj.metadata.name .. " " .. #obj.items }`,
		map[string]any{"metadata": map[string]any{"name": "a"}, "items": []any{"x", "y"}})
	if err != nil || h.Message != "a 2" {
		t.Fatalf("got %+v, %v", h, err)
	}
	if _, err := Evaluate(`return { status = "Fine" }`, map[string]any{}); err == nil {
		t.Fatal("a status Argo CD does not accept was taken")
	}
}

func read(t *testing.T, path ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", ".."}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
