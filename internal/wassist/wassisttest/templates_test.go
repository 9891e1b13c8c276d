//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const ghostAccount = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"

// templateSim is a simulator on a fake clock with two accounts of keyA and a template.
type templateSim struct {
	*sim
	clock      *wassisttest.FakeClock
	acc, other wassisttest.Account
	path       string // of the template
}

func newTemplateSim(t *testing.T, o wassisttest.Options, b map[string]any) *templateSim {
	t.Helper()
	clock := wassisttest.NewFakeClock(t0)
	o.Clock = clock
	m := newSim(t, o)
	ts := &templateSim{sim: m, clock: clock}
	ts.acc = m.s.SeedAccount(keyA, wassisttest.Account{Name: "Daily Grind Ltd"})
	ts.other = m.s.SeedAccount(keyA, wassisttest.Account{Name: "Daily Grind Events"})
	ts.path = "/whatsapp-templates/" + str(t, m.createTemplate(keyA, b), "id") + "/"
	return ts
}

func (ts *templateSim) publish(ids ...string) map[string]any {
	ts.t.Helper()
	r := ts.do(http.MethodPost, ts.path+"publish/", keyA, map[string]any{"accountIds": ids})
	expectStatus(ts.t, r, http.StatusOK)
	return r.object(ts.t)
}

// links is the template's account links as GET serves them now.
func (ts *templateSim) links() []map[string]any {
	ts.t.Helper()
	r := ts.do(http.MethodGet, ts.path, keyA, nil)
	expectStatus(ts.t, r, http.StatusOK)
	var out []map[string]any
	for _, l := range list(ts.t, r.object(ts.t), "accountLinks") {
		out = append(out, obj(ts.t, l))
	}
	return out
}

func (ts *templateSim) expectLink(i int, status, quality, reason string) map[string]any {
	ts.t.Helper()
	links := ts.links()
	if i >= len(links) {
		ts.t.Fatalf("%d links, want link %d", len(links), i)
	}
	l := links[i]
	if l["status"] != status || l["qualityScore"] != quality || l["rejectionReason"] != reason {
		ts.t.Fatalf("link %d = %v, want %s %s %q", i, l, status, quality, reason)
	}
	return l
}

// A publish submits the template to each account: PENDING with Meta's id at once, Meta's
// verdict once the review delay has passed on the simulator's clock. An unknown account
// fails alone.
func TestPublishSubmitsToEachAccountAndMetaReviewsLater(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Your order is ready.", nil)))
	got := ts.publish(ts.acc.ID, ghostAccount, ts.acc.ID)
	links := list(t, got, "accountLinks")
	if len(links) != 1 {
		t.Fatalf("links = %v", links)
	}
	link := obj(t, links[0])
	meta := str(t, link, "metaTemplateId")
	expectEqualJSON(t, []byte(mustJSON(t, link)), `{"accountId":"`+ts.acc.ID+`","accountName":"Daily Grind Ltd","wabaId":"`+
		ts.acc.WaID+`","metaTemplateId":"`+meta+`","status":"PENDING","qualityScore":"UNKNOWN","rejectionReason":""}`)
	expectEqualJSON(t, []byte(mustJSON(t, got["publishResults"])), `[{"accountId":"`+ts.acc.ID+`","metaTemplateId":"`+meta+`","status":"PENDING"}]`)
	expectEqualJSON(t, []byte(mustJSON(t, got["publishErrors"])), `[{"accountId":"`+ghostAccount+`","error":"WhatsApp account not found"}]`)
	if got["name"] != "order_ready" || got["id"] == nil {
		t.Fatalf("the publish answer is not the template: %v", got)
	}

	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay - time.Millisecond)
	ts.expectLink(0, "PENDING", "UNKNOWN", "")
	ts.clock.Advance(time.Millisecond)
	ts.expectLink(0, "APPROVED", "GREEN", "")

	// Publishing again to an account it is on is no new submission.
	again := ts.publish(ts.acc.ID)
	expectEqualJSON(t, []byte(mustJSON(t, again["publishResults"])), `[{"accountId":"`+ts.acc.ID+`","metaTemplateId":"`+meta+`","status":"APPROVED"}]`)
	if l := ts.expectLink(0, "APPROVED", "GREEN", ""); l["metaTemplateId"] != meta {
		t.Fatalf("a second publish replaced Meta's id: %v", l)
	}
	if l := ts.s.Templates(keyA)[0].AccountLinks; len(l) != 1 || l[0].Status != "APPROVED" {
		t.Fatalf("Templates serves %+v", l)
	}
}

