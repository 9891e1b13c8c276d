package importer

import (
	"encoding/json"
	"fmt"
	"strings"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/utils/ptr"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	agentkind "github.com/wassist-operator/wassist-operator/internal/controller/agent"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// agents writes a WassistAgent per imported agent. Each is checked with the operator's own
// comparison, after the trip through the API server: one that would still change
// something (a number Kubernetes cannot store exactly, say) is imported under Observe
// with a warning, so that applying it writes nothing.
func (b *builder) agents() {
	b.forgetRefused()
	ids := map[string]string{}
	for id, name := range b.agentNames {
		ids[name] = id
	}
	for i := range b.a.Agents {
		remote := &b.a.Agents[i]
		name, ok := b.agentNames[remote.ID]
		if !ok {
			continue
		}
		agent := b.agent(name, remote)
		stored, err := asStored(agent)
		refs := agentkind.ImportRefs{AgentIDs: ids, Templates: b.templates, CreditPassword: password(remote)}
		// Compared only once stored: a number JSON holds and Kubernetes cannot (past float64's
		// range) leaves no stored manifest to compare.
		warning := ""
		if err != nil {
			warning = observeOnly(agent, name, "its manifest cannot be stored as read: "+err.Error())
		} else if changes := agentkind.Changes(stored, remote, refs); len(changes) > 0 {
			warning = observeOnly(agent, name, "Kubernetes cannot hold it exactly as Wassist does ("+strings.Join(changes, ", ")+
				"): review the difference under Observe before switching to Full")
		}
		if b.add("agents", agent) {
			b.res.Agents++
			b.creditSecret(agent)
			b.warn(warning)
			b.warnCredentials(name, remote)
		}
	}
}

// forgetRefused leaves out, before any manifest names them, the agents the API server would
// refuse: a handoff or a number routed to one then names it by id, as one not imported,
// rather than by a WassistAgent that is never applied.
func (b *builder) forgetRefused() {
	for i := range b.a.Agents {
		remote := &b.a.Agents[i]
		name, ok := b.agentNames[remote.ID]
		if !ok {
			continue
		}
		if err := b.refusal(b.agent(name, remote)); err != nil {
			b.leaveOut(err)
			delete(b.agentNames, remote.ID)
		}
	}
}

// observeOnly puts agent under Observe, and returns the warning that says why, for when
// it is written.
func observeOnly(agent *wassistv1alpha1.WassistAgent, name, why string) string {
	agent.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
	return fmt.Sprintf("agent %s imported under managementPolicy Observe: %s", name, why)
}

// asStored is obj as the API server stores it: JSON numbers become int64 or float64.
func asStored[T any](obj *T) (*T, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := utiljson.Unmarshal(data, &generic); err != nil {
		return nil, err
	}
	if data, err = json.Marshal(generic); err != nil {
		return nil, err
	}
	out := new(T)
	return out, json.Unmarshal(data, out)
}

func password(a *wassist.Agent) string {
	if a.CreditSettings == nil {
		return ""
	}
	return ptr.Deref(a.CreditSettings.CreditGrantPassword, "")
}

// agent is the WassistAgent that names remote and every setting of it the CRD manages:
// the agent kind's own inverse mapping, with the names this import gives.
func (b *builder) agent(name string, remote *wassist.Agent) *wassistv1alpha1.WassistAgent {
	spec := agentkind.SpecOf(remote, agentkind.SpecNames{Agents: b.agentNames, Templates: b.templateNames,
		Triggers: b.triggerSecrets[remote.ID], CreditSecret: name + "-credit-grant"})
	spec.APIKeySecretRef, spec.ManagedSpec = b.keyRef(), b.managed()
	agent := &wassistv1alpha1.WassistAgent{ObjectMeta: b.meta(name, map[string]string{wassistv1alpha1.AnnotationAgentID: remote.ID}),
		Spec: spec}
	agent.SetGroupVersionKind(wassistv1alpha1.GroupVersion.WithKind("WassistAgent"))
	return agent
}

// creditSecret lists the Secret an imported agent's credit grant password is to be put in.
func (b *builder) creditSecret(agent *wassistv1alpha1.WassistAgent) {
	if c := agent.Spec.CreditSettings; c != nil && c.CreditGrantPasswordSecretRef != nil {
		b.res.Secrets = append(b.res.Secrets, SecretNeed{Name: c.CreditGrantPasswordSecretRef.Name,
			Key: c.CreditGrantPasswordSecretRef.Key, Holds: "the credit grant password of agent " + agent.Name + " (as set in the dashboard)"})
	}
}
