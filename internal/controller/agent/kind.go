package agent

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// agentKind is the WassistAgent's part of the managed core: the agent the spec asks for,
// and the client of its key.
type agentKind struct {
	cache client.Reader
	// writer creates and patches the triggers' Secrets; reader reads one uncached.
	writer   client.Client
	reader   client.Reader
	secrets  *kit.SecretReader
	keys     *kit.Keyring
	recorder events.EventRecorder
}

var (
	_ managed.Kind[*wassistv1alpha1.WassistAgent, agentView, *wassist.Agent] = (*agentKind)(nil)
	_ managed.Tenanted[*wassistv1alpha1.WassistAgent]                        = (*agentKind)(nil)
)

// ExternalName is empty: the operator creates agents and keeps their ids.
func (k *agentKind) ExternalName(*wassistv1alpha1.WassistAgent) string { return "" }

// Claims is the agent id the resource stands for: the one it has seen exist, else the
// annotation's. An annotation changed to another id is refused, and claims nothing.
func (k *agentKind) Claims(agent *wassistv1alpha1.WassistAgent) []string {
	if id := kit.AgentIDOf(agent); id != "" {
		return []string{"agent:" + id}
	}
	return nil
}

// Holds: the resource has seen its agent exist, and names it still.
func (k *agentKind) Holds(agent *wassistv1alpha1.WassistAgent) bool {
	id := agent.Status.AgentID
	return id != "" && id == agent.Annotations[wassistv1alpha1.AnnotationAgentID]
}

