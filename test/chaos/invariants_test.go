//go:build chaos

package chaos

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// problem is one broken promise: its kind for the summary, and a sentence for the reader.
type problem struct{ kind, text string }

const (
	kindDuplicate  = "duplicate"
	kindLeak       = "leaked after delete"
	kindOrphanLost = "orphan lost"
	kindUnowned    = "owned by no resource"
	kindNotReady   = "not Ready"
	kindDrift      = "differs from the spec"
	kindDeployment = "deployment not live"
	kindUnreadable = "state unreadable"
)

func summarize(problems []problem) string {
	counts := map[string]int{}
	var kinds []string
	for _, p := range problems {
		if counts[p.kind] == 0 {
			kinds = append(kinds, p.kind)
		}
		counts[p.kind]++
	}
	slices.Sort(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s: %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

func texts(problems []problem) []string {
	out := make([]string, 0, len(problems))
	for _, p := range problems {
		out = append(out, p.text)
	}
	return out
}

func problemf(kind, format string, args ...any) problem {
	return problem{kind: kind, text: fmt.Sprintf(format, args...)}
}

// convergenceProblems lists every broken promise about the state of the three tenants:
// resources Ready and equal to the remote, exactly one remote agent per resource, deleted
// agents gone unless orphaned by policy, deployments live on their numbers. Empty means
// all hold.
func convergenceProblems(w *world) []problem {
	var out []problem
	for _, ns := range namespaces {
		problems, err := tenantProblems(w, ns)
		if err != nil {
			return []problem{problemf(kindUnreadable, "%s: cannot read the state: %v", ns, err)}
		}
		out = append(out, problems...)
	}
	return out
}

func tenantProblems(w *world, ns string) ([]problem, error) {
	agents := &wassistv1alpha1.WassistAgentList{}
	deps := &wassistv1alpha1.WassistDeploymentList{}
	if err := k8sClient.List(ctx, agents, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	if err := k8sClient.List(ctx, deps, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	remote, err := sim.agents(ns)
	if err != nil {
		return nil, err
	}
	numbers, err := sim.phoneNumbers(ns)
	if err != nil {
		return nil, err
	}
	remoteByID := map[string]wassisttest.Agent{}
	for _, a := range remote {
		remoteByID[a.ID] = a
	}
	out := agentProblems(ns, agents.Items, remoteByID)
	out = append(out, ownershipProblems(w, ns, agents.Items, remote)...)
	out = append(out, deploymentProblems(ns, deps.Items, agents.Items, numbers)...)
	return out, nil
}

// agentProblems: every agent that remains is Ready for its generation, and its remote
// agent says what its spec says.
func agentProblems(ns string, agents []wassistv1alpha1.WassistAgent, remote map[string]wassisttest.Agent) []problem {
	var out []problem
	for _, a := range agents {
		at := ns + "/" + a.Name
		ready := meta.FindStatusCondition(a.Status.Conditions, wassistv1alpha1.ConditionReady)
		switch {
		case !a.DeletionTimestamp.IsZero():
			out = append(out, problemf(kindNotReady, "agent %s: deleted but still there (finalizers %v, Ready %s)", at, a.Finalizers, condText(ready)))
			continue
		case ready == nil || ready.Status != "True":
			out = append(out, problemf(kindNotReady, "agent %s: not Ready (%s)", at, condText(ready)))
			continue
		case a.Status.ObservedGeneration != a.Generation:
			out = append(out, problemf(kindNotReady, "agent %s: generation %d observed %d", at, a.Generation, a.Status.ObservedGeneration))
			continue
		}
		r, ok := remote[a.Status.AgentID]
		if !ok {
			out = append(out, problemf(kindNotReady, "agent %s: Ready with agent id %q, which Wassist does not hold", at, a.Status.AgentID))
			continue
		}
		if diff := specDiff(a.Spec, r); diff != "" {
			out = append(out, problemf(kindDrift, "agent %s: remote %s differs from the spec: %s", at, r.ID, diff))
		}
	}
	return out
}

func specDiff(spec wassistv1alpha1.WassistAgentSpec, r wassisttest.Agent) string {
	var diffs []string
	check := func(field, want, got string) {
		if want != got {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", field, got, want))
		}
	}
	check("name", spec.Name, r.Name)
	check("description", spec.Description, r.Description)
	check("systemPrompt", spec.SystemPrompt, r.SystemPrompt)
	check("firstMessage", spec.FirstMessage, r.FirstMessage)
	if !slices.Equal(spec.Icebreakers, r.Icebreakers) {
		diffs = append(diffs, fmt.Sprintf("icebreakers %q, want %q", r.Icebreakers, spec.Icebreakers))
	}
	return strings.Join(diffs, "; ")
}

// ownershipProblems accounts for every remote agent of the tenant: each belongs to exactly
// one agent that remains, or to one deleted with deletionPolicy Orphan; one that belongs to
// an agent deleted with policy Delete is a leak, and one that belongs to nobody, or a
// second one for the same resource, is a duplicate. Ownership is by id, or by the name the
// operator creates with (a marker holding the resource's UID), or by the spec's name.
func ownershipProblems(w *world, ns string, agents []wassistv1alpha1.WassistAgent, remote []wassisttest.Agent) []problem {
	var out []problem
	liveByID := map[string]string{}
	liveByName := map[string]string{}
	liveUIDs := map[types.UID]string{}
	for _, a := range agents {
		liveByID[a.Status.AgentID] = a.Name
		liveByName[a.Spec.Name] = a.Name
		liveUIDs[a.UID] = a.Name
	}
	orphans := map[types.UID][]string{}
	for _, r := range remote {
		if _, ok := liveByID[r.ID]; ok && r.ID != "" {
			continue
		}
		if uid, d, ok := w.deletedOwner(ns, r); ok {
			if d.policy == wassistv1alpha1.DeletionPolicyOrphan {
				orphans[uid] = append(orphans[uid], r.ID)
				continue
			}
			out = append(out, problemf(kindLeak, "agent %s/%s was deleted (deletionPolicy Delete) but remote agent %s (%q) remains",
				ns, d.key.Name, r.ID, r.Name))
			continue
		}
		owner := liveByName[r.Name]
		for uid, name := range liveUIDs {
			if strings.Contains(r.Name, string(uid)) {
				owner = name
			}
		}
		if owner != "" {
			out = append(out, problemf(kindDuplicate, "agent %s/%s has a DUPLICATE remote agent %s (%q) besides its own", ns, owner, r.ID, r.Name))
		} else {
			out = append(out, problemf(kindUnowned, "remote agent %s (%q) of %s belongs to no resource", r.ID, r.Name, ns))
		}
	}
	for uid, d := range w.deleted {
		if d.key.Namespace != ns || d.policy != wassistv1alpha1.DeletionPolicyOrphan {
			continue
		}
		switch ids := orphans[uid]; {
		case len(ids) > 1:
			out = append(out, problemf(kindDuplicate, "agent %s/%s (deleted, Orphan) has %d remote agents, a DUPLICATE: %v", ns, d.key.Name, len(ids), ids))
		case len(ids) == 0 && d.agentID != "":
			out = append(out, problemf(kindOrphanLost, "agent %s/%s (deleted, Orphan) lost its remote agent %s", ns, d.key.Name, d.agentID))
		}
	}
	return out
}

// deletedOwner finds the deleted agent a remote agent belongs to.
func (w *world) deletedOwner(ns string, r wassisttest.Agent) (types.UID, deletedAgent, bool) {
	for uid, d := range w.deleted {
		if d.key.Namespace != ns {
			continue
		}
		if (d.agentID != "" && d.agentID == r.ID) || strings.Contains(r.Name, string(uid)) || r.Name == d.specName {
			return uid, d, true
		}
	}
	return "", deletedAgent{}, false
}

// deploymentProblems: every deployment is Ready and its number serves the agent it names.
func deploymentProblems(ns string, deps []wassistv1alpha1.WassistDeployment, agents []wassistv1alpha1.WassistAgent,
	numbers []wassisttest.PhoneNumber) []problem {
	var out []problem
	agentIDs := map[string]string{}
	for _, a := range agents {
		agentIDs[a.Name] = a.Status.AgentID
	}
	serving := map[string]string{}
	for _, n := range numbers {
		if n.ActiveAgent != nil {
			serving[n.Number] = *n.ActiveAgent
		}
	}
	for _, d := range deps {
		at := ns + "/" + d.Name
		ready := meta.FindStatusCondition(d.Status.Conditions, wassistv1alpha1.ConditionReady)
		want := agentIDs[d.Spec.AgentRef.Name]
		switch {
		case ready == nil || ready.Status != "True":
			out = append(out, problemf(kindDeployment, "deployment %s: not Ready (%s)", at, condText(ready)))
		case d.Status.ObservedGeneration != d.Generation:
			out = append(out, problemf(kindDeployment, "deployment %s: generation %d observed %d", at, d.Generation, d.Status.ObservedGeneration))
		case want == "" || d.Status.AgentID != want:
			out = append(out, problemf(kindDeployment, "deployment %s: status agent %q, but agent %s is %q", at, d.Status.AgentID, d.Spec.AgentRef.Name, want))
		case serving[d.Spec.PhoneNumber] != want:
			out = append(out, problemf(kindDeployment, "deployment %s: number %s serves %q, want agent %s (%s)", at, d.Spec.PhoneNumber,
				serving[d.Spec.PhoneNumber], d.Spec.AgentRef.Name, want))
		}
	}
	return out
}

func condText(c *metav1.Condition) string {
	if c == nil {
		return "no Ready condition"
	}
	return fmt.Sprintf("%s %s: %s", c.Status, c.Reason, c.Message)
}

// keyTraffic is what one key sent during the run, from the simulator's request log.
type keyTraffic struct {
	total, ok, ownThrottled, injected429, injected5xx, dropped, lost int
	creates, lists, patches, deletes                                 int
	busiest                                                          int
	busiestAt                                                        time.Time
}

// trafficOf sums a key's request log and finds its busiest 60-second window, counting
// every request the key sent, answered or not: that is what the API's budget counts.
func trafficOf(reqs []wassisttest.Request) keyTraffic {
	var t keyTraffic
	slices.SortStableFunc(reqs, func(a, b wassisttest.Request) int { return a.Time.Compare(b.Time) })
	first := 0
	for i, r := range reqs {
		for r.Time.Sub(reqs[first].Time) >= time.Minute {
			first++
		}
		if n := i - first + 1; n > t.busiest {
			t.busiest, t.busiestAt = n, reqs[first].Time
		}
		t.total++
		switch {
		case r.Status == 429 && r.Fault == "":
			t.ownThrottled++
		case r.Fault == "ratelimit":
			t.injected429++
		case r.Fault == "error":
			t.injected5xx++
		case r.Fault == "drop":
			t.dropped++
		case r.Fault == "lose-response":
			t.lost++
		case r.Status >= 200 && r.Status < 300:
			t.ok++
		}
		switch {
		case r.Method == "POST" && r.Route == "/agents/":
			t.creates++
		case r.Method == "GET" && r.Route == "/agents/":
			t.lists++
		case r.Method == "PATCH":
			t.patches++
		case r.Method == "DELETE":
			t.deletes++
		}
	}
	return t
}
