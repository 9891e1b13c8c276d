package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// agentRoute is the simulator's route of one agent, as its request log names it.
const agentRoute = "/agents/{id}/"

// storm is the edit-latency phase: agents drifted remotely, their repairs queued by the
// bulk drift check, and one edit made as the check queued them.
type storm struct {
	Agents int `json:"drifted_agents"`
	// RatePerMinute is the key's budget during the storm.
	RatePerMinute int `json:"rate_per_minute"`
	// DriftS is from the first remote change to the drift check that found them all.
	DriftS        float64 `json:"drift_to_check_s"`
	EditLatencyMS float64 `json:"edit_latency_ms"`
	// RepairsBeforeEdit counts the PATCHes of drifted agents the simulator received before
	// the edit's PATCH: how many repairs went ahead of the edit.
	RepairsBeforeEdit int     `json:"repairs_before_edit_patch"`
	RepairsDoneS      float64 `json:"repairs_done_s"`
	RepairsIdealS     float64 `json:"repairs_ideal_s"`
	// Requests, TooMany and ByRoute are the PATCHes from the check to the last repair.
	Requests int            `json:"requests"`
	TooMany  int            `json:"http_429"`
	ByRoute  map[string]int `json:"requests_by_route"`
	// The whole run's peaks, storm included, for context next to the table's.
	RSSMB      float64 `json:"rss_mb_whole_run,omitempty"`
	FloorRSSMB float64 `json:"floor_rss_mb_whole_run,omitempty"`
}

// stormTarget is what a storm drifts and edits: agents of one key.
type stormTarget struct {
	key    string
	labels client.MatchingLabels
	// drift is how many of them are changed remotely; another one is edited.
	drift int
	// afterCheck returns right after a bulk drift check of the key, so that every remote
	// change falls between two checks and the next one finds them all.
	afterCheck func(ctx context.Context) error
}

// singleKeyStorm drifts N/2 of the bench key's agents, after any drift check (there is
// only the one key).
func singleKeyStorm(o options, s *stack, n int) stormTarget {
	return stormTarget{key: benchKey, labels: client.MatchingLabels{batchLabel: batchInitial}, drift: n / 2,
		afterCheck: func(ctx context.Context) error {
			_, err := waitMetric(ctx, s, "wassist_drift_checks_total", 1, 3*o.syncPeriod)
			return err
		}}
}

// firstKeyStorm drifts all but one of the first key's n agents, after that key's own
// drift check (its list of agents, one page for n up to 100), while the other keys go on.
func firstKeyStorm(o options, s *stack, t tenant, n int) stormTarget {
	return stormTarget{key: t.key, labels: client.MatchingLabels{batchLabel: batchInitial, keyLabel: keyLabelOf(0)},
		drift: n - 1,
		afterCheck: func(ctx context.Context) error {
			_, err := waitRequests(ctx, s.sim, t.key, http.MethodGet, "/agents/", time.Now(), 1, 2*o.syncPeriod)
			return err
		}}
}

// measureStorm queues a resync storm and edits one agent in the middle of it. t.drift
// agents are changed behind the operator's back (as in the dashboard: through the
// simulator's control surface, outside the key's budget, right after a bulk drift check);
// the next check finds them and queues their repairs at low priority; at that moment one
// other Ready agent's spec is edited. The latency is from the edit to the simulator
// receiving that agent's PATCH.
func measureStorm(ctx context.Context, o options, s *stack, t stormTarget) (storm, error) {
	st := storm{RatePerMinute: o.rate}
	agents := &wassistv1alpha1.WassistAgentList{}
	if err := s.c.List(ctx, agents, client.InNamespace(namespace), t.labels); err != nil {
		return st, err
	}
	m := min(t.drift, len(agents.Items)-1)
	target, drifting := agents.Items[0], agents.Items[1:1+m]
	if err := t.afterCheck(ctx); err != nil {
		return st, fmt.Errorf("waiting for a drift check: %w", err)
	}
	driftAt := time.Now()
	if err := driftRemotely(ctx, s, t.key, drifting); err != nil {
		return st, err
	}
	driftedAt, err := waitMetric(ctx, s, "wassist_drift_checks_total", float64(m), 2*o.syncPeriod, `result="drifted"`)
	if err != nil {
		return st, fmt.Errorf("waiting for the drift check to find %d drifted agents: %w", m, err)
	}
	editAt := time.Now()
	edited := target.DeepCopy()
	edited.Spec.SystemPrompt += " Edited during the storm."
	if err := s.c.Patch(ctx, edited, client.MergeFrom(&target)); err != nil {
		return st, err
	}
	patchAt, err := waitPatch(ctx, s.sim, t.key, target.Status.AgentID, editAt, o.timeout)
	if err != nil {
		return st, err
	}
	repairs, err := waitRequests(ctx, s.sim, t.key, http.MethodPatch, agentRoute, driftAt, m+1, o.timeout)
	if err != nil {
		return st, fmt.Errorf("waiting for the %d repairs: %w", m, err)
	}
	st.Agents = m
	st.DriftS = round(driftedAt.Sub(driftAt).Seconds(), 1)
	st.EditLatencyMS = round(float64(patchAt.Sub(editAt))/float64(time.Millisecond), 0)
	st.RepairsBeforeEdit = countBefore(repairs, http.MethodPatch, agentRoute, patchAt)
	st.RepairsDoneS = round(repairs[len(repairs)-1].Time.Sub(driftedAt).Seconds(), 2)
	st.RepairsIdealS = round(float64(m)/(float64(o.rate)/60), 2)
	st.Requests = len(repairs)
	st.TooMany, st.ByRoute = summarize(repairs)
	return st, nil
}

// driftRemotely changes the system prompt of each agent as a user of the Wassist dashboard
// would: the operator's key spends nothing on it.
func driftRemotely(ctx context.Context, s *stack, key string, agents []wassistv1alpha1.WassistAgent) error {
	ids := make([]string, len(agents))
	for i, a := range agents {
		ids[i] = a.Status.AgentID
	}
	edited, err := s.sim.DriftAgents(ctx, key, ids, "Changed in the dashboard.")
	if err == nil && edited != len(ids) {
		err = fmt.Errorf("the simulator changed %d of the %d agents", edited, len(ids))
	}
	return err
}
