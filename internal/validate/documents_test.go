package validate_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/validate"
)

func TestReadsEveryDocumentOfAYAMLStreamAndGoesOnPastABadOne(t *testing.T) {
	docs := validate.ReadDocuments(strings.NewReader(`---
apiVersion: v1
kind: Secret
metadata: {name: a}
---
# only a comment
---
a: [
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {n: "1"}
---
metadata: {name: c}
`))
	if len(docs) != 4 {
		t.Fatalf("want 4 documents (the comment has no object), got %+v", docs)
	}
	if docs[0].Index != 1 || docs[0].Objects[0].GetName() != "a" {
		t.Errorf("document 1: %+v", docs[0])
	}
	if docs[1].Index != 3 || docs[1].Err == nil {
		t.Errorf("want document 3 unreadable, got %+v", docs[1])
	}
	if docs[2].Index != 4 || docs[2].Objects[0].GetName() != "b" {
		t.Errorf("document 4: %+v", docs[2])
	}
	if docs[3].Err == nil || !strings.Contains(docs[3].Err.Error(), "[apiVersion not set, kind not set]") {
		t.Errorf("want document 5 refused for its missing apiVersion and kind, got %+v", docs[3])
	}
}

func TestReadsAJSONStreamAndTheItemsOfAList(t *testing.T) {
	docs := validate.ReadDocuments(strings.NewReader(`{"apiVersion": "v1", "kind": "List", "items": [
		{"apiVersion": "wassist.app/v1alpha1", "kind": "WassistAgent", "metadata": {"name": "a"}},
		{"apiVersion": "wassist.app/v1alpha1", "kind": "WassistAgent", "metadata": {"name": "b"}}]}
	{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "c"}}`))
	var names []string
	for _, d := range docs {
		if d.Err != nil {
			t.Fatal(d.Err)
		}
		for _, o := range d.Objects {
			names = append(names, o.GetName())
		}
	}
	if !slices.Equal(names, []string{"a", "b", "c"}) || docs[1].Index != 2 {
		t.Fatalf("got %v from %+v", names, docs)
	}
}

// The schema's integer types take int64 only, as the API server decodes them.
func TestReadsIntegersAsTheAPIServerDoes(t *testing.T) {
	docs := validate.ReadDocuments(strings.NewReader("apiVersion: v1\nkind: X\nspec: {count: 5, ratio: 1.5}\n"))
	spec := docs[0].Objects[0].Object["spec"].(map[string]any)
	if _, ok := spec["count"].(int64); !ok {
		t.Errorf("count is %T", spec["count"])
	}
	if _, ok := spec["ratio"].(float64); !ok {
		t.Errorf("ratio is %T", spec["ratio"])
	}
}

func TestFilesReadsDirectoriesRecursivelyWithoutKustomizations(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.yaml", "a/c.yml", "a/d.json", "a/kustomization.yaml", "notes.txt", "kustomization.yml"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	files, err := validate.Files([]string{dir, validate.Stdin, filepath.Join(dir, "a", "kustomization.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a", "c.yml"), filepath.Join(dir, "a", "d.json"), filepath.Join(dir, "b.yaml"),
		validate.Stdin, filepath.Join(dir, "a", "kustomization.yaml")}
	if !slices.Equal(files, want) {
		t.Fatalf("got %v, want %v", files, want)
	}
	if _, err := validate.Files([]string{filepath.Join(dir, "missing.yaml")}); err == nil {
		t.Error("a missing file was taken")
	}
	if _, err := validate.Files([]string{t.TempDir()}); err == nil {
		t.Error("a directory without manifests was taken")
	}
}
