package agent

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// agentView is an agent reduced to what the spec controls, in one canonical form for
// both sides: the spec (after references are resolved) and the remote agent. Two views
// are equal exactly when no PATCH is needed, so server-assigned ids, read-only fields,
// the order of sets and the API's whitespace trimming never cause a write. The diff tags
// name each setting as the spec writes it, and the key of each list's entries
// (internal/fielddiff): what changed and what would be erased are read from them.
type agentView struct {
	Name         string            `diff:"name"`
	Description  string            `diff:"description"`
	SystemPrompt string            `diff:"systemPrompt"`
	FirstMessage string            `diff:"firstMessage"`
	Icebreakers  []string          `diff:"icebreakers"`
	LLMModel     string            `diff:"llmModel"`
	Tools        []toolView        `diff:"tools"`
	WebsiteTools []websiteToolView `diff:"websiteTools"`
	MemoryKeys   []memoryKeyView   `diff:"memoryKeys"`
	Handoffs     []handoffView     `diff:"handoffTools"`
	Paywall      *paywallView      `diff:"paywallConfig"`
	Credits      *creditsView      `diff:"creditSettings"`
	// The lists added after the first release, managed only when the spec sets them:
	// nil leaves the remote list alone (and out of the hash, so an upgrade changes no
	// agent's), an empty list empties it.
	ImageTools *[]imageToolView `json:",omitempty" diff:"imageGenerateTools"`
	WakeUps    *[]wakeUpView    `json:",omitempty" diff:"wakeUpConfigs"`
	MCPs       *[]mcpView       `json:",omitempty" diff:"mcpConfigs"`
	Triggers   *[]triggerView   `json:",omitempty" diff:"outboundTriggers"`
	// triggerSecrets are the triggers by the Secret their credentials go to: the spec's
	// side only, neither compared nor hashed (Secrets are the operator's, not Wassist's).
	triggerSecrets map[string]triggerView
}

type imageToolView struct {
	Name                string `diff:",key"`
	Description, Prompt string
	CreditCost          int64
	Active              bool
}

type wakeUpView struct {
	Description         string `diff:",key"`
	Enabled, ForceFirst bool
}

type mcpView struct {
	ConnectorID   string `diff:",key"`
	ToolWhitelist string // the names as whitelist writes them
}

type toolView struct {
	Name                   string `diff:",key"`
	Description, APISchema string
	CreditCost             int64
	Active                 bool
}

type websiteToolView struct {
	URL    string `diff:",key"`
	Prompt string
	Active bool
}

type memoryKeyView struct {
	Key                              string `diff:",key"`
	Type, InitialValue, WhenToUpdate string
}

type handoffView struct {
	ChildAgentID string `diff:",key"`
	Description  string
	Active       bool
}

type paywallView struct {
	MessageLimit                                *int64
	Action, URL, CTAButtonText, TerminalMessage string
	SubscriptionPricePerMonth                   string
}

type creditsView struct {
	InitialCredits, GrantAmount int64
	GrantPassword               string
}

// resolvedRefs are the values the spec names indirectly.
type resolvedRefs struct {
	handoffIDs     map[string]string // WassistAgent name -> its agent id
	pending        []string          // the handoff targets without an agent id yet
	missing        []string          // the handoff targets that do not exist in the namespace
	creditPassword string
	// triggers are by secretName; nil when the spec has no outboundTriggers, or while a
	// template they name is missing or has no id yet.
	triggers         map[string]triggerView
	missingTemplates []string
	pendingTemplates []string
}

