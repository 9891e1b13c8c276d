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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// The Wassist API documents only the 255-character limit on name; llmModel's 100 is the
// limit the simulator enforces. Every other string and list limit below is the operator's
// own, chosen conservatively because the API documents none: generous for real agents,
// and together small enough that the largest agent any manifest can describe encodes to
// a PATCH body under 1 MiB (nginx's default client_max_body_size, the smallest request
// limit common in front of a Django API like Wassist's). A test in internal/controller
// builds that largest agent from the generated CRD and checks the budget, so raising a
// limit here fails it. Two values are outside the schema's reach: the contents of a
// tool's apiSchema (free JSON, bounded only by Kubernetes' object size limit) and the
// credit grant password, which comes from a Secret.

// WassistAgentSpec is the desired Wassist agent.
// Nested lists (tools, websiteTools, memoryKeys, handoffTools) are owned as wholes: the
// operator sends each list complete, and an entry removed here is removed from the agent.
// The lists added later (imageGenerateTools, wakeUpConfigs, mcpConfigs) are managed only
// when set: left out, the agent keeps what it has (set in the dashboard, say); set, even
// to [], they are owned as wholes too.
// +kubebuilder:validation:XValidation:rule="has(self.byoa) == has(oldSelf.byoa)",message="byoa cannot be added or removed after creation: a bring-your-own-agent agent is created as one; create a new WassistAgent instead"
type WassistAgentSpec struct {
	// apiKeySecretRef names the Secret, in this namespace, holding the Wassist API key.
	// +required
	APIKeySecretRef SecretKeySelector `json:"apiKeySecretRef"`

	// name of the agent on Wassist. Defaults to metadata.name when empty.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="name must not be blank"
	// +optional
	Name string `json:"name,omitempty"`

	// description of the agent, shown in the Wassist dashboard.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Description string `json:"description,omitempty"`

	// systemPrompt is the instruction the agent's model follows in every conversation.
	// +kubebuilder:validation:MaxLength=100000
	// +optional
	SystemPrompt string `json:"systemPrompt,omitempty"`

	// firstMessage is the welcome message sent when a conversation starts.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	FirstMessage string `json:"firstMessage,omitempty"`

	// icebreakers are quick-reply suggestions offered with the first message.
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	// +kubebuilder:validation:XValidation:rule="self.all(i, i.trim().size() > 0)",message="icebreakers must not be blank"
	// +listType=atomic
	// +optional
	Icebreakers []string `json:"icebreakers,omitempty"`

	// llmModel is the model identifier, e.g. "openai/gpt-4.1-mini". Free text, because
	// Wassist adds models faster than this API could follow; empty keeps Wassist's default.
	// +kubebuilder:validation:MaxLength=100
	// +optional
	LLMModel string `json:"llmModel,omitempty"`

	// tools are API tools the agent may call. Entries are matched to the remote ones by name.
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=name
	// +optional
	Tools []AgentTool `json:"tools,omitempty"`

	// websiteTools let the agent read websites. Entries are matched to the remote ones by url.
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=url
	// +optional
	WebsiteTools []AgentWebsiteTool `json:"websiteTools,omitempty"`

	// memoryKeys are values the agent remembers per conversation. Matched by key.
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=key
	// +optional
	MemoryKeys []AgentMemoryKey `json:"memoryKeys,omitempty"`

	// imageGenerateTools let the agent generate images. Matched to the remote ones by
	// name. Left out, the agent's image tools are not managed.
	// +kubebuilder:validation:MaxItems=16
	// +listType=map
	// +listMapKey=name
	// +optional
	ImageGenerateTools []AgentImageGenerateTool `json:"imageGenerateTools,omitzero"`

	// wakeUpConfigs make the agent write first after a silence. Matched to the remote
	// ones by description. Left out, the agent's wake-up configs are not managed.
	// +kubebuilder:validation:MaxItems=8
	// +listType=map
	// +listMapKey=description
	// +optional
	WakeUpConfigs []AgentWakeUpConfig `json:"wakeUpConfigs,omitzero"`

	// mcpConfigs connect MCP connectors made in the Wassist dashboard. Matched to the
	// remote ones by connectorID. Left out, the agent's MCP connectors are not managed.
	// +kubebuilder:validation:MaxItems=16
	// +listType=map
	// +listMapKey=connectorID
	// +optional
	MCPConfigs []AgentMCPConfig `json:"mcpConfigs,omitzero"`

	// outboundTriggers let an app make the agent send a template outside the 24-hour
	// window. Wassist generates each trigger's URL and secret; the operator writes them into
	// the Secret secretName (keys "url" and "secret"), which it creates, owns and rotates.
	// Matched to the remote triggers by template. Left out, the agent's triggers are not
	// managed.
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.exists_one(b, (has(a.templateRef) && has(b.templateRef) && a.templateRef.name == b.templateRef.name) || (has(a.templateID) && has(b.templateID) && a.templateID == b.templateID)))",message="each template may have only one trigger"
	// +listType=map
	// +listMapKey=secretName
	// +optional
	OutboundTriggers []AgentOutboundTrigger `json:"outboundTriggers,omitzero"`

	// byoa makes this a bring-your-own-agent agent: Wassist forwards its conversations to
	// your server, which writes the replies. Set at creation only: Wassist has no call to
	// change a BYOA agent's webhook URL, so it cannot be added, removed or changed later.
	// The other settings are managed as for any agent.
	// +optional
	BYOA *BYOAConfig `json:"byoa,omitempty"`

	// handoffTools let the agent hand the conversation to another agent.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.exists_one(b, (has(a.agentRef) && has(b.agentRef) && a.agentRef.name == b.agentRef.name) || (has(a.agentID) && has(b.agentID) && a.agentID == b.agentID)))",message="each child agent may appear only once in handoffTools"
	// +listType=atomic
	// +optional
	HandoffTools []AgentHandoffTool `json:"handoffTools,omitempty"`

	// paywallConfig limits free messages and says what happens after the limit.
	// +optional
	PaywallConfig *PaywallConfig `json:"paywallConfig,omitempty"`

	// creditSettings configures the credits a conversation starts with and how to grant more.
	// +optional
	CreditSettings *CreditSettings `json:"creditSettings,omitempty"`

	// sharedWith lists WhatsApp numbers (E.164 digits, no "+") the agent is shared with.
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:Pattern=`^[1-9][0-9]{6,14}$`
	// +kubebuilder:validation:items:MaxLength=15
	// +listType=set
	// +optional
	SharedWith []string `json:"sharedWith,omitempty"`

	// deletionPolicy and managementPolicy, as every kind has them.
	ManagedSpec `json:",inline"`
}

