//go:build chaos

package chaos

import (
	"fmt"

	. "github.com/onsi/gomega"

	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// claim is a second WassistAgent made with the agent-id annotation of a live agent's
// remote agent, as a copied manifest would be. The older one, the owner, keeps managing
// the remote agent; the claimant waits with AlreadyManaged and takes over only once the
// owner is deleted.
type claim struct {
	owner, claimant client.ObjectKey
	id              string
	fate            string // "" while both live, else the event that deleted one of them
}

// ownedAgents lists the live agents whose annotation holds the id of their remote agent,
// in creation order. settled asks for the status to say the same; else an id stored
// only in the annotation so far will do (the status follows with a later reconcile, and
// a copied manifest carries only the annotation).
func (w *world) ownedAgents(settled bool) []wassistv1alpha1.WassistAgent {
	list := &wassistv1alpha1.WassistAgentList{}
	Expect(k8sClient.List(ctx, list)).To(Succeed())
	byKey := map[client.ObjectKey]wassistv1alpha1.WassistAgent{}
	for _, a := range list.Items {
		id, status := a.Annotations[wassistv1alpha1.AnnotationAgentID], a.Status.AgentID
		if id != "" && a.DeletionTimestamp.IsZero() && (status == id || (!settled && status == "")) {
			byKey[client.ObjectKeyFromObject(&a)] = a
		}
	}
	var out []wassistv1alpha1.WassistAgent
	for _, key := range w.live {
		if a, ok := byKey[key]; ok {
			out = append(out, a)
		}
	}
	return out
}

// claimAgent makes the n-th claim, on a random unprotected agent with an id.
func (w *world) claimAgent(n int) {
	var candidates []wassistv1alpha1.WassistAgent
	for _, a := range w.ownedAgents(false) {
		if !w.protected[client.ObjectKeyFromObject(&a)] {
			candidates = append(candidates, a)
		}
	}
	i, ok := pick(len(candidates))
	if !ok {
		w.skipped[eventClaim]++
		return
	}
	owner := candidates[i]
	id := owner.Annotations[wassistv1alpha1.AnnotationAgentID]
	// "claim-" sorts after "agent-": should the two share a creation second, the owner
	// still wins the tie on its name.
	name := fmt.Sprintf("claim-%03d", n)
	c := chaosAgent(name, owner.Namespace, fmt.Sprintf("Chaos claim %03d", n), fmt.Sprintf("You are %s. Version 0.", name))
	// Its takeover is an adoption, which refuses to erase what the owner's spec set and
	// this one leaves out: the claimant's spec is meant to win, as its author says here.
	c.Annotations = map[string]string{wassistv1alpha1.AnnotationAgentID: id,
		wassistv1alpha1.AnnotationAllowEraseOnAdoption: "true"}
	// Delete, the default, is the policy whose misuse would take the owner's agent away.
	c.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyDelete
	Expect(k8sClient.Create(ctx, c)).To(Succeed(), "creating claimant %s/%s", c.Namespace, c.Name)
	ownerKey := client.ObjectKeyFromObject(&owner)
	w.protected[ownerKey] = true
	w.identity[ownerKey] = id
	w.claims[n] = &claim{owner: ownerKey, claimant: client.ObjectKeyFromObject(c), id: id}
}

// deleteClaimant deletes the newer resource of the n-th claim: the remote agent stays
// with the owner.
func (w *world) deleteClaimant(n int) {
	c := w.claims[n]
	if c == nil {
		return
	}
	a := &wassistv1alpha1.WassistAgent{}
	Expect(k8sClient.Get(ctx, c.claimant, a)).To(Succeed())
	Expect(k8sClient.Delete(ctx, a)).To(Succeed())
	w.recordDeletion(a, true)
	c.fate = eventDeleteClaimant
}

// deleteOwner deletes the older resource of the n-th claim, with its own policy: the
// remote agent stays and the claimant takes it over. The claimant stays protected, so
// that the id is never deleted while the handover may still be under way.
func (w *world) deleteOwner(n int) {
	c := w.claims[n]
	if c == nil {
		return
	}
	w.delete(c.owner, true)
	w.live = append(w.live, c.claimant)
	w.protected[c.claimant] = true
	w.identity[c.claimant] = c.id
	c.fate = eventDeleteOwner
}

// keptClaimants are the claimants whose owner is still there: they must end AlreadyManaged.
func (w *world) keptClaimants() map[client.ObjectKey]*claim {
	out := map[client.ObjectKey]*claim{}
	for _, c := range w.claims {
		if c.fate == "" {
			out[c.claimant] = c
		}
	}
	return out
}

// replaceAgent removes the agent-id annotation of a random agent with an id by an Update
// of the whole object, as `kubectl replace` with a manifest that lacks it does. The agent
// must get its annotation back from its status and keep its remote agent.
func (w *world) replaceAgent() {
	// The status must hold the id: it is what the annotation is restored from.
	candidates := w.ownedAgents(true)
	i, ok := pick(len(candidates))
	if !ok {
		w.skipped[eventReplace]++
		return
	}
	key := client.ObjectKeyFromObject(&candidates[i])
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		a := &wassistv1alpha1.WassistAgent{}
		if err := k8sClient.Get(ctx, key, a); err != nil {
			return err
		}
		delete(a.Annotations, wassistv1alpha1.AnnotationAgentID)
		return k8sClient.Update(ctx, a)
	})).To(Succeed(), "replacing %s without its agent id", key)
	w.identity[key] = candidates[i].Status.AgentID
	w.replaced++
}

// recordIdentities notes, when the storm ends, the id of every live agent that has one,
// if only in its annotation so far: nothing after the storm may change it.
func (w *world) recordIdentities() {
	for _, a := range w.ownedAgents(false) {
		key := client.ObjectKeyFromObject(&a)
		if _, ok := w.identity[key]; !ok {
			w.identity[key] = a.Annotations[wassistv1alpha1.AnnotationAgentID]
		}
	}
}
