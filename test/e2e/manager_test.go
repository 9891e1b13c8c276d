//go:build e2e

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

package e2e

import (
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// get fetches url, trusting the manager's self-signed certificate, with an optional token.
func get(url, token string) (int, string, error) {
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

// metricsReaderToken returns a token of a ServiceAccount bound to the metrics-reader
// ClusterRole exactly as config/rbac ships it.
func metricsReaderToken() string {
	data, err := os.ReadFile("../../config/rbac/metrics_reader_role.yaml")
	Expect(err).NotTo(HaveOccurred())
	role := &rbacv1.ClusterRole{}
	Expect(yaml.Unmarshal(data, role)).To(Succeed())
	Expect(k8sClient.Create(ctx, role)).To(Succeed())

	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: "default"}}
	Expect(k8sClient.Create(ctx, sa)).To(Succeed())
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "prometheus-metrics-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: sa.Namespace}},
	}
	Expect(k8sClient.Create(ctx, binding)).To(Succeed())

	tr := &authenticationv1.TokenRequest{}
	Expect(k8sClient.SubResource("token").Create(ctx, sa, tr)).To(Succeed())
	return tr.Status.Token
}

var _ = Describe("The manager binary", func() {
	It("answers its liveness and readiness probes", func() {
		for _, path := range []string{"/healthz", "/readyz"} {
			Eventually(func() (int, error) {
				code, _, err := get("http://"+probeAddr+path, "")
				return code, err
			}).WithTimeout(60*time.Second).WithPolling(250*time.Millisecond).Should(Equal(http.StatusOK), path)
		}
	})

	It("serves metrics over HTTPS to an authorised caller and refuses an anonymous one", func() {
		token := metricsReaderToken()
		Eventually(func(g Gomega) {
			code, body, err := get("https://"+metricsAddr+"/metrics", token)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(code).To(Equal(http.StatusOK))
			g.Expect(body).To(ContainSubstring("controller_runtime_reconcile_total"))
			// The Wassist client registers its series on the same registry.
			g.Expect(body).To(ContainSubstring("wassist_ratelimiter_wait_seconds"))
		}).WithTimeout(60 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())

		code, _, err := get("https://"+metricsAddr+"/metrics", "")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusUnauthorized))
	})
})