// desiredView is the agent the spec asks for.
func desiredView(agent *wassistv1alpha1.WassistAgent, refs resolvedRefs) agentView {
	spec := agent.Spec
	v := agentView{
		Name:         text(cmp.Or(spec.Name, agent.Name)),
		Description:  text(spec.Description),
		SystemPrompt: text(spec.SystemPrompt),
		FirstMessage: text(spec.FirstMessage),
		LLMModel:     text(spec.LLMModel),
	}
	for _, ib := range spec.Icebreakers {
		v.Icebreakers = append(v.Icebreakers, text(ib))
	}
	for _, t := range spec.Tools {
		v.Tools = append(v.Tools, toolView{text(t.Name), text(t.Description), canonicalJSON(t.APISchema.Raw),
			int64(t.CreditCost), isActive(t.Active)})
	}
	for _, w := range spec.WebsiteTools {
		v.WebsiteTools = append(v.WebsiteTools, websiteToolView{text(w.URL), text(w.Prompt), isActive(w.Active)})
	}
	for _, m := range spec.MemoryKeys {
		v.MemoryKeys = append(v.MemoryKeys, memoryKeyView{text(m.Key), cmp.Or(string(m.Type), "string"),
			text(m.InitialValue), text(m.WhenToUpdate)})
	}
	for _, h := range spec.HandoffTools {
		child, known := h.AgentID, true
		if h.AgentRef != nil {
			child, known = refs.handoffIDs[h.AgentRef.Name]
		}
		if !known {
			continue // pending: added once the target has an id
		}
		v.Handoffs = append(v.Handoffs, handoffView{child, text(h.Description), isActive(h.Active)})
	}
	if p := spec.PaywallConfig; p != nil {
		v.Paywall = &paywallView{toInt64(p.MessageLimit), cmp.Or(string(p.PaywallAction), "none"), text(p.PaywallURL),
			text(p.CTAButtonText), text(p.TerminalStateMessage), price(p.SubscriptionPricePerMonth)}
	}
	if c := spec.CreditSettings; c != nil {
		v.Credits = &creditsView{int64(c.InitialCredits), int64(c.CreditGrantAmount), refs.creditPassword}
	}
	v.later(spec)
	if refs.triggers != nil {
		v.Triggers, v.triggerSecrets = &[]triggerView{}, refs.triggers
		for _, t := range refs.triggers {
			*v.Triggers = append(*v.Triggers, t)
		}
	}
	return v.normalized()
}

// later sets the lists managed only when the spec sets them.
func (v *agentView) later(spec wassistv1alpha1.WassistAgentSpec) {
	if spec.ImageGenerateTools != nil {
		v.ImageTools = &[]imageToolView{}
		for _, t := range spec.ImageGenerateTools {
			*v.ImageTools = append(*v.ImageTools, imageToolView{text(t.Name), text(t.Description), text(t.Prompt),
				int64(t.CreditCost), isActive(t.Active)})
		}
	}
	if spec.WakeUpConfigs != nil {
		v.WakeUps = &[]wakeUpView{}
		for _, w := range spec.WakeUpConfigs {
			*v.WakeUps = append(*v.WakeUps, wakeUpView{text(w.Description), isActive(w.Enabled), w.ForceMessage})
		}
	}
	if spec.MCPConfigs != nil {
		v.MCPs = &[]mcpView{}
		for _, m := range spec.MCPConfigs {
			*v.MCPs = append(*v.MCPs, mcpView{m.ConnectorID, whitelist(m.ToolWhitelist)})
		}
	}
}

// whitelist is a tool whitelist in one comparable form: the set, sorted, as JSON.
func whitelist(names []string) string {
	data, _ := json.Marshal(slices.Sorted(slices.Values(names)))
	return string(data)
}

