package agent

import (
	"math"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// SpecNames are the names a spec gives what an agent refers to, as an import writes them:
// the WassistAgents of agent ids and the WassistTemplates of template ids (an id without
// one is written as an id), the Secret of each of its triggers, in order, and of its
// credit grant password.
type SpecNames struct {
	Agents, Templates map[string]string
	Triggers          []string
	CreditSecret      string
}

// SpecOf is the spec that makes the operator leave remote as it is: every setting the
// CRD manages, the inverse of desiredView (kubectl wassist import writes it, and checks it
// with Changes). The API key's Secret and the policies are the caller's.
func SpecOf(remote *wassist.Agent, names SpecNames) wassistv1alpha1.WassistAgentSpec {
	spec := wassistv1alpha1.WassistAgentSpec{
		Name:         remote.Name,
		Description:  remote.Description,
		SystemPrompt: remote.SystemPrompt,
		FirstMessage: remote.FirstMessage,
		Icebreakers:  remote.Icebreakers,
		LLMModel:     ptr.Deref(remote.LLMModel, ""),
		SharedWith:   RemoteSharings(remote),
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
		if child, ok := names.Agents[h.ChildAgentID]; ok && h.ChildAgentID != remote.ID {
			tool.AgentRef = &wassistv1alpha1.AgentReference{Name: child}
		} else {
			tool.AgentID = h.ChildAgentID
		}
		spec.HandoffTools = append(spec.HandoffTools, tool)
	}
	laterSpec(&spec, remote, names)
	moneySpec(&spec, remote, names.CreditSecret)
	return spec
}

// laterSpec sets the lists managed only when set, when the agent has any of them.
func laterSpec(spec *wassistv1alpha1.WassistAgentSpec, remote *wassist.Agent, names SpecNames) {
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
		trigger := wassistv1alpha1.AgentOutboundTrigger{Enabled: inactive(t.Enabled), SecretName: names.Triggers[i]}
		if tpl, ok := names.Templates[t.TemplateID]; ok {
			trigger.TemplateRef = &wassistv1alpha1.TemplateReference{Name: tpl}
		} else {
			trigger.TemplateID, trigger.TemplateName = t.TemplateID, t.TemplateName
		}
		spec.OutboundTriggers = append(spec.OutboundTriggers, trigger)
	}
}

// moneySpec sets the paywall and the credits; a credit grant password goes in the Secret
// named secret, which the caller writes or asks for.
func moneySpec(spec *wassistv1alpha1.WassistAgentSpec, remote *wassist.Agent, secret string) {
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
		ref := wassistv1alpha1.SecretKeySelector{Name: secret, Key: "password"}
		spec.CreditSettings.CreditGrantPasswordSecretRef = &ref
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
