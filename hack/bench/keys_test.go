package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

func TestIdealOfManyKeysIsTheBusiestKeysWorkAtTheRefillRate(t *testing.T) {
	// 20 requests at 95 a minute: the brief's 12.6 s for n=10 at the real budget.
	if got := idealManyKeys(10, 100); got != 12.63 {
		t.Fatalf("ideal of 10 agents per key at 100/minute = %v, want 12.63", got)
	}
	if got := idealManyKeys(1, 65); got != 2 {
		t.Fatalf("ideal of 1 agent per key at 65/minute = %v, want 2", got)
	}
}

func TestSpreadOf(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want spread
	}{
		{[]float64{3, 1, 2}, spread{1, 2, 3}},
		{[]float64{4, 1, 2, 3}, spread{1, 2.5, 4}},
		{[]float64{7}, spread{7, 7, 7}},
		{nil, spread{}},
	} {
		if got := spreadOf(c.in); got != c.want {
			t.Errorf("spreadOf(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestTenantsAndTheirAgents(t *testing.T) {
	if got := tenantsOf(options{keys: 1}); !slices.Equal(got, []tenant{{key: benchKey, secret: secretName}}) {
		t.Fatalf("one key: %+v", got)
	}
	tenants := tenantsOf(options{keys: 3})
	if len(tenants) != 3 || tenants[0] != (tenant{"bench-key-01", "wassist-api-key-01"}) || tenants[2].key != "bench-key-03" {
		t.Fatalf("three keys: %+v", tenants)
	}
	names := func(order string) []string {
		var got []string
		for _, a := range manyKeysAgents(tenants, 2, order) {
			got = append(got, a.Name+"/"+a.Spec.APIKeySecretRef.Name+"/"+a.Labels[keyLabel]+"/"+a.Labels[batchLabel])
		}
		return got
	}
	want := []string{
		"k01-agent-00000/wassist-api-key-01/01/initial", "k02-agent-00000/wassist-api-key-02/02/initial",
		"k03-agent-00000/wassist-api-key-03/03/initial", "k01-agent-00001/wassist-api-key-01/01/initial",
		"k02-agent-00001/wassist-api-key-02/02/initial", "k03-agent-00001/wassist-api-key-03/03/initial",
	}
	if got := names("turns"); !slices.Equal(got, want) {
		t.Fatalf("agents in turns, in creation order:\n got %q\nwant %q", got, want)
	}
	want = []string{
		"k01-agent-00000/wassist-api-key-01/01/initial", "k01-agent-00001/wassist-api-key-01/01/initial",
		"k02-agent-00000/wassist-api-key-02/02/initial", "k02-agent-00001/wassist-api-key-02/02/initial",
		"k03-agent-00000/wassist-api-key-03/03/initial", "k03-agent-00001/wassist-api-key-03/03/initial",
	}
	if got := names("grouped"); !slices.Equal(got, want) {
		t.Fatalf("agents grouped by key, in creation order:\n got %q\nwant %q", got, want)
	}
}

func TestPerKeySplitsTheLogByKey(t *testing.T) {
	tenants := tenantsOf(options{keys: 2})
	id := func(k int) string { return wassisttest.KeyID(tenants[k].key) }
	start := time.Unix(1_700_000_000, 0)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	reqs := []wassisttest.Request{
		{KeyID: id(0), Status: http.StatusCreated, Time: at(300)}, {KeyID: id(0), Status: http.StatusOK, Time: at(900)},
		{KeyID: id(1), Status: http.StatusCreated, Time: at(700)}, {KeyID: id(1), Status: http.StatusTooManyRequests, Time: at(600)},
		{KeyID: id(1), Status: http.StatusOK, Time: at(800)}, {KeyID: "someone-else", Status: http.StatusOK, Time: at(100)},
	}
	got := perKey(tenants, 1, start, []time.Duration{1500 * time.Millisecond, 2 * time.Second}, reqs)
	want := []keyResult{
		{Key: "01", KeyID: id(0), ReadyS: 1.5, FirstRequestS: 0.3, Requests: 2, ReqPerAgent: 2},
		{Key: "02", KeyID: id(1), ReadyS: 2, FirstRequestS: 0.6, Requests: 3, ReqPerAgent: 3, TooMany: 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("per key:\n got %+v\nwant %+v", got, want)
	}
}

// readyAgent is an agent of key k in the initial batch, Ready or not.
func readyAgent(name string, k int, ready bool) *wassistv1alpha1.WassistAgent {
	a := newAgent(name, batchInitial, "s")
	a.Labels[keyLabel] = keyLabelOf(k)
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	a.Status.Conditions = []metav1.Condition{{Type: wassistv1alpha1.ConditionReady, Status: status,
		Reason: "Test", LastTransitionTime: metav1.Now()}}
	return a
}

func TestWaitReadyByKeyWaitsForEveryKey(t *testing.T) {
	other := readyAgent("other-batch", 1, true)
	other.Labels[batchLabel] = "later"
	c := fake.NewClientBuilder().WithScheme(newScheme()).WithObjects(
		readyAgent("a", 0, true), readyAgent("b", 0, true), readyAgent("c", 1, true), readyAgent("d", 1, true), other,
	).Build()
	o := options{poll: 10 * time.Millisecond, timeout: time.Second}
	series, done, took, err := waitReadyByKey(context.Background(), c, 2, 2, time.Now(), o, make(chan error))
	if err != nil || len(done) != 2 || done[0] == 0 || done[1] == 0 || took < done[1] || series[len(series)-1].Ready != 4 {
		t.Fatalf("all Ready: series %v, done %v, took %v, %v", series, done, took, err)
	}

	c = fake.NewClientBuilder().WithScheme(newScheme()).WithObjects(
		readyAgent("a", 0, true), readyAgent("b", 0, true), readyAgent("c", 1, true), readyAgent("d", 1, false),
	).Build()
	o.timeout = 100 * time.Millisecond
	_, done, _, err = waitReadyByKey(context.Background(), c, 2, 2, time.Now(), o, make(chan error))
	if err == nil || !strings.Contains(err.Error(), "only 3 of 4 agents Ready (1 of 2 keys done)") || done[0] == 0 || done[1] != 0 {
		t.Fatalf("one key not done: done %v, %v", done, err)
	}
}
