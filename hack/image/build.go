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

package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	defaultSource = "https://github.com/wassist-operator/wassist-operator"
	versionPkg    = "github.com/wassist-operator/wassist-operator/internal/version"
	// binary is the one file of the image, at its root, and its entrypoint.
	binary = "manager"
	// nonroot is the user and group the manager runs as (distroless's "nonroot").
	nonroot = "65532:65532"
)

// buildOptions say what to build; the image's contents follow from them alone, so the
// same options and sources give the same digests.
type buildOptions struct {
	Out, Version, Revision, Source, Module string
	Created                                int64
	Platforms                              []string
}

// labels are the OCI annotations of the image, its config and its index.
func (o buildOptions) labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "wassist-operator",
		"org.opencontainers.image.description": "Kubernetes operator for Wassist WhatsApp AI agents",
		"org.opencontainers.image.source":      o.Source,
		"org.opencontainers.image.url":         o.Source,
		"org.opencontainers.image.version":     o.Version,
		"org.opencontainers.image.revision":    o.Revision,
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.created":     time.Unix(o.Created, 0).UTC().Format(time.RFC3339),
	}
}

// build compiles the manager for each platform and writes the multi-arch index as an OCI
// layout in o.Out, tagged with the version (annotation org.opencontainers.image.ref.name).
func build(o buildOptions) error {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.Annotations(idx, o.labels()).(v1.ImageIndex)
	for _, p := range o.Platforms {
		platform, err := v1.ParsePlatform(p)
		if err != nil {
			return err
		}
		img, err := platformImage(o, *platform)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add: img, Descriptor: v1.Descriptor{Platform: platform},
		})
	}
	if err := os.RemoveAll(o.Out); err != nil {
		return err
	}
	path, err := layout.Write(o.Out, empty.Index)
	if err != nil {
		return err
	}
	return path.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": o.Version,
	}))
}

// platformImage is the image of one platform: a config and the binary's layer.
func platformImage(o buildOptions, p v1.Platform) (v1.Image, error) {
	bin, err := compile(o, p)
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: time.Unix(o.Created, 0).UTC()}
	layer, err := binaryLayer(bin, created.Time)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Architecture, OS: p.OS, Variant: p.Variant, Created: created,
		Config: v1.Config{
			User: nonroot, Entrypoint: []string{"/" + binary}, WorkingDir: "/", Labels: o.labels(),
		},
	})
	if err != nil {
		return nil, err
	}
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
		History: v1.History{Created: created, CreatedBy: "hack/image: the manager binary", Comment: o.Version}})
	if err != nil {
		return nil, err
	}
	return mutate.Annotations(img, o.labels()).(v1.Image), nil
}

// compile builds a static manager for p, stamped with the version, and returns its bytes.
func compile(o buildOptions, p v1.Platform) ([]byte, error) {
	dir, err := os.MkdirTemp("", "wassist-image-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	out := filepath.Join(dir, binary)
	ldflags := fmt.Sprintf("-s -w -X %s.Version=%s -X %s.Revision=%s", versionPkg, o.Version, versionPkg, o.Revision)
	cmd := exec.CommandContext(context.Background(), "go", "build", "-trimpath", "-ldflags", ldflags, "-o", out, "./cmd")
	cmd.Dir = o.Module
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Architecture)
	if p.Variant != "" && p.Architecture == "arm" {
		cmd.Env = append(cmd.Env, "GOARM="+strings.TrimPrefix(p.Variant, "v"))
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build: %w", err)
	}
	return os.ReadFile(out)
}

// binaryLayer is a layer holding only /manager: owned by root and not writable by the
// user it runs as, with a fixed time so the digest depends on the bytes alone.
func binaryLayer(bin []byte, mtime time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: binary, Mode: 0o755, Size: int64(len(bin)),
		ModTime: mtime.UTC(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
