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

// Package harness runs the repository's binaries as processes and renders its manifests,
// for the suites that test the operator from outside (test/e2e, test/chaos).
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Process is a binary running on its own, its output appended to a log file.
type Process struct {
	cmd *exec.Cmd
	log *os.File
}

// Start runs bin with args, appending its output to logPath (after header, when given,
// so that one log can hold every run of a binary).
func Start(ctx context.Context, logPath, header, bin string, args ...string) (*Process, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if header != "" {
		if _, err := fmt.Fprintf(log, "%s %s\n", header, filepath.Base(bin)); err != nil {
			_ = log.Close()
			return nil, err
		}
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, err
	}
	return &Process{cmd: cmd, log: log}, nil
}

// Stop ends the process gracefully (SIGTERM) and waits for it.
func (p *Process) Stop() { p.signal(syscall.SIGTERM) }

// Kill ends the process at once (SIGKILL), as a node failure or an OOM kill would.
func (p *Process) Kill() { p.signal(syscall.SIGKILL) }

// StopWithin sends SIGTERM and waits up to d for the process to end; if it has not, it
// is killed and StopWithin says so.
func (p *Process) StopWithin(d time.Duration) error {
	if p.cmd.ProcessState != nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
		return p.log.Close()
	case <-time.After(d):
		_ = p.cmd.Process.Kill()
		<-done
		_ = p.log.Close()
		return fmt.Errorf("%s did not stop within %s of SIGTERM", filepath.Base(p.cmd.Path), d)
	}
}

func (p *Process) signal(sig syscall.Signal) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	_ = p.cmd.Wait()
	_ = p.log.Close()
}

// FreeAddr returns a loopback address with a port nobody listens on right now.
func FreeAddr(ctx context.Context) (string, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

// Kustomize renders the kustomization in dir (relative to the repository root, two levels
// above the suites) with the kustomize binary named by $KUSTOMIZE, else ./bin's.
func Kustomize(ctx context.Context, dir string) ([]*unstructured.Unstructured, error) {
	bin := os.Getenv("KUSTOMIZE")
	if bin == "" {
		bin = "../../bin/kustomize"
	}
	out, err := exec.CommandContext(ctx, bin, "build", filepath.Join("../..", dir)).Output()
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s (the make target installs kustomize): %w", dir, err)
	}
	return DecodeYAML(out)
}

// DecodeYAML splits a multi-document YAML (or JSON) stream into objects.
func DecodeYAML(data []byte) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}
