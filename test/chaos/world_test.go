//go:build chaos

package chaos

import (
	"fmt"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// world is what the users of the suite asked for, and what they deleted: the reference
// the invariants are checked against.
type world struct {
	// pinned agents are the ones deployments may point at; they are never deleted, so every
	// deployment can become Ready.
	pinned map[string][]string // agent names by namespace
	// protected agents are never picked by deleteAgent: the pinned ones, both agents of a
	// handoff pair (each needs the other to be Ready) and both sides of a claim (its fate
	// deletes one of them, and only one, so that each id has one story).
	protected map[client.ObjectKey]bool
	live      []client.ObjectKey // agents not deleted, in creation order
	deleted   map[types.UID]deletedAgent
	deletions int // the sequence of deletedAgent.seq

	claims map[int]*claim
	pairs  []handoffPair
	// identity is the agent id the suite saw a live agent own; it must keep it, whatever
	// its annotation went through.
	identity map[client.ObjectKey]string

	deployments        []client.ObjectKey // deployments not deleted
	deletedDeployments []deletedDeployment
	// spares are the numbers of each namespace's account no deployment has named yet,
	// which moves take; left are the numbers moves took deployments away from.
	spares map[string][]string
	left   []leftNumber
	// switched are the switches under way: the agents pointed at the other account's key.
	switched map[int]switchedKey

	agentEdits, deploymentEdits, orphaned, replaced, moves, switches, switchedAgents int
	skipped                                                                          map[string]int // events that found nothing to act on, by kind
}

// deletedAgent is an agent as it was when a user deleted it.
type deletedAgent struct {
	key      client.ObjectKey
	specName string
	policy   wassistv1alpha1.DeletionPolicy
	agentID  string // "" if no id was stored yet
	seq      int    // deletions are numbered, so the last one of an id is known
	// yielded: another live resource named the same id, so this deletion must leave the
	// remote agent to it, whatever the policy.
	yielded bool
}

// leftNumber is a number a deployment was moved away from: with Delete it must end
// unrouted, with Orphan it keeps serving what it served.
type leftNumber struct {
	ns, number string
	policy     wassistv1alpha1.DeletionPolicy
}

// switchedKey is a key switch under way: the tenant, and the agents it pointed at the
// other account's key.
type switchedKey struct {
	ns     string
	agents []client.ObjectKey
}

// straySecret is the Secret a key switch makes, holding the other account's key.
const straySecret = "another-account-key"

// handoffPair is two agents, each handing off to the other by agentRef.
type handoffPair [2]client.ObjectKey

// deletedDeployment is a deployment as it was when a user deleted it.
type deletedDeployment struct {
	key         client.ObjectKey
	number      string
	policy      wassistv1alpha1.DeletionPolicy
	agentID     string // the status's: what the number served as far as the operator knew
	targetAgent string // the agent the spec named
}

func agentName(i int) string      { return fmt.Sprintf("agent-%03d", i) }
func deploymentName(j int) string { return fmt.Sprintf("deploy-%03d", j) }

// newWorld creates the agents, the first handoff pairs and the deployments: agent i and
// deployment j live in namespace i%3 and j%3; deployment j starts on agent j and on its
// own number; about a third of the agents that no deployment names are deleted with
// deletionPolicy Orphan, and a quarter of the deployments.
func newWorld(agents, deployments, pairs int) *world {
	w := &world{pinned: map[string][]string{}, protected: map[client.ObjectKey]bool{}, deleted: map[types.UID]deletedAgent{},
		claims: map[int]*claim{}, identity: map[client.ObjectKey]string{}, skipped: map[string]int{},
		spares: map[string][]string{}, switched: map[int]switchedKey{}}
	for i, ns := range namespaces {
		for j := range sparesPerKey() {
			w.spares[ns] = append(w.spares[ns], phoneNumber(i, numbersPerKey()+j))
		}
	}
	for i := range agents {
		ns := namespaces[i%len(namespaces)]
		pinned := i < deployments
		policy := wassistv1alpha1.DeletionPolicyDelete
		if !pinned && rng.Float64() < 0.3 {
			policy = wassistv1alpha1.DeletionPolicyOrphan
		}
		a := chaosAgent(agentName(i), ns, fmt.Sprintf("Chaos agent %03d", i), fmt.Sprintf("You are chaos agent %d. Version 0.", i))
		a.Spec.FirstMessage = fmt.Sprintf("Hello from agent %d", i)
		a.Spec.Icebreakers = []string{"Menu", fmt.Sprintf("Who is %d?", i)}
		a.Spec.DeletionPolicy = policy
		w.createAgent(a, pinned)
		if pinned {
			w.pinned[ns] = append(w.pinned[ns], a.Name)
		}
	}
	for n := range pairs {
		w.createPair(n)
	}
	for j := range deployments {
		nsIdx := j % len(namespaces)
		policy := wassistv1alpha1.DeletionPolicyDelete
		if rng.IntN(4) == 0 {
			policy = wassistv1alpha1.DeletionPolicyOrphan
		}
		d := &wassistv1alpha1.WassistDeployment{
			ObjectMeta: metav1.ObjectMeta{Name: deploymentName(j), Namespace: namespaces[nsIdx]},
			Spec: wassistv1alpha1.WassistDeploymentSpec{
				AgentRef:    &wassistv1alpha1.AgentReference{Name: agentName(j)},
				PhoneNumber: phoneNumber(nsIdx, j/len(namespaces)),
				ManagedSpec: wassistv1alpha1.ManagedSpec{DeletionPolicy: policy},
			},
		}
		Expect(k8sClient.Create(ctx, d)).To(Succeed())
		w.deployments = append(w.deployments, client.ObjectKeyFromObject(d))
	}
	return w
}

// chaosAgent is an agent of the suite with its API key Secret.
func chaosAgent(name, ns, specName, prompt string) *wassistv1alpha1.WassistAgent {
	return &wassistv1alpha1.WassistAgent{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: wassistv1alpha1.WassistAgentSpec{
			APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: secretName},
			Name:            specName,
			Description:     "Made by the chaos suite",
			SystemPrompt:    prompt,
		},
	}
}

