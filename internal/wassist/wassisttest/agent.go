package wassisttest

import (
	"encoding/json"
	"time"
)

// Agent is an agent as the API serves it. Fields the simulator does not model (documents,
// the profile picture) are always empty, as on a fresh agent; every list PATCH accepts is
// stored, validated and served back.
type Agent struct {
	ID                 string             `json:"id"`
	Name               string             `json:"name"`
	Description        string             `json:"description"`
	SystemPrompt       string             `json:"systemPrompt"`
	FirstMessage       string             `json:"firstMessage"`
	Icebreakers        []string           `json:"icebreakers"`
	ProfilePicture     json.RawMessage    `json:"profilePicture"`
	LLMModel           *string            `json:"llmModel"`
	ReasoningEffort    *string            `json:"reasoningEffort"`
	Tools              []Tool             `json:"tools"`
	Documents          []json.RawMessage  `json:"documents"`
	MemoryKeys         []MemoryKey        `json:"memoryKeys"`
	WakeUpConfigs      []WakeUpConfig     `json:"wakeUpConfigs"`
	OutboundTriggers   []OutboundTrigger  `json:"outboundTriggers"`
	WebsiteTools       []WebsiteTool      `json:"websiteTools"`
	ImageGenerateTools []ImageTool        `json:"imageGenerateTools"`
	HandoffTools       []HandoffTool      `json:"handoffTools"`
	MCPConfigs         []MCPConfig        `json:"mcpConfigs"`
	PaywallConfig      *PaywallConfig     `json:"paywallConfig"`
	CreditSettings     *CreditSettings    `json:"creditSettings"`
	Organization       *Organization      `json:"organization"`
	Owner              *AgentUser         `json:"owner"`
	Sharings           []AgentUser        `json:"sharings"`
	OwnerActive        bool               `json:"ownerActive"`
	PhoneNumbers       []AgentPhoneNumber `json:"phoneNumbers"`
	TotalMessages      int                `json:"totalMessages"`
	TotalSessions      int                `json:"totalSessions"`
	ConnectURL         string             `json:"connectUrl"`
	CreatedAt          time.Time          `json:"createdAt"`
}

// Tool is an API tool the agent may call during a conversation.
type Tool struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	APISchema   json.RawMessage `json:"apiSchema"`
	CreditCost  int             `json:"creditCost"`
	Active      bool            `json:"active"`
}

// WebsiteTool lets the agent read a website.
type WebsiteTool struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Prompt string `json:"prompt"`
	Active bool   `json:"active"`
}

// MemoryKey is a value the agent remembers per conversation.
type MemoryKey struct {
	ID           string `json:"id"`
	Key          string `json:"key"`
	Type         string `json:"type"`
	InitialValue string `json:"initialValue"`
	WhenToUpdate string `json:"whenToUpdate"`
}

// HandoffTool passes the conversation to another agent of the same tenant. ParentAgentID
// and ChildAgentName are computed on every read, so a renamed child shows its new name.
type HandoffTool struct {
	ID             string `json:"id"`
	ParentAgentID  string `json:"parentAgentId"`
	ChildAgentID   string `json:"childAgentId"`
	ChildAgentName string `json:"childAgentName"`
	Description    string `json:"description"`
	Active         bool   `json:"active"`
}

// WakeUpConfig makes the agent write first after a silence.
type WakeUpConfig struct {
	ID           string `json:"id"`
	Description  string `json:"description"`
	Enabled      bool   `json:"enabled"`
	ForceMessage bool   `json:"forceMessage"`
}

// ImageTool is an image-generation tool (imageGenerateTools).
type ImageTool struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Prompt      string `json:"prompt"`
	CreditCost  int    `json:"creditCost"`
	Active      bool   `json:"active"`
}

// MCPConfig connects one of the key's MCP connectors (made in the dashboard, seeded with
// SeedConnector). ConnectorName is computed on every read from the connector.
type MCPConfig struct {
	ID            string   `json:"id"`
	ConnectorID   string   `json:"connectorId"`
	ConnectorName string   `json:"connectorName"`
	ToolWhitelist []string `json:"toolWhitelist"`
}

// OutboundTrigger lets an outside system make the agent send a template: it calls URL,
// signed with Secret. Wassist generates both when the trigger is created; writes cannot set
// them (RotateTriggerSecret changes the secret behind the client's back). TemplateID must be
// one of the key's templates and TemplateName its name.
type OutboundTrigger struct {
	ID           string `json:"id"`
	URL          string `json:"url"`
	Secret       string `json:"secret"`
	Enabled      bool   `json:"enabled"`
	TemplateID   string `json:"templateId"`
	TemplateName string `json:"templateName"`
}

// PaywallConfig limits free messages. SubscriptionPricePerMonth is a decimal string with
// two places, as DRF renders a DecimalField.
type PaywallConfig struct {
	ID                        string  `json:"id"`
	MessageLimit              *int    `json:"messageLimit"`
	PaywallAction             string  `json:"paywallAction"`
	PaywallURL                *string `json:"paywallUrl"`
	CTAButtonText             string  `json:"ctaButtonText"`
	TerminalStateMessage      string  `json:"terminalStateMessage"`
	SubscriptionPricePerMonth *string `json:"subscriptionPricePerMonth"`
}