func TestSetTemplateReviewDecidesLaterSubmissionsToTheAccount(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Your order is ready.", nil)))
	ts.publish(ts.acc.ID)
	ts.s.SetTemplateReview(keyA, ts.acc.ID, wassisttest.TemplateVerdict{Status: "REJECTED", Reason: "INVALID_FORMAT"})
	ts.s.SetTemplateReview(keyA, ts.other.ID, wassisttest.TemplateVerdict{Status: "REJECTED"})
	ts.publish(ts.other.ID)
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	ts.expectLink(0, "APPROVED", "GREEN", "") // submitted before the rule
	ts.expectLink(1, "REJECTED", "UNKNOWN", "OTHER")

	// An edit of the content is a new submission, which the rule now decides.
	expectStatus(t, ts.do(http.MethodPatch, ts.path, keyA, map[string]any{"components": []any{body("Your order is waiting.", nil)}}), http.StatusOK)
	ts.expectLink(0, "PENDING", "UNKNOWN", "")
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	ts.expectLink(0, "REJECTED", "UNKNOWN", "INVALID_FORMAT")

	ts.s.SetTemplateReview(keyA, ts.acc.ID, wassisttest.TemplateVerdict{})
	expectStatus(t, ts.do(http.MethodPatch, ts.path, keyA, map[string]any{"category": "MARKETING"}), http.StatusOK)
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	ts.expectLink(0, "APPROVED", "GREEN", "")
	ts.expectLink(1, "REJECTED", "UNKNOWN", "OTHER")
}

// Marketing that promises results is rejected without a rule, so a demo can show a rejection
// from the template's text alone; the same words in a UTILITY template pass.
func TestMarketingThatSaysGuaranteedIsRejectedAsPromotional(t *testing.T) {
	cases := []struct {
		name, category, text, status, quality, reason string
	}{
		{"marketing that says guaranteed", "MARKETING", "Results Guaranteed or your money back!", "REJECTED", "UNKNOWN", "PROMOTIONAL"},
		{"marketing without the word", "MARKETING", "Fresh beans every Monday.", "APPROVED", "GREEN", ""},
		{"a word that only contains it", "MARKETING", "Unguaranteedness is a word.", "APPROVED", "GREEN", ""},
		{"utility that says guaranteed", "UTILITY", "Delivery is guaranteed by noon.", "APPROVED", "GREEN", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := templateBody(body(tc.text, nil))
			b["category"] = tc.category
			ts := newTemplateSim(t, wassisttest.Options{TemplateReviewDelay: wassisttest.TemplateReviewAtNextRead}, b)
			ts.publish(ts.acc.ID)
			ts.expectLink(0, tc.status, tc.quality, tc.reason)
		})
	}
}

// The review lands when the template is read after the delay: at the first read after the
// publish with TemplateReviewAtNextRead, after the delay asked for otherwise.
func TestTheReviewDelay(t *testing.T) {
	cases := []struct {
		name    string
		delay   time.Duration
		pending time.Duration // still PENDING this long after the publish
	}{
		{"default", 0, wassisttest.DefaultTemplateReviewDelay - time.Nanosecond},
		{"a minute", time.Minute, time.Minute - time.Nanosecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTemplateSim(t, wassisttest.Options{TemplateReviewDelay: tc.delay}, templateBody(body("Hello", nil)))
			ts.publish(ts.acc.ID)
			ts.clock.Advance(tc.pending)
			ts.expectLink(0, "PENDING", "UNKNOWN", "")
			ts.clock.Advance(time.Nanosecond)
			ts.expectLink(0, "APPROVED", "GREEN", "")
		})
	}
	t.Run("at the next read", func(t *testing.T) {
		ts := newTemplateSim(t, wassisttest.Options{TemplateReviewDelay: wassisttest.TemplateReviewAtNextRead}, templateBody(body("Hello", nil)))
		if l := obj(t, list(t, ts.publish(ts.acc.ID), "accountLinks")[0]); l["status"] != "PENDING" {
			t.Fatalf("the publish answer shows %v", l)
		}
		ts.expectLink(0, "APPROVED", "GREEN", "")
	})
}

// Only content is reviewed: a new name keeps the verdicts, new components or a new category
// send every link back to PENDING for a new review.
func TestEditingPublishedContentSubmitsItAgain(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Hello", nil)))
	ts.publish(ts.acc.ID, ts.other.ID)
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	meta := str(t, ts.expectLink(0, "APPROVED", "GREEN", ""), "metaTemplateId")

	expectStatus(t, ts.do(http.MethodPatch, ts.path, keyA, map[string]any{"name": "order_ready_v2", "components": []any{body("Hello", nil)}}),
		http.StatusOK)
	ts.expectLink(0, "APPROVED", "GREEN", "")

	r := ts.do(http.MethodPatch, ts.path, keyA, map[string]any{"components": []any{body("Hello again", nil)}})
	expectStatus(t, r, http.StatusOK)
	for i, l := range list(t, r.object(t), "accountLinks") {
		if obj(t, l)["status"] != "PENDING" {
			t.Fatalf("link %d after the edit: %v", i, l)
		}
	}
	ts.clock.Advance(wassisttest.DefaultTemplateReviewDelay - time.Nanosecond)
	ts.expectLink(1, "PENDING", "UNKNOWN", "")
	ts.clock.Advance(time.Nanosecond)
	if l := ts.expectLink(0, "APPROVED", "GREEN", ""); l["metaTemplateId"] != meta {
		t.Fatalf("a resubmission changed Meta's id: %v", l)
	}
	ts.expectLink(1, "APPROVED", "GREEN", "")
}

