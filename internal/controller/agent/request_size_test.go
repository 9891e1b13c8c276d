package agent

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// requestBudget is the largest PATCH body the operator may send. The Wassist API documents
// no request size limit; 1 MiB is nginx's default client_max_body_size, the smallest limit
// common in front of a Django API, and well under Django's own 2.5 MiB default.
const requestBudget = 1 << 20

// TestLargestAgentRequestFitsBudget builds the largest agent the generated CRD admits,
// every string at its maxLength and every list at its maxItems, each entry matched to a
// remote one so that it carries an id too, and checks that its PATCH fits the budget.
// Raising a limit in api/v1alpha1 past what the budget allows fails here.
func TestLargestAgentRequestFitsBudget(t *testing.T) {
	data, err := os.ReadFile("../../../config/crd/bases/wassist.app_wassistagents.yaml")
	if err != nil {
		t.Fatal(err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, crd); err != nil {
		t.Fatal(err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	limit := func(path string) int {
		s := spec
		for p := range strings.SplitSeq(path, ".") {
			if name, ok := strings.CutSuffix(p, "[]"); ok {
				s = *s.Properties[name].Items.Schema
				continue
			}
			s = s.Properties[p]
		}
		switch {
		case s.MaxLength != nil:
			return int(*s.MaxLength)
		case s.MaxItems != nil:
			return int(*s.MaxItems)
		}
		t.Fatalf("spec.%s has no limit", path)
		return 0
	}
	fill := func(path string) string { return strings.Repeat("x", limit(path)) }
	// key is a list entry's key at full length, unique by its index.
	key := func(path string, i int) string {
		suffix := fmt.Sprint(i)
		return strings.Repeat("k", limit(path)-len(suffix)) + suffix
	}
	url := func(path string, i int) string {
		suffix := fmt.Sprint(i)
		return "https://" + strings.Repeat("u", limit(path)-len("https://")-len(suffix)) + suffix
	}
	uuid := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

	s := wassistv1alpha1.WassistAgentSpec{
		Name:         fill("name"),
		Description:  fill("description"),
		SystemPrompt: fill("systemPrompt"),
		FirstMessage: fill("firstMessage"),
		LLMModel:     fill("llmModel"),
		PaywallConfig: &wassistv1alpha1.PaywallConfig{MessageLimit: new(int32(1000000)), PaywallAction: "purchase_link",
			PaywallURL: url("paywallConfig.paywallUrl", 0), CTAButtonText: fill("paywallConfig.ctaButtonText"),
			TerminalStateMessage: fill("paywallConfig.terminalStateMessage"), SubscriptionPricePerMonth: "99999999.99"},
		CreditSettings: &wassistv1alpha1.CreditSettings{InitialCredits: 1000000000, CreditGrantAmount: 1000000000},
	}
	remote := &wassist.Agent{}
	for range limit("icebreakers") {
		s.Icebreakers = append(s.Icebreakers, fill("icebreakers[]"))
	}
	for i := range limit("tools") {
		s.Tools = append(s.Tools, wassistv1alpha1.AgentTool{Name: key("tools[].name", i), Description: fill("tools[].description"),
			APISchema: runtime.RawExtension{Raw: []byte("{}")}, CreditCost: 1000000, Active: new(false)})
		remote.Tools = append(remote.Tools, wassist.AgentTool{ID: uuid(i), Name: key("tools[].name", i)})
	}
	for i := range limit("websiteTools") {
		s.WebsiteTools = append(s.WebsiteTools, wassistv1alpha1.AgentWebsiteTool{URL: url("websiteTools[].url", i),
			Prompt: fill("websiteTools[].prompt"), Active: new(false)})
		remote.WebsiteTools = append(remote.WebsiteTools, wassist.AgentWebsiteTool{ID: uuid(i), URL: url("websiteTools[].url", i)})
	}
	for i := range limit("memoryKeys") {
		s.MemoryKeys = append(s.MemoryKeys, wassistv1alpha1.AgentMemoryKey{Key: key("memoryKeys[].key", i), Type: "boolean",
			InitialValue: fill("memoryKeys[].initialValue"), WhenToUpdate: fill("memoryKeys[].whenToUpdate")})
		remote.MemoryKeys = append(remote.MemoryKeys, wassist.AgentMemoryKey{ID: uuid(i), Key: key("memoryKeys[].key", i)})
	}
	for i := range limit("handoffTools") {
		s.HandoffTools = append(s.HandoffTools, wassistv1alpha1.AgentHandoffTool{AgentID: uuid(i),
			Description: fill("handoffTools[].description"), Active: new(false)})
		remote.HandoffTools = append(remote.HandoffTools, wassist.AgentHandoffTool{ID: uuid(100 + i), ChildAgentID: uuid(i)})
	}
	for i := range limit("imageGenerateTools") {
		s.ImageGenerateTools = append(s.ImageGenerateTools, wassistv1alpha1.AgentImageGenerateTool{
			Name: key("imageGenerateTools[].name", i), Description: fill("imageGenerateTools[].description"),
			Prompt: fill("imageGenerateTools[].prompt"), CreditCost: 1000000, Active: new(false)})
		remote.ImageGenerateTools = append(remote.ImageGenerateTools,
			wassist.AgentImageGenerateTool{ID: uuid(200 + i), Name: key("imageGenerateTools[].name", i)})
	}
	for i := range limit("wakeUpConfigs") {
		s.WakeUpConfigs = append(s.WakeUpConfigs, wassistv1alpha1.AgentWakeUpConfig{
			Description: key("wakeUpConfigs[].description", i), Enabled: new(false), ForceMessage: true})
		remote.WakeUpConfigs = append(remote.WakeUpConfigs,
			wassist.AgentWakeUpConfig{ID: uuid(300 + i), Description: key("wakeUpConfigs[].description", i)})
	}
	for i := range limit("mcpConfigs") {
		m := wassistv1alpha1.AgentMCPConfig{ConnectorID: uuid(400 + i)}
		for j := range limit("mcpConfigs[].toolWhitelist") {
			m.ToolWhitelist = append(m.ToolWhitelist, key("mcpConfigs[].toolWhitelist[]", j))
		}
		s.MCPConfigs = append(s.MCPConfigs, m)
		remote.MCPConfigs = append(remote.MCPConfigs, wassist.AgentMCPConfig{ID: uuid(500 + i), ConnectorID: uuid(400 + i)})
	}
	agent := &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Name: "largest"}, Spec: s}

	refs := resolvedRefs{triggers: map[string]triggerView{}}
	for i := range limit("outboundTriggers") {
		id := key("outboundTriggers[].templateID", i)
		refs.triggers[fmt.Sprint("trigger-", i)] = triggerView{TemplateID: id, TemplateName: fill("outboundTriggers[].templateName")}
		remote.OutboundTriggers = append(remote.OutboundTriggers, wassist.AgentOutboundTrigger{ID: uuid(600 + i), TemplateID: id})
	}
	body, err := json.Marshal(desiredView(agent, refs).update(remote))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the largest agent the schema admits encodes to a PATCH of %d bytes (budget %d)", len(body), requestBudget)
	if len(body) > requestBudget {
		t.Fatalf("the largest agent the schema admits encodes to a PATCH of %d bytes, over the %d-byte budget: "+
			"lower a limit in api/v1alpha1", len(body), requestBudget)
	}
}