// CreditSettings configures the agent's credit system.
type CreditSettings struct {
	ID                  string  `json:"id"`
	InitialCredits      int     `json:"initialCredits"`
	CreditGrantPassword *string `json:"creditGrantPassword"`
	CreditGrantAmount   int     `json:"creditGrantAmount"`
}

// Organization owns the agents of one API key; each simulated tenant has one.
type Organization struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	IsPersonal bool   `json:"isPersonal"`
}

// AgentUser is a WhatsApp user an agent names: its owner, or a user it is shared with.
// Owner, Sharings and OwnerActive are computed on every read (sharings from share and
// unshare), so writes and seeds cannot set them.
type AgentUser struct {
	PhoneNumber  string `json:"phoneNumber"`
	WhatsappName string `json:"whatsappName"`
}

// AgentPhoneNumber is a number currently routed to the agent. WhatsappBusinessAccountID is
// Meta's WABA id and WabaID the Wassist account uuid (the API notes leave this ambiguous).
type AgentPhoneNumber struct {
	WhatsappPhoneNumberID     string  `json:"whatsappPhoneNumberId"`
	WhatsappBusinessAccountID *string `json:"whatsappBusinessAccountId"`
	WabaID                    *string `json:"wabaId"`
	PhoneNumber               string  `json:"phoneNumber"`
}

// connectURLPrefix is the sandbox number's wa.me link; users join an agent by sending
// "/connect:<agent id>" to it.
const connectURLPrefix = "https://wa.me/447000000000?text=/connect:"

// newAgent is what POST /agents/ creates: the name and nothing else, every other
// field at its empty default.
func newAgent(name string, now time.Time) Agent {
	a := Agent{ID: newUUID(), Name: name, CreatedAt: now.UTC().Truncate(time.Microsecond)}
	fillEmpty(&a)
	return a
}

// fillEmpty turns nil lists into empty ones, because the API never serves null for a list.
func fillEmpty(a *Agent) {
	a.Icebreakers = emptyIfNil(a.Icebreakers)
	a.Tools = emptyIfNil(a.Tools)
	a.Documents = emptyIfNil(a.Documents)
	a.MemoryKeys = emptyIfNil(a.MemoryKeys)
	a.WakeUpConfigs = emptyIfNil(a.WakeUpConfigs)
	a.OutboundTriggers = emptyIfNil(a.OutboundTriggers)
	a.WebsiteTools = emptyIfNil(a.WebsiteTools)
	a.ImageGenerateTools = emptyIfNil(a.ImageGenerateTools)
	a.HandoffTools = emptyIfNil(a.HandoffTools)
	a.MCPConfigs = emptyIfNil(a.MCPConfigs)
	a.PhoneNumbers = emptyIfNil(a.PhoneNumbers)
	a.Sharings = emptyIfNil(a.Sharings)
	if len(a.ProfilePicture) == 0 {
		a.ProfilePicture = json.RawMessage("null")
	}
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// fillIDs gives sub-resources created out of band the ids the API would have assigned.
func fillIDs(a *Agent) {
	for i := range a.Tools {
		orNewID(&a.Tools[i].ID)
	}
	for i := range a.WebsiteTools {
		orNewID(&a.WebsiteTools[i].ID)
	}
	for i := range a.MemoryKeys {
		orNewID(&a.MemoryKeys[i].ID)
	}
	for i := range a.HandoffTools {
		orNewID(&a.HandoffTools[i].ID)
	}
	for i := range a.WakeUpConfigs {
		orNewID(&a.WakeUpConfigs[i].ID)
	}
	for i := range a.ImageGenerateTools {
		orNewID(&a.ImageGenerateTools[i].ID)
	}
	for i := range a.MCPConfigs {
		orNewID(&a.MCPConfigs[i].ID)
		a.MCPConfigs[i].ToolWhitelist = emptyIfNil(a.MCPConfigs[i].ToolWhitelist)
	}
	for i := range a.OutboundTriggers {
		tr := &a.OutboundTriggers[i]
		orNewID(&tr.ID)
		if tr.URL == "" || tr.Secret == "" {
			tr.URL, tr.Secret = triggerCredentials(tr.ID)
		}
	}
	if a.PaywallConfig != nil {
		orNewID(&a.PaywallConfig.ID)
	}
	if a.CreditSettings != nil {
		orNewID(&a.CreditSettings.ID)
	}
}

// triggerURLPrefix is where an outbound trigger is called; the path is the simulator's.
const triggerURLPrefix = "https://backend.wassist.app/api/v1/outbound-triggers/"

// triggerCredentials are the URL and secret Wassist generates for a new outbound trigger.
func triggerCredentials(id string) (url, secret string) {
	return triggerURLPrefix + id + "/", "whsec_" + newToken() + newToken()
}

func orNewID(id *string) {
	if *id == "" {
		*id = newUUID()
	}
}

// cloneAgent deep-copies through JSON: stored agents and the copies handed out must never
// share memory, or a caller's edit would race with the server.
func cloneAgent(a Agent) Agent {
	return cloneJSON(a)
}

func cloneJSON[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
