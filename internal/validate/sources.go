package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Stdin names standard input among the sources, as kubectl's -f - does.
const Stdin = "-"

// manifestExts are the files a directory's manifests are read from, as kubectl -f DIR
// reads them.
var manifestExts = []string{".yaml", ".yml", ".json"}

// kustomizations are kustomize's own files, which sit beside the manifests they list but
// are not manifests (kubectl -f DIR refuses them): a directory's are left out.
var kustomizations = []string{"kustomization.yaml", "kustomization.yml"}

// Files expands sources into the files to read, in order: a directory into its manifests,
// recursively and in lexical order, without kustomization files; a file, or Stdin, as it
// is. A source that does not exist, or a directory without manifests, is an error.
func Files(sources []string) ([]string, error) {
	var files []string
	for _, src := range sources {
		if src == Stdin {
			files = append(files, src)
			continue
		}
		info, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, src)
			continue
		}
		found, err := manifestsIn(src)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("no manifests (%v) in directory %s", manifestExts, src)
		}
		files = append(files, found...)
	}
	return files, nil
}

func manifestsIn(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && slices.Contains(manifestExts, filepath.Ext(path)) && !slices.Contains(kustomizations, d.Name()) {
			found = append(found, path)
		}
		return nil
	})
	return found, err
}
