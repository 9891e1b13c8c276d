package agent

import (
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// A BYOA create that lost its answer is recovered only from an agent nothing has been
// set on: what Wassist sets itself does not count, anything else does.
func TestUntouchedCountsOnlyWhatSomeoneSet(t *testing.T) {
	model := "gpt-4o"
	made := wassist.Agent{ID: "a1", Name: "New agent", Description: "Bring your own agent", LLMModel: &model,
		OutboundTriggers: []wassist.AgentOutboundTrigger{{ID: "t1", TemplateID: "tpl"}}}
	if !untouched(&made) {
		t.Fatal("an agent as Wassist makes it is taken for touched")
	}
	for name, touch := range map[string]func(*wassist.Agent){
		"a prompt":       func(a *wassist.Agent) { a.SystemPrompt = "You are a barista." },
		"an icebreaker":  func(a *wassist.Agent) { a.Icebreakers = []string{"Menu"} },
		"a tool":         func(a *wassist.Agent) { a.Tools = []wassist.AgentTool{{Name: "order_status"}} },
		"a wake-up":      func(a *wassist.Agent) { a.WakeUpConfigs = []wassist.AgentWakeUpConfig{{Description: "after a day"}} },
		"an MCP config":  func(a *wassist.Agent) { a.MCPConfigs = []wassist.AgentMCPConfig{{ConnectorID: "c1"}} },
		"a number":       func(a *wassist.Agent) { a.PhoneNumbers = []wassist.AgentPhoneNumber{{}} },
		"a conversation": func(a *wassist.Agent) { a.TotalSessions = 1 },
	} {
		a := made
		touch(&a)
		if untouched(&a) {
			t.Errorf("an agent with %s is taken for untouched", name)
		}
	}
}
