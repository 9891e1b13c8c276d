//go:build e2e

package e2e

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/gomega"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const (
	timeout = 60 * time.Second
	poll    = 200 * time.Millisecond
)

var metricsListen, probeListen string

func metricsAddr() string {
	if metricsListen == "" {
		metricsListen = freeAddr()
	}
	return metricsListen
}

func probeAddr() string {
	if probeListen == "" {
		probeListen = freeAddr()
	}
	return probeListen
}

// process is a binary of the suite, run on its own with its output in workDir.
type process struct {
	cmd *exec.Cmd
	log *os.File
}

func start(name string, args ...string) *process {
	logFile, err := os.OpenFile(filepath.Join(workDir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	Expect(err).NotTo(HaveOccurred())
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, name), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	Expect(cmd.Start()).To(Succeed())
	return &process{cmd: cmd, log: logFile}
}

// stop ends the process gracefully.
func (p *process) stop() { p.signal(syscall.SIGTERM) }

// kill ends the process at once, as a node failure or an OOM kill would.
func (p *process) kill() { p.signal(syscall.SIGKILL) }

func (p *process) signal(sig syscall.Signal) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	_ = p.cmd.Wait()
	_ = p.log.Close()
}

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr() string {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

func decodeYAML(data []byte) []*unstructured.Unstructured {
	var objs []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return objs
		}
		Expect(err).NotTo(HaveOccurred())
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

// httpGet fetches url, trusting the manager's self-signed certificate, with an optional token.
func httpGet(url, token string) (int, string, error) {
	c := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // self-signed
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// remoteAgents are the agents the simulator holds for the suite's key, read through its
// test-only admin route.
func remoteAgents() []wassisttest.Agent {
	code, body, err := httpGet("http://"+simAddr+"/_sim/agents?keyId="+wassisttest.KeyID(apiKey), "")
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, code).To(Equal(http.StatusOK))
	var agents []wassisttest.Agent
	ExpectWithOffset(1, json.Unmarshal([]byte(body), &agents)).To(Succeed())
	return agents
}

func remoteByName(name string) (wassisttest.Agent, bool) {
	for _, a := range remoteAgents() {
		if a.Name == name {
			return a, true
		}
	}
	return wassisttest.Agent{}, false
}

// tokenOf returns a token of a ServiceAccount.
func tokenOf(sa *corev1.ServiceAccount) string {
	tr := &authenticationv1.TokenRequest{}
	ExpectWithOffset(1, k8sClient.SubResource("token").Create(ctx, sa, tr)).To(Succeed())
	return tr.Status.Token
}