// AgentTool is an HTTP API the agent can call.
type AgentTool struct {
	// name of the tool, unique within the agent; the model sees it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self == self.trim()",message="name must not start or end with whitespace"
	// +required
	Name string `json:"name"`

	// description tells the model when to call the tool.
	// +kubebuilder:validation:MaxLength=2048
	// +optional
	Description string `json:"description,omitempty"`

	// apiSchema is the request the tool makes, in Wassist's own format (url, method,
	// path_params, query_params, request_headers, request_body), passed through as is.
	// Being free JSON, only its number of top-level keys is limited here; its contents
	// count towards the resource's own size limit in Kubernetes.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	// +kubebuilder:validation:MaxProperties=32
	// +required
	APISchema runtime.RawExtension `json:"apiSchema"`

	// creditCost is the number of credits one call costs the conversation.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000000
	// +kubebuilder:default=0
	// +optional
	CreditCost int32 `json:"creditCost,omitempty"`

	// active enables the tool.
	// +kubebuilder:default=true
	// +optional
	Active *bool `json:"active,omitempty"`
}

// AgentWebsiteTool lets the agent read a website.
type AgentWebsiteTool struct {
	// url of the website, http or https.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://') || self.startsWith('http://')",message="url must start with http:// or https://"
	// +kubebuilder:validation:XValidation:rule="self == self.trim() && isURL(self) && url(self).getHostname() != ''",message="url must be a URL with a host, without surrounding whitespace"
	// +required
	URL string `json:"url"`

	// prompt tells the model what to look for on the site.
	// +kubebuilder:validation:MaxLength=2048
	// +optional
	Prompt string `json:"prompt,omitempty"`

	// active enables the tool.
	// +kubebuilder:default=true
	// +optional
	Active *bool `json:"active,omitempty"`
}

