//go:build chaos

package chaos

import (
	"fmt"
	"slices"

	. "github.com/onsi/gomega"

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
	pinned  map[string][]string // agent names by namespace
	live    []client.ObjectKey  // agents not deleted, in creation order
	deleted map[types.UID]deletedAgent

	agentEdits, deploymentEdits, orphaned int
}

// deletedAgent is an agent as it was when a user deleted it.
type deletedAgent struct {
	key      client.ObjectKey
	specName string
	policy   wassistv1alpha1.DeletionPolicy
	agentID  string // "" if no id was stored yet
}

func agentName(i int) string      { return fmt.Sprintf("agent-%03d", i) }
func deploymentName(j int) string { return fmt.Sprintf("deploy-%03d", j) }

// newWorld creates the agents and deployments: agent i and deployment j live in
// namespace i%3 and j%3; deployment j starts on agent j and on its own number; about a
// third of the agents that no deployment names are deleted with deletionPolicy Orphan.
func newWorld(agents, deployments int) *world {
	w := &world{pinned: map[string][]string{}, deleted: map[types.UID]deletedAgent{}}
	for i := range agents {
		ns := namespaces[i%len(namespaces)]
		pinned := i < deployments
		policy := wassistv1alpha1.DeletionPolicyDelete
		if !pinned && rng.Float64() < 0.3 {
			policy = wassistv1alpha1.DeletionPolicyOrphan
		}
		a := &wassistv1alpha1.WassistAgent{
			ObjectMeta: metav1.ObjectMeta{Name: agentName(i), Namespace: ns},
			Spec: wassistv1alpha1.WassistAgentSpec{
				APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: secretName},
				Name:            fmt.Sprintf("Chaos agent %03d", i),
				Description:     "Made by the chaos suite",
				SystemPrompt:    fmt.Sprintf("You are chaos agent %d. Version 0.", i),
				FirstMessage:    fmt.Sprintf("Hello from agent %d", i),
				Icebreakers:     []string{"Menu", fmt.Sprintf("Who is %d?", i)},
				DeletionPolicy:  policy,
			},
		}
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		w.live = append(w.live, client.ObjectKeyFromObject(a))
		if pinned {
			w.pinned[ns] = append(w.pinned[ns], a.Name)
		}
	}
	for j := range deployments {
		nsIdx := j % len(namespaces)
		Expect(k8sClient.Create(ctx, &wassistv1alpha1.WassistDeployment{
			ObjectMeta: metav1.ObjectMeta{Name: deploymentName(j), Namespace: namespaces[nsIdx]},
			Spec: wassistv1alpha1.WassistDeploymentSpec{
				AgentRef:    &wassistv1alpha1.AgentReference{Name: agentName(j)},
				PhoneNumber: phoneNumber(nsIdx, j/len(namespaces)),
			},
		})).To(Succeed())
	}
	return w
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

// editDeployment moves a random deployment to another agent of its namespace.
func (w *world) editDeployment(deployments int) {
	j := rng.IntN(deployments)
	ns := namespaces[j%len(namespaces)]
	target := w.pinned[ns][rng.IntN(len(w.pinned[ns]))]
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d := &wassistv1alpha1.WassistDeployment{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: deploymentName(j)}, d); err != nil {
			return err
		}
		d.Spec.AgentRef = &wassistv1alpha1.AgentReference{Name: target}
		return k8sClient.Update(ctx, d)
	})).To(Succeed(), "editing deployment %s/%s", ns, deploymentName(j))
	w.deploymentEdits++
}

// deleteAgent deletes a random live agent that no deployment may name.
func (w *world) deleteAgent() {
	var candidates []int
	for i, key := range w.live {
		if !slices.Contains(w.pinned[key.Namespace], key.Name) {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return
	}
	i := candidates[rng.IntN(len(candidates))]
	key := w.live[i]
	a := &wassistv1alpha1.WassistAgent{}
	Expect(k8sClient.Get(ctx, key, a)).To(Succeed())
	Expect(k8sClient.Delete(ctx, a)).To(Succeed())
	w.deleted[a.UID] = deletedAgent{key: key, specName: a.Spec.Name, policy: a.Spec.DeletionPolicy,
		agentID: a.Annotations[wassistv1alpha1.AnnotationAgentID]}
	if a.Spec.DeletionPolicy == wassistv1alpha1.DeletionPolicyOrphan {
		w.orphaned++
	}
	w.live = slices.Delete(w.live, i, i+1)
}
