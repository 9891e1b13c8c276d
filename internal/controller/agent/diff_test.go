package agent

import (
	"slices"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
)

// The agent's view names its settings as the spec writes them, and keys its lists.
func TestTheAgentViewNamesItsSettingsAsTheSpecDoes(t *testing.T) {
	base := agentView{
		Name: "Concierge", SystemPrompt: "You are a barista.",
		Tools:    []toolView{{Name: "order_status", APISchema: "{}", Active: true}, {Name: "menu", APISchema: "{}"}},
		Handoffs: []handoffView{{ChildAgentID: "a1", Description: "support"}},
		Credits:  &creditsView{InitialCredits: 5, GrantPassword: "s3cret-password"},
		WakeUps:  &[]wakeUpView{{Description: "after a day"}},
		Triggers: &[]triggerView{{TemplateID: "t1", TemplateName: "order_shipped"}},
	}
	drifted := base
	drifted.SystemPrompt = "edited in the dashboard"
	drifted.Tools = []toolView{{Name: "order_status", APISchema: "{}", Active: false}, {Name: "extra", APISchema: "{}"}}
	drifted.Credits = &creditsView{InitialCredits: 5, GrantPassword: "other"}
	drifted.WakeUps = &[]wakeUpView{}
	drifted.Triggers = &[]triggerView{{TemplateID: "t1", TemplateName: "order_shipped", Enabled: true}}

	got := fielddiff.Changes(base, drifted)
	want := []string{"systemPrompt", "tools[extra]", "tools[menu]", "tools[order_status]", "wakeUpConfigs[after a day]",
		"outboundTriggers[order_shipped]", "creditSettings"}
	if !slices.Equal(got, want) {
		t.Fatalf("Changes = %q, want %q", got, want)
	}
	spec, remote := agentView{Name: "Concierge", WakeUps: &[]wakeUpView{}}, base
	remote.Triggers = nil // as observed: the spec leaves the triggers unmanaged
	erased := fielddiff.Erasures(spec, remote)
	wantErased := []string{"systemPrompt", "creditSettings", "tools[menu]", "tools[order_status]", "handoffTools[a1]",
		"wakeUpConfigs[after a day]"}
	if !slices.Equal(erased, wantErased) {
		t.Fatalf("Erasures = %q, want %q", erased, wantErased)
	}
}
