/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1_test

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const (
	uuidA = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"
	uuidB = "7f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a10"
)

// manifest builds a WassistAgent or WassistDeployment from a spec written as YAML.
func manifest(kind, specYAML string) *unstructured.Unstructured {
	spec := map[string]any{}
	Expect(yaml.Unmarshal([]byte(specYAML), &spec)).To(Succeed())
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetAPIVersion("wassist.app/v1alpha1")
	u.SetKind(kind)
	u.SetNamespace(testNS)
	u.SetGenerateName("bad-")
	return u
}

// agentSpec is the smallest valid agent plus the lines given, which may override it.
func agentSpec(extra string) string {
	return "apiKeySecretRef: {name: wassist-api-key}\n" + extra
}

// deploymentSpec is a valid deployment with its agent and target lines replaced.
func deploymentSpec(agent, target string) string {
	return agent + "\n" + target
}

// templateSpec is a valid template with the top-level lines given replaced or added.
func templateSpec(lines ...string) string {
	base := []string{"apiKeySecretRef: {name: k}", "name: order_update", "category: UTILITY",
		`body: {text: "Your order {{1}} has shipped today.", examples: ["ORD-1"]}`}
	for _, l := range lines {
		key, _, _ := strings.Cut(l, ":")
		i := slices.IndexFunc(base, func(b string) bool { return strings.HasPrefix(b, key+":") })
		if i < 0 {
			base = append(base, l)
		} else {
			base[i] = l
		}
	}
	return strings.Join(base, "\n")
}

const (
	byRef    = "agentRef: {name: concierge}"
	byNumber = "phoneNumber: \"447700900100\""
)

