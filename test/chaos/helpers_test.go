//go:build chaos

package chaos

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const (
	timeout = 60 * time.Second
	poll    = 200 * time.Millisecond
)

// runSeparator starts each run of a binary in its log.
const runSeparator = "--- chaos suite: starting"

// process is a binary of the suite, run on its own with its output appended to a log in
// workDir, so one log holds every run of the manager.
type process = harness.Process

func start(bin, logName string, args ...string) *process {
	p, err := harness.Start(ctx, filepath.Join(workDir, logName), runSeparator, bin, args...)
	Expect(err).NotTo(HaveOccurred())
	return p
}

func freeAddr() string {
	addr, err := harness.FreeAddr(ctx)
	Expect(err).NotTo(HaveOccurred())
	return addr
}

// kustomize renders a kustomization of the repository into objects.
func kustomize(dir string) []*unstructured.Unstructured {
	objs, err := harness.Kustomize(ctx, dir)
	Expect(err).NotTo(HaveOccurred())
	return objs
}

// tokenOf returns a token of a ServiceAccount, valid for the whole run.
func tokenOf(sa *corev1.ServiceAccount) string {
	expiry := int64(3600)
	tr := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}}
	ExpectWithOffset(1, k8sClient.SubResource("token").Create(ctx, sa, tr)).To(Succeed())
	return tr.Status.Token
}

// kubeconfigFor writes a kubeconfig that authenticates with a token of a ServiceAccount.
func kubeconfigFor(account, namespace string) string {
	token := tokenOf(&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: account, Namespace: namespace}})
	kc := clientcmdapi.NewConfig()
	kc.Clusters["chaos"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos[account] = &clientcmdapi.AuthInfo{Token: token}
	kc.Contexts["chaos"] = &clientcmdapi.Context{Cluster: "chaos", AuthInfo: account}
	kc.CurrentContext = "chaos"
	path := filepath.Join(workDir, account+".kubeconfig")
	Expect(clientcmd.WriteToFile(*kc, path)).To(Succeed())
	return path
}

var insecureClient = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // self-signed
}

// httpDo sends a request, trusting the manager's self-signed certificate, with an
// optional bearer token and JSON body.
func httpDo(method, url, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := insecureClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// simulator is the wassist-sim process and its /_sim/ control surface.
type simulator struct {
	proc *process
	addr string
}

func startSimulator() *simulator {
	s := &simulator{addr: freeAddr()}
	apiKeys := make([]string, 0, len(namespaces))
	for _, ns := range namespaces {
		apiKeys = append(apiKeys, keys[ns])
	}
	s.proc = start(filepath.Join(binDir, "wassist-sim"), "wassist-sim.log", "--addr="+s.addr,
		"--api-key="+strings.Join(apiKeys, ","), "--rate-limit="+strconv.Itoa(*rateFlag),
		"--seed="+strconv.FormatInt(seed, 10), "--demo-seed=false")
	Eventually(func() error { _, _, err := httpDo(http.MethodGet, s.url("faults"), "", nil); return err }).
		WithTimeout(timeout).WithPolling(poll).Should(Succeed(), "the simulator does not answer")
	for i, ns := range namespaces {
		var numbers []map[string]string
		for j := range numbersPerKey() {
			numbers = append(numbers, map[string]string{"number": phoneNumber(i, j)})
		}
		s.admin(http.MethodPost, "seed", map[string]any{"key": keys[ns], "account": map[string]any{
			"name": "Chaos Ltd " + ns, "phoneNumbers": numbers,
		}}, http.StatusCreated, nil)
	}
	return s
}

func (s *simulator) url(path string) string { return "http://" + s.addr + "/_sim/" + path }

// admin calls the control surface, expects want and decodes the answer into out.
func (s *simulator) admin(method, path string, body any, want int, out any) {
	code, data, err := httpDo(method, s.url(path), "", body)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, code).To(Equal(want), "%s /_sim/%s: %s", method, path, data)
	if out != nil {
		ExpectWithOffset(1, json.Unmarshal(data, out)).To(Succeed())
	}
}

// fetch is admin for polling functions: it returns the error instead of failing.
func (s *simulator) fetch(path string, out any) error {
	code, data, err := httpDo(http.MethodGet, s.url(path), "", nil)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET /_sim/%s: %d %s", path, code, data)
	}
	return json.Unmarshal(data, out)
}

func (s *simulator) agents(ns string) ([]wassisttest.Agent, error) {
	var out []wassisttest.Agent
	return out, s.fetch("agents?keyId="+wassisttest.KeyID(keys[ns]), &out)
}

func (s *simulator) phoneNumbers(ns string) ([]wassisttest.PhoneNumber, error) {
	var out []wassisttest.PhoneNumber
	return out, s.fetch("phone-numbers?keyId="+wassisttest.KeyID(keys[ns]), &out)
}

func (s *simulator) requests(ns string) []wassisttest.Request {
	var out []wassisttest.Request
	s.admin(http.MethodGet, "requests?keyId="+wassisttest.KeyID(keys[ns]), nil, http.StatusOK, &out)
	return out
}

func (s *simulator) faultsFired() map[string]int {
	var out struct {
		Fired map[string]int `json:"fired"`
	}
	s.admin(http.MethodGet, "faults", nil, http.StatusOK, &out)
	return out.Fired
}

func (s *simulator) inject(fault map[string]any) {
	s.admin(http.MethodPost, "faults", fault, http.StatusCreated, nil)
}

func (s *simulator) clearFaults() {
	s.admin(http.MethodDelete, "faults", nil, http.StatusNoContent, nil)
}

// numbersPerKey is how many numbers each tenant's account has: one per deployment of its
// namespace.
func numbersPerKey() int { return (*deploymentsFlag + len(namespaces) - 1) / len(namespaces) }

// phoneNumber is the j-th number of the i-th tenant, in E.164 digits.
func phoneNumber(i, j int) string { return fmt.Sprintf("4477009%d%04d", i, j) }
