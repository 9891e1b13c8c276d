//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// A trigger names a template of the key by id and name; it is checked on every PATCH, so a
// trigger left naming a deleted template refuses the next write that sends it back.
func TestOutboundTriggersNameATemplateOfTheKey(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	tpl := m.createTemplate(keyA, templateBody(body("Hello", nil)))
	tplID := str(t, tpl, "id")
	path := "/agents/" + str(t, m.createAgent(keyA, "Coffee"), "id") + "/"
	r := m.do(http.MethodPatch, path, keyA, map[string]any{"outboundTriggers": []any{
		map[string]any{"templateId": tplID, "templateName": "order_ready"},
	}})
	expectStatus(t, r, http.StatusOK)
	trigger := obj(t, list(t, r.object(t), "outboundTriggers")[0])

	expectStatus(t, m.do(http.MethodPatch, "/whatsapp-templates/"+tplID+"/", keyA, map[string]any{"name": "order_done"}), http.StatusOK)
	expectJSON(t, m.do(http.MethodPatch, path, keyA, map[string]any{"outboundTriggers": []any{map[string]any{"id": trigger["id"]}}}),
		http.StatusBadRequest, `{"outboundTriggers":[{"templateName":["Does not match the name of template `+tplID+`, \"order_done\"."]}]}`)
	expectStatus(t, m.do(http.MethodPatch, path, keyA, map[string]any{"outboundTriggers": []any{
		map[string]any{"id": trigger["id"], "templateName": "order_done"},
	}}), http.StatusOK)

	expectStatus(t, m.do(http.MethodDelete, "/whatsapp-templates/"+tplID+"/", keyA, nil), http.StatusNoContent)
	expectJSON(t, m.do(http.MethodPatch, path, keyA, map[string]any{"outboundTriggers": []any{map[string]any{"id": trigger["id"]}}}),
		http.StatusBadRequest, `{"outboundTriggers":[{"templateId":["Invalid pk \"`+tplID+`\" - object does not exist."]}]}`)
	expectStatus(t, m.do(http.MethodPatch, path, keyA, map[string]any{"outboundTriggers": []any{}}), http.StatusOK)
}

func TestRotateTriggerSecretChangesItBehindTheClientsBack(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	tplID := str(t, m.createTemplate(keyA, templateBody(body("Hello", nil))), "id")
	agentID := str(t, m.createAgent(keyA, "Coffee"), "id")
	r := m.do(http.MethodPatch, "/agents/"+agentID+"/", keyA, map[string]any{"outboundTriggers": []any{
		map[string]any{"templateId": tplID, "templateName": "order_ready"},
	}})
	trigger := obj(t, list(t, r.object(t), "outboundTriggers")[0])
	secret, ok := m.s.RotateTriggerSecret(keyA, agentID, str(t, trigger, "id"))
	if !ok || secret == "" || secret == trigger["secret"] {
		t.Fatalf("rotated to %q (%v), was %v", secret, ok, trigger["secret"])
	}
	got := obj(t, list(t, m.do(http.MethodGet, "/agents/"+agentID+"/", keyA, nil).object(t), "outboundTriggers")[0])
	if got["secret"] != secret || got["url"] != trigger["url"] {
		t.Fatalf("after the rotation the API serves %v", got)
	}
	if _, ok := m.s.RotateTriggerSecret(keyA, agentID, ghostAccount); ok {
		t.Fatal("rotated a trigger that does not exist")
	}
	if _, ok := m.s.RotateTriggerSecret(keyB, agentID, str(t, trigger, "id")); ok {
		t.Fatal("rotated another key's trigger")
	}
}