var _ = Describe("Admission of invalid manifests", func() {
	DescribeTable("rejects the manifest with a message that names the field",
		func(kind, specYAML string, wantInMessage ...string) {
			obj := manifest(kind, specYAML)
			err, offlineErr := admit(obj)
			Expect(err).To(HaveOccurred(), "the API server accepted an invalid %s", kind)
			Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
			for _, want := range wantInMessage {
				Expect(err.Error()).To(ContainSubstring(want))
				Expect(offlineErr.Error()).To(ContainSubstring(want), "kubectl wassist validate")
			}
			// A rule that reads a field the manifest leaves out fails to evaluate instead of
			// refusing: the user reads CEL's "no such key" rather than what to fix.
			Expect(err.Error()).NotTo(ContainSubstring("evaluating rule"), "a CEL rule failed instead of refusing")
		},

		// WassistAgent: credentials
		Entry("agent without apiKeySecretRef", "WassistAgent", "name: x",
			"spec.apiKeySecretRef: Required value"),
		Entry("agent Secret ref without a name", "WassistAgent", "apiKeySecretRef: {key: apiKey}",
			"spec.apiKeySecretRef.name: Required value"),
		Entry("agent Secret ref with an empty name", "WassistAgent", "apiKeySecretRef: {name: \"\"}",
			"spec.apiKeySecretRef.name"),
		Entry("agent Secret key with a slash", "WassistAgent", "apiKeySecretRef: {name: s, key: a/b}",
			"spec.apiKeySecretRef.key"),

		// WassistAgent: scalar fields
		Entry("a 256-character name", "WassistAgent", agentSpec("name: "+strings.Repeat("n", 256)),
			"spec.name: Too long"),
		Entry("an empty name", "WassistAgent", agentSpec(`name: ""`),
			"spec.name"),
		Entry("an unknown deletion policy", "WassistAgent", agentSpec("deletionPolicy: Retain"),
			"spec.deletionPolicy: Unsupported value", `"Delete", "Orphan"`),
		Entry("a system prompt over 100000 characters", "WassistAgent",
			agentSpec("systemPrompt: "+strings.Repeat("p", 100001)),
			"spec.systemPrompt: Too long"),
		Entry("eleven icebreakers", "WassistAgent",
			agentSpec("icebreakers: [a, b, c, d, e, f, g, h, i, j, k]"),
			"spec.icebreakers: Too many"),
		Entry("an llmModel over 100 characters", "WassistAgent", agentSpec("llmModel: "+strings.Repeat("m", 101)),
			"spec.llmModel: Too long: may not be more than 100"),
		Entry("a description over 4096 characters", "WassistAgent", agentSpec("description: "+strings.Repeat("d", 4097)),
			"spec.description: Too long: may not be more than 4096"),
		Entry("a first message over 4096 characters", "WassistAgent", agentSpec("firstMessage: "+strings.Repeat("f", 4097)),
			"spec.firstMessage: Too long: may not be more than 4096"),
		Entry("an icebreaker over 256 characters", "WassistAgent", agentSpec("icebreakers: ["+strings.Repeat("i", 257)+"]"),
			"spec.icebreakers[0]: Too long: may not be more than 256"),
		Entry("a Secret name over 253 characters", "WassistAgent", "apiKeySecretRef: {name: "+strings.Repeat("s", 254)+"}",
			"spec.apiKeySecretRef.name: Too long: may not be more than 253"),

		// WassistAgent: nested lists
		Entry("two tools with one name", "WassistAgent", agentSpec(`tools:
- {name: t, apiSchema: {url: "https://a"}}
- {name: t, apiSchema: {url: "https://b"}}`),
			"spec.tools[1]: Duplicate value"),
		Entry("a tool without a name", "WassistAgent", agentSpec(`tools: [{apiSchema: {url: "https://a"}}]`),
			"spec.tools[0].name: Required value"),
		Entry("a tool without an apiSchema", "WassistAgent", agentSpec(`tools: [{name: t}]`),
			"spec.tools[0].apiSchema: Required value"),
		Entry("a tool whose apiSchema is not an object", "WassistAgent", agentSpec(`tools: [{name: t, apiSchema: "GET /"}]`),
			"spec.tools[0].apiSchema"),
		Entry("a negative credit cost", "WassistAgent", agentSpec(`tools: [{name: t, apiSchema: {}, creditCost: -1}]`),
			"spec.tools[0].creditCost"),
		Entry("a website tool that is not http(s)", "WassistAgent", agentSpec(`websiteTools: [{url: "ftp://example.com"}]`),
			"spec.websiteTools[0].url", "url must start with http:// or https://"),
		Entry("an unknown memory key type", "WassistAgent", agentSpec(`memoryKeys: [{key: k, type: date}]`),
			"spec.memoryKeys[0].type: Unsupported value"),
		Entry("a handoff with both agentRef and agentID", "WassistAgent",
			agentSpec(`handoffTools: [{agentRef: {name: support}, agentID: "`+uuidA+`"}]`),
			"spec.handoffTools[0]", "exactly one of agentRef or agentID must be set"),
		Entry("a handoff with neither agentRef nor agentID", "WassistAgent",
			agentSpec(`handoffTools: [{description: d}]`),
			"spec.handoffTools[0]", "exactly one of agentRef or agentID must be set"),
		Entry("a handoff agentID that is not a UUID", "WassistAgent",
			agentSpec(`handoffTools: [{agentID: "agent-1"}]`),
			"spec.handoffTools[0].agentID"),
		Entry("the same child agent twice", "WassistAgent",
			agentSpec(`handoffTools: [{agentRef: {name: support}}, {agentRef: {name: support}}]`),
			"spec.handoffTools", "each child agent may appear only once"),
		Entry("two image tools with one name", "WassistAgent", agentSpec(`imageGenerateTools: [{name: p, prompt: x}, {name: p, prompt: y}]`),
			"spec.imageGenerateTools[1]: Duplicate value"),
		Entry("an image tool without a prompt", "WassistAgent", agentSpec(`imageGenerateTools: [{name: p}]`),
			"spec.imageGenerateTools[0].prompt: Required value"),
		Entry("a blank wake-up", "WassistAgent", agentSpec(`wakeUpConfigs: [{description: "  "}]`),
			"spec.wakeUpConfigs[0].description", "must not be blank"),
		Entry("nine wake-ups", "WassistAgent", agentSpec("wakeUpConfigs: "+flowList(9, func(i int) string {
			return fmt.Sprintf("{description: w%d}", i)
		})), "spec.wakeUpConfigs: Too many"),
		Entry("an MCP connector that is not a UUID", "WassistAgent", agentSpec(`mcpConfigs: [{connectorID: shopify}]`),
			"spec.mcpConfigs[0].connectorID"),
		Entry("a BYOA webhook that is not https", "WassistAgent", agentSpec(`byoa: {webhookURL: "http://bot.example.com"}`),
			"spec.byoa.webhookURL", "webhookURL must be an https URL with a host"),
		Entry("a shared number with a plus sign", "WassistAgent", agentSpec(`sharedWith: ["+447700900123"]`),
			"spec.sharedWith[0]"),
		Entry("a number shared twice", "WassistAgent", agentSpec(`sharedWith: ["447700900123", "447700900123"]`),
			"spec.sharedWith[1]: Duplicate value"),
		Entry("an unknown paywall action", "WassistAgent", agentSpec(`paywallConfig: {paywallAction: free}`),
			"spec.paywallConfig.paywallAction: Unsupported value"),
		Entry("a paywall URL that is not http(s)", "WassistAgent", agentSpec(`paywallConfig: {paywallUrl: "javascript:alert(1)"}`),
			"spec.paywallConfig.paywallUrl", "paywallUrl must start with http:// or https://"),
		Entry("a price with three decimals", "WassistAgent", agentSpec(`paywallConfig: {subscriptionPricePerMonth: "9.999"}`),
			"spec.paywallConfig.subscriptionPricePerMonth"),
		Entry("negative initial credits", "WassistAgent", agentSpec(`creditSettings: {initialCredits: -5}`),
			"spec.creditSettings.initialCredits"),

		// WassistAgent: sizes of nested lists and their entries
		Entry("65 tools", "WassistAgent", agentSpec("tools: "+flowList(65, func(i int) string {
			return fmt.Sprintf("{name: t%d, apiSchema: {}}", i)
		})), "spec.tools: Too many: 65: must have at most 64 items"),
		Entry("a tool name over 128 characters", "WassistAgent",
			agentSpec("tools: [{name: "+strings.Repeat("t", 129)+", apiSchema: {}}]"),
			"spec.tools[0].name: Too long: may not be more than 128"),
		Entry("a tool description over 2048 characters", "WassistAgent",
			agentSpec("tools: [{name: t, apiSchema: {}, description: "+strings.Repeat("d", 2049)+"}]"),
			"spec.tools[0].description: Too long: may not be more than 2048"),
		Entry("an apiSchema with 33 top-level keys", "WassistAgent",
			agentSpec("tools: [{name: t, apiSchema: "+flowMap(33)+"}]"),
			"spec.tools[0].apiSchema: Too many: 33: must have at most 32 items"),
		Entry("65 website tools", "WassistAgent", agentSpec("websiteTools: "+flowList(65, func(i int) string {
			return fmt.Sprintf("{url: \"https://example.com/%d\"}", i)
		})), "spec.websiteTools: Too many: 65: must have at most 64 items"),
		Entry("a website URL over 2048 characters", "WassistAgent",
			agentSpec("websiteTools: [{url: \"https://"+strings.Repeat("u", 2041)+"\"}]"),
			"spec.websiteTools[0].url: Too long: may not be more than 2048"),
		Entry("a website prompt over 2048 characters", "WassistAgent",
			agentSpec("websiteTools: [{url: \"https://example.com\", prompt: "+strings.Repeat("p", 2049)+"}]"),
			"spec.websiteTools[0].prompt: Too long: may not be more than 2048"),
		Entry("65 memory keys", "WassistAgent", agentSpec("memoryKeys: "+flowList(65, func(i int) string {
			return fmt.Sprintf("{key: k%d}", i)
		})), "spec.memoryKeys: Too many: 65: must have at most 64 items"),
		Entry("a memory key over 128 characters", "WassistAgent",
			agentSpec("memoryKeys: [{key: "+strings.Repeat("k", 129)+"}]"),
			"spec.memoryKeys[0].key: Too long: may not be more than 128"),
		Entry("a memory initial value over 2048 characters", "WassistAgent",
			agentSpec("memoryKeys: [{key: k, initialValue: "+strings.Repeat("v", 2049)+"}]"),
			"spec.memoryKeys[0].initialValue: Too long: may not be more than 2048"),
		Entry("a memory update rule over 1024 characters", "WassistAgent",
			agentSpec("memoryKeys: [{key: k, whenToUpdate: "+strings.Repeat("w", 1025)+"}]"),
			"spec.memoryKeys[0].whenToUpdate: Too long: may not be more than 1024"),
		Entry("33 handoffs", "WassistAgent", agentSpec("handoffTools: "+flowList(33, func(i int) string {
			return fmt.Sprintf("{agentRef: {name: a%d}}", i)
		})), "spec.handoffTools: Too many: 33: must have at most 32 items"),
		Entry("a handoff agentRef name over 253 characters", "WassistAgent",
			agentSpec("handoffTools: [{agentRef: {name: "+strings.Repeat("a", 254)+"}}]"),
			"spec.handoffTools[0].agentRef.name: Too long: may not be more than 253"),
		Entry("a handoff description over 2048 characters", "WassistAgent",
			agentSpec("handoffTools: [{agentID: \""+uuidA+"\", description: "+strings.Repeat("h", 2049)+"}]"),
			"spec.handoffTools[0].description: Too long: may not be more than 2048"),
		Entry("101 shared numbers", "WassistAgent", agentSpec("sharedWith: "+flowList(101, func(i int) string {
			return fmt.Sprintf("\"447700900%03d\"", i)
		})), "spec.sharedWith: Too many: 101: must have at most 100 items"),
		Entry("a paywall URL over 2048 characters", "WassistAgent",
			agentSpec("paywallConfig: {paywallUrl: \"https://"+strings.Repeat("u", 2041)+"\"}"),
			"spec.paywallConfig.paywallUrl: Too long: may not be more than 2048"),
		Entry("a paywall button text over 64 characters", "WassistAgent",
			agentSpec("paywallConfig: {ctaButtonText: "+strings.Repeat("b", 65)+"}"),
			"spec.paywallConfig.ctaButtonText: Too long: may not be more than 64"),
		Entry("a paywall terminal message over 4096 characters", "WassistAgent",
			agentSpec("paywallConfig: {terminalStateMessage: "+strings.Repeat("m", 4097)+"}"),
			"spec.paywallConfig.terminalStateMessage: Too long: may not be more than 4096"),
		Entry("a credit password Secret name over 253 characters", "WassistAgent",
			agentSpec("creditSettings: {creditGrantPasswordSecretRef: {name: "+strings.Repeat("s", 254)+"}}"),
			"spec.creditSettings.creditGrantPasswordSecretRef.name: Too long: may not be more than 253"),

		// WassistAgent: values the API trims to nothing or refuses, which the schema must refuse first
		Entry("a blank name", "WassistAgent", agentSpec(`name: "  \t"`),
			"spec.name", "name must not be blank"),
		Entry("a blank icebreaker", "WassistAgent", agentSpec(`icebreakers: [Menu, " "]`),
			"spec.icebreakers", "icebreakers must not be blank"),
		Entry("a tool name with a trailing space, a twin of another once trimmed", "WassistAgent",
			agentSpec(`tools: [{name: t, apiSchema: {}}, {name: "t ", apiSchema: {}}]`),
			"spec.tools[1].name", "name must not start or end with whitespace"),
		Entry("a memory key with a leading space", "WassistAgent", agentSpec(`memoryKeys: [{key: " k"}]`),
			"spec.memoryKeys[0].key", "key must not start or end with whitespace"),
		Entry("a website URL without a host", "WassistAgent", agentSpec(`websiteTools: [{url: "https://"}]`),
			"spec.websiteTools[0].url", "url must be a URL with a host"),
		Entry("a website URL with a trailing space", "WassistAgent", agentSpec(`websiteTools: [{url: "https://example.com "}]`),
			"spec.websiteTools[0].url", "without surrounding whitespace"),
		Entry("a paywall URL without a host", "WassistAgent", agentSpec(`paywallConfig: {paywallUrl: "https:///buy"}`),
			"spec.paywallConfig.paywallUrl", "paywallUrl must be a URL with a host"),
		Entry("a price of nine digits before the point", "WassistAgent",
			agentSpec(`paywallConfig: {subscriptionPricePerMonth: "123456789.99"}`),
			"spec.paywallConfig.subscriptionPricePerMonth"),

		// WassistTemplate: Meta's rules for the shape of a template
		Entry("a template name with capitals and dashes", "WassistTemplate", templateSpec("name: Order-Update"),
			"spec.name", "should match"),
		Entry("an unknown category", "WassistTemplate", templateSpec("category: TRANSACTIONAL"),
			"spec.category: Unsupported value", `"UTILITY", "MARKETING", "AUTHENTICATION"`),
		Entry("a template without a body", "WassistTemplate", "apiKeySecretRef: {name: k}\nname: x\ncategory: UTILITY",
			"spec.body: Required value"),
		Entry("a body over 1024 characters", "WassistTemplate", templateSpec(`body: {text: "`+strings.Repeat("b", 1025)+`"}`),
			"spec.body.text: Too long: may not be more than 1024"),
		Entry("a body that starts with a placeholder", "WassistTemplate",
			templateSpec(`body: {text: "{{1}} has shipped.", examples: ["ORD-1"]}`),
			"the body may not start or end with a placeholder"),
		Entry("a positional placeholder without its example", "WassistTemplate",
			templateSpec(`body: {text: "Order {{1}} ships on {{2}}, thanks.", examples: ["ORD-1"]}`),
			"every body placeholder {{n}} needs an example"),
		Entry("a positional placeholder and no examples at all", "WassistTemplate",
			templateSpec(`body: {text: "Order {{1}} has shipped, thanks."}`),
			"every body placeholder {{n}} needs an example"),
		Entry("a named placeholder in a positional template", "WassistTemplate",
			templateSpec(`body: {text: "Order {{order_id}} has shipped.", examples: ["ORD-1"]}`),
			"with parameterFormat POSITIONAL, body placeholders are {{1}}, {{2}}"),
		Entry("a positional placeholder in a named template", "WassistTemplate",
			templateSpec("parameterFormat: NAMED", `body: {text: "Order {{1}} has shipped."}`),
			"with parameterFormat NAMED, body placeholders are lowercase snake_case names"),
		Entry("a named placeholder without its example", "WassistTemplate",
			templateSpec("parameterFormat: NAMED", `body: {text: "Order {{order_id}} has shipped."}`),
			"every body placeholder {{name}} needs an entry in body.namedExamples"),
		Entry("an example for a placeholder the body does not have", "WassistTemplate",
			templateSpec(`body: {text: "Your order has shipped today.", examples: ["ORD-1"]}`),
			"body.examples has an entry for a placeholder the body does not use"),
		Entry("a header over 60 characters", "WassistTemplate", templateSpec(`header: {text: "`+strings.Repeat("h", 61)+`"}`),
			"spec.header.text: Too long: may not be more than 60"),
		Entry("a header with two placeholders", "WassistTemplate",
			templateSpec(`header: {text: "{{1}} and {{2}}", example: "x"}`), "a header has at most one placeholder"),
		Entry("a header placeholder without an example", "WassistTemplate", templateSpec(`header: {text: "Hi {{1}}"}`),
			"a header placeholder needs an example"),
		Entry("an image header without a sample", "WassistTemplate", templateSpec(`header: {format: IMAGE}`),
			"a media header has no text, and needs mediaExample"),
		Entry("a footer with a placeholder", "WassistTemplate", templateSpec(`footer: {text: "Ref {{1}}"}`),
			"a footer has no placeholders"),
		Entry("eleven buttons", "WassistTemplate", templateSpec("buttons: "+flowList(11, func(i int) string {
			return fmt.Sprintf("{type: QUICK_REPLY, text: b%d}", i)
		})), "spec.buttons: Too many"),
		Entry("three URL buttons", "WassistTemplate", templateSpec("buttons: "+flowList(3, func(i int) string {
			return fmt.Sprintf("{type: URL, text: b%d, url: \"https://example.com/%d\"}", i, i)
		})), "at most 2 URL buttons"),
		Entry("a URL button without a url", "WassistTemplate", templateSpec("buttons: [{type: URL, text: Track}]"),
			"url is set on URL buttons, and only on them"),
		Entry("a quick reply with a phone number", "WassistTemplate",
			templateSpec(`buttons: [{type: QUICK_REPLY, text: Call, phoneNumber: "+447700900100"}]`),
			"phoneNumber is set on PHONE_NUMBER buttons, and only on them"),
		Entry("a button text over 25 characters", "WassistTemplate",
			templateSpec("buttons: [{type: QUICK_REPLY, text: "+strings.Repeat("t", 26)+"}]"),
			"spec.buttons[0].text: Too long: may not be more than 25"),
		Entry("a URL placeholder without an example", "WassistTemplate",
			templateSpec(`buttons: [{type: URL, text: Track, url: "https://shop.example.com/t/{{1}}"}]`),
			"a URL with a placeholder needs an example"),
		Entry("an OTP button on a UTILITY template", "WassistTemplate", templateSpec("buttons: [{type: OTP, text: Copy code}]"),
			"OTP buttons are for AUTHENTICATION templates"),
		Entry("a language Meta does not write so", "WassistTemplate", templateSpec("language: english"),
			"spec.language"),
		Entry("an account that is not a UUID", "WassistTemplate", templateSpec("publishTo: [daily-grind]"),
			"spec.publishTo[0]"),

		// WassistDeployment: the agent xor
		Entry("a deployment with both agentRef and agentID", "WassistDeployment",
			deploymentSpec(byRef+"\nagentID: "+uuidA, byNumber),
			"exactly one of agentRef, agentID or webhookID must be set"),
		Entry("a deployment with neither agentRef nor agentID", "WassistDeployment",
			deploymentSpec("apiKeySecretRef: {name: k}", byNumber),
			"exactly one of agentRef, agentID or webhookID must be set"),
		Entry("a deployment with an agent and a webhook", "WassistDeployment",
			deploymentSpec(byRef+"\nwebhookID: "+uuidB, byNumber),
			"exactly one of agentRef, agentID or webhookID must be set"),
		Entry("a webhook without apiKeySecretRef", "WassistDeployment",
			deploymentSpec("webhookID: "+uuidB, byNumber),
			"apiKeySecretRef is required with agentID or webhookID"),
		Entry("a webhook on the account form", "WassistDeployment",
			deploymentSpec("webhookID: "+uuidB+"\napiKeySecretRef: {name: k}", "whatsappAccountID: "+uuidA+"\nphoneNumberID: "+uuidB),
			"webhookID routes a number named by phoneNumber"),
		Entry("an agentID that is not a UUID", "WassistDeployment",
			deploymentSpec("agentID: concierge\napiKeySecretRef: {name: k}", byNumber),
			"spec.agentID"),
		Entry("an agentID without apiKeySecretRef", "WassistDeployment",
			deploymentSpec("agentID: "+uuidA, byNumber),
			"apiKeySecretRef is required with agentID or webhookID"),
		Entry("a deployment Secret ref without a name", "WassistDeployment",
			deploymentSpec(byRef+"\napiKeySecretRef: {key: apiKey}", byNumber),
			"spec.apiKeySecretRef.name: Required value"),

		// WassistDeployment: the target xor
		Entry("both a phone number and an account number", "WassistDeployment",
			deploymentSpec(byRef, byNumber+"\nwhatsappAccountID: "+uuidA+"\nphoneNumberID: "+uuidB),
			"exactly one of phoneNumber or whatsappAccountID with phoneNumberID must be set"),
		Entry("no target at all", "WassistDeployment",
			deploymentSpec(byRef, ""),
			"exactly one of phoneNumber or whatsappAccountID with phoneNumberID must be set"),
		Entry("an account without a phoneNumberID", "WassistDeployment",
			deploymentSpec(byRef, "whatsappAccountID: "+uuidA),
			"whatsappAccountID and phoneNumberID must be set together"),
		Entry("a phoneNumberID without an account", "WassistDeployment",
			deploymentSpec(byRef, "phoneNumberID: "+uuidB),
			"whatsappAccountID and phoneNumberID must be set together"),
		Entry("an account id that is not a UUID", "WassistDeployment",
			deploymentSpec(byRef, "whatsappAccountID: waba-1\nphoneNumberID: "+uuidB),
			"spec.whatsappAccountID"),

		// WassistDeployment: phone number format (E.164 digits, no "+")
		Entry("a phone number with a plus sign", "WassistDeployment",
			deploymentSpec(byRef, `phoneNumber: "+447700900100"`), "spec.phoneNumber"),
		Entry("a phone number with a leading zero", "WassistDeployment",
			deploymentSpec(byRef, `phoneNumber: "07700900100"`), "spec.phoneNumber"),
		Entry("a phone number with spaces", "WassistDeployment",
			deploymentSpec(byRef, `phoneNumber: "44 7700 900100"`), "spec.phoneNumber"),
		Entry("a phone number of six digits", "WassistDeployment",
			deploymentSpec(byRef, `phoneNumber: "447700"`), "spec.phoneNumber"),
		Entry("a phone number of sixteen digits", "WassistDeployment",
			deploymentSpec(byRef, `phoneNumber: "4477009001001234"`), "spec.phoneNumber"),
		Entry("an agentRef name over 253 characters", "WassistDeployment",
			deploymentSpec("agentRef: {name: "+strings.Repeat("a", 254)+"}", byNumber),
			"spec.agentRef.name: Too long: may not be more than 253"),
		Entry("an unknown deployment deletion policy", "WassistDeployment",
			deploymentSpec(byRef, byNumber+"\ndeletionPolicy: Retain"),
			"spec.deletionPolicy: Unsupported value", `"Delete", "Orphan"`),
	)

	DescribeTable("accepts the manifest, at the edges of the rules that refuse the ones above",
		func(kind, specYAML string) {
			obj := manifest(kind, specYAML)
			obj.SetGenerateName("good-")
			Expect(create(obj)).To(Succeed())
		},
		Entry("a handoff by agentID", "WassistAgent", agentSpec(`handoffTools: [{agentID: "`+uuidA+`", description: d}]`)),
		Entry("a website tool over http", "WassistAgent", agentSpec(`websiteTools: [{url: "http://example.com/menu"}]`)),
		Entry("a paywall price with two decimals", "WassistAgent",
			agentSpec(`paywallConfig: {paywallAction: none, subscriptionPricePerMonth: "9.99", paywallUrl: "https://pay.example.com"}`)),
		Entry("ten icebreakers", "WassistAgent", agentSpec("icebreakers: [a, b, c, d, e, f, g, h, i, j]")),
		Entry("a named template with its examples", "WassistTemplate", templateSpec("parameterFormat: NAMED",
			`body: {text: "Order {{order_id}} has shipped.", namedExamples: [{name: order_id, example: ORD-1}]}`)),
		Entry("a template with a header placeholder, a footer and two URL buttons", "WassistTemplate", templateSpec(
			`header: {text: "Hi {{1}}", example: Ana}`, `footer: {text: Daily Grind}`,
			`buttons: [{type: URL, text: Track, url: "https://shop.example.com/t/{{1}}", example: "https://shop.example.com/t/1"}, `+
				`{type: URL, text: Shop, url: "https://shop.example.com"}, {type: QUICK_REPLY, text: Thanks}]`)),
		Entry("an image header with its sample", "WassistTemplate",
			templateSpec(`header: {format: IMAGE, mediaExample: "https://cdn.example.com/latte.jpg"}`)),
		Entry("an OTP button on an AUTHENTICATION template", "WassistTemplate",
			templateSpec("category: AUTHENTICATION", "buttons: [{type: OTP, text: Copy code}]")),
		Entry("a deployment by agentID", "WassistDeployment", deploymentSpec("agentID: "+uuidA+"\napiKeySecretRef: {name: k}", byNumber)),
		Entry("a deployment on the account form", "WassistDeployment",
			deploymentSpec(byRef, "whatsappAccountID: "+uuidA+"\nphoneNumberID: "+uuidB)),
		Entry("a number routed to a webhook", "WassistDeployment",
			deploymentSpec("webhookID: "+uuidB+"\napiKeySecretRef: {name: k}", byNumber)),
		Entry("a phone number of fifteen digits", "WassistDeployment", deploymentSpec(byRef, `phoneNumber: "447700900100123"`)),
	)

	It("tells a deployment that names no agent only that, not that it lacks a key it does not need", func() {
		err, offlineErr := admit(manifest("WassistDeployment", byNumber))
		for what, err := range map[string]error{"the API server": err, "kubectl wassist validate": offlineErr} {
			Expect(err).To(MatchError(ContainSubstring("exactly one of agentRef, agentID or webhookID must be set")), what)
			Expect(err.Error()).NotTo(ContainSubstring("apiKeySecretRef is required"), what)
		}
	})

	It("refuses to change, add or remove a BYOA agent's webhook URL, and accepts other edits", func() {
		obj := manifest("WassistAgent", agentSpec(`byoa: {webhookURL: "https://bot.example.com/a"}`))
		Expect(create(obj)).To(Succeed())
		DeferCleanup(func() { Expect(k8sClient.Delete(ctx, obj)).To(Succeed()) })
		// The edits are the API server's alone: kubectl wassist validate judges creates, and
		// these transition rules (oldSelf) need the object as it was.
		edit := func(change func(spec map[string]any)) error {
			u := obj.DeepCopy()
			change(u.Object["spec"].(map[string]any))
			return k8sClient.Update(ctx, u)
		}
		err := edit(func(spec map[string]any) { spec["byoa"] = map[string]any{"webhookURL": "https://bot.example.com/b"} })
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
		Expect(err.Error()).To(ContainSubstring("webhookURL cannot be changed: Wassist has no call to change"))
		err = edit(func(spec map[string]any) { delete(spec, "byoa") })
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
		Expect(err.Error()).To(ContainSubstring("byoa cannot be added or removed after creation"))
		Expect(edit(func(spec map[string]any) { spec["systemPrompt"] = "relay" })).To(Succeed())

		plain := manifest("WassistAgent", agentSpec("name: plain"))
		Expect(create(plain)).To(Succeed())
		DeferCleanup(func() { Expect(k8sClient.Delete(ctx, plain)).To(Succeed()) })
		plain.Object["spec"].(map[string]any)["byoa"] = map[string]any{"webhookURL": "https://bot.example.com/a"}
		err = k8sClient.Update(ctx, plain)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
		Expect(err.Error()).To(ContainSubstring("byoa cannot be added or removed after creation"))
	})

	It("rejects an agent that hands off to itself, and accepts one that hands off to another", func() {
		self := manifest("WassistAgent", agentSpec(`handoffTools: [{agentRef: {name: sales}, description: d}]`))
		self.SetGenerateName("")
		self.SetName("sales")
		err := create(self)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
		Expect(err.Error()).To(ContainSubstring("an agent cannot hand off to itself"))

		self.SetName("after-sales")
		Expect(create(self)).To(Succeed())
		Expect(k8sClient.Delete(ctx, self)).To(Succeed())
	})
})

// flowList is a YAML flow list of n entries.
func flowList(n int, entry func(i int) string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = entry(i)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// flowMap is a YAML flow map of n string entries.
func flowMap(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("k%d: v", i)
	}
	return "{" + strings.Join(items, ", ") + "}"
}
