package wassist_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const ghostID = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e"

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// orderReady is a valid template with a variable in a POSITIONAL body and a quick reply.
func orderReady(category, text string) wassist.TemplateInput {
	return wassist.TemplateInput{Name: "order_ready", Category: category, Components: []wassist.TemplateComponent{
		{Type: "BODY", Text: text, Example: &wassist.TemplateExample{BodyText: [][]string{{"Ann"}}}},
		{Type: "BUTTONS", Buttons: []wassist.TemplateButton{{Type: "QUICK_REPLY", Text: "Thanks"}}},
	}}
}

// reviewFixture is a fixture on a fake clock, with a template and an account to publish to.
type reviewFixture struct {
	*fixture
	clock *wassisttest.FakeClock
	acc   wassisttest.Account
}

func newReviewFixture(t *testing.T) *reviewFixture {
	t.Helper()
	clock := wassisttest.NewFakeClock(t0)
	f := newFixture(t, wassisttest.Options{Clock: clock}, wassist.PoolOptions{})
	return &reviewFixture{fixture: f, clock: clock, acc: seedAccount(f)}
}

func onlyLink(t *testing.T, tpl *wassist.Template) wassist.TemplateAccountLink {
	t.Helper()
	if len(tpl.AccountLinks) != 1 {
		t.Fatalf("links %+v, want one", tpl.AccountLinks)
	}
	return tpl.AccountLinks[0]
}

