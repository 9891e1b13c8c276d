package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
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

// agent is the WassistAgent that names remote and every setting of it the CRD manages.
func (b *builder) agent(name string, remote *wassist.Agent) *wassistv1alpha1.WassistAgent {
	spec := wassistv1alpha1.WassistAgentSpec{
		APIKeySecretRef: b.keyRef(),
		Name:            remote.Name,
		Description:     remote.Description,
		SystemPrompt:    remote.SystemPrompt,
		FirstMessage:    remote.FirstMessage,
		Icebreakers:     remote.Icebreakers,
		LLMModel:        ptr.Deref(remote.LLMModel, ""),
		ManagedSpec:     b.managed(),
		SharedWith:      agentkind.RemoteSharings(remote),
	}
	for _, t := range remote.Tools {
		spec.Tools = append(spec.Tools, wassistv1alpha1.AgentTool{Name: t.Name, Description: t.Description,
			APISchema: runtime.RawExtension{Raw: t.APISchema}, CreditCost: clamp32(t.CreditCost), Active: inactive(t.Active)})
	}
	for _, w := range remote.WebsiteTools {
		spec.WebsiteTools = append(spec.WebsiteTools, wassistv1alpha1.AgentWebsiteTool{URL: w.URL, Prompt: w.Prompt,
			Active: inactive(w.Active)})
	}
	for _, m := range remote.MemoryKeys {
		spec.MemoryKeys = append(spec.MemoryKeys, wassistv1alpha1.AgentMemoryKey{Key: m.Key,
			Type: wassistv1alpha1.MemoryKeyType(m.Type), InitialValue: m.InitialValue, WhenToUpdate: m.WhenToUpdate})
	}
	for _, h := range remote.HandoffTools {
		tool := wassistv1alpha1.AgentHandoffTool{Description: h.Description, Active: inactive(h.Active)}
		// A handoff to itself by id: the CRD refuses a reference to the resource itself.
		if child, ok := b.agentNames[h.ChildAgentID]; ok && h.ChildAgentID != remote.ID {
			tool.AgentRef = &wassistv1alpha1.AgentReference{Name: child}
		} else {
			tool.AgentID = h.ChildAgentID
		}
		spec.HandoffTools = append(spec.HandoffTools, tool)
	}
	b.later(&spec, remote)
	b.money(&spec, name, remote)
	agent := &wassistv1alpha1.WassistAgent{ObjectMeta: b.meta(name, map[string]string{wassistv1alpha1.AnnotationAgentID: remote.ID}),
		Spec: spec}
	agent.SetGroupVersionKind(wassistv1alpha1.GroupVersion.WithKind("WassistAgent"))
	return agent
}

// later sets the lists managed only when set, when the agent has any of them.
func (b *builder) later(spec *wassistv1alpha1.WassistAgentSpec, remote *wassist.Agent) {
	for _, t := range remote.ImageGenerateTools {
		spec.ImageGenerateTools = append(spec.ImageGenerateTools, wassistv1alpha1.AgentImageGenerateTool{Name: t.Name,
			Description: t.Description, Prompt: t.Prompt, CreditCost: clamp32(t.CreditCost), Active: inactive(t.Active)})
	}
	for _, w := range remote.WakeUpConfigs {
		spec.WakeUpConfigs = append(spec.WakeUpConfigs, wassistv1alpha1.AgentWakeUpConfig{Description: w.Description,
			Enabled: inactive(w.Enabled), ForceMessage: w.ForceMessage})
	}
	for _, m := range remote.MCPConfigs {
		spec.MCPConfigs = append(spec.MCPConfigs, wassistv1alpha1.AgentMCPConfig{ConnectorID: m.ConnectorID,
			ToolWhitelist: m.ToolWhitelist})
	}
	for i, t := range remote.OutboundTriggers {
		trigger := wassistv1alpha1.AgentOutboundTrigger{Enabled: inactive(t.Enabled), SecretName: b.triggerSecrets[remote.ID][i]}
		if tpl, ok := b.templateNames[t.TemplateID]; ok {
			trigger.TemplateRef = &wassistv1alpha1.TemplateReference{Name: tpl}
		} else {
			trigger.TemplateID, trigger.TemplateName = t.TemplateID, t.TemplateName
		}
		spec.OutboundTriggers = append(spec.OutboundTriggers, trigger)
	}
}

// money sets the paywall and the credits; a credit grant password goes in a Secret the
// import names and does not write (creditSecret lists it once the agent is imported).
func (b *builder) money(spec *wassistv1alpha1.WassistAgentSpec, name string, remote *wassist.Agent) {
	if p := remote.PaywallConfig; p != nil {
		spec.PaywallConfig = &wassistv1alpha1.PaywallConfig{PaywallAction: wassistv1alpha1.PaywallAction(p.PaywallAction),
			PaywallURL: ptr.Deref(p.PaywallURL, ""), CTAButtonText: p.CTAButtonText, TerminalStateMessage: p.TerminalStateMessage,
			SubscriptionPricePerMonth: ptr.Deref(p.SubscriptionPricePerMonth, "")}
		if p.MessageLimit != nil {
			spec.PaywallConfig.MessageLimit = new(clamp32(*p.MessageLimit))
		}
	}
	c := remote.CreditSettings
	if c == nil {
		return
	}
	spec.CreditSettings = &wassistv1alpha1.CreditSettings{InitialCredits: clamp32(c.InitialCredits),
		CreditGrantAmount: clamp32(c.CreditGrantAmount)}
	if ptr.Deref(c.CreditGrantPassword, "") != "" {
		ref := wassistv1alpha1.SecretKeySelector{Name: name + "-credit-grant", Key: "password"}
		spec.CreditSettings.CreditGrantPasswordSecretRef = &ref
	}
}

// creditSecret lists the Secret an imported agent's credit grant password is to be put in.
func (b *builder) creditSecret(agent *wassistv1alpha1.WassistAgent) {
	if c := agent.Spec.CreditSettings; c != nil && c.CreditGrantPasswordSecretRef != nil {
		b.res.Secrets = append(b.res.Secrets, SecretNeed{Name: c.CreditGrantPasswordSecretRef.Name,
			Key: c.CreditGrantPasswordSecretRef.Key, Holds: "the credit grant password of agent " + agent.Name + " (as set in the dashboard)"})
	}
}

// inactive is the spec's active (or enabled) field: written only when false, the default
// being true.
func inactive(active bool) *bool {
	if active {
		return nil
	}
	return new(false)
}

// clamp32 is v as the CRD's int32 fields hold it: a value beyond their range is clamped,
// which the import's check then finds different (and imports under Observe).
func clamp32(v int64) int32 {
	return int32(max(min(v, math.MaxInt32), math.MinInt32)) //nolint:gosec // clamped to the int32 range just above
}
