package importer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Write writes every object to its file under dir, and a kustomization.yaml that lists
// them. Status and server-set metadata are left out: they are the cluster's to write.
func Write(dir string, res Result) error {
	paths := make([]string, 0, len(res.Objects))
	for _, o := range res.Objects {
		data, err := manifest(o)
		if err != nil {
			return fmt.Errorf("%s: %w", o.Path, err)
		}
		path := filepath.Join(dir, filepath.FromSlash(o.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return err
		}
		paths = append(paths, o.Path)
	}
	k, err := yaml.Marshal(map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind":       "Kustomization",
		"resources":  paths,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "kustomization.yaml"), k, 0o600)
}

// manifest is an object's YAML without its status and empty metadata.
func manifest(o Object) ([]byte, error) {
	data, err := json.Marshal(o.Object)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	return yaml.Marshal(m)
}
