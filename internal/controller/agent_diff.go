package controller

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// changedFields names, as the spec writes them, the parts of the agent that differ
// between want and got: "systemPrompt", "tools[order_status]". Names only, never values:
// the view holds the credit grant password.
func changedFields(want, got agentView) []string {
	var out []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"name", want.Name == got.Name},
		{"description", want.Description == got.Description},
		{"systemPrompt", want.SystemPrompt == got.SystemPrompt},
		{"firstMessage", want.FirstMessage == got.FirstMessage},
		{"icebreakers", slices.Equal(want.Icebreakers, got.Icebreakers)},
		{"llmModel", want.LLMModel == got.LLMModel},
	} {
		if !f.same {
			out = append(out, f.name)
		}
	}
	out = append(out, keyedChanges("tools", want.Tools, got.Tools, func(t toolView) string { return t.Name })...)
	out = append(out, keyedChanges("websiteTools", want.WebsiteTools, got.WebsiteTools,
		func(w websiteToolView) string { return w.URL })...)
	out = append(out, keyedChanges("memoryKeys", want.MemoryKeys, got.MemoryKeys, func(m memoryKeyView) string { return m.Key })...)
	out = append(out, keyedChanges("handoffTools", want.Handoffs, got.Handoffs,
		func(h handoffView) string { return h.ChildAgentID })...)
	out = append(out, keyedChanges("imageGenerateTools", deref(want.ImageTools), deref(got.ImageTools),
		func(t imageToolView) string { return t.Name })...)
	out = append(out, keyedChanges("wakeUpConfigs", deref(want.WakeUps), deref(got.WakeUps),
		func(w wakeUpView) string { return w.Description })...)
	out = append(out, keyedChanges("mcpConfigs", deref(want.MCPs), deref(got.MCPs), func(m mcpView) string { return m.ConnectorID })...)
	out = append(out, keyedChanges("outboundTriggers", deref(want.Triggers), deref(got.Triggers),
		func(t triggerView) string { return t.TemplateName })...)
	if !reflect.DeepEqual(want.Paywall, got.Paywall) {
		out = append(out, "paywallConfig")
	}
	if !reflect.DeepEqual(want.Credits, got.Credits) {
		out = append(out, "creditSettings")
	}
	return out
}

// erasedFields names what an update from got to want would erase: a text, the
// icebreakers, a paywall or credit settings set remotely and left out by the spec, and
// the list entries whose key the spec does not name (docs/design.md, rule 13).
func erasedFields(want, got agentView) []string {
	var out []string
	for _, f := range []struct {
		name     string
		set, out bool
	}{
		{"description", got.Description != "", want.Description == ""},
		{"systemPrompt", got.SystemPrompt != "", want.SystemPrompt == ""},
		{"firstMessage", got.FirstMessage != "", want.FirstMessage == ""},
		{"icebreakers", len(got.Icebreakers) > 0, len(want.Icebreakers) == 0},
		{"llmModel", got.LLMModel != "", want.LLMModel == ""},
		{"paywallConfig", got.Paywall != nil, want.Paywall == nil},
		{"creditSettings", got.Credits != nil, want.Credits == nil},
	} {
		if f.set && f.out {
			out = append(out, f.name)
		}
	}
	out = append(out, keyedRemovals("tools", want.Tools, got.Tools, func(t toolView) string { return t.Name })...)
	out = append(out, keyedRemovals("websiteTools", want.WebsiteTools, got.WebsiteTools,
		func(w websiteToolView) string { return w.URL })...)
	out = append(out, keyedRemovals("memoryKeys", want.MemoryKeys, got.MemoryKeys, func(m memoryKeyView) string { return m.Key })...)
	out = append(out, keyedRemovals("handoffTools", want.Handoffs, got.Handoffs,
		func(h handoffView) string { return h.ChildAgentID })...)
	out = append(out, keyedRemovals("imageGenerateTools", deref(want.ImageTools), deref(got.ImageTools),
		func(t imageToolView) string { return t.Name })...)
	out = append(out, keyedRemovals("wakeUpConfigs", deref(want.WakeUps), deref(got.WakeUps),
		func(w wakeUpView) string { return w.Description })...)
	out = append(out, keyedRemovals("mcpConfigs", deref(want.MCPs), deref(got.MCPs), func(m mcpView) string { return m.ConnectorID })...)
	return append(out, keyedRemovals("outboundTriggers", deref(want.Triggers), deref(got.Triggers),
		func(t triggerView) string { return t.TemplateName })...)
}

// keyedRemovals names the entries of got whose key want does not have: field[key].
func keyedRemovals[T any](field string, want, got []T, key func(T) string) []string {
	var out []string
	for _, g := range got {
		if !slices.ContainsFunc(want, func(w T) bool { return key(w) == key(g) }) {
			out = append(out, fmt.Sprintf("%s[%s]", field, key(g)))
		}
	}
	slices.Sort(out)
	return out
}

// keyedChanges names the entries of a list matched by key that were added, removed or
// changed: field[key].
func keyedChanges[T comparable](field string, want, got []T, key func(T) string) []string {
	index := func(items []T) map[string]T {
		m := make(map[string]T, len(items))
		for _, it := range items {
			m[key(it)] = it
		}
		return m
	}
	w, g := index(want), index(got)
	var keys []string
	for k, v := range w {
		if gv, ok := g[k]; !ok || gv != v {
			keys = append(keys, k)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s[%s]", field, k))
	}
	return out
}

// fieldList joins field names for a message: "a", "a and b", "a, b and c", at most
// eight of them ("settings" for none).
func fieldList(fields []string) string {
	const most = 8
	if len(fields) > most {
		fields = append(slices.Clone(fields[:most-1]), fmt.Sprintf("%d more", len(fields)-most+1))
	}
	switch len(fields) {
	case 0:
		return "settings"
	case 1:
		return fields[0]
	}
	return strings.Join(fields[:len(fields)-1], ", ") + " and " + fields[len(fields)-1]
}
