package wassisttest

import (
	"encoding/json"
	"fmt"
)

// buildEntry validates one list entry against the stored entry it updates (nil when the
// entry is new) and returns the entry to store, recording problems in errs.
type buildEntry[T any] func(e map[string]any, prev *T, errs fieldErrs) T

// replaceList applies the API's sub-resource semantics: the list sent replaces the stored
// one; an entry whose id matches a stored entry updates it and keeps the id, an entry
// without id is created with a new one, stored entries not sent are removed, and an id that
// matches nothing is an error at its index. Errors come back per index, {} for good entries.
func replaceList[T any](v any, stored []T, idOf func(*T) string, build buildEntry[T]) ([]T, any) {
	if v == nil {
		return nil, []string{msgNull}
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fieldErrs{nonFieldErrors: []string{notAList(v)}}
	}
	out := make([]T, 0, len(items))
	perIndex := make([]any, len(items))
	failed := false
	seen := map[string]bool{}
	for i, item := range items {
		errs := fieldErrs{}
		perIndex[i] = errs
		e, isMap := item.(map[string]any)
		if !isMap {
			errs[nonFieldErrors] = []string{notADict(item)}
		} else if prev, idOK := matchEntry(e, stored, idOf, seen, errs); idOK {
			out = append(out, build(e, prev, errs))
		}
		failed = failed || len(errs) > 0
	}
	if failed {
		return nil, perIndex
	}
	return out, nil
}

// matchEntry finds the stored entry an "id" refers to (nil for a new entry), or reports a
// bad id; the rest of an entry with a bad id is not checked, since it was meant as an update.
// A copy is returned so that building the entry cannot touch the stored one.
func matchEntry[T any](e map[string]any, stored []T, idOf func(*T) string, seen map[string]bool, errs fieldErrs) (*T, bool) {
	raw, ok := e["id"]
	if !ok || raw == nil {
		return nil, true
	}
	id, isString := raw.(string)
	switch {
	case !isString || !isUUID(id):
		errs.add("id", msgUUID)
		return nil, false
	case seen[id]:
		errs.add("id", "Duplicate id "+id+" in list.")
		return nil, false
	}
	seen[id] = true
	for i := range stored {
		if idOf(&stored[i]) == id {
			entry := stored[i]
			return &entry, true
		}
	}
	errs.add("id", fmt.Sprintf(msgNoSuchPK, id))
	return nil, false
}

// memoryKeyTypes and paywallActions are the documented enums.
// The API's enums of memory key types and paywall actions.
const (
	memoryKeyString     = "string"
	memoryKeyNumber     = "number"
	memoryKeyBoolean    = "boolean"
	memoryKeyJSON       = "json"
	paywallNone         = "none"
	paywallPurchaseLink = "purchase_link"
	paywallSubscribe    = "subscribe"
	paywallTerminal     = "terminal"
)

var (
	memoryKeyTypes = []string{memoryKeyString, memoryKeyNumber, memoryKeyBoolean, memoryKeyJSON}
	paywallActions = []string{paywallNone, paywallPurchaseLink, paywallSubscribe, paywallTerminal}
)

// toolNameMax is an inference: the API notes give no limit for tool names.
const toolNameMax = 128

func buildTool(e map[string]any, prev *Tool, errs fieldErrs) Tool {
	tl := Tool{ID: newUUID(), APISchema: json.RawMessage("{}"), Active: true}
	if prev != nil {
		tl = *prev
	}
	errs.text(e, "name", &tl.Name, strRule{max: toolNameMax}, prev == nil)
	errs.text(e, "description", &tl.Description, anyText, false)
	errs.object(e, "apiSchema", &tl.APISchema)
	errs.count(e, "creditCost", &tl.CreditCost)
	errs.boolean(e, "active", &tl.Active)
	return tl
}

func buildWebsiteTool(e map[string]any, prev *WebsiteTool, errs fieldErrs) WebsiteTool {
	wt := WebsiteTool{ID: newUUID(), Active: true}
	if prev != nil {
		wt = *prev
	}
	errs.link(e, "url", &wt.URL, prev == nil)
	errs.text(e, "prompt", &wt.Prompt, anyText, false)
	errs.boolean(e, "active", &wt.Active)
	return wt
}

func buildMemoryKey(e map[string]any, prev *MemoryKey, errs fieldErrs) MemoryKey {
	mk := MemoryKey{ID: newUUID(), Type: memoryKeyString}
	if prev != nil {
		mk = *prev
	}
	errs.text(e, "key", &mk.Key, strRule{max: 255}, prev == nil)
	errs.choice(e, "type", &mk.Type, memoryKeyTypes)
	errs.text(e, "initialValue", &mk.InitialValue, anyText, false)
	errs.text(e, "whenToUpdate", &mk.WhenToUpdate, anyText, false)
	return mk
}

// handoffBuilder checks childAgentId against the tenant's agents: a handoff can only point
// at an agent the same key owns.
func handoffBuilder(t *tenant) buildEntry[HandoffTool] {
	exists := func(id string) bool { return t.agentByID[id] != nil }
	return func(e map[string]any, prev *HandoffTool, errs fieldErrs) HandoffTool {
		h := HandoffTool{ID: newUUID(), Active: true}
		if prev != nil {
			h = *prev
		}
		errs.ref(e, "childAgentId", &h.ChildAgentID, prev == nil, exists)
		errs.text(e, "description", &h.Description, anyText, false)
		errs.boolean(e, "active", &h.Active)
		return h
	}
}