func (w *world) createAgent(a *wassistv1alpha1.WassistAgent, protected bool) {
	Expect(k8sClient.Create(ctx, a)).To(Succeed(), "creating agent %s/%s", a.Namespace, a.Name)
	key := client.ObjectKeyFromObject(a)
	w.live = append(w.live, key)
	if protected {
		w.protected[key] = true
	}
}

// createPair creates the n-th handoff pair: a first, handing off to b, which does not
// exist yet, then b handing off to a.
func (w *world) createPair(n int) {
	ns := namespaces[n%len(namespaces)]
	names := [2]string{fmt.Sprintf("pair-%02d-a", n), fmt.Sprintf("pair-%02d-b", n)}
	var pair handoffPair
	for i, name := range names {
		a := chaosAgent(name, ns, fmt.Sprintf("Chaos pair %02d %c", n, 'a'+i), fmt.Sprintf("You are %s. Version 0.", name))
		a.Spec.HandoffTools = []wassistv1alpha1.AgentHandoffTool{{
			AgentRef:    &wassistv1alpha1.AgentReference{Name: names[1-i]},
			Description: "When the user asks for " + names[1-i],
		}}
		w.createAgent(a, true)
		pair[i] = client.ObjectKeyFromObject(a)
	}
	w.pairs = append(w.pairs, pair)
}

// pick draws an index below n; it draws even when n is 0, so that a seed's later draws do
// not depend on what the operator had done by then.
func pick(n int) (int, bool) {
	r := rng.Uint64()
	if n == 0 {
		return 0, false
	}
	return int(r % uint64(n)), true
}

// editAgent changes the spec of a random live agent, as a user's next rollout would.
func (w *world) editAgent() {
	key := w.live[rng.IntN(len(w.live))]
	version := w.agentEdits + 1
	newFirst, newIcebreaker := rng.IntN(2) == 0, rng.IntN(3) == 0
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		a := &wassistv1alpha1.WassistAgent{}
		if err := k8sClient.Get(ctx, key, a); err != nil {
			return err
		}
		a.Spec.SystemPrompt = fmt.Sprintf("You are chaos agent %s. Version %d.", key.Name, version)
		if newFirst {
			a.Spec.FirstMessage = fmt.Sprintf("Hello again, edit %d", version)
		}
		if newIcebreaker {
			a.Spec.Icebreakers = append(a.Spec.Icebreakers, fmt.Sprintf("New in edit %d", version))
		}
		return k8sClient.Update(ctx, a)
	})).To(Succeed(), "editing %s", key)
	w.agentEdits++
}