// Desired resolves the spec's references and returns the agent it asks for. The hash
// also names the agent's Ready deployments, so that when one comes, goes or changes, the
// agent is read again and its status.phoneNumbers follows. Handoffs to agents without an
// id yet are left out and waited for after the rest is applied: the agent is created
// first, so that agents handing off to each other all get ids.
func (k *agentKind) Desired(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (desired, error) {
	refs, err := k.resolveRefs(ctx, agent)
	if err != nil {
		return desired{}, err
	}
	deployments, err := k.deploymentsFingerprint(ctx, agent)
	if err != nil {
		return desired{}, err
	}
	secrets, err := k.triggerSecretsState(ctx, agent)
	if err != nil {
		return desired{}, err
	}
	if secrets != "" { // only then: the hash of an agent without triggers stays what it was
		deployments += ";" + secrets
	}
	view := desiredView(agent, refs)
	d := desired{Hash: view.hash(deployments), View: view}
	d.Wait = refs.wait()
	return d, nil
}

// wait is what the agent still waits for once the rest of its spec is applied: handoff
// targets and trigger templates without an id; nil when nothing.
func (refs resolvedRefs) wait() *managed.WaitingError {
	var reasons, why []string
	if len(refs.pending)+len(refs.missing) > 0 {
		reasons = append(reasons, wassistv1alpha1.ReasonHandoffAgentPending)
		why = append(why, pendingHandoffsMessage(refs.missing, refs.pending))
	}
	if len(refs.pendingTemplates)+len(refs.missingTemplates) > 0 {
		reasons = append(reasons, wassistv1alpha1.ReasonTemplatePending)
		why = append(why, pendingTemplatesMessage(refs.missingTemplates, refs.pendingTemplates))
	}
	if len(reasons) == 0 {
		return nil
	}
	return &managed.WaitingError{Reason: reasons[0], Retry: time.Minute, Message: strings.Join(why, "; ")}
}

// Connect returns the external client of the agent's key.
func (k *agentKind) Connect(ctx context.Context, agent *wassistv1alpha1.WassistAgent, d *desired) (external, error) {
	api, err := k.keys.Client(ctx, agent, agent.Spec.APIKeySecretRef, d == nil, "agent")
	if err != nil {
		return nil, err
	}
	return &agentExternal{api: api, agent: agent, recorder: k.recorder, cache: k.cache, writer: k.writer, reader: k.reader}, nil
}

// pendingHandoffsMessage says which handoff targets (WassistAgents of the namespace) do
// not exist, and which have no agent id yet, in the words a deployment uses for its agent.
func pendingHandoffsMessage(missing, pending []string) string {
	return "the agent is live without its " + kit.Plural(append(missing, pending...), "handoff", "handoffs") + " to " +
		strings.Join(unresolved("WassistAgent", "agent id", missing, pending), ", and to ") +
		"; each handoff is added once its target exists and has an agent id"
}

// unresolved says, of the resources of a kind a spec names, which do not exist in the
// namespace and which have no id yet, in the words a deployment uses for its agent.
func unresolved(kind, id string, missing, pending []string) []string {
	named := func(names []string) string {
		return kit.Plural(names, kind+" ", "the "+kind+"s ") + fielddiff.List(names)
	}
	var why []string
	if len(missing) > 0 {
		why = append(why, named(missing)+", which "+kit.Plural(missing, "does", "do")+" not exist in this namespace")
	}
	if len(pending) > 0 {
		why = append(why, named(pending)+", which "+kit.Plural(pending, "has", "have")+" no "+id+" yet")
	}
	return why
}

// resolveRefs reads what the spec names indirectly: handoff agents' ids (pending for
// those not created yet) and the credit grant password.
func (k *agentKind) resolveRefs(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (resolvedRefs, error) {
	refs := resolvedRefs{handoffIDs: map[string]string{}}
	for _, h := range agent.Spec.HandoffTools {
		if h.AgentRef == nil {
			continue
		}
		child := &wassistv1alpha1.WassistAgent{}
		err := k.cache.Get(ctx, client.ObjectKey{Namespace: agent.Namespace, Name: h.AgentRef.Name}, child)
		if err != nil && !apierrors.IsNotFound(err) {
			return refs, err
		}
		if err != nil {
			refs.missing = append(refs.missing, h.AgentRef.Name)
			continue
		}
		if kit.AgentIDOf(child) == "" {
			refs.pending = append(refs.pending, h.AgentRef.Name)
			continue
		}
		refs.handoffIDs[h.AgentRef.Name] = kit.AgentIDOf(child)
	}
	if cs := agent.Spec.CreditSettings; cs != nil && cs.CreditGrantPasswordSecretRef != nil {
		password, err := k.secrets.Value(ctx, agent.Namespace, *cs.CreditGrantPasswordSecretRef)
		if err != nil {
			return refs, err
		}
		refs.creditPassword = password
	}
	return refs, k.resolveTriggers(ctx, agent, &refs)
}

// deploymentsFingerprint names the Ready WassistDeployments of the agent, and the moves
// they have under way: the agent is read again once a number it left is unrouted.
func (k *agentKind) deploymentsFingerprint(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (string, error) {
	deps := &wassistv1alpha1.WassistDeploymentList{}
	if err := k.cache.List(ctx, deps, client.InNamespace(agent.Namespace),
		client.MatchingFields{kit.DeploymentAgentIndex: agent.Name}); err != nil {
		return "", err
	}
	parts := make([]string, 0, len(deps.Items))
	for _, d := range deps.Items {
		if meta.IsStatusConditionTrue(d.Status.Conditions, wassistv1alpha1.ConditionReady) {
			part := d.Name + "=" + d.Status.PhoneNumberID
			if n := len(d.Status.PendingRoutes); n > 0 {
				part += "+" + strconv.Itoa(n) // only then: a hash without moves stays what it was
			}
			parts = append(parts, part)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ","), nil
}

// Tenant is the agent's API key Secret: its budget (managed.Tenanted).
func (k *agentKind) Tenant(agent *wassistv1alpha1.WassistAgent) string {
	return agent.Namespace + "/" + agent.Spec.APIKeySecretRef.Name
}

// The core's types, as this kind fills them.
type (
	desired     = managed.Desired[agentView]
	observation = managed.Observation[*wassist.Agent]
	external    = managed.External[agentView, *wassist.Agent]
)