// MemoryKeyType is the type of a memory key's value.
// +kubebuilder:validation:Enum=string;number;boolean;json
type MemoryKeyType string

// AgentMemoryKey is a value the agent keeps per conversation.
type AgentMemoryKey struct {
	// key names the value.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self == self.trim()",message="key must not start or end with whitespace"
	// +required
	Key string `json:"key"`

	// type of the value.
	// +kubebuilder:default=string
	// +optional
	Type MemoryKeyType `json:"type,omitempty"`

	// initialValue is the value a new conversation starts with.
	// +kubebuilder:validation:MaxLength=2048
	// +optional
	InitialValue string `json:"initialValue,omitempty"`

	// whenToUpdate tells the model when to change the value.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	WhenToUpdate string `json:"whenToUpdate,omitempty"`
}

// AgentHandoffTool hands the conversation to a child agent, named either by a
// WassistAgent in this namespace (agentRef) or by a Wassist agent id (agentID).
// +kubebuilder:validation:XValidation:rule="has(self.agentRef) != has(self.agentID)",message="exactly one of agentRef or agentID must be set"
type AgentHandoffTool struct {
	// agentRef names the child WassistAgent in this namespace; its status.agentID is used.
	// +optional
	AgentRef *AgentReference `json:"agentRef,omitempty"`

	// agentID is the Wassist id (a UUID) of the child agent.
	// +kubebuilder:validation:Format=uuid
	// +kubebuilder:validation:MaxLength=36
	// +optional
	AgentID string `json:"agentID,omitempty"`

	// description tells the model when to hand over.
	// +kubebuilder:validation:MaxLength=2048
	// +optional
	Description string `json:"description,omitempty"`

	// active enables the handoff.
	// +kubebuilder:default=true
	// +optional
	Active *bool `json:"active,omitempty"`
}

// AgentImageGenerateTool lets the agent generate an image.
type AgentImageGenerateTool struct {
	// name of the tool, unique within the agent; the model sees it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self == self.trim()",message="name must not start or end with whitespace"
	// +required
	Name string `json:"name"`

	// description tells the model when to generate an image.
	// +kubebuilder:validation:MaxLength=2048
	// +optional
	Description string `json:"description,omitempty"`

	// prompt is the instruction the image is generated from.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="prompt must not be blank"
	// +required
	Prompt string `json:"prompt"`

	// creditCost is the number of credits one image costs the conversation.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000000
	// +kubebuilder:default=0
	// +optional
	CreditCost int32 `json:"creditCost,omitempty"`

	// active enables the tool.
	// +kubebuilder:default=true
	// +optional
	Active *bool `json:"active,omitempty"`
}

// AgentWakeUpConfig makes the agent write first when a conversation has gone quiet.
type AgentWakeUpConfig struct {
	// description tells the model when and what to write; it identifies the entry.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self == self.trim() && self.size() > 0",message="description must not be blank or start or end with whitespace"
	// +required
	Description string `json:"description"`

	// enabled turns the wake-up on.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// forceMessage sends the wake-up message even when the model would rather not.
	// +optional
	ForceMessage bool `json:"forceMessage,omitempty"`
}

// AgentMCPConfig gives the agent the tools of an MCP connector made in the dashboard.
type AgentMCPConfig struct {
	// connectorID is the Wassist id (a UUID) of the connector.
	// +kubebuilder:validation:Format=uuid
	// +kubebuilder:validation:MaxLength=36
	// +required
	ConnectorID string `json:"connectorID"`

	// toolWhitelist names the connector's tools the agent may use; empty allows them all.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	// +listType=set
	// +optional
	ToolWhitelist []string `json:"toolWhitelist,omitempty"`
}