// editDeployment moves a random live deployment to another agent of its namespace.
func (w *world) editDeployment() {
	i, ok := pick(len(w.deployments))
	j := rng.IntN(1 << 20) // the target, drawn before it is known how many there are
	if !ok {
		return
	}
	key := w.deployments[i]
	target := w.pinned[key.Namespace][j%len(w.pinned[key.Namespace])]
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d := &wassistv1alpha1.WassistDeployment{}
		if err := k8sClient.Get(ctx, key, d); err != nil {
			return err
		}
		d.Spec.AgentRef = &wassistv1alpha1.AgentReference{Name: target}
		return k8sClient.Update(ctx, d)
	})).To(Succeed(), "editing deployment %s", key)
	w.deploymentEdits++
}

// deleteAgent deletes a random live agent that is not protected.
func (w *world) deleteAgent() {
	var candidates []int
	for i, key := range w.live {
		if !w.protected[key] {
			candidates = append(candidates, i)
		}
	}
	i, ok := pick(len(candidates))
	if !ok {
		w.skipped[eventDeleteAgent]++
		return
	}
	w.delete(w.live[candidates[i]], false)
}

// delete deletes a live agent and records it; yielded says another live resource names
// its id.
func (w *world) delete(key client.ObjectKey, yielded bool) {
	a := &wassistv1alpha1.WassistAgent{}
	Expect(k8sClient.Get(ctx, key, a)).To(Succeed())
	Expect(k8sClient.Delete(ctx, a)).To(Succeed())
	w.recordDeletion(a, yielded)
	w.live = slices.DeleteFunc(w.live, func(k client.ObjectKey) bool { return k == key })
	delete(w.identity, key)
	delete(w.protected, key)
}

// recordDeletion keeps what a deleted agent was. Its id is the annotation's, else the
// status's: an annotation removed by a replace is not the end of the agent's identity.
func (w *world) recordDeletion(a *wassistv1alpha1.WassistAgent, yielded bool) {
	id := a.Annotations[wassistv1alpha1.AnnotationAgentID]
	if id == "" {
		id = a.Status.AgentID
	}
	w.deletions++
	w.deleted[a.UID] = deletedAgent{key: client.ObjectKeyFromObject(a), specName: a.Spec.Name, policy: a.Spec.DeletionPolicy,
		agentID: id, seq: w.deletions, yielded: yielded}
	if a.Spec.DeletionPolicy == wassistv1alpha1.DeletionPolicyOrphan && !yielded {
		w.orphaned++
	}
}

// deleteDeployment deletes a random live deployment, with the policy it was created with.
func (w *world) deleteDeployment() {
	i, ok := pick(len(w.deployments))
	if !ok {
		w.skipped[eventDeleteDeployment]++
		return
	}
	key := w.deployments[i]
	d := &wassistv1alpha1.WassistDeployment{}
	Expect(k8sClient.Get(ctx, key, d)).To(Succeed())
	Expect(k8sClient.Delete(ctx, d)).To(Succeed())
	w.deletedDeployments = append(w.deletedDeployments, deletedDeployment{key: key, number: d.Spec.PhoneNumber,
		policy: d.Spec.DeletionPolicy, agentID: d.Status.AgentID, targetAgent: d.Spec.AgentRef.Name})
	w.deployments = slices.Delete(w.deployments, i, i+1)
}

// apply carries out a storm event of the users'.
func (w *world) apply(e stormEvent) {
	switch e.kind {
	case eventBurst:
		burst429()
	case eventEditAgent:
		w.editAgent()
	case eventEditDeployment:
		w.editDeployment()
	case eventDeleteAgent:
		w.deleteAgent()
	case eventClaim:
		w.claimAgent(e.n)
	case eventDeleteClaimant:
		w.deleteClaimant(e.n)
	case eventDeleteOwner:
		w.deleteOwner(e.n)
	case eventReplace:
		w.replaceAgent()
	case eventHandoffPair:
		w.createPair(e.n)
	case eventDeleteDeployment:
		w.deleteDeployment()
	case eventMoveDeployment:
		w.moveDeployment()
	case eventSwitchKey:
		w.switchKey(e.n)
	case eventRestoreKey:
		w.restoreKey(e.n)
	default:
		Fail("unknown storm event " + e.kind)
	}
}

// claimFigures sums the claims for the report.
func (w *world) claimFigures() string {
	fates := map[string]int{}
	for _, c := range w.claims {
		fates[c.fate]++
	}
	return fmt.Sprintf("%d claims of an owned agent id (%d kept, %d claimants deleted, %d owners deleted)",
		len(w.claims), fates[""], fates[eventDeleteClaimant], fates[eventDeleteOwner])
}

