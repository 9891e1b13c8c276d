package v1alpha1_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// table reads obj as kubectl get does: the API server renders the CRD's printer columns.
func table(resource, name string) *metav1.Table {
	hc, err := rest.HTTPClientFor(restCfg)
	Expect(err).NotTo(HaveOccurred())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		strings.TrimSuffix(restCfg.Host, "/")+"/apis/wassist.app/v1alpha1/namespaces/"+testNS+"/"+resource+"/"+name, nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	res, err := hc.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(res.StatusCode).To(Equal(http.StatusOK), req.URL.String()+": "+string(body))
	t := &metav1.Table{}
	Expect(json.Unmarshal(body, t)).To(Succeed())
	return t
}

// cells maps each column of the table's one row to its cell, and says which columns
// only -o wide shows (priority above 0).
func cells(t *metav1.Table) (map[string]any, map[string]bool) {
	Expect(t.Rows).To(HaveLen(1))
	values, wide := map[string]any{}, map[string]bool{}
	for i, c := range t.ColumnDefinitions {
		values[c.Name] = t.Rows[0].Cells[i]
		wide[c.Name] = c.Priority > 0
	}
	return values, wide
}

var _ = Describe("kubectl get", func() {
	It("shows Ready, Synced and its reason, and with -o wide its message and the last sync, for both kinds", func() {
		synced := metav1.NewTime(time.Now().Add(-time.Minute))
		conditions := []metav1.Condition{
			// A Ready resource through a rate limit: Synced says why, and kubectl shows it.
			{Type: wassistv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: wassistv1alpha1.ReasonAvailable,
				Message: "the agent exists and equals the spec", LastTransitionTime: synced},
			{Type: wassistv1alpha1.ConditionSynced, Status: metav1.ConditionFalse, Reason: wassistv1alpha1.ReasonRateLimited,
				Message: "429: slow down", LastTransitionTime: synced},
		}
		agent := &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Name: "columns", Namespace: testNS},
			Spec: wassistv1alpha1.WassistAgentSpec{APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "k"}}}
		dep := &wassistv1alpha1.WassistDeployment{ObjectMeta: metav1.ObjectMeta{Name: "columns", Namespace: testNS},
			Spec: wassistv1alpha1.WassistDeploymentSpec{AgentRef: &wassistv1alpha1.AgentReference{Name: "columns"},
				PhoneNumber: "447700900100"}}
		for _, obj := range []client.Object{agent, dep} {
			Expect(create(obj)).To(Succeed())
		}
		agent.Status = wassistv1alpha1.WassistAgentStatus{ManagedStatus: wassistv1alpha1.ManagedStatus{Conditions: conditions, LastSyncTime: &synced}}
		dep.Status = wassistv1alpha1.WassistDeploymentStatus{ManagedStatus: wassistv1alpha1.ManagedStatus{Conditions: conditions, LastSyncTime: &synced}}
		for _, obj := range []client.Object{agent, dep} {
			Expect(k8sClient.Status().Update(ctx, obj)).To(Succeed())
		}

		for _, resource := range []string{"wassistagents", "wassistdeployments"} {
			values, wide := cells(table(resource, "columns"))
			Expect(values).To(HaveKeyWithValue("Ready", "True"), resource)
			Expect(values).To(HaveKeyWithValue("Reason", wassistv1alpha1.ReasonRateLimited), resource)
			Expect(values).To(HaveKeyWithValue("Synced", "False"), resource)
			Expect(values).To(HaveKeyWithValue("Message", "429: slow down"), resource)
			Expect(values).To(HaveKeyWithValue("Last Sync", MatchRegexp(`^[0-9]+s$`)), resource)
			Expect(wide).To(And(HaveKeyWithValue("Synced", false), HaveKeyWithValue("Message", true),
				HaveKeyWithValue("Last Sync", true)), resource)
		}
		for _, obj := range []client.Object{dep, agent} {
			Expect(k8sClient.Delete(ctx, obj)).To(Succeed())
		}
	})
})
