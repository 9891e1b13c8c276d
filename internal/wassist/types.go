package wassist

import (
	"encoding/json"
	"fmt"
	"time"
)

// The wire types follow the Wassist REST API: camelCase JSON, UUID string ids. Fields
// whose shape the API does not document are kept as raw JSON so that decoding never
// fails on them.

// Agent is an agent as the API returns it.
type Agent struct {
	ID                 string                   `json:"id"`
	Name               string                   `json:"name"`
	Description        string                   `json:"description"`
	SystemPrompt       string                   `json:"systemPrompt"`
	FirstMessage       string                   `json:"firstMessage"`
	Icebreakers        []string                 `json:"icebreakers"`
	LLMModel           *string                  `json:"llmModel"`
	Tools              []AgentTool              `json:"tools"`
	WebsiteTools       []AgentWebsiteTool       `json:"websiteTools"`
	MemoryKeys         []AgentMemoryKey         `json:"memoryKeys"`
	HandoffTools       []AgentHandoffTool       `json:"handoffTools"`
	PaywallConfig      *PaywallConfig           `json:"paywallConfig"`
	CreditSettings     *CreditSettings          `json:"creditSettings"`
	PhoneNumbers       []AgentPhoneNumber       `json:"phoneNumbers"`
	ConnectURL         string                   `json:"connectUrl"`
	TotalMessages      int64                    `json:"totalMessages"`
	TotalSessions      int64                    `json:"totalSessions"`
	CreatedAt          *time.Time               `json:"createdAt"`
	ProfilePicture     json.RawMessage          `json:"profilePicture,omitempty"`
	Documents          json.RawMessage          `json:"documents,omitempty"`
	WakeUpConfigs      []AgentWakeUpConfig      `json:"wakeUpConfigs"`
	OutboundTriggers   []AgentOutboundTrigger   `json:"outboundTriggers"`
	ImageGenerateTools []AgentImageGenerateTool `json:"imageGenerateTools"`
	MCPConfigs         []AgentMCPConfig         `json:"mcpConfigs"`
	Organization       json.RawMessage          `json:"organization,omitempty"`
	Owner              *AgentUser               `json:"owner"`
	Sharings           []AgentUser              `json:"sharings"`
	OwnerActive        bool                     `json:"ownerActive"`
}

// AgentUser is a WhatsApp user as an agent names its owner and the users it is shared with.
// Sharings come back on every agent GET and list, so they can be read back rather than only
// remembered by whoever shared. Both fields are read-only.
type AgentUser struct {
	PhoneNumber  string `json:"phoneNumber"`
	WhatsappName string `json:"whatsappName"`
}

// AgentTool is an API tool. ID is assigned by the API; sending it back updates the
// entry in place instead of replacing it.
type AgentTool struct {
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	APISchema   json.RawMessage `json:"apiSchema"`
	CreditCost  int64           `json:"creditCost"`
	Active      bool            `json:"active"`
}

// AgentWebsiteTool lets the agent read a website.
type AgentWebsiteTool struct {
	ID     string `json:"id,omitempty"`
	URL    string `json:"url"`
	Prompt string `json:"prompt"`
	Active bool   `json:"active"`
}

// AgentMemoryKey is a value the agent keeps per conversation.
type AgentMemoryKey struct {
	ID           string `json:"id,omitempty"`
	Key          string `json:"key"`
	Type         string `json:"type"`
	InitialValue string `json:"initialValue"`
	WhenToUpdate string `json:"whenToUpdate"`
}

// AgentImageGenerateTool is an agent's image-generation tool.
type AgentImageGenerateTool struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Prompt      string `json:"prompt"`
	CreditCost  int64  `json:"creditCost"`
	Active      bool   `json:"active"`
}

// AgentWakeUpConfig is a wake-up message: the agent writes first after a silence.
type AgentWakeUpConfig struct {
	ID           string `json:"id,omitempty"`
	Description  string `json:"description"`
	Enabled      bool   `json:"enabled"`
	ForceMessage bool   `json:"forceMessage"`
}

// AgentMCPConfig connects an MCP connector made in the dashboard; ConnectorName is
// read-only.
type AgentMCPConfig struct {
	ID            string   `json:"id,omitempty"`
	ConnectorID   string   `json:"connectorId"`
	ConnectorName string   `json:"connectorName,omitempty"`
	ToolWhitelist []string `json:"toolWhitelist"`
}

// MarshalJSON sends a nil ToolWhitelist as [], never as null: the API's list field takes a
// list or nothing, and null would fail the whole PATCH.
func (m AgentMCPConfig) MarshalJSON() ([]byte, error) {
	type plain AgentMCPConfig
	if m.ToolWhitelist == nil {
		m.ToolWhitelist = []string{}
	}
	return json.Marshal(plain(m))
}

// AgentOutboundTrigger lets an outside system make the agent send a WhatsApp template: it
// calls URL, signed with Secret. Wassist generates both when the trigger is created, so they
// are read-only, and Secret is a credential: MarshalJSON never sends either, and the
// trigger prints with its secret redacted.
type AgentOutboundTrigger struct {
	ID           string `json:"id,omitempty"`
	URL          string `json:"url,omitempty"`
	Secret       string `json:"secret,omitempty"`
	Enabled      bool   `json:"enabled"`
	TemplateID   string `json:"templateId"`
	TemplateName string `json:"templateName"`
}

// outboundTriggerInput is what a write may carry: the SDK's AgentOutboundTriggerInput.
type outboundTriggerInput struct {
	ID           string `json:"id,omitempty"`
	Enabled      bool   `json:"enabled"`
	TemplateID   string `json:"templateId"`
	TemplateName string `json:"templateName"`
}