// deploymentDeletionFigures sums the deployment deletions for the report.
func (w *world) deploymentDeletionFigures() string {
	orphaned := 0
	for _, d := range w.deletedDeployments {
		if d.policy == wassistv1alpha1.DeletionPolicyOrphan {
			orphaned++
		}
	}
	return fmt.Sprintf("%d deployments deleted (%d with deletionPolicy Orphan)", len(w.deletedDeployments), orphaned)
}

// moveDeployment moves a random live deployment to a number of its account that no
// deployment has named: the number it leaves must end unrouted (Delete) or as it was
// (Orphan).
func (w *world) moveDeployment() {
	i, ok := pick(len(w.deployments))
	if !ok || len(w.spares[w.deployments[i].Namespace]) == 0 {
		w.skipped[eventMoveDeployment]++
		return
	}
	key := w.deployments[i]
	to := w.spares[key.Namespace][0]
	w.spares[key.Namespace] = w.spares[key.Namespace][1:]
	var from wassistv1alpha1.WassistDeployment
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := k8sClient.Get(ctx, key, &from); err != nil {
			return err
		}
		moved := from.DeepCopy()
		moved.Spec.PhoneNumber = to
		return k8sClient.Update(ctx, moved)
	})).To(Succeed(), "moving deployment %s", key)
	w.left = append(w.left, leftNumber{ns: key.Namespace, number: from.Spec.PhoneNumber, policy: from.Spec.DeletionPolicy})
	w.moves++
}

// switchKey points the agents of a random tenant that have an id at a Secret holding the
// other account's key, as a mistaken edit of their manifests would: they (and the
// deployments that use their key) must stop, and create and write nothing there. Agents
// not created yet keep their Secret: the operator would rightly create them with the key
// they name, which no operator can tell from the user's wish.
func (w *world) switchKey(n int) {
	ns := namespaces[rng.IntN(len(namespaces))]
	if w.isSwitched(ns) {
		w.skipped[eventSwitchKey]++
		return
	}
	writeKey(ns, straySecret, strayKey)
	agents := &wassistv1alpha1.WassistAgentList{}
	Expect(k8sClient.List(ctx, agents, client.InNamespace(ns))).To(Succeed())
	var moved []client.ObjectKey
	for _, a := range agents.Items {
		if id := a.Status.AgentID; id != "" && id == a.Annotations[wassistv1alpha1.AnnotationAgentID] && a.DeletionTimestamp.IsZero() {
			key := client.ObjectKeyFromObject(&a)
			if pointAt(key, straySecret) {
				moved = append(moved, key)
			}
		}
	}
	w.switched[n] = switchedKey{ns: ns, agents: moved}
	w.switches++
	w.switchedAgents += len(moved)
}

// restoreKey points the switched agents at their own Secret again.
func (w *world) restoreKey(n int) {
	sw, ok := w.switched[n]
	if !ok {
		return
	}
	for _, key := range sw.agents {
		pointAt(key, secretName)
	}
	delete(w.switched, n)
}

func (w *world) isSwitched(ns string) bool {
	for _, sw := range w.switched {
		if sw.ns == ns {
			return true
		}
	}
	return false
}

// pointAt makes an agent read its API key from Secret name; false when it is gone.
func pointAt(key client.ObjectKey, name string) bool {
	gone := false
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		a := &wassistv1alpha1.WassistAgent{}
		if err := k8sClient.Get(ctx, key, a); err != nil {
			gone = apierrors.IsNotFound(err)
			return client.IgnoreNotFound(err)
		}
		a.Spec.APIKeySecretRef.Name = name
		return k8sClient.Update(ctx, a)
	})).To(Succeed(), "pointing %s at Secret %s", key, name)
	return !gone
}

// writeKey creates or rewrites Secret name of a tenant with key.
func writeKey(ns, name, key string) {
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
		err := k8sClient.Get(ctx, client.ObjectKeyFromObject(secret), secret)
		secret.Data = map[string][]byte{"apiKey": []byte(key)}
		if apierrors.IsNotFound(err) {
			return k8sClient.Create(ctx, secret)
		}
		if err != nil {
			return err
		}
		return k8sClient.Update(ctx, secret)
	})).To(Succeed(), "writing Secret %s/%s", ns, name)
}

// keyFigures sums the key switches and moves for the report.
func (w *world) keyFigures() string {
	return fmt.Sprintf("%d key switches to another account's key and back (%d agents), %d deployments moved to another number",
		w.switches, w.switchedAgents, w.moves)
}
