package agent

import (
	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// ImportRefs are what an imported agent's references resolve to once applied: the agent
// ids of the WassistAgents its handoffs name, the template of each WassistTemplate its
// triggers name, and its credit grant password.
type ImportRefs struct {
	AgentIDs       map[string]string
	Templates      map[string]wassist.Template
	CreditPassword string
}

// Changes names what the operator, applying agent's spec under Full, would change
// on remote: the same comparison as its reconciles make. kubectl wassist import checks
// with it that the manifests it writes take an agent over with no write.
func Changes(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, refs ImportRefs) []string {
	resolved := resolvedRefs{handoffIDs: refs.AgentIDs, creditPassword: refs.CreditPassword}
	if agent.Spec.OutboundTriggers != nil {
		resolved.triggers = map[string]triggerView{}
		for _, t := range agent.Spec.OutboundTriggers {
			v := specTrigger(t)
			if t.TemplateRef != nil {
				tpl := refs.Templates[t.TemplateRef.Name]
				v.TemplateID, v.TemplateName = tpl.ID, tpl.Name
			}
			resolved.triggers[t.SecretName] = v
		}
	}
	want := desiredView(agent, resolved)
	got := want.observed(remote)
	changes := []string{}
	if !want.equal(got) {
		changes = kit.OrWhole(fielddiff.Changes(want, got), "the agent")
	}
	if !sharedAsSpecified(agent, remote) {
		changes = append(changes, "sharedWith")
	}
	return changes
}
