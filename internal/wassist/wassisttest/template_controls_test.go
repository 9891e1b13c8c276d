//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// Faults match the template routes by their templates, the request log names them so, and
// every answer carries its request id.
func TestFaultsAndTheRequestLogKnowTheTemplateRoutes(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Hello", nil)))
	ts.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Method: http.MethodPost, Route: "/whatsapp-templates/{id}/publish/", Count: 1})
	ts.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Method: http.MethodPatch, Route: "/whatsapp-templates/{id}/", Count: 1})
	ts.s.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultEmptyBody, Route: "/whatsapp-templates/", Count: 1})

	if _, err := ts.send(http.MethodPost, ts.path+"publish/", map[string]string{"X-API-Key": keyA},
		map[string]any{"accountIds": []string{ts.acc.ID}}); err == nil {
		t.Fatal("the publish was answered despite the lost response")
	}
	if r := lastRequest(t, ts.sim); r.Route != "/whatsapp-templates/{id}/publish/" || r.Fault != "lose-response" || r.Status != http.StatusOK {
		t.Fatalf("recorded %+v", r)
	}
	if len(ts.links()) != 1 {
		t.Fatal("the publish whose response was lost did not publish")
	}
	expectStatus(t, ts.do(http.MethodPatch, ts.path, keyA, map[string]any{"name": "renamed"}), http.StatusInternalServerError)
	if tpl := ts.s.Templates(keyA)[0]; tpl.Name != "order_ready" {
		t.Fatalf("a 500 applied the PATCH: %+v", tpl)
	}
	r := ts.do(http.MethodGet, "/whatsapp-templates/", keyA, nil)
	expectStatus(t, r, http.StatusOK)
	if len(r.body) != 0 {
		t.Fatalf("the empty-body fault answered %s", r.body)
	}
	if rid := ts.do(http.MethodGet, ts.path, keyA, nil).header.Get("X-Request-Id"); rid != lastRequest(t, ts.sim).RequestID || rid == "" {
		t.Fatalf("X-Request-Id %q, log %q", rid, lastRequest(t, ts.sim).RequestID)
	}
	if n := ts.s.Count(keyA, http.MethodPost, "/whatsapp-templates/{id}/publish/"); n != 1 {
		t.Fatalf("%d publishes counted", n)
	}
}

// EditTemplate is a dashboard user or Meta changing a template behind the client's back.
func TestEditTemplateIsDriftBehindTheClientsBack(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Hello", nil)))
	ts.publish(ts.acc.ID)
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	id := ts.s.Templates(keyA)[0].ID

	// Meta pauses it: the link shows it, nothing is resubmitted.
	if !ts.s.EditTemplate(keyA, id, func(tpl *wassisttest.Template) {
		tpl.AccountLinks[0].Status, tpl.AccountLinks[0].QualityScore = "PAUSED", "RED"
		tpl.ID, tpl.Name = "forged", "renamed_in_dashboard"
	}) {
		t.Fatal("EditTemplate did not find the template")
	}
	got := ts.do(http.MethodGet, ts.path, keyA, nil).object(t)
	if got["name"] != "renamed_in_dashboard" || got["id"] != id {
		t.Fatalf("edited template = %v", got)
	}
	ts.expectLink(0, "PAUSED", "RED", "")

	// A content change made in the dashboard is a new submission.
	ts.s.EditTemplate(keyA, id, func(tpl *wassisttest.Template) { tpl.Components[0].Text = "Hello there" })
	ts.expectLink(0, "PENDING", "UNKNOWN", "")
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	ts.expectLink(0, "APPROVED", "GREEN", "")

	if !ts.s.RemoveTemplateLink(keyA, id, ts.acc.ID) || len(ts.links()) != 0 {
		t.Fatalf("RemoveTemplateLink left %v", ts.links())
	}
	if ts.s.RemoveTemplateLink(keyA, id, ts.acc.ID) || ts.s.EditTemplate(keyA, ghostAccount, func(*wassisttest.Template) {}) {
		t.Fatal("removing a link twice, or editing no template, reported success")
	}
}

func TestSetTemplateReviewRefusesVerdictsMetaDoesNotGive(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	for _, v := range []wassisttest.TemplateVerdict{{Status: "PAUSED"}, {Status: "approved"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("verdict %+v was accepted", v)
				}
			}()
			m.s.SetTemplateReview(keyA, ghostAccount, v)
		}()
	}
}

func TestAdminAndSimClientServeTheTemplates(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{TemplateReviewDelay: wassisttest.TemplateReviewAtNextRead}, templateBody(body("Hello", nil)))
	ts.publish(ts.acc.ID)
	r := ts.admin(http.MethodGet, "templates?keyId="+wassisttest.KeyID(keyA), nil)
	expectStatus(t, r, http.StatusOK)
	tpls := r.array(t)
	if len(tpls) != 1 || obj(t, list(t, obj(t, tpls[0]), "accountLinks")[0])["status"] != "APPROVED" {
		t.Fatalf("/_sim/templates = %s", r.body)
	}
	expectJSON(t, ts.admin(http.MethodGet, "templates?keyId="+wassisttest.KeyID(keyB), nil), http.StatusOK, `[]`)
	expectStatus(t, ts.admin(http.MethodGet, "templates", nil), http.StatusNotFound)

	got, err := ts.client().Templates(context.Background(), keyA)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "SimClient.Templates", got, ts.s.Templates(keyA))
	if _, err := ts.client().Templates(context.Background(), "unknown"); !wassisttest.IsSimStatus(err, http.StatusNotFound) {
		t.Fatalf("an unknown key: %v", err)
	}
}

func TestSeedTemplateStoresATemplateMadeInTheDashboard(t *testing.T) {
	m := newSim(t, wassisttest.Options{Clock: wassisttest.NewFakeClock(t0)})
	seeded := m.s.SeedTemplate(keyA, wassisttest.Template{Name: "welcome", Category: "UTILITY",
		Components:   []wassisttest.TemplateComponent{{Type: "BODY", Text: "Welcome!"}},
		AccountLinks: []wassisttest.TemplateAccountLink{{AccountID: ghostAccount, Status: "APPROVED"}}})
	want := `{"id":"` + seeded.ID + `","name":"welcome","category":"UTILITY","language":"en_US","parameterFormat":"POSITIONAL",` +
		`"components":[{"type":"BODY","text":"Welcome!"}],"accountLinks":[],"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}`
	expectJSON(t, m.do(http.MethodGet, "/whatsapp-templates/"+seeded.ID+"/", keyA, nil), http.StatusOK, want)
	defer func() {
		if recover() == nil {
			t.Fatal("a second welcome in en_US was seeded")
		}
	}()
	m.s.SeedTemplate(keyA, wassisttest.Template{Name: "welcome", Category: "UTILITY"})
}