// MarshalJSON leaves out url and secret: they are the API's to generate, and a request body
// is the last place a credential should travel (a proxy's log, an error echoing the input).
func (t AgentOutboundTrigger) MarshalJSON() ([]byte, error) {
	return json.Marshal(outboundTriggerInput{ID: t.ID, Enabled: t.Enabled, TemplateID: t.TemplateID, TemplateName: t.TemplateName})
}

// redactedSecret stands for a trigger's secret wherever a trigger is printed.
const redactedSecret = "[redacted]"

// String prints the trigger with its secret redacted, so that an agent logged with %v or
// %+v does not carry the credential into a log.
func (t AgentOutboundTrigger) String() string {
	return fmt.Sprintf("{ID:%s URL:%s Secret:%s Enabled:%t TemplateID:%s TemplateName:%s}",
		t.ID, t.URL, redactSecret(t.Secret), t.Enabled, t.TemplateID, t.TemplateName)
}

// GoString is String for %#v.
func (t AgentOutboundTrigger) GoString() string {
	return fmt.Sprintf("wassist.AgentOutboundTrigger{ID:%q, URL:%q, Secret:%q, Enabled:%t, TemplateID:%q, TemplateName:%q}",
		t.ID, t.URL, redactSecret(t.Secret), t.Enabled, t.TemplateID, t.TemplateName)
}

func redactSecret(s string) string {
	if s == "" {
		return ""
	}
	return redactedSecret
}

// AgentHandoffTool hands a conversation to a child agent. ParentAgentID and
// ChildAgentName are read-only; the API ignores them on writes.
type AgentHandoffTool struct {
	ID             string `json:"id,omitempty"`
	ParentAgentID  string `json:"parentAgentId,omitempty"`
	ChildAgentID   string `json:"childAgentId"`
	ChildAgentName string `json:"childAgentName,omitempty"`
	Description    string `json:"description"`
	Active         bool   `json:"active"`
}

// PaywallConfig limits free messages per conversation.
type PaywallConfig struct {
	ID                        string  `json:"id,omitempty"`
	MessageLimit              *int64  `json:"messageLimit"`
	PaywallAction             string  `json:"paywallAction"`
	PaywallURL                *string `json:"paywallUrl"`
	CTAButtonText             string  `json:"ctaButtonText"`
	TerminalStateMessage      string  `json:"terminalStateMessage"`
	SubscriptionPricePerMonth *string `json:"subscriptionPricePerMonth"`
}

// CreditSettings configures conversation credits.
type CreditSettings struct {
	ID                  string  `json:"id,omitempty"`
	InitialCredits      int64   `json:"initialCredits"`
	CreditGrantPassword *string `json:"creditGrantPassword"`
	CreditGrantAmount   int64   `json:"creditGrantAmount"`
}

// AgentPhoneNumber is a number the agent is live on (read-only).
type AgentPhoneNumber struct {
	WhatsAppPhoneNumberID     string  `json:"whatsappPhoneNumberId"`
	WhatsAppBusinessAccountID *string `json:"whatsappBusinessAccountId"`
	WABAID                    *string `json:"wabaId"`
	PhoneNumber               string  `json:"phoneNumber"`
}

// AgentUpdate is the body of PATCH /agents/{id}/. A nil field is left out and so left
// untouched; a set field replaces the remote value. Nested lists replace the remote
// list whole: entries with an id are updated, entries without one are created, and
// remote entries left out are deleted. An empty non-nil list clears the list.
type AgentUpdate struct {
	Name               *string                  `json:"name,omitempty"`
	Description        *string                  `json:"description,omitempty"`
	SystemPrompt       *string                  `json:"systemPrompt,omitempty"`
	FirstMessage       *string                  `json:"firstMessage,omitempty"`
	Icebreakers        []string                 `json:"icebreakers,omitzero"`
	LLMModel           Nullable[string]         `json:"llmModel,omitzero"`
	Tools              []AgentTool              `json:"tools,omitzero"`
	WebsiteTools       []AgentWebsiteTool       `json:"websiteTools,omitzero"`
	MemoryKeys         []AgentMemoryKey         `json:"memoryKeys,omitzero"`
	HandoffTools       []AgentHandoffTool       `json:"handoffTools,omitzero"`
	WakeUpConfigs      []AgentWakeUpConfig      `json:"wakeUpConfigs,omitzero"`
	ImageGenerateTools []AgentImageGenerateTool `json:"imageGenerateTools,omitzero"`
	MCPConfigs         []AgentMCPConfig         `json:"mcpConfigs,omitzero"`
	OutboundTriggers   []AgentOutboundTrigger   `json:"outboundTriggers,omitzero"`
	PaywallConfig      Nullable[PaywallConfig]  `json:"paywallConfig,omitzero"`
	CreditSettings     Nullable[CreditSettings] `json:"creditSettings,omitzero"`
}

// Nullable is a PATCH field with three states: left out (the zero value), set to null
// (Null), or set to a value (Value). JSON needs all three to clear a field such as
// llmModel, which plain pointers cannot express.
type Nullable[T any] struct {
	value *T
	set   bool
}

// Null returns a field that is sent as JSON null.
func Null[T any]() Nullable[T] { return Nullable[T]{set: true} }

// Value returns a field that is sent as v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{value: &v, set: true} }

// IsZero makes `omitzero` leave out a field that was never set.
func (n Nullable[T]) IsZero() bool { return !n.set }

// Get returns the value and whether it is non-null.
func (n Nullable[T]) Get() (T, bool) {
	if n.value == nil {
		var zero T
		return zero, false
	}
	return *n.value, true
}

// MarshalJSON writes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}