// remoteView is the part of a remote agent the spec controls.
func remoteView(a *wassist.Agent) agentView {
	v := agentView{
		Name:         text(a.Name),
		Description:  text(a.Description),
		SystemPrompt: text(a.SystemPrompt),
		FirstMessage: text(a.FirstMessage),
		LLMModel:     text(deref(a.LLMModel)),
	}
	for _, ib := range a.Icebreakers {
		v.Icebreakers = append(v.Icebreakers, text(ib))
	}
	for _, t := range a.Tools {
		v.Tools = append(v.Tools, toolView{text(t.Name), text(t.Description), canonicalJSON(t.APISchema), t.CreditCost, t.Active})
	}
	for _, w := range a.WebsiteTools {
		v.WebsiteTools = append(v.WebsiteTools, websiteToolView{text(w.URL), text(w.Prompt), w.Active})
	}
	for _, m := range a.MemoryKeys {
		v.MemoryKeys = append(v.MemoryKeys, memoryKeyView{text(m.Key), m.Type, text(m.InitialValue), text(m.WhenToUpdate)})
	}
	for _, h := range a.HandoffTools {
		v.Handoffs = append(v.Handoffs, handoffView{h.ChildAgentID, text(h.Description), h.Active})
	}
	if p := a.PaywallConfig; p != nil {
		v.Paywall = &paywallView{p.MessageLimit, cmp.Or(p.PaywallAction, "none"), text(deref(p.PaywallURL)),
			text(p.CTAButtonText), text(p.TerminalStateMessage), price(deref(p.SubscriptionPricePerMonth))}
	}
	if c := a.CreditSettings; c != nil {
		v.Credits = &creditsView{c.InitialCredits, c.CreditGrantAmount, deref(c.CreditGrantPassword)}
	}
	v.ImageTools = &[]imageToolView{}
	for _, t := range a.ImageGenerateTools {
		*v.ImageTools = append(*v.ImageTools, imageToolView{text(t.Name), text(t.Description), text(t.Prompt), t.CreditCost, t.Active})
	}
	v.WakeUps = &[]wakeUpView{}
	for _, w := range a.WakeUpConfigs {
		*v.WakeUps = append(*v.WakeUps, wakeUpView{text(w.Description), w.Enabled, w.ForceMessage})
	}
	v.MCPs = &[]mcpView{}
	for _, m := range a.MCPConfigs {
		*v.MCPs = append(*v.MCPs, mcpView{m.ConnectorID, whitelist(m.ToolWhitelist)})
	}
	v.Triggers = &[]triggerView{}
	for _, t := range a.OutboundTriggers {
		*v.Triggers = append(*v.Triggers, triggerView{t.TemplateID, t.TemplateName, t.Enabled})
	}
	return v.normalized()
}

// observed is the remote agent as v sees it: the lists v does not manage are left out.
func (v agentView) observed(a *wassist.Agent) agentView {
	got := remoteView(a)
	if v.ImageTools == nil {
		got.ImageTools = nil
	}
	if v.WakeUps == nil {
		got.WakeUps = nil
	}
	if v.MCPs == nil {
		got.MCPs = nil
	}
	if v.Triggers == nil {
		got.Triggers = nil
	}
	return got
}

// normalized sorts the lists that are sets (matched by a key, not by position) and
// turns empty lists into nil so that [] and absent compare equal. Icebreakers keep
// their order: users see them in that order.
func (v agentView) normalized() agentView {
	v.Icebreakers = kit.NilIfEmpty(slices.Clone(v.Icebreakers))
	v.Tools = kit.NilIfEmpty(slices.SortedFunc(slices.Values(v.Tools), func(a, b toolView) int { return strings.Compare(a.Name, b.Name) }))
	v.WebsiteTools = kit.NilIfEmpty(slices.SortedFunc(slices.Values(v.WebsiteTools),
		func(a, b websiteToolView) int { return strings.Compare(a.URL, b.URL) }))
	v.MemoryKeys = kit.NilIfEmpty(slices.SortedFunc(slices.Values(v.MemoryKeys),
		func(a, b memoryKeyView) int { return strings.Compare(a.Key, b.Key) }))
	v.Handoffs = kit.NilIfEmpty(slices.SortedFunc(slices.Values(v.Handoffs),
		func(a, b handoffView) int { return strings.Compare(a.ChildAgentID, b.ChildAgentID) }))
	sortManaged(v.ImageTools, func(t imageToolView) string { return t.Name })
	sortManaged(v.WakeUps, func(w wakeUpView) string { return w.Description })
	sortManaged(v.MCPs, func(m mcpView) string { return m.ConnectorID })
	sortManaged(v.Triggers, func(t triggerView) string { return t.TemplateID })
	return v
}

