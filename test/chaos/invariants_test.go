//go:build chaos

package chaos

import (
	"fmt"
	"net/http"
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
	kindOwnedGone  = "owned agent gone"
	kindIdentity   = "identity lost"
	kindClaimant   = "claimant not AlreadyManaged"
	kindNumber     = "deleted deployment's number"
	kindRouted     = "number routed that nobody claims"
	kindStray      = "written with another account's key"
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
// resources Ready and equal to the remote (claimants of an owned id AlreadyManaged
// instead), exactly one remote agent per owner and none gone from under a live resource,
// deleted agents gone unless orphaned by policy or named by another resource, deployments
// live on their numbers and the numbers of deleted ones unrouted unless orphaned. Empty
// means all hold.
func convergenceProblems(w *world) []problem {
	var out []problem
	for _, ns := range namespaces {
		problems, err := tenantProblems(w, ns)
		if err != nil {
			return []problem{problemf(kindUnreadable, "%s: cannot read the state: %v", ns, err)}
		}
		out = append(out, problems...)
	}
	stray, err := strayProblems()
	if err != nil {
		return []problem{problemf(kindUnreadable, "the other account: cannot read its state: %v", err)}
	}
	return append(out, stray...)
}

// strayProblems: nothing was ever created or changed with the other account's key, which
// the key switches put in tenants' Secrets (docs/design.md, rule 14).
func strayProblems() ([]problem, error) {
	agents, reqs, err := sim.stray()
	if err != nil {
		return nil, err
	}
	var out []problem
	for _, a := range agents {
		out = append(out, problemf(kindStray, "remote agent %s (%q) was created in the other account", a.ID, a.Name))
	}
	for _, r := range reqs {
		if r.Method != http.MethodGet && r.Status >= 200 && r.Status <= 299 {
			out = append(out, problemf(kindStray, "%s %s answered %d at %s", r.Method, r.Path, r.Status, r.Time.Format(time.TimeOnly)))
		}
	}
	return out, nil
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
	out := agentProblems(w, ns, agents.Items, remoteByID)
	out = append(out, identityProblems(w, ns, agents.Items, remoteByID)...)
	out = append(out, ownershipProblems(w, ns, agents.Items, remote)...)
	out = append(out, deploymentProblems(ns, deps.Items, agents.Items, numbers)...)
	out = append(out, deletedDeploymentProblems(w, ns, deps.Items, agents.Items, numbers)...)
	out = append(out, routedNumberProblems(w, ns, deps.Items, numbers)...)
	return out, nil
}

// routedNumberProblems: a number that serves anything is claimed by a live deployment, or
// was left by one whose deletionPolicy is Orphan (deleted, or moved away from it).
func routedNumberProblems(w *world, ns string, deps []wassistv1alpha1.WassistDeployment, numbers []wassisttest.PhoneNumber) []problem {
	kept := map[string]bool{}
	for _, d := range deps {
		if d.DeletionTimestamp.IsZero() {
			kept[d.Spec.PhoneNumber] = true
		}
	}
	for _, d := range w.deletedDeployments {
		if d.key.Namespace == ns && d.policy == wassistv1alpha1.DeletionPolicyOrphan {
			kept[d.number] = true
		}
	}
	for _, l := range w.left {
		if l.ns == ns && l.policy == wassistv1alpha1.DeletionPolicyOrphan {
			kept[l.number] = true
		}
	}
	var out []problem
	for _, n := range numbers {
		if (n.ActiveAgent != nil || n.DefaultRouting != nil) && !kept[n.Number] {
			out = append(out, problemf(kindRouted, "%s: number %s serves %s (defaultRouting %s), and no live deployment names it",
				ns, n.Number, deref(n.ActiveAgent), deref(n.DefaultRouting)))
		}
	}
	return out
}

// agentProblems: every agent that remains is Ready for its generation, and its remote
// agent says what its spec says, handoffs included; but a claimant of an id an older
// resource owns waits with AlreadyManaged.
func agentProblems(w *world, ns string, agents []wassistv1alpha1.WassistAgent, remote map[string]wassisttest.Agent) []problem {
	var out []problem
	managed := alreadyManaged(w, agents)
	idsByName := map[string]string{}
	for _, a := range agents {
		idsByName[a.Name] = a.Status.AgentID
	}
	for _, a := range agents {
		at := ns + "/" + a.Name
		ready := meta.FindStatusCondition(a.Status.Conditions, wassistv1alpha1.ConditionReady)
		switch {
		case !a.DeletionTimestamp.IsZero():
			out = append(out, problemf(kindNotReady, "agent %s: deleted but still there (finalizers %v, Ready %s)", at, a.Finalizers,
				condText(ready)))
			continue
		case managed[client.ObjectKeyFromObject(&a)]:
			out = append(out, claimantProblems(at, a, ready)...)
			continue
		case ready == nil || ready.Status != metav1.ConditionTrue:
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
		if diff := specDiff(a.Spec, r, idsByName); diff != "" {
			out = append(out, problemf(kindDrift, "agent %s: remote %s differs from the spec: %s", at, r.ID, diff))
		}
	}
	return out
}

// claimantProblems: a claimant says, for its generation, that another resource manages
// its remote agent.
func claimantProblems(at string, a wassistv1alpha1.WassistAgent, ready *metav1.Condition) []problem {
	switch {
	case ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != wassistv1alpha1.ReasonAlreadyManaged:
		return []problem{problemf(kindClaimant, "agent %s names the owned agent %s but is not Ready=False %s (%s)", at,
			a.Annotations[wassistv1alpha1.AnnotationAgentID], wassistv1alpha1.ReasonAlreadyManaged, condText(ready))}
	case a.Status.ObservedGeneration != a.Generation:
		return []problem{problemf(kindClaimant, "agent %s: AlreadyManaged for generation %d, not %d", at,
			a.Status.ObservedGeneration, a.Generation)}
	}
	return nil
}

// alreadyManaged are the agents that must wait with AlreadyManaged: the claimants the
// storm kept beside their owner, and any live agent naming an id that an older live one
// names too (the oldest by creation, then namespace/name, owns it).
func alreadyManaged(w *world, agents []wassistv1alpha1.WassistAgent) map[client.ObjectKey]bool {
	out := map[client.ObjectKey]bool{}
	for key := range w.keptClaimants() {
		out[key] = true
	}
	byID := map[string][]*wassistv1alpha1.WassistAgent{}
	for i := range agents {
		if a := &agents[i]; a.DeletionTimestamp.IsZero() {
			for _, id := range namedIDs(a) {
				byID[id] = append(byID[id], a)
			}
		}
	}
	for _, group := range byID {
		slices.SortFunc(group, func(a, b *wassistv1alpha1.WassistAgent) int {
			if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
				return c
			}
			return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
		})
		for _, a := range group[1:] {
			out[client.ObjectKeyFromObject(a)] = true
		}
	}
	return out
}

// namedIDs are the remote agents a resource names: by its annotation, its status, or both.
func namedIDs(a *wassistv1alpha1.WassistAgent) []string {
	var ids []string
	for _, id := range []string{a.Annotations[wassistv1alpha1.AnnotationAgentID], a.Status.AgentID} {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

func specDiff(spec wassistv1alpha1.WassistAgentSpec, r wassisttest.Agent, idsByName map[string]string) string {
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
	if want, got := handoffIDs(spec, idsByName), remoteHandoffIDs(r); !slices.Equal(want, got) {
		diffs = append(diffs, fmt.Sprintf("handoffTools to %q, want %q", got, want))
	}
	return strings.Join(diffs, "; ")
}

// handoffIDs are the children a spec hands off to, agentRefs resolved to their agents'
// ids, sorted.
func handoffIDs(spec wassistv1alpha1.WassistAgentSpec, idsByName map[string]string) []string {
	var ids []string
	for _, h := range spec.HandoffTools {
		id := h.AgentID
		if h.AgentRef != nil {
			id = idsByName[h.AgentRef.Name]
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func remoteHandoffIDs(r wassisttest.Agent) []string {
	var ids []string
	for _, h := range r.HandoffTools {
		ids = append(ids, h.ChildAgentID)
	}
	slices.Sort(ids)
	return ids
}

// identityProblems: no remote agent is gone while a live resource names it, by its
// annotation or its status; an agent keeps the id the suite saw it own (a replace
// without the annotation, a claimant, or the owner's deletion did not change it) and its
// annotation says it again; a kept claimant still names its owner's id.
func identityProblems(w *world, ns string, agents []wassistv1alpha1.WassistAgent, remote map[string]wassisttest.Agent) []problem {
	var out []problem
	kept := w.keptClaimants()
	for _, a := range agents {
		if !a.DeletionTimestamp.IsZero() {
			continue
		}
		at, key := ns+"/"+a.Name, client.ObjectKeyFromObject(&a)
		annotation := a.Annotations[wassistv1alpha1.AnnotationAgentID]
		for _, id := range namedIDs(&a) {
			if _, ok := remote[id]; !ok {
				out = append(out, problemf(kindOwnedGone, "agent %s names remote agent %s (annotation %q, status %q), which Wassist no longer holds",
					at, id, annotation, a.Status.AgentID))
			}
		}
		switch c, want := kept[key], w.identity[key]; {
		case c != nil && annotation != c.id:
			out = append(out, problemf(kindIdentity, "claimant %s: annotation %q, want its owner's agent %s", at, annotation, c.id))
		case c != nil && a.Status.AgentID != "" && a.Status.AgentID != c.id:
			out = append(out, problemf(kindIdentity, "claimant %s: status agent %q, want its owner's agent %s or none", at, a.Status.AgentID, c.id))
		case want != "" && (a.Status.AgentID != want || annotation != want):
			out = append(out, problemf(kindIdentity, "agent %s: status agent %q, annotation %q, want the agent it owned, %s", at,
				a.Status.AgentID, annotation, want))
		case c == nil && a.Status.AgentID != "" && annotation != a.Status.AgentID:
			out = append(out, problemf(kindIdentity, "agent %s: annotation %q not restored from status agent %s", at, annotation, a.Status.AgentID))
		}
	}
	return out
}

// ownershipProblems accounts for every remote agent of the tenant: each is named by an
// agent that remains (by its annotation or status: a claimant names its owner's), or
// belongs to one deleted with deletionPolicy Orphan; one that belongs to an agent deleted
// with policy Delete is a leak, and one that belongs to nobody, or a second one for the
// same resource, is a duplicate. Ownership is by id, or by the name the operator creates
// with (a marker holding the resource's UID), or by the spec's name. A deletion that
// yielded the id to another resource expects nothing of the remote agent.
func ownershipProblems(w *world, ns string, agents []wassistv1alpha1.WassistAgent, remote []wassisttest.Agent) []problem {
	var out []problem
	liveByID := map[string]string{}
	liveByName := map[string]string{}
	liveUIDs := map[types.UID]string{}
	for _, a := range agents {
		for _, id := range namedIDs(&a) {
			liveByID[id] = a.Name // several resources may name one id: the claimants check says which owns it
		}
		liveByName[a.Spec.Name] = a.Name
		liveUIDs[a.UID] = a.Name
	}
	orphans := map[types.UID][]string{}
	for _, r := range remote {
		if _, ok := liveByID[r.ID]; ok {
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
		if d.key.Namespace != ns || d.policy != wassistv1alpha1.DeletionPolicyOrphan || d.yielded {
			continue
		}
		switch ids := orphans[uid]; {
		case len(ids) > 1:
			out = append(out, problemf(kindDuplicate, "agent %s/%s (deleted, Orphan) has %d remote agents, a DUPLICATE: %v", ns, d.key.Name,
				len(ids), ids))
		case len(ids) == 0 && d.agentID != "":
			out = append(out, problemf(kindOrphanLost, "agent %s/%s (deleted, Orphan) lost its remote agent %s", ns, d.key.Name, d.agentID))
		}
	}
	return out
}

// deletedOwner finds the deleted agent a remote agent belongs to: the last deleted of
// those it matches, since a claimant deleted after its takeover decides what is left.
// Deletions that yielded the id to another resource are not its owners.
func (w *world) deletedOwner(ns string, r wassisttest.Agent) (types.UID, deletedAgent, bool) {
	var found types.UID
	var owner deletedAgent
	for uid, d := range w.deleted {
		if d.key.Namespace != ns || d.yielded || d.seq < owner.seq {
			continue
		}
		if (d.agentID != "" && d.agentID == r.ID) || strings.Contains(r.Name, string(uid)) || r.Name == d.specName {
			found, owner = uid, d
		}
	}
	return found, owner, found != ""
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
			out = append(out, problemf(kindDeployment, "deployment %s: status agent %q, but agent %s is %q", at, d.Status.AgentID,
				d.Spec.AgentRef.Name, want))
		case serving[d.Spec.PhoneNumber] != want:
			out = append(out, problemf(kindDeployment, "deployment %s: number %s serves %q, want agent %s (%s)", at, d.Spec.PhoneNumber,
				serving[d.Spec.PhoneNumber], d.Spec.AgentRef.Name, want))
		}
	}
	return out
}

// deletedDeploymentProblems: a deleted deployment is gone; its number is unrouted (no
// agent, no default routing) when it was deleted with deletionPolicy Delete, and still
// serves its agent with Orphan.
func deletedDeploymentProblems(w *world, ns string, deps []wassistv1alpha1.WassistDeployment, agents []wassistv1alpha1.WassistAgent,
	numbers []wassisttest.PhoneNumber) []problem {
	var out []problem
	present := map[string]wassistv1alpha1.WassistDeployment{}
	for _, d := range deps {
		present[d.Name] = d
	}
	agentIDs := map[string]string{}
	for _, a := range agents {
		agentIDs[a.Name] = a.Status.AgentID
	}
	byNumber := map[string]wassisttest.PhoneNumber{}
	for _, n := range numbers {
		byNumber[n.Number] = n
	}
	for _, d := range w.deletedDeployments {
		if d.key.Namespace != ns {
			continue
		}
		at := fmt.Sprintf("deployment %s (deleted, %s)", d.key, d.policy)
		if dep, ok := present[d.key.Name]; ok {
			out = append(out, problemf(kindNumber, "%s: still there (finalizers %v, Ready %s)", at, dep.Finalizers,
				condText(meta.FindStatusCondition(dep.Status.Conditions, wassistv1alpha1.ConditionReady))))
			continue
		}
		if p, bad := numberProblem(at, d, byNumber[d.number], agentIDs[d.targetAgent]); bad {
			out = append(out, p)
		}
	}
	return out
}

// numberProblem checks the number of a deleted deployment. With Orphan it serves the agent
// the deployment last routed (or, had the deployment's last change not been recorded yet,
// the one it named); a deployment deleted before it routed anything may leave it unrouted.
func numberProblem(at string, d deletedDeployment, n wassisttest.PhoneNumber, targetID string) (problem, bool) {
	if d.policy == wassistv1alpha1.DeletionPolicyDelete {
		if n.ActiveAgent != nil || n.DefaultRouting != nil {
			return problemf(kindNumber, "%s: number %s still routed: activeAgent %s, defaultRouting %s", at, d.number,
				deref(n.ActiveAgent), deref(n.DefaultRouting)), true
		}
		return problem{}, false
	}
	switch {
	case n.ActiveAgent == nil && d.agentID == "":
		return problem{}, false
	case n.ActiveAgent == nil || (*n.ActiveAgent != d.agentID && *n.ActiveAgent != targetID):
		return problemf(kindNumber, "%s: number %s serves %s, want its agent %q (or %s's %q)", at, d.number, deref(n.ActiveAgent),
			d.agentID, d.targetAgent, targetID), true
	}
	return problem{}, false
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// numberTrafficProblems reads the request log for what the state alone cannot show: a
// number of a deployment deleted with Orphan was never unsubscribed, and one deleted with
// Delete was not connected again once it was.
func numberTrafficProblems(w *world, ns string, reqs []wassisttest.Request) []problem {
	var out []problem
	slices.SortStableFunc(reqs, func(a, b wassisttest.Request) int { return a.Time.Compare(b.Time) })
	for _, d := range w.deletedDeployments {
		if d.key.Namespace != ns {
			continue
		}
		var unsubscribed time.Time
		for _, r := range reqs {
			if !strings.Contains(r.Path, "/"+d.number+"/") || r.Status < 200 || r.Status > 299 || r.Fault == string(wassisttest.FaultDrop) {
				continue
			}
			switch {
			case r.Route == routeUnsubscribe && d.policy == wassistv1alpha1.DeletionPolicyOrphan:
				out = append(out, problemf(kindNumber, "deployment %s (deleted, Orphan): number %s unsubscribed at %s", d.key, d.number,
					r.Time.Format(time.TimeOnly)))
			case r.Route == routeUnsubscribe && unsubscribed.IsZero():
				unsubscribed = r.Time
			case r.Route == routeConnect && !unsubscribed.IsZero():
				out = append(out, problemf(kindNumber, "deployment %s (deleted, Delete): number %s connected again at %s, after its unsubscribe at %s",
					d.key, d.number, r.Time.Format(time.TimeOnly), unsubscribed.Format(time.TimeOnly)))
			}
		}
	}
	return out
}

// The simulator's route templates of a number's routing.
const (
	routeConnect     = "/phone-numbers/{number}/connect-agent/"
	routeUnsubscribe = "/phone-numbers/{number}/unsubscribe/"
)

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
