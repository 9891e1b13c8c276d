package wassisttest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The fixture holds only what the API would accept and store as it was sent: every agent and
// template, sent back as served, passes the simulator's own validation and comes out the
// same (no text the API would trim, no enum it would refuse, no reference to nothing).
func TestAgencyIsWhatTheAPIWouldStore(t *testing.T) {
	const key = "agency-key"
	s := New(Options{APIKeys: []string{key}})
	s.SeedAgency(key)
	s.withTenant(key, func(tn *tenant) {
		for _, rec := range tn.agents {
			body := asBody(t, tn.render(rec))
			written, errs := writeAgent(tn, rec.agent, body, true)
			if len(errs) > 0 {
				t.Errorf("agent %q: %v", rec.agent.Name, errs)
				continue
			}
			if a, b := asBody(t, written), asBody(t, rec.agent); !reflect.DeepEqual(a, b) {
				t.Errorf("agent %q would be stored otherwise: %v", rec.agent.Name, changedKeys(a, b))
			}
		}
		for _, rec := range tn.templates {
			written, errs := writeTemplate(Template{}, asBody(t, renderTemplate(rec)), true)
			if len(errs) > 0 {
				t.Errorf("template %s/%s: %v", rec.tpl.Name, rec.tpl.Language, errs)
				continue
			}
			if a, b := asBody(t, written.Components), asBody(t, rec.tpl.Components); !reflect.DeepEqual(a, b) {
				t.Errorf("template %s/%s would be stored otherwise", rec.tpl.Name, rec.tpl.Language)
			}
		}
	})
}

// asBody is v as a request body decodes: numbers as json.Number, objects as maps.
func asBody(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(map[string]any{"v": v})
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	m := out.(map[string]any)
	if obj, ok := m["v"].(map[string]any); ok {
		return obj
	}
	return m
}

// changedKeys are the fields whose values differ between a and b.
func changedKeys(a, b map[string]any) []string {
	var out []string
	for k := range a {
		if !reflect.DeepEqual(a[k], b[k]) {
			out = append(out, k)
		}
	}
	return out
}
