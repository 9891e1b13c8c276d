//go:build e2e

package e2e

import (
	"crypto/tls"
	"io"
	"net/http"
	"path/filepath"
	"time"

	. "github.com/onsi/gomega"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
	"github.com/wassist-operator/wassist-operator/test/harness"
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
type process = harness.Process

// start runs a binary of binDir with its output in <name>.log.
func start(name string, args ...string) *process {
	return startLogged(name, name+".log", args...)
}

// startLogged runs a binary of binDir with its output in its own log file, so that a second
// manager does not share the first one's log.
func startLogged(binary, logName string, args ...string) *process {
	p, err := harness.Start(ctx, filepath.Join(workDir, logName), "", filepath.Join(binDir, binary), args...)
	Expect(err).NotTo(HaveOccurred())
	return p
}

func freeAddr() string {
	addr, err := harness.FreeAddr(ctx)
	Expect(err).NotTo(HaveOccurred())
	return addr
}

func decodeYAML(data []byte) []*unstructured.Unstructured {
	objs, err := harness.DecodeYAML(data)
	Expect(err).NotTo(HaveOccurred())
	return objs
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

// simulator is a client of the simulator's test-only /_sim/ routes.
func simulator() *wassisttest.SimClient {
	return wassisttest.NewSimClient("http://"+simAddr, &http.Client{Timeout: 5 * time.Second})
}

// remoteAgents are the agents the simulator holds for the suite's key, read through its
// test-only admin route.
func remoteAgents() []wassisttest.Agent {
	agents, err := simulator().Agents(ctx, apiKey)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
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