// Create, publish, Meta's review, an edit that is reviewed again, unpublish and delete.
func TestTemplateLifecycle(t *testing.T) {
	f := newReviewFixture(t)
	ctx := context.Background()
	created, err := f.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}, your order is ready."))
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Language != "en_US" || created.ParameterFormat != "POSITIONAL" || len(created.AccountLinks) != 0 ||
		created.CreatedAt == nil || len(created.Components) != 2 || created.Components[0].Example.BodyText[0][0] != "Ann" {
		t.Fatalf("created %+v", created)
	}

	published, results, err := f.client.PublishTemplate(ctx, created.ID, []string{f.acc.ID, ghostID})
	if err != nil {
		t.Fatal(err)
	}
	link := onlyLink(t, published)
	if link.AccountID != f.acc.ID || link.AccountName != "Daily Grind Ltd" || link.WABAID != f.acc.WaID || link.MetaTemplateID == "" ||
		link.Status != wassist.TemplatePending || link.QualityScore != "UNKNOWN" {
		t.Fatalf("link %+v", link)
	}
	want := []wassist.TemplatePublishResult{
		{AccountID: f.acc.ID, MetaTemplateID: link.MetaTemplateID, Status: wassist.TemplatePending},
		{AccountID: ghostID, Error: "WhatsApp account not found"},
	}
	if fmt.Sprint(results) != fmt.Sprint(want) {
		t.Fatalf("results %+v, want %+v", results, want)
	}

	f.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
	got, err := f.client.GetTemplate(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l := onlyLink(t, got); l.Status != wassist.TemplateApproved || l.QualityScore != "GREEN" {
		t.Fatalf("after the review: %+v", l)
	}

	updated, err := f.client.UpdateTemplate(ctx, created.ID, orderReady("UTILITY", "Hi {{1}}, your order is waiting."))
	if err != nil {
		t.Fatal(err)
	}
	if l := onlyLink(t, updated); l.Status != wassist.TemplatePending || l.MetaTemplateID != link.MetaTemplateID ||
		updated.Components[0].Text != "Hi {{1}}, your order is waiting." {
		t.Fatalf("an edit of published content: %+v", updated)
	}

	unpublished, err := f.client.UnpublishTemplate(ctx, created.ID, []string{f.acc.ID})
	if err != nil || len(unpublished.AccountLinks) != 0 || unpublished.ID != created.ID {
		t.Fatalf("unpublish: %+v %v", unpublished, err)
	}
	if err := f.client.DeleteTemplate(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.GetTemplate(ctx, created.ID); !wassist.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := f.client.DeleteTemplate(ctx, created.ID); !wassist.IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestTemplateReviewVerdictsReachTheClient(t *testing.T) {
	cases := []struct {
		name             string
		category, text   string
		rule             *wassisttest.TemplateVerdict
		status, reason   string
		wantQualityScore string
	}{
		{"approved", "UTILITY", "Hi {{1}}", nil, wassist.TemplateApproved, "", "GREEN"},
		{"rejected by the test's rule", "UTILITY", "Hi {{1}}", &wassisttest.TemplateVerdict{Status: "REJECTED", Reason: "INVALID_FORMAT"},
			wassist.TemplateRejected, "INVALID_FORMAT", "UNKNOWN"},
		{"rejected as promotional", "MARKETING", "Hi {{1}}, results guaranteed!", nil, wassist.TemplateRejected, "PROMOTIONAL", "UNKNOWN"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newReviewFixture(t)
			ctx := context.Background()
			if tc.rule != nil {
				f.sim.SetTemplateReview(testKey, f.acc.ID, *tc.rule)
			}
			tpl, err := f.client.CreateTemplate(ctx, orderReady(tc.category, tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.client.PublishTemplate(ctx, tpl.ID, []string{f.acc.ID}); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(wassisttest.DefaultTemplateReviewDelay)
			got, err := f.client.GetTemplate(ctx, tpl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if l := onlyLink(t, got); l.Status != tc.status || l.RejectionReason != tc.reason || l.QualityScore != tc.wantQualityScore {
				t.Fatalf("link %+v, want %s %q %s", l, tc.status, tc.reason, tc.wantQualityScore)
			}
		})
	}
}

func TestListTemplatesInBothListShapes(t *testing.T) {
	for _, envelope := range []bool{false, true} {
		t.Run(fmt.Sprintf("envelope=%v", envelope), func(t *testing.T) {
			f := newFixture(t, wassisttest.Options{BareLists: !envelope}, wassist.PoolOptions{})
			for i := range 130 {
				f.sim.SeedTemplate(testKey, wassisttest.Template{Name: fmt.Sprintf("template_%03d", i), Category: "UTILITY",
					Components: []wassisttest.TemplateComponent{{Type: "BODY", Text: "Hello"}}})
			}
			got, err := f.client.ListTemplates(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 130 || got[129].Name != "template_129" || got[0].Components[0].Text != "Hello" {
				t.Fatalf("listed %d templates", len(got))
			}
			// Two pages of 100 in the envelope; one bare list, asked for or by WASSIST_SIM_BARE_LISTS=1.
			pages := 2
			if f.sim.BareLists() {
				pages = 1
			}
			if n := f.sim.Count(testKey, http.MethodGet, "/whatsapp-templates/"); n != pages {
				t.Fatalf("%d list requests, want %d", n, pages)
			}
		})
	}
}

func TestTemplateErrorsCarryTheAPIsWords(t *testing.T) {
	ctx := context.Background()
	t.Run("a field error names its component", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		in := orderReady("UTILITY", "Hi {{2}}")
		_, err := f.client.CreateTemplate(ctx, in)
		if !wassist.IsInvalid(err) || !strings.Contains(err.Error(),
			"POST /whatsapp-templates/: 400: components[0].text: Positional variables must be numbered {{1}} to {{1}} without gaps.") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a name and language taken is a conflict", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		if _, err := f.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}")); err != nil {
			t.Fatal(err)
		}
		_, err := f.client.CreateTemplate(ctx, orderReady("MARKETING", "Hello {{1}}"))
		if !wassist.IsConflict(err) || wassist.IsRetryable(err) || !strings.Contains(err.Error(), `A template named "order_ready" in en_US already exists.`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("publishing to no account is refused before it is sent", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		tpl, err := f.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.client.PublishTemplate(ctx, tpl.ID, nil); err == nil || !strings.Contains(err.Error(), "no account ids") {
			t.Fatalf("publish to none: %v", err)
		}
		if _, err := f.client.UnpublishTemplate(ctx, tpl.ID, []string{}); err == nil {
			t.Fatal("unpublish from none was accepted")
		}
		if n := len(f.sim.Requests()); n != 1 {
			t.Fatalf("%d requests, want only the create", n)
		}
	})
	t.Run("an account that could not be unpublished is an UnpublishError beside the template", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		acc := seedAccount(f)
		tpl, err := f.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.client.PublishTemplate(ctx, tpl.ID, []string{acc.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := f.client.UnpublishTemplate(ctx, tpl.ID, []string{acc.ID, ghostID})
		ue, ok := errors.AsType[*wassist.UnpublishError](err)
		if !ok || len(ue.Failed) != 1 || ue.Failed[0].AccountID != ghostID ||
			err.Error() != "wassist: POST /whatsapp-templates/{id}/unpublish/: not unpublished from 1 account(s): "+ghostID+": WhatsApp account not found" {
			t.Fatalf("got %v", err)
		}
		if got == nil || got.ID != tpl.ID || len(got.AccountLinks) != 0 {
			t.Fatalf("template beside the error: %+v", got)
		}
	})
	t.Run("an unknown template is not found", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		if _, _, err := f.client.PublishTemplate(ctx, ghostID, []string{ghostID}); !wassist.IsNotFound(err) {
			t.Fatalf("publish: %v", err)
		}
		if _, err := f.client.UpdateTemplate(ctx, ghostID, orderReady("UTILITY", "Hi {{1}}")); !wassist.IsNotFound(err) {
			t.Fatalf("update: %v", err)
		}
		if _, err := f.client.GetTemplate(ctx, ""); err == nil || wassist.IsNotFound(err) {
			t.Fatalf("an empty id must be refused, not reported as not found: %v", err)
		}
	})
	t.Run("a lost publish response is a retryable error though the template is published", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		acc := seedAccount(f)
		tpl, err := f.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}"))
		if err != nil {
			t.Fatal(err)
		}
		f.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Route: "/whatsapp-templates/{id}/publish/", Count: 1})
		if _, _, err := f.client.PublishTemplate(ctx, tpl.ID, []string{acc.ID}); !wassist.IsRetryable(err) {
			t.Fatalf("got %v", err)
		}
		_, results, err := f.client.PublishTemplate(ctx, tpl.ID, []string{acc.ID})
		if err != nil || len(results) != 1 || results[0].Error != "" || len(f.sim.Templates(testKey)[0].AccountLinks) != 1 {
			t.Fatalf("the retry: %+v %v", results, err)
		}
	})
}