// sortManaged sorts a managed list by its key; an unmanaged (nil) one stays nil.
func sortManaged[T any](list *[]T, key func(T) string) {
	if list != nil {
		slices.SortFunc(*list, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	}
}

func (v agentView) equal(o agentView) bool {
	v.triggerSecrets, o.triggerSecrets = nil, nil
	return reflect.DeepEqual(v, o)
}

// hash names the view, and whatever else decides that the remote must be read again,
// without revealing it (it holds the credit password).
func (v agentView) hash(extra string) string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(append(data, extra...))
	return hex.EncodeToString(sum[:12])
}

// update is the PATCH that makes remote equal to v. Every field is sent and every list
// whole, because the API replaces lists; entries matching a remote one by their key
// (tool name, website url, memory key, child agent) carry its id so they are updated
// in place instead of deleted and re-created.
func (v agentView) update(remote *wassist.Agent) wassist.AgentUpdate {
	u := wassist.AgentUpdate{
		Name:         &v.Name,
		Description:  &v.Description,
		SystemPrompt: &v.SystemPrompt,
		FirstMessage: &v.FirstMessage,
		Icebreakers:  append([]string{}, v.Icebreakers...),
		LLMModel:     wassist.Null[string](),
		Tools:        []wassist.AgentTool{},
		WebsiteTools: []wassist.AgentWebsiteTool{},
		MemoryKeys:   []wassist.AgentMemoryKey{},
		HandoffTools: []wassist.AgentHandoffTool{},
	}
	if v.LLMModel != "" {
		// The API rejects a blank model: null is how the default is asked for.
		u.LLMModel = wassist.Value(v.LLMModel)
	}
	for _, t := range v.Tools {
		id := idOf(remote.Tools, func(r wassist.AgentTool) (string, string) { return r.Name, r.ID }, t.Name)
		u.Tools = append(u.Tools, wassist.AgentTool{ID: id, Name: t.Name, Description: t.Description,
			APISchema: json.RawMessage(t.APISchema), CreditCost: t.CreditCost, Active: t.Active})
	}
	for _, w := range v.WebsiteTools {
		id := idOf(remote.WebsiteTools, func(r wassist.AgentWebsiteTool) (string, string) { return r.URL, r.ID }, w.URL)
		u.WebsiteTools = append(u.WebsiteTools, wassist.AgentWebsiteTool{ID: id, URL: w.URL, Prompt: w.Prompt, Active: w.Active})
	}
	for _, m := range v.MemoryKeys {
		id := idOf(remote.MemoryKeys, func(r wassist.AgentMemoryKey) (string, string) { return r.Key, r.ID }, m.Key)
		u.MemoryKeys = append(u.MemoryKeys, wassist.AgentMemoryKey{ID: id, Key: m.Key, Type: m.Type,
			InitialValue: m.InitialValue, WhenToUpdate: m.WhenToUpdate})
	}
	for _, h := range v.Handoffs {
		id := idOf(remote.HandoffTools, func(r wassist.AgentHandoffTool) (string, string) { return r.ChildAgentID, r.ID }, h.ChildAgentID)
		u.HandoffTools = append(u.HandoffTools, wassist.AgentHandoffTool{ID: id, ChildAgentID: h.ChildAgentID,
			Description: h.Description, Active: h.Active})
	}
	v.updateLater(&u, remote)
	u.PaywallConfig = wassist.Null[wassist.PaywallConfig]()
	if p := v.Paywall; p != nil {
		u.PaywallConfig = wassist.Value(wassist.PaywallConfig{MessageLimit: p.MessageLimit, PaywallAction: p.Action,
			PaywallURL: nonEmpty(p.URL), CTAButtonText: p.CTAButtonText, TerminalStateMessage: p.TerminalMessage,
			SubscriptionPricePerMonth: nonEmpty(p.SubscriptionPricePerMonth)})
	}
	u.CreditSettings = wassist.Null[wassist.CreditSettings]()
	if c := v.Credits; c != nil {
		u.CreditSettings = wassist.Value(wassist.CreditSettings{InitialCredits: c.InitialCredits,
			CreditGrantAmount: c.GrantAmount, CreditGrantPassword: nonEmpty(c.GrantPassword)})
	}
	return u
}

