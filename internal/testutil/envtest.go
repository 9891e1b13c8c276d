// Package testutil holds what the envtest suites of several packages share.
package testutil

import (
	"os"
	"path/filepath"
)

// EnvtestAssetsDir lets a suite run from an IDE or a bare `go test`: when
// KUBEBUILDER_ASSETS is unset, it returns the directory of the binaries `make envtest`
// built under bin/k8s of the repository at repoRoot; otherwise "" (envtest then uses
// KUBEBUILDER_ASSETS).
func EnvtestAssetsDir(repoRoot string) string {
	if os.Getenv("KUBEBUILDER_ASSETS") != "" {
		return ""
	}
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "bin", "k8s", "*"))
	if err != nil || len(dirs) == 0 {
		return ""
	}
	return dirs[len(dirs)-1]
}
