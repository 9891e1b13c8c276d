package agent

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// A bring-your-own-agent create (POST /agents/byoa/) takes only the webhook URL: no name,
// so no marker to find a create whose answer was lost (docs/operations.md, "Crash-safe
// create"). What it made is found by when it was made instead: the create-pending
// annotation holds the time of the attempt, marked anew before each one, and a candidate
// is an agent Wassist created from a little before that time on, that no WassistAgent in
// the cluster names, that carries no create marker, and that nothing has configured yet.
// One candidate is taken (Recovered), several stop with CreateAmbiguous.

// byoaClockSkew is how far Wassist's clock may be behind the operator's.
const byoaClockSkew = time.Minute

// createBYOA creates the agent; the name and the rest follow in the PATCH after it.
func (e *agentExternal) createBYOA(ctx context.Context, d desired) (observation, error) {
	created, err := e.api.CreateBYOAAgent(ctx, e.agent.Spec.BYOA.WebhookURL)
	return e.created(created, err, d)
}

// findBYOA returns the agents an interrupted BYOA create may have made.
func (e *agentExternal) findBYOA(ctx context.Context, agents []wassist.Agent, d desired) ([]observation, error) {
	mark := e.agent.Annotations[wassistv1alpha1.AnnotationCreatePending]
	sent, err := time.Parse(time.RFC3339, mark)
	if err != nil {
		return nil, fmt.Errorf("the %s annotation %q is not the time of a create: set the %s annotation to the "+
			"agent to keep, or remove both to create again", wassistv1alpha1.AnnotationCreatePending, mark,
			wassistv1alpha1.AnnotationAgentID)
	}
	var found []observation
	for i := range agents {
		a := &agents[i]
		if a.CreatedAt == nil || a.CreatedAt.Before(sent.Add(-byoaClockSkew)) || !untouched(a) ||
			strings.HasPrefix(a.Name, managed.MarkerPrefix) {
			continue
		}
		claimed, err := managed.Claimed(ctx, e.cache, &wassistv1alpha1.WassistAgentList{}, "agent:"+a.ID)
		if err != nil {
			return nil, err
		}
		if !claimed {
			found = append(found, agentObservation(e.agent, a, d))
		}
	}
	return found, nil
}

// untouched: nothing has been set on the agent since Wassist made it, but what Wassist
// may set itself on a new agent (its name, description, model, paywall, credits and
// triggers), and it has served no number or message.
func untouched(a *wassist.Agent) bool {
	set := fielddiff.Erasures(agentView{}, remoteView(a))
	set = slices.DeleteFunc(set, func(field string) bool {
		setting, _, _ := strings.Cut(field, "[")
		return madeWith[setting]
	})
	return len(set) == 0 && len(a.PhoneNumbers) == 0 && len(a.Sharings) == 0 && a.TotalMessages == 0 && a.TotalSessions == 0
}

// madeWith are the settings a new agent may have from Wassist.
var madeWith = map[string]bool{"name": true, "description": true, "llmModel": true, "paywallConfig": true,
	"creditSettings": true, "outboundTriggers": true}
