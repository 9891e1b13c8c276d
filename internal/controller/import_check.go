package controller

import (
	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
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

// AgentChanges names what the operator, applying agent's spec under Full, would change
// on remote: the same comparison as its reconciles make. kubectl wassist import checks
// with it that the manifests it writes take an agent over with no write.
func AgentChanges(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, refs ImportRefs) []string {
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
		changes = orWhole(fielddiff.Changes(want, got), "the agent")
	}
	if !sharedAsSpecified(agent, remote) {
		changes = append(changes, "sharedWith")
	}
	return changes
}

// TemplateChanges names what the operator, applying tpl's spec under Full, would change
// on remote.
func TemplateChanges(tpl *wassistv1alpha1.WassistTemplate, remote *wassist.Template) []string {
	want, got := desiredTemplate(tpl), remoteTemplate(remote)
	if want.equal(got) {
		return nil
	}
	changes, _ := templateChanges(want, got)
	return orWhole(changes, "the template")
}

// orWhole is changes, or the whole object for a difference no field names (the order of
// a template's components, say): never nothing when the views differ.
func orWhole(changes []string, whole string) []string {
	if len(changes) == 0 {
		return []string{whole}
	}
	return changes
}