// AgentOutboundTrigger lets an app in the cluster make the agent send a template.
// +kubebuilder:validation:XValidation:rule="has(self.templateRef) != has(self.templateID)",message="exactly one of templateRef or templateID must be set"
// +kubebuilder:validation:XValidation:rule="has(self.templateID) == has(self.templateName)",message="templateID and templateName are set together"
type AgentOutboundTrigger struct {
	// templateRef names a WassistTemplate in this namespace; its template id and name are used.
	// +optional
	TemplateRef *TemplateReference `json:"templateRef,omitempty"`

	// templateID is the Wassist id of a template not managed in this namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +optional
	TemplateID string `json:"templateID,omitempty"`

	// templateName is that template's name, as Wassist has it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +optional
	TemplateName string `json:"templateName,omitempty"`

	// enabled turns the trigger on.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// secretName is the Secret, in this namespace, the trigger's URL and secret are written
	// to. The operator creates it, owned by this WassistAgent (deleted with it), and refuses
	// a Secret of that name that it did not create.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	// +required
	SecretName string `json:"secretName"`
}

// TemplateReference names a WassistTemplate in the same namespace.
type TemplateReference struct {
	// name of the WassistTemplate.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// AgentOutboundTriggerStatus is a trigger as the operator last wrote it to its Secret.
type AgentOutboundTriggerStatus struct {
	// secretName is the Secret the trigger's URL and secret are in.
	SecretName string `json:"secretName"`
	// triggerID is Wassist's id of the trigger.
	// +optional
	TriggerID string `json:"triggerID,omitempty"`
	// credentialsHash is a hash of the URL and secret last written, by which a rotation on
	// Wassist is seen; never the credentials themselves.
	// +optional
	CredentialsHash string `json:"credentialsHash,omitempty"`
}

// BYOAConfig is a bring-your-own-agent agent's server.
type BYOAConfig struct {
	// webhookURL is where Wassist forwards the agent's conversations (https).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://') && isURL(self) && url(self).getHostname() != ''",message="webhookURL must be an https URL with a host"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="webhookURL cannot be changed: Wassist has no call to change a BYOA agent's webhook URL; create a new WassistAgent for another URL"
	// +required
	WebhookURL string `json:"webhookURL"`
}

// PaywallAction is what happens when a conversation reaches its message limit.
// +kubebuilder:validation:Enum=none;purchase_link;subscribe;terminal
type PaywallAction string

// PaywallConfig limits free messages per conversation.
type PaywallConfig struct {
	// messageLimit is the number of free messages; unset means no limit.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000000
	// +optional
	MessageLimit *int32 `json:"messageLimit,omitempty"`

	// paywallAction is what happens at the limit.
	// +kubebuilder:default=none
	// +optional
	PaywallAction PaywallAction `json:"paywallAction,omitempty"`

	// paywallUrl is the purchase page offered at the limit.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://') || self.startsWith('http://')",message="paywallUrl must start with http:// or https://"
	// +kubebuilder:validation:XValidation:rule="isURL(self.trim()) && url(self.trim()).getHostname() != ''",message="paywallUrl must be a URL with a host"
	// +optional
	PaywallURL string `json:"paywallUrl,omitempty"`

	// ctaButtonText is the label of the purchase button.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	CTAButtonText string `json:"ctaButtonText,omitempty"`

	// terminalStateMessage is sent when the conversation ends at the limit.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	TerminalStateMessage string `json:"terminalStateMessage,omitempty"`

	// subscriptionPricePerMonth is a decimal price, e.g. "9.99", of at most 8 digits before
	// the point (the limit the simulator enforces, after the API's decimal field).
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:Pattern=`^0*[0-9]{1,8}(\.[0-9]{1,2})?$`
	// +optional
	SubscriptionPricePerMonth string `json:"subscriptionPricePerMonth,omitempty"`
}

// CreditSettings configures conversation credits.
type CreditSettings struct {
	// initialCredits a new conversation starts with.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000000000
	// +optional
	InitialCredits int32 `json:"initialCredits,omitempty"`

	// creditGrantAmount is the number of credits a grant adds.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000000000
	// +optional
	CreditGrantAmount int32 `json:"creditGrantAmount,omitempty"`

	// creditGrantPasswordSecretRef names a Secret key, in this namespace, holding the
	// password that grants credits. A Secret rather than a plain field, so the password
	// never sits in a manifest or in Git.
	// +optional
	CreditGrantPasswordSecretRef *SecretKeySelector `json:"creditGrantPasswordSecretRef,omitempty"`
}

// AgentPhoneNumber is a WhatsApp number the agent is live on, as Wassist reports it.
type AgentPhoneNumber struct {
	// phoneNumber in E.164 digits without "+".
	// +optional
	PhoneNumber string `json:"phoneNumber,omitempty"`
	// whatsappPhoneNumberID is Meta's id of the number.
	// +optional
	WhatsAppPhoneNumberID string `json:"whatsappPhoneNumberID,omitempty"`
}

// WassistAgentStatus is the agent as last observed on Wassist.
type WassistAgentStatus struct {
	// keyFingerprint, observedGeneration, conditions, lastSyncTime, appliedHash and
	// takeover, as every kind has them.
	ManagedStatus `json:",inline"`

	// agentID is the Wassist id of the agent this resource manages.
	// +optional
	AgentID string `json:"agentID,omitempty"`

	// connectUrl opens a WhatsApp chat with the agent on Wassist's sandbox number.
	// +optional
	ConnectURL string `json:"connectUrl,omitempty"`

	// phoneNumbers are the WhatsApp numbers the agent is live on.
	// +listType=atomic
	// +optional
	PhoneNumbers []AgentPhoneNumber `json:"phoneNumbers,omitempty"`

	// sharedWith are the numbers the remote agent was last seen shared with (every agent
	// read returns its sharings); a share removed or added outside the operator is drift,
	// repaired like any other.
	// +listType=set
	// +optional
	SharedWith []string `json:"sharedWith,omitempty"`

	// outboundTriggers are the triggers whose URL and secret are in their Secrets.
	// +listType=map
	// +listMapKey=secretName
	// +optional
	OutboundTriggers []AgentOutboundTriggerStatus `json:"outboundTriggers,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=wagent,categories=wassist
// +kubebuilder:printcolumn:name="Agent ID",type=string,JSONPath=`.status.agentID`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Synced",type=string,JSONPath=`.status.conditions[?(@.type=="Synced")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Synced")].reason`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Synced")].message`
// +kubebuilder:printcolumn:name="Last Sync",type=date,priority=1,JSONPath=`.status.lastSyncTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// WassistAgent is a Wassist WhatsApp agent managed as code: the operator creates it
// through the Wassist API, keeps it equal to the spec, and deletes it with the resource
// unless deletionPolicy is Orphan. A remote agent is managed by one WassistAgent at a
// time: a newer resource that names an agent id already managed waits with
// AlreadyManaged, sends nothing, and takes over when the owner is deleted.
// +kubebuilder:validation:XValidation:rule="!has(self.spec.handoffTools) || self.spec.handoffTools.all(h, !has(h.agentRef) || h.agentRef.name != self.metadata.name)",message="an agent cannot hand off to itself"
type WassistAgent struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is a standard object metadata
	// +optional
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec is the desired agent.
	// +required
	Spec WassistAgentSpec `json:"spec"`

	// status is the agent as last observed.
	// The API server serves observedGeneration 0 until the operator has looked, so that
	// GitOps tools (kstatus) read a new resource as in progress rather than current.
	// +kubebuilder:default={observedGeneration:0}
	// +optional
	Status WassistAgentStatus `json:"status,omitzero"`
}

// +kubebuilder:object:root=true

// WassistAgentList contains a list of WassistAgent
type WassistAgentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitzero"`
	Items           []WassistAgent `json:"items"`
}

func init() {
	SchemeBuilder.Register(func(s *runtime.Scheme) error {
		s.AddKnownTypes(SchemeGroupVersion, &WassistAgent{}, &WassistAgentList{})
		return nil
	})
}