func TestUnpublishRemovesTheLinks(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Hello", nil)))
	ts.publish(ts.acc.ID, ts.other.ID)
	r := ts.do(http.MethodPost, ts.path+"unpublish/", keyA, map[string]any{"accountIds": []string{ts.acc.ID, ghostAccount}})
	expectStatus(t, r, http.StatusOK)
	got := r.object(t)
	expectEqualJSON(t, []byte(mustJSON(t, got["unpublishResults"])), `[{"accountId":"`+ts.acc.ID+`","unpublished":true}]`)
	expectEqualJSON(t, []byte(mustJSON(t, got["unpublishErrors"])), `[{"accountId":"`+ghostAccount+`","error":"WhatsApp account not found"}]`)
	if links := list(t, got, "accountLinks"); len(links) != 1 || obj(t, links[0])["accountId"] != ts.other.ID {
		t.Fatalf("links after unpublish = %v", links)
	}
	r = ts.do(http.MethodPost, ts.path+"unpublish/", keyA, map[string]any{"accountIds": []string{ts.acc.ID}})
	expectStatus(t, r, http.StatusOK)
	expectEqualJSON(t, []byte(mustJSON(t, r.object(t)["unpublishResults"])), `[{"accountId":"`+ts.acc.ID+`","unpublished":false}]`)
}

func TestPublishAndUnpublishNeedAccountIDs(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Hello", nil)))
	cases := []struct {
		name string
		body any
		want string
	}{
		{"no body", nil, `{"accountIds":["This field is required."]}`},
		{"null", map[string]any{"accountIds": nil}, `{"accountIds":["This field may not be null."]}`},
		{"not a list", map[string]any{"accountIds": ts.acc.ID}, `{"accountIds":["Expected a list of items but got type \"str\"."]}`},
		{"empty", map[string]any{"accountIds": []string{}}, `{"accountIds":["This list may not be empty."]}`},
		{"not uuids", map[string]any{"accountIds": []any{ts.acc.ID, "waba-1", 7}},
			`{"accountIds":{"1":["Must be a valid UUID."],"2":["Must be a valid UUID."]}}`},
	}
	for _, action := range []string{"publish/", "unpublish/"} {
		for _, tc := range cases {
			t.Run(action+tc.name, func(t *testing.T) {
				expectJSON(t, ts.do(http.MethodPost, ts.path+action, keyA, tc.body), http.StatusBadRequest, tc.want)
			})
		}
		expectStatus(t, ts.do(http.MethodPost, "/whatsapp-templates/"+ghostAccount+"/"+action, keyA,
			map[string]any{"accountIds": []string{ts.acc.ID}}), http.StatusNotFound)
		expectStatus(t, ts.do(http.MethodGet, ts.path+action, keyA, nil), http.StatusMethodNotAllowed)
	}
	if links := ts.links(); len(links) != 0 {
		t.Fatalf("refused publishes linked %v", links)
	}
}

func TestDeleteTemplateUnpublishesItEverywhere(t *testing.T) {
	ts := newTemplateSim(t, wassisttest.Options{}, templateBody(body("Hello", nil)))
	ts.publish(ts.acc.ID, ts.other.ID)
	r := ts.do(http.MethodDelete, ts.path, keyA, nil)
	expectStatus(t, r, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Fatalf("204 with a body: %s", r.body)
	}
	expectStatus(t, ts.do(http.MethodGet, ts.path, keyA, nil), http.StatusNotFound)
	expectStatus(t, ts.do(http.MethodDelete, ts.path, keyA, nil), http.StatusNotFound)
	if n := len(ts.do(http.MethodGet, "/whatsapp-templates/", keyA, nil).items(t)); n != 0 {
		t.Fatalf("%d templates listed after the delete", n)
	}
	// The name is free again, and a template made with it is on no account.
	if links := list(t, ts.createTemplate(keyA, templateBody(body("Hello", nil))), "accountLinks"); len(links) != 0 {
		t.Fatalf("a new template inherited links: %v", links)
	}
}

func TestTemplateListsArePaginated(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	for _, name := range []string{"a_one", "a_two", "a_three"} {
		b := templateBody(body("Hello", nil))
		b["name"] = name
		m.createTemplate(keyA, b)
	}
	r := m.do(http.MethodGet, "/whatsapp-templates/?limit=2&offset=1", keyA, nil)
	expectStatus(t, r, http.StatusOK)
	if m.s.BareLists() {
		if n := len(r.array(t)); n != 3 {
			t.Fatalf("bare list of %d, want 3 (limit ignored)", n)
		}
		return
	}
	env := r.object(t)
	results := list(t, env, "results")
	if env["count"] != float64(3) || len(results) != 2 || obj(t, results[0])["name"] != "a_two" || env["next"] != nil ||
		!strings.HasSuffix(str(t, env, "previous"), "/whatsapp-templates/?limit=2") {
		t.Fatalf("page = %s", r.body)
	}
}
