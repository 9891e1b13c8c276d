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
// for everything that runs the operator from outside: the e2e and chaos suites (test/e2e,
// test/chaos), the demo (hack/demo) and the benchmark (hack/bench).
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
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Cmd is a binary to run as a Process.
type Cmd struct {
	Bin  string
	Args []string
	// Log is the file the output is appended to, after Header when that is given, so that
	// one log can hold every run of a binary.
	Log    string
	Header string
	// Env is added to the environment the process inherits.
	Env []string
	// Group runs the process in its own process group, and every signal goes to the group.
	// A Ctrl-C in the terminal then reaches only the program that started it, which stops
	// its processes in its own order, and nothing the process started is left behind.
	Group bool
}

// Process is a binary running on its own, its output appended to a log file.
type Process struct {
	cmd   *exec.Cmd
	log   string
	group bool
	done  chan struct{}
}

// Start runs bin with args, appending its output to logPath (after header, when given,
// so that one log can hold every run of a binary). The end of ctx kills it.
func Start(ctx context.Context, logPath, header, bin string, args ...string) (*Process, error) {
	return StartCmd(ctx, Cmd{Bin: bin, Args: args, Log: logPath, Header: header})
}

// StartCmd runs c. The end of ctx kills it (its group with Cmd.Group); a program that
// stops its processes itself, gracefully, passes a context that does not end on Ctrl-C.
func StartCmd(ctx context.Context, c Cmd) (*Process, error) {
	log, err := os.OpenFile(c.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if c.Header != "" {
		if _, err := fmt.Fprintf(log, "%s %s\n", c.Header, filepath.Base(c.Bin)); err != nil {
			_ = log.Close()
			return nil, err
		}
	}
	cmd := exec.CommandContext(ctx, c.Bin, c.Args...)
	cmd.Stdout, cmd.Stderr = log, log
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	p := &Process{cmd: cmd, log: c.Log, group: c.Group, done: make(chan struct{})}
	if c.Group {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return p.send(syscall.SIGKILL) }
	}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, fmt.Errorf("starting %s: %w", c.Bin, err)
	}
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id (with Cmd.Group, also its group's id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// LogPath is the file the process's output goes to.
func (p *Process) LogPath() string { return p.log }

// Done is closed once the process has ended and its log is closed.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop ends the process gracefully (SIGTERM) and waits for it.
func (p *Process) Stop() { p.signal(syscall.SIGTERM) }

// Kill ends the process at once (SIGKILL), as a node failure or an OOM kill would.
func (p *Process) Kill() { p.signal(syscall.SIGKILL) }

// StopWithin sends SIGTERM and waits up to d for the process to end; if it has not, it
// is killed and StopWithin says so.
func (p *Process) StopWithin(d time.Duration) error {
	if p.exited() {
		return nil
	}
	_ = p.send(syscall.SIGTERM)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-p.done:
		return nil
	case <-timer.C:
		_ = p.send(syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("%s did not stop within %s of SIGTERM", filepath.Base(p.cmd.Path), d)
	}
}

func (p *Process) signal(sig syscall.Signal) {
	if p.exited() {
		return
	}
	_ = p.send(sig)
	<-p.done
}

// send signals the process, or its whole group.
func (p *Process) send(sig syscall.Signal) error {
	if p.group {
		return syscall.Kill(-p.cmd.Process.Pid, sig)
	}
	return p.cmd.Process.Signal(sig)
}

func (p *Process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// WaitLog waits until one line of the process's log holds every one of parts, and fails
// when the process ends first, ctx ends, or timeout passes.
func (p *Process) WaitLog(ctx context.Context, timeout time.Duration, parts ...string) error {
	deadline := time.Now().Add(timeout)
	for {
		data, _ := os.ReadFile(p.log)
		for line := range strings.SplitSeq(string(data), "\n") {
			if containsAll(line, parts) {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited; its log is %s", filepath.Base(p.cmd.Path), p.log)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not log %q within %s; its log is %s", filepath.Base(p.cmd.Path), parts, timeout, p.log)
		}
	}
}

func containsAll(s string, parts []string) bool {
	for _, part := range parts {
		if !strings.Contains(s, part) {
			return false
		}
	}
	return true
}

// TB is the part of testing.TB that ReadFile needs, so that the demo and the benchmark, which
// use this package too, do not link the testing package.
type TB interface {
	Helper()
	Fatal(args ...any)
}

// ReadFile returns a file's bytes, failing t when it cannot be read.
func ReadFile(t TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// OldestKubernetes is the oldest Kubernetes version the chart supports: its kubeVersion floor
// (docs/upgrading.md).
const OldestKubernetes = "1.34.0"

// ControlPlane is kube-apiserver and etcd, run by envtest from the binaries in an assets
// directory, with the CRDs of crdDirs installed.
type ControlPlane struct {
	Env    *envtest.Environment
	Config *rest.Config
}

// StartControlPlane starts a control plane from the kube-apiserver and etcd in assets
// ("" means $KUBEBUILDER_ASSETS) and installs the CRDs of crdDirs, each of which must
// exist. When it fails (a missing CRD directory fails only once etcd and kube-apiserver
// run), it stops whatever it had started.
func StartControlPlane(assets string, crdDirs ...string) (*ControlPlane, error) {
	env := &envtest.Environment{
		CRDDirectoryPaths:     crdDirs,
		ErrorIfCRDPathMissing: len(crdDirs) > 0,
		BinaryAssetsDirectory: assets,
	}
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	return &ControlPlane{Env: env, Config: cfg}, nil
}

// WriteAdminKubeconfig writes to path a kubeconfig of a new user in system:masters, for
// processes that run with full rights.
func (cp *ControlPlane) WriteAdminKubeconfig(user, path string) error {
	return WriteAdminKubeconfig(cp.Env, user, path)
}

// WriteAdminKubeconfig writes to path a kubeconfig of a new user of env in system:masters.
func WriteAdminKubeconfig(env *envtest.Environment, user, path string) error {
	admin, err := env.AddUser(envtest.User{Name: user, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return err
	}
	data, err := admin.KubeConfig()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// ControllerManagerArgs are kube-controller-manager's flags for running, with the rights of
// kubeconfig, only what a local control plane lacks for a namespace to be deleted: the
// namespace controller, and the garbage collector that removes what owner references tie
// to a deleted object.
func ControllerManagerArgs(kubeconfig string) []string {
	return []string{"--kubeconfig=" + kubeconfig, "--controllers=namespace,garbagecollector",
		"--leader-elect=false", "--secure-port=0", "--concurrent-namespace-syncs=2"}
}

// Stop stops kube-apiserver and etcd.
func (cp *ControlPlane) Stop() error { return cp.Env.Stop() }

// FreeAddr returns a loopback address with a port nobody listens on right now.
func FreeAddr(ctx context.Context) (string, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

// Kustomize renders the kustomization in dir (absolute, or relative to the repository root,
// two levels above the suites) with the kustomize binary named by $KUSTOMIZE, else ./bin's.
func Kustomize(ctx context.Context, dir string) ([]*unstructured.Unstructured, error) {
	bin := os.Getenv("KUSTOMIZE")
	if bin == "" {
		bin = "../../bin/kustomize"
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("../..", dir)
	}
	out, err := exec.CommandContext(ctx, bin, "build", dir).Output()
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
