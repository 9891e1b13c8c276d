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

// simulator is the wassist-sim process and a client of its /_sim/ control surface.
type simulator struct {
	proc *process
	addr string
	api  *wassisttest.SimClient
}

func startSimulator() *simulator {
	s := &simulator{addr: freeAddr()}
	s.api = wassisttest.NewSimClient("http://"+s.addr, insecureClient)
	apiKeys := []string{strayKey}
	for _, ns := range namespaces {
		apiKeys = append(apiKeys, keys[ns])
	}
	s.proc = start(filepath.Join(binDir, "wassist-sim"), "wassist-sim.log", "--addr="+s.addr,
		"--api-key="+strings.Join(apiKeys, ","), "--rate-limit="+strconv.Itoa(*rateFlag),
		"--seed="+strconv.FormatInt(seed, 10), "--demo-seed=false")
	Eventually(func() error { return s.api.Ping(ctx) }).
		WithTimeout(timeout).WithPolling(poll).Should(Succeed(), "the simulator does not answer")
	for i, ns := range namespaces {
		numbers := make([]wassisttest.AccountPhoneNumber, 0, numbersPerKey()+sparesPerKey())
		for j := range numbersPerKey() + sparesPerKey() {
			numbers = append(numbers, wassisttest.AccountPhoneNumber{Number: phoneNumber(i, j)})
		}
		_, err := s.api.SeedAccount(ctx, keys[ns], wassisttest.Account{Name: "Chaos Ltd " + ns, PhoneNumbers: numbers})
		Expect(err).NotTo(HaveOccurred())
	}
	_, err := s.api.SeedAccount(ctx, strayKey, wassisttest.Account{Name: "Another company",
		PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: phoneNumber(len(namespaces), 0)}}})
	Expect(err).NotTo(HaveOccurred())
	return s
}

// stray is what the other account's key holds and sent: its agents and its requests.
func (s *simulator) stray() ([]wassisttest.Agent, []wassisttest.Request, error) {
	agents, err := s.api.Agents(ctx, strayKey)
	if err != nil {
		return nil, nil, err
	}
	reqs, err := s.api.RequestsFor(ctx, strayKey)
	return agents, reqs, err
}

func (s *simulator) agents(ns string) ([]wassisttest.Agent, error) {
	return s.api.Agents(ctx, keys[ns])
}

func (s *simulator) phoneNumbers(ns string) ([]wassisttest.PhoneNumber, error) {
	return s.api.PhoneNumbers(ctx, keys[ns])
}

func (s *simulator) requests(ns string) []wassisttest.Request {
	out, err := s.api.RequestsFor(ctx, keys[ns])
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return out
}

func (s *simulator) faultsFired() map[wassisttest.FaultKind]int {
	out, err := s.api.FaultsFired(ctx)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return out
}

func (s *simulator) inject(f wassisttest.Fault) {
	_, err := s.api.InjectFault(ctx, f)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
}

func (s *simulator) clearFaults() {
	ExpectWithOffset(1, s.api.ClearFaults(ctx)).To(Succeed())
}

// numbersPerKey is how many numbers each tenant's deployments start on: one per deployment
// of its namespace.
func numbersPerKey() int { return (*deploymentsFlag + len(namespaces) - 1) / len(namespaces) }

// sparesPerKey is how many more numbers each tenant's account has, which moves pick from:
// as many as there are moves, so that a number is never used by two deployments in a run.
func sparesPerKey() int { return stormPlanFromFlags().moves }

// phoneNumber is the j-th number of the i-th tenant, in E.164 digits.
func phoneNumber(i, j int) string { return fmt.Sprintf("4477009%d%04d", i, j) }