// updateLater adds to u the lists managed only when set, with the ids of the remote
// entries of the same key.
func (v agentView) updateLater(u *wassist.AgentUpdate, remote *wassist.Agent) {
	if v.ImageTools != nil {
		u.ImageGenerateTools = []wassist.AgentImageGenerateTool{}
		for _, t := range *v.ImageTools {
			id := idOf(remote.ImageGenerateTools, func(r wassist.AgentImageGenerateTool) (string, string) { return r.Name, r.ID }, t.Name)
			u.ImageGenerateTools = append(u.ImageGenerateTools, wassist.AgentImageGenerateTool{ID: id, Name: t.Name,
				Description: t.Description, Prompt: t.Prompt, CreditCost: t.CreditCost, Active: t.Active})
		}
	}
	if v.WakeUps != nil {
		u.WakeUpConfigs = []wassist.AgentWakeUpConfig{}
		for _, w := range *v.WakeUps {
			id := idOf(remote.WakeUpConfigs, func(r wassist.AgentWakeUpConfig) (string, string) { return text(r.Description), r.ID },
				w.Description)
			u.WakeUpConfigs = append(u.WakeUpConfigs, wassist.AgentWakeUpConfig{ID: id, Description: w.Description,
				Enabled: w.Enabled, ForceMessage: w.ForceFirst})
		}
	}
	if v.MCPs != nil {
		u.MCPConfigs = []wassist.AgentMCPConfig{}
		for _, m := range *v.MCPs {
			id := idOf(remote.MCPConfigs, func(r wassist.AgentMCPConfig) (string, string) { return r.ConnectorID, r.ID }, m.ConnectorID)
			u.MCPConfigs = append(u.MCPConfigs, wassist.AgentMCPConfig{ID: id, ConnectorID: m.ConnectorID,
				ToolWhitelist: splitWhitelist(m.ToolWhitelist)})
		}
	}
	if v.Triggers != nil {
		u.OutboundTriggers = []wassist.AgentOutboundTrigger{}
		for _, t := range *v.Triggers {
			id := idOf(remote.OutboundTriggers, func(r wassist.AgentOutboundTrigger) (string, string) { return r.TemplateID, r.ID },
				t.TemplateID)
			u.OutboundTriggers = append(u.OutboundTriggers, wassist.AgentOutboundTrigger{ID: id, TemplateID: t.TemplateID,
				TemplateName: t.TemplateName, Enabled: t.Enabled})
		}
	}
}

// splitWhitelist is the inverse of whitelist.
func splitWhitelist(s string) []string {
	var names []string
	_ = json.Unmarshal([]byte(s), &names)
	return append([]string{}, names...) // [] rather than null: the whole list is sent
}

// idOf finds the id of the remote entry whose key is key.
func idOf[T any](remote []T, keyAndID func(T) (string, string), key string) string {
	for _, r := range remote {
		if k, id := keyAndID(r); k == key {
			return id
		}
	}
	return ""
}

// text is a string as the API stores it: the API trims surrounding whitespace.
func text(s string) string { return strings.TrimSpace(s) }

// canonicalJSON re-encodes JSON with sorted keys and no spacing, so that two encodings
// of one value compare equal.
func canonicalJSON(raw []byte) string {
	if len(raw) == 0 {
		return "{}"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers as written: float64 would round integers beyond 2^53
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// price compares decimal prices by value ("9.9" and "9.90" are one price).
func price(s string) string {
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
	return s
}

func isActive(b *bool) bool { return b == nil || *b }

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func toInt64(p *int32) *int64 {
	if p == nil {
		return nil
	}
	v := int64(*p)
	return &v
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