// Metrics label the template routes by their templates, never by a template's id.
func TestTemplateRoutesAreLabelledByTemplate(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	acc := seedAccount(f)
	tpl, err := f.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = f.client.PublishTemplate(ctx, tpl.ID, []string{acc.ID})
	_, _ = f.client.UnpublishTemplate(ctx, tpl.ID, []string{acc.ID})
	_, _ = f.client.ListTemplates(ctx)
	_ = f.client.DeleteTemplate(ctx, tpl.ID)
	text := gatherText(t, f.reg)
	for _, route := range []string{"/whatsapp-templates/", "/whatsapp-templates/{id}/", "/whatsapp-templates/{id}/publish/",
		"/whatsapp-templates/{id}/unpublish/"} {
		if !strings.Contains(text, `route="`+route+`"`) {
			t.Errorf("no series for %s", route)
		}
	}
	if strings.Contains(text, tpl.ID) || strings.Contains(text, acc.ID) {
		t.Fatalf("metrics carry an id:\n%s", text)
	}
}

func gatherText(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var metrics strings.Builder
	for _, mf := range families {
		_, _ = expfmt.MetricFamilyToText(&metrics, mf)
	}
	return metrics.String()
}

// recorder is a simulator behind a proxy that records every request body the client sent.
type recorder struct {
	sim    *wassisttest.Server
	client *wassist.Client
	reg    *prometheus.Registry
	mu     sync.Mutex
	bodies []string
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{sim: wassisttest.New(wassisttest.Options{APIKeys: []string{testKey}, RateLimit: -1}), reg: prometheus.NewRegistry()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, string(body))
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := wassist.New(testKey, wassist.Options{BaseURL: srv.URL + "/api/v1", Metrics: wassist.NewMetrics(rec.reg)})
	if err != nil {
		t.Fatal(err)
	}
	rec.client = c
	return rec
}

func (rec *recorder) sent() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return strings.Join(rec.bodies, "\n")
}

