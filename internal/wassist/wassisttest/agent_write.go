package wassisttest

import "strconv"

// agentWriter applies one PATCH or PUT body to a candidate copy of a stored agent.
type agentWriter struct {
	t *tenant
	a *Agent
}

// agentField is one writable field: how a body value is applied, and what PUT resets it to
// when the body leaves it out (nil: the field is required on PUT).
type agentField struct {
	name  string
	apply func(w *agentWriter, v any) any // returns nil or the field's errors
	reset func(a *Agent)
}

// agentFields lists everything PATCH and PUT may change: every field of the SDK's
// UpdateAgentInput. Anything else in a body (read-only fields such as documents, unknown
// fields) is ignored, as DRF does.
var agentFields = []agentField{
	{name: "name", apply: (*agentWriter).name},
	textField("description", func(a *Agent) *string { return &a.Description }),
	textField("systemPrompt", func(a *Agent) *string { return &a.SystemPrompt }),
	textField("firstMessage", func(a *Agent) *string { return &a.FirstMessage }),
	{name: "icebreakers", apply: (*agentWriter).icebreakers, reset: func(a *Agent) { a.Icebreakers = []string{} }},
	{name: "llmModel", apply: (*agentWriter).llmModel, reset: func(a *Agent) { a.LLMModel = nil }},
	{name: "tools", apply: (*agentWriter).tools, reset: func(a *Agent) { a.Tools = []Tool{} }},
	{name: "websiteTools", apply: (*agentWriter).websiteTools, reset: func(a *Agent) { a.WebsiteTools = []WebsiteTool{} }},
	{name: "memoryKeys", apply: (*agentWriter).memoryKeys, reset: func(a *Agent) { a.MemoryKeys = []MemoryKey{} }},
	{name: "handoffTools", apply: (*agentWriter).handoffTools, reset: func(a *Agent) { a.HandoffTools = []HandoffTool{} }},
	{name: "wakeUpConfigs", apply: (*agentWriter).wakeUpConfigs, reset: func(a *Agent) { a.WakeUpConfigs = []WakeUpConfig{} }},
	{name: "imageGenerateTools", apply: (*agentWriter).imageTools, reset: func(a *Agent) { a.ImageGenerateTools = []ImageTool{} }},
	{name: "mcpConfigs", apply: (*agentWriter).mcpConfigs, reset: func(a *Agent) { a.MCPConfigs = []MCPConfig{} }},
	{name: "outboundTriggers", apply: (*agentWriter).outboundTriggers, reset: func(a *Agent) { a.OutboundTriggers = []OutboundTrigger{} }},
	{name: "paywallConfig", apply: (*agentWriter).paywallConfig, reset: func(a *Agent) { a.PaywallConfig = nil }},
	{name: "creditSettings", apply: (*agentWriter).creditSettings, reset: func(a *Agent) { a.CreditSettings = nil }},
}

// writeAgent returns the agent the body would make of stored, or the field errors. Nothing
// is applied unless everything is valid, as the API's update runs in one transaction.
// With replace (PUT) the writable fields the body leaves out go back to their defaults.
func writeAgent(t *tenant, stored Agent, body map[string]any, replace bool) (Agent, fieldErrs) {
	a := cloneAgent(stored)
	w := &agentWriter{t: t, a: &a}
	errs := fieldErrs{}
	for _, f := range agentFields {
		v, ok := body[f.name]
		switch {
		case ok:
			if e := f.apply(w, v); e != nil {
				errs[f.name] = e
			}
		case replace && f.reset == nil:
			errs.add(f.name, msgRequired)
		case replace:
			f.reset(&a)
		}
	}
	return a, errs
}

// nameRule is the documented limit on agent names.
var nameRule = strRule{max: 255}

func (w *agentWriter) name(v any) any {
	s, errs := parseString(v, nameRule)
	if errs != nil {
		return errs
	}
	w.a.Name = *s
	return nil
}

func textField(name string, get func(*Agent) *string) agentField {
	apply := func(w *agentWriter, v any) any {
		s, errs := parseString(v, anyText)
		if errs != nil {
			return errs
		}
		*get(w.a) = *s
		return nil
	}
	return agentField{name: name, apply: apply, reset: func(a *Agent) { *get(a) = "" }}
}

