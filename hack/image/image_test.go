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
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

const (
	testVersion  = "9.8.7-test"
	testRevision = "0123456789abcdef"
)

// built is the image the tests build themselves, once, when IMAGE_LAYOUT names none, in
// builtIn (removed when the tests end).
var (
	builtIn string
	built   = sync.OnceValues(func() (string, error) {
		var err error
		if builtIn, err = os.MkdirTemp("", "wassist-image-test-"); err != nil {
			return "", err
		}
		dir := filepath.Join(builtIn, "image")
		return dir, build(buildOptions{Out: dir, Version: testVersion, Revision: testRevision, Source: defaultSource,
			Module: "../..", Created: 1700000000, Platforms: []string{"linux/amd64", "linux/arm64"}})
	})
)

func TestMain(m *testing.M) {
	code := m.Run()
	if builtIn != "" {
		_ = os.RemoveAll(builtIn)
	}
	os.Exit(code)
}

// layoutUnderTest is the image the test reads back: IMAGE_LAYOUT's (what `make image`
// wrote, with IMAGE_VERSION and IMAGE_REVISION), or one it builds itself.
func layoutUnderTest(t *testing.T) (dir, ver, rev string) {
	t.Helper()
	if dir := os.Getenv("IMAGE_LAYOUT"); dir != "" {
		return dir, os.Getenv("IMAGE_VERSION"), os.Getenv("IMAGE_REVISION")
	}
	dir, err := built()
	if err != nil {
		t.Fatal(err)
	}
	return dir, testVersion, testRevision
}

func TestTheImageIsTheStaticManagerAloneRunAsNonRoot(t *testing.T) {
	dir, ver, rev := layoutUnderTest(t)
	idx, err := readIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != "application/vnd.oci.image.index.v1+json" {
		t.Errorf("index media type %q, want the OCI image index", m.MediaType)
	}
	var platforms []string
	for _, d := range m.Manifests {
		platforms = append(platforms, d.Platform.String())
	}
	slices.Sort(platforms)
	if !slices.Equal(platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Fatalf("platforms %v, want linux/amd64 and linux/arm64", platforms)
	}
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			img, err := platformOf(idx, "linux/"+arch)
			if err != nil {
				t.Fatal(err)
			}
			checkConfig(t, img, arch, ver, rev)
			checkLayer(t, img, machines[arch])
		})
	}
}

func checkConfig(t *testing.T, img v1.Image, arch, ver, rev string) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != arch {
		t.Errorf("config platform %s/%s, want linux/%s", cf.OS, cf.Architecture, arch)
	}
	c := cf.Config
	if c.User != "65532:65532" {
		t.Errorf("user %q, want 65532:65532", c.User)
	}
	if !slices.Equal(c.Entrypoint, []string{"/manager"}) || len(c.Cmd) != 0 {
		t.Errorf("entrypoint %q cmd %q, want [/manager] and no cmd", c.Entrypoint, c.Cmd)
	}
	want := map[string]string{
		"org.opencontainers.image.source":   defaultSource,
		"org.opencontainers.image.version":  ver,
		"org.opencontainers.image.revision": rev,
		"org.opencontainers.image.licenses": "Apache-2.0",
	}
	for k, v := range want {
		if c.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
		}
	}
}

// checkLayer: one layer, one file (no shell, no CA bundle, nothing else), the manager, a
// static executable for the image's machine, not writable by the user it runs as.
func checkLayer(t *testing.T, img v1.Image, machine elf.Machine) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("%d layers, want 1", len(layers))
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	tr := tar.NewReader(rc)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name != "manager" {
			continue
		}
		if h.Mode != 0o755 || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("manager mode %o owner %d:%d, want 755 and 0:0", h.Mode, h.Uid, h.Gid)
		}
		checkStatic(t, tr, h.Size, machine)
	}
	if !slices.Equal(names, []string{"manager"}) {
		t.Errorf("layer files %q, want only manager", names)
	}
}

func checkStatic(t *testing.T, r io.Reader, size int64, machine elf.Machine) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "manager")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, r, size); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	e, err := elf.Open(f.Name())
	if err != nil {
		t.Fatalf("manager is not an ELF executable: %v", err)
	}
	defer func() { _ = e.Close() }()
	if e.Machine != machine {
		t.Errorf("manager built for %v, want %v", e.Machine, machine)
	}
	for _, p := range e.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("manager is dynamically linked (it has an ELF interpreter); the image has no libc")
		}
	}
}

func TestTheBinaryTakenOutOfTheImageRunsAndSaysItsVersion(t *testing.T) {
	dir, ver, rev := layoutUnderTest(t)
	out := filepath.Join(t.TempDir(), "manager")
	if err := extract(dir, "linux/"+runtime.GOARCH, out); err != nil {
		t.Fatal(err)
	}
	got, err := exec.CommandContext(t.Context(), out, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("manager --version: %v: %s", err, got)
	}
	if s := string(got); !strings.Contains(s, ver) || !strings.Contains(s, rev) {
		t.Errorf("manager --version printed %q, want version %s and revision %s", s, ver, rev)
	}
}