// Triggers are read with the url and secret Wassist generated and written without them; a
// secret rotated in the dashboard is read back.
func TestOutboundTriggersAreReadWithTheirSecretAndWrittenWithout(t *testing.T) {
	rec := newRecorder(t)
	ctx := context.Background()
	tpl, err := rec.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := rec.client.CreateAgent(ctx, "Coffee")
	if err != nil {
		t.Fatal(err)
	}
	a, err = rec.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{OutboundTriggers: []wassist.AgentOutboundTrigger{
		{Enabled: true, TemplateID: tpl.ID, TemplateName: tpl.Name, URL: "https://evil.example.com/", Secret: "mine"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tr := a.OutboundTriggers[0]
	if tr.ID == "" || !strings.HasPrefix(tr.URL, "https://") || strings.Contains(tr.URL, "evil") || tr.Secret == "" || tr.Secret == "mine" ||
		!tr.Enabled || tr.TemplateID != tpl.ID {
		t.Fatalf("trigger %+v", a.OutboundTriggers)
	}
	// Sent back as read, the trigger keeps its id and carries neither the url nor the secret.
	tr.Enabled = false
	a, err = rec.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{OutboundTriggers: []wassist.AgentOutboundTrigger{tr}})
	if err != nil {
		t.Fatal(err)
	}
	if a.OutboundTriggers[0].ID != tr.ID || a.OutboundTriggers[0].Enabled || a.OutboundTriggers[0].Secret != tr.Secret {
		t.Fatalf("updated trigger %+v", a.OutboundTriggers[0])
	}
	sent := rec.sent()
	if strings.Contains(sent, tr.Secret) || strings.Contains(sent, `"secret"`) || strings.Contains(sent, `"url"`) || strings.Contains(sent, "mine") {
		t.Fatalf("a write carried the url or the secret:\n%s", sent)
	}
	if !strings.Contains(sent, `{"outboundTriggers":[{"id":"`+tr.ID+`","enabled":false,"templateId":"`+tpl.ID+`","templateName":"order_ready"}]}`) {
		t.Fatalf("the trigger update was not sent as the SDK's input:\n%s", sent)
	}

	rotated, ok := rec.sim.RotateTriggerSecret(testKey, a.ID, tr.ID)
	if !ok {
		t.Fatal("no trigger to rotate")
	}
	got, err := rec.client.GetAgent(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.OutboundTriggers[0].Secret != rotated {
		t.Fatalf("read secret %q, want the rotated one", got.OutboundTriggers[0].Secret)
	}
}

// A trigger's secret never shows in what the client produces: its errors, its metrics, or an
// agent printed with any verb.
func TestATriggerSecretNeverLeaks(t *testing.T) {
	rec := newRecorder(t)
	ctx := context.Background()
	tpl, err := rec.client.CreateTemplate(ctx, orderReady("UTILITY", "Hi {{1}}"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := rec.client.CreateAgent(ctx, "Coffee")
	if err != nil {
		t.Fatal(err)
	}
	a, err = rec.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{OutboundTriggers: []wassist.AgentOutboundTrigger{
		{Enabled: true, TemplateID: tpl.ID, TemplateName: tpl.Name},
	}})
	if err != nil {
		t.Fatal(err)
	}
	secret := a.OutboundTriggers[0].Secret
	var texts []string
	record := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	wrong := a.OutboundTriggers[0]
	wrong.TemplateName = "not_its_name"
	_, err = rec.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{OutboundTriggers: []wassist.AgentOutboundTrigger{wrong}})
	record(err)
	rec.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultEmptyBody, Count: 1})
	_, err = rec.client.GetAgent(ctx, a.ID)
	record(err)
	rec.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Count: 1})
	_, err = rec.client.GetAgent(ctx, a.ID)
	record(err)
	if len(texts) < 6 {
		t.Fatalf("only %d error texts recorded", len(texts))
	}
	texts = append(texts, gatherText(t, rec.reg), rec.sent(),
		fmt.Sprint(a), fmt.Sprintf("%v", *a), fmt.Sprintf("%+v", *a), fmt.Sprintf("%#v", *a), fmt.Sprintf("%s", a.OutboundTriggers))
	for _, text := range texts {
		if strings.Contains(text, secret) {
			t.Fatalf("the trigger secret leaked into: %s", text)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", *a), "Secret:[redacted]") {
		t.Fatalf("a printed agent does not show that its trigger has a secret: %+v", *a)
	}
}

// The publish and unpublish answers are decoded as the SDK types them, nulls included: the
// SDK's link has accountName, metaTemplateId and rejectionReason nullable, and an error entry
// may lack its error text.
func TestPublishAnswersAsTheSDKTypesThem(t *testing.T) {
	const answer = `{"id":"t1","name":"order_ready","category":"UTILITY","language":"en_US","parameterFormat":"POSITIONAL",
		"components":[],"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z",
		"accountLinks":[{"accountId":"a1","accountName":null,"wabaId":"100","metaTemplateId":null,"status":"DRAFT",
			"qualityScore":"UNKNOWN","rejectionReason":null}],
		"publishResults":[{"accountId":"a1","status":"DRAFT"}],"publishErrors":[{"accountId":"a2"},{"accountId":"a3","error":"Meta said no"}],
		"unpublishResults":[{"accountId":"a1","unpublished":true}],"unpublishErrors":[{"accountId":"a2"}]}`
	c := clientOf(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer))
	})
	ctx := context.Background()
	tpl, results, err := c.PublishTemplate(ctx, "t1", []string{"a1", "a2", "a3"})
	if err != nil {
		t.Fatal(err)
	}
	wantLink := wassist.TemplateAccountLink{AccountID: "a1", WABAID: "100", Status: wassist.TemplateDraft, QualityScore: "UNKNOWN"}
	if len(tpl.AccountLinks) != 1 || tpl.AccountLinks[0] != wantLink || tpl.UpdatedAt == nil {
		t.Fatalf("template %+v", tpl)
	}
	wantResults := []wassist.TemplatePublishResult{
		{AccountID: "a1", Status: "DRAFT"}, {AccountID: "a2", Error: "not published"}, {AccountID: "a3", Error: "Meta said no"},
	}
	if fmt.Sprint(results) != fmt.Sprint(wantResults) {
		t.Fatalf("results %+v, want %+v", results, wantResults)
	}
	tpl, err = c.UnpublishTemplate(ctx, "t1", []string{"a1", "a2"})
	ue, ok := errors.AsType[*wassist.UnpublishError](err)
	if !ok || len(ue.Failed) != 1 || ue.Failed[0] != (wassist.TemplatePublishResult{AccountID: "a2", Error: "not unpublished"}) || tpl.ID != "t1" {
		t.Fatalf("unpublish: %+v %v", tpl, err)
	}
}