// icebreakers is a DRF ListField of CharField: its per-item errors are keyed by index.
func (w *agentWriter) icebreakers(v any) any {
	items, ok := v.([]any)
	switch {
	case v == nil:
		return []string{msgNull}
	case !ok:
		return []string{notAList(v)}
	}
	out := make([]string, 0, len(items))
	perIndex := fieldErrs{}
	for i, item := range items {
		s, errs := parseString(item, strRule{})
		if errs != nil {
			perIndex[strconv.Itoa(i)] = errs
			continue
		}
		out = append(out, *s)
	}
	if len(perIndex) > 0 {
		return perIndex
	}
	w.a.Icebreakers = out
	return nil
}

func (w *agentWriter) llmModel(v any) any {
	s, errs := parseString(v, strRule{allowNull: true, max: 100})
	if errs != nil {
		return errs
	}
	w.a.LLMModel = s
	return nil
}

func (w *agentWriter) tools(v any) any {
	out, errs := replaceList(v, w.a.Tools, func(x *Tool) string { return x.ID }, buildTool)
	if errs != nil {
		return errs
	}
	w.a.Tools = out
	return nil
}

func (w *agentWriter) websiteTools(v any) any {
	out, errs := replaceList(v, w.a.WebsiteTools, func(x *WebsiteTool) string { return x.ID }, buildWebsiteTool)
	if errs != nil {
		return errs
	}
	w.a.WebsiteTools = out
	return nil
}

func (w *agentWriter) memoryKeys(v any) any {
	out, errs := replaceList(v, w.a.MemoryKeys, func(x *MemoryKey) string { return x.ID }, buildMemoryKey)
	if errs != nil {
		return errs
	}
	w.a.MemoryKeys = out
	return nil
}

func (w *agentWriter) handoffTools(v any) any {
	out, errs := replaceList(v, w.a.HandoffTools, func(x *HandoffTool) string { return x.ID }, handoffBuilder(w.t))
	if errs != nil {
		return errs
	}
	w.a.HandoffTools = out
	return nil
}

func (w *agentWriter) wakeUpConfigs(v any) any {
	out, errs := replaceList(v, w.a.WakeUpConfigs, func(x *WakeUpConfig) string { return x.ID }, buildWakeUpConfig)
	if errs != nil {
		return errs
	}
	w.a.WakeUpConfigs = out
	return nil
}

func (w *agentWriter) imageTools(v any) any {
	out, errs := replaceList(v, w.a.ImageGenerateTools, func(x *ImageTool) string { return x.ID }, buildImageTool)
	if errs != nil {
		return errs
	}
	w.a.ImageGenerateTools = out
	return nil
}

func (w *agentWriter) mcpConfigs(v any) any {
	out, errs := replaceList(v, w.a.MCPConfigs, func(x *MCPConfig) string { return x.ID }, mcpBuilder(w.t))
	if errs != nil {
		return errs
	}
	w.a.MCPConfigs = out
	return nil
}

func (w *agentWriter) outboundTriggers(v any) any {
	out, errs := replaceList(v, w.a.OutboundTriggers, func(x *OutboundTrigger) string { return x.ID }, triggerBuilder(w.t))
	if errs != nil {
		return errs
	}
	w.a.OutboundTriggers = out
	return nil
}

func (w *agentWriter) paywallConfig(v any) any {
	return writeObject(v, &w.a.PaywallConfig, parsePaywall)
}

func (w *agentWriter) creditSettings(v any) any {
	return writeObject(v, &w.a.CreditSettings, parseCreditSettings)
}

// writeObject applies a nullable one-to-one sub-resource: null removes it, an object is
// merged into the stored one (keeping its id) or creates it.
func writeObject[T any](v any, dst **T, parse func(map[string]any, *T) (T, fieldErrs)) any {
	if v == nil {
		*dst = nil
		return nil
	}
	e, ok := v.(map[string]any)
	if !ok {
		return fieldErrs{nonFieldErrors: []string{notADict(v)}}
	}
	obj, errs := parse(e, *dst)
	if len(errs) > 0 {
		return errs
	}
	*dst = &obj
	return nil
}