// parsePaywall merges e into the stored config (or a new one, which gets an id).
func parsePaywall(e map[string]any, stored *PaywallConfig) (PaywallConfig, fieldErrs) {
	pc := PaywallConfig{ID: newUUID(), PaywallAction: paywallNone}
	if stored != nil {
		pc = *stored
	}
	errs := fieldErrs{}
	errs.nullableCount(e, "messageLimit", &pc.MessageLimit)
	errs.choice(e, "paywallAction", &pc.PaywallAction, paywallActions)
	errs.nullableLink(e, "paywallUrl", &pc.PaywallURL)
	errs.text(e, "ctaButtonText", &pc.CTAButtonText, anyText, false)
	errs.text(e, "terminalStateMessage", &pc.TerminalStateMessage, anyText, false)
	errs.decimal(e, "subscriptionPricePerMonth", &pc.SubscriptionPricePerMonth)
	return pc, errs
}

func parseCreditSettings(e map[string]any, stored *CreditSettings) (CreditSettings, fieldErrs) {
	cs := CreditSettings{ID: newUUID()}
	if stored != nil {
		cs = *stored
	}
	errs := fieldErrs{}
	errs.count(e, "initialCredits", &cs.InitialCredits)
	errs.nullableText(e, "creditGrantPassword", &cs.CreditGrantPassword, anyText)
	errs.count(e, "creditGrantAmount", &cs.CreditGrantAmount)
	return cs, errs
}

func buildWakeUpConfig(e map[string]any, prev *WakeUpConfig, errs fieldErrs) WakeUpConfig {
	wc := WakeUpConfig{ID: newUUID(), Enabled: true}
	if prev != nil {
		wc = *prev
	}
	errs.text(e, "description", &wc.Description, strRule{}, prev == nil)
	errs.boolean(e, "enabled", &wc.Enabled)
	errs.boolean(e, "forceMessage", &wc.ForceMessage)
	return wc
}

// buildImageTool requires what the SDK's input type requires (name, description, prompt);
// a blank description is allowed as on API tools, a blank name or prompt is not.
func buildImageTool(e map[string]any, prev *ImageTool, errs fieldErrs) ImageTool {
	it := ImageTool{ID: newUUID(), Active: true}
	if prev != nil {
		it = *prev
	}
	errs.text(e, "name", &it.Name, strRule{max: toolNameMax}, prev == nil)
	errs.text(e, "description", &it.Description, anyText, prev == nil)
	errs.text(e, "prompt", &it.Prompt, strRule{}, prev == nil)
	errs.count(e, "creditCost", &it.CreditCost)
	errs.boolean(e, "active", &it.Active)
	return it
}

// mcpBuilder checks connectorId against the key's connectors; connectorName is read-only
// and filled in on every read.
func mcpBuilder(t *tenant) buildEntry[MCPConfig] {
	exists := func(id string) bool { _, ok := t.connectors[id]; return ok }
	return func(e map[string]any, prev *MCPConfig, errs fieldErrs) MCPConfig {
		mc := MCPConfig{ID: newUUID(), ToolWhitelist: []string{}}
		if prev != nil {
			mc = *prev
		}
		errs.ref(e, "connectorId", &mc.ConnectorID, prev == nil, exists)
		errs.stringList(e, "toolWhitelist", &mc.ToolWhitelist)
		mc.ConnectorName = ""
		return mc
	}
}

// triggerBuilder checks the template a trigger names against the key's templates: templateId
// must be one of them and templateName its name. Every trigger sent is checked, not only new
// ones, so a trigger left naming a deleted or renamed template refuses the PATCH that sends
// it back. url and secret are generated once, on create, and never written.
func triggerBuilder(t *tenant) buildEntry[OutboundTrigger] {
	return func(e map[string]any, prev *OutboundTrigger, errs fieldErrs) OutboundTrigger {
		var tr OutboundTrigger
		if prev != nil {
			tr = *prev
		} else {
			tr = OutboundTrigger{ID: newUUID(), Enabled: true}
			tr.URL, tr.Secret = triggerCredentials(tr.ID)
		}
		errs.text(e, "templateId", &tr.TemplateID, strRule{max: 255}, prev == nil)
		errs.text(e, "templateName", &tr.TemplateName, strRule{max: templateNameMax}, prev == nil)
		errs.boolean(e, "enabled", &tr.Enabled)
		if errs["templateId"] != nil || errs["templateName"] != nil {
			return tr
		}
		switch rec := t.templateByID[tr.TemplateID]; {
		case rec == nil:
			errs.add("templateId", fmt.Sprintf(msgNoSuchPK, tr.TemplateID))
		case rec.tpl.Name != tr.TemplateName:
			errs.add("templateName", fmt.Sprintf("Does not match the name of template %s, %q.", tr.TemplateID, rec.tpl.Name))
		}
		return tr
	}
}
