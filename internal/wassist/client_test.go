package wassist_test

import (
	"bytes"
	"context"
	"encoding/json"
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

const testKey = "wk_live_s3cr3t-key-for-tests"

// fixture is a simulator and a client of testKey on it, with its own metrics registry.
type fixture struct {
	sim    *wassisttest.Server
	srv    *httptest.Server
	pool   *wassist.Pool
	client *wassist.Client
	reg    *prometheus.Registry
}

func newFixture(t *testing.T, o wassisttest.Options, po wassist.PoolOptions) *fixture {
	t.Helper()
	if len(o.APIKeys) == 0 {
		o.APIKeys = []string{testKey}
	}
	if o.RateLimit == 0 {
		o.RateLimit = -1 // the client's own budget is tested separately
	}
	sim, srv := wassisttest.NewHTTPTest(o)
	t.Cleanup(srv.Close)
	reg := prometheus.NewRegistry()
	po.BaseURL = srv.URL + "/api/v1"
	po.Metrics = wassist.NewMetrics(reg)
	if po.RequestsPerMinute == 0 {
		po.RequestsPerMinute = 100000
		po.Burst = 100000
	}
	pool := wassist.NewPool(po)
	c, err := pool.For(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sim: sim, srv: srv, pool: pool, client: c, reg: reg}
}

func TestAgentLifecycle(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()

	created, err := f.client.CreateAgent(ctx, "Coffee Concierge")
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Name != "Coffee Concierge" {
		t.Fatalf("created %+v", created)
	}

	schema := json.RawMessage(`{"url":"https://shop.example.com/orders/{order_id}","method":"GET"}`)
	updated, err := f.client.UpdateAgent(ctx, created.ID, wassist.AgentUpdate{
		SystemPrompt: new("You are a barista."),
		Icebreakers:  []string{"Menu", "Hours"},
		LLMModel:     wassist.Value("openai/gpt-4.1-mini"),
		Tools:        []wassist.AgentTool{{Name: "order_status", APISchema: schema, Active: true}},
		MemoryKeys:   []wassist.AgentMemoryKey{{Key: "order", Type: "string"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(updated.Tools) != 1 || updated.Tools[0].ID == "" || updated.SystemPrompt != "You are a barista." {
		t.Fatalf("updated %+v", updated)
	}
	toolID := updated.Tools[0].ID

	// Sending the entry back with its id updates it in place: no churn of server ids.
	tool := updated.Tools[0]
	tool.Description = "Look up an order"
	again, err := f.client.UpdateAgent(ctx, created.ID, wassist.AgentUpdate{Tools: []wassist.AgentTool{tool}})
	if err != nil {
		t.Fatal(err)
	}
	if again.Tools[0].ID != toolID || again.Tools[0].Description != "Look up an order" {
		t.Fatalf("tool id %s -> %s, description %q", toolID, again.Tools[0].ID, again.Tools[0].Description)
	}

	got, err := f.client.GetAgent(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LLMModel == nil || *got.LLMModel != "openai/gpt-4.1-mini" || len(got.Icebreakers) != 2 {
		t.Fatalf("get %+v", got)
	}

	// Clearing: null llmModel and an empty list are sent, not left out.
	cleared, err := f.client.UpdateAgent(ctx, created.ID, wassist.AgentUpdate{LLMModel: wassist.Null[string](), Icebreakers: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if cleared.LLMModel != nil || len(cleared.Icebreakers) != 0 {
		t.Fatalf("not cleared: llmModel %v icebreakers %v", cleared.LLMModel, cleared.Icebreakers)
	}

	if err := f.client.DeleteAgent(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.GetAgent(ctx, created.ID); !wassist.IsNotFound(err) {
		t.Fatalf("get after delete: %v, want not found", err)
	}
	if err := f.client.DeleteAgent(ctx, created.ID); !wassist.IsNotFound(err) {
		t.Fatalf("second delete: %v, want not found", err)
	}
}

// Wake-up configs, image tools and MCP configs go out and come back typed, diffed by id: an
// entry sent with its id keeps it, and an id that is not the agent's is refused by field.
func TestAgentListsRoundTripThroughTheClient(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	connector := f.sim.SeedConnector(testKey, "Calendar")
	a, err := f.client.CreateAgent(ctx, "Coffee")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{
		WakeUpConfigs:      []wassist.AgentWakeUpConfig{{Description: "Nudge after a day", Enabled: true}},
		ImageGenerateTools: []wassist.AgentImageGenerateTool{{Name: "draw", Description: "Draws", Prompt: "A cup", CreditCost: 2, Active: true}},
		MCPConfigs:         []wassist.AgentMCPConfig{{ConnectorID: connector}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.WakeUpConfigs) != 1 || got.WakeUpConfigs[0].ID == "" || !got.WakeUpConfigs[0].Enabled ||
		len(got.ImageGenerateTools) != 1 || got.ImageGenerateTools[0].CreditCost != 2 ||
		len(got.MCPConfigs) != 1 || got.MCPConfigs[0].ConnectorName != "Calendar" || got.MCPConfigs[0].ToolWhitelist == nil {
		t.Fatalf("agent %+v", got)
	}
	wake := got.WakeUpConfigs[0]
	wake.ForceMessage = true
	mcp := got.MCPConfigs[0]
	mcp.ToolWhitelist = []string{"list_events"}
	again, err := f.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{
		WakeUpConfigs: []wassist.AgentWakeUpConfig{wake}, MCPConfigs: []wassist.AgentMCPConfig{mcp},
	})
	if err != nil {
		t.Fatal(err)
	}
	if again.WakeUpConfigs[0].ID != wake.ID || !again.WakeUpConfigs[0].ForceMessage || again.MCPConfigs[0].ID != mcp.ID ||
		len(again.MCPConfigs[0].ToolWhitelist) != 1 || len(again.ImageGenerateTools) != 1 {
		t.Fatalf("update by id: %+v", again)
	}
	stale := wassist.AgentImageGenerateTool{ID: wake.ID, Name: "draw", Description: "d", Prompt: "p"}
	_, err = f.client.UpdateAgent(ctx, a.ID, wassist.AgentUpdate{ImageGenerateTools: []wassist.AgentImageGenerateTool{stale}})
	if !wassist.IsInvalid(err) || !strings.Contains(err.Error(), "imageGenerateTools[0].id: Invalid pk") {
		t.Fatalf("another list's id: %v", err)
	}
}

func TestCreateBYOAAgent(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	a, err := f.client.CreateBYOAAgent(ctx, "https://bot.example.com/wassist")
	if err != nil {
		t.Fatal(err)
	}
	if hook, ok := f.sim.BYOAWebhook(testKey, a.ID); a.ID == "" || !ok || hook != "https://bot.example.com/wassist" {
		t.Fatalf("created %+v with webhook %q", a, hook)
	}
	if n := f.sim.Count(testKey, http.MethodPost, "/agents/byoa/"); n != 1 {
		t.Fatalf("%d requests to POST /agents/byoa/", n)
	}
	_, err = f.client.CreateBYOAAgent(ctx, "http://bot.example.com/wassist")
	if !wassist.IsInvalid(err) || !strings.Contains(err.Error(), "webhookUrl: ") {
		t.Fatalf("a plain http webhook: %v", err)
	}
}

func TestListAgentsReadsEveryPage(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	for i := range 250 {
		f.sim.SeedAgent(testKey, wassisttest.Agent{Name: fmt.Sprintf("agent-%03d", i)})
	}
	agents, err := f.client.ListAgents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != 250 {
		t.Fatalf("listed %d agents, want 250", len(agents))
	}
	seen := map[string]bool{}
	for _, a := range agents {
		if seen[a.ID] {
			t.Fatalf("agent %s listed twice", a.ID)
		}
		seen[a.ID] = true
	}
	if n := f.sim.Count(testKey, http.MethodGet, "/agents/"); n != 3 {
		t.Fatalf("%d list requests for 250 agents, want 3 pages of 100", n)
	}
}

// A "next" link to another host is never followed: the key would go with it.
func TestListNeverFollowsNextToAnotherHost(t *testing.T) {
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the client called a foreign host: %s", r.URL)
	}))
	defer foreign.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offset := r.URL.Query().Get("offset")
		page := map[string]any{"count": 2, "previous": nil}
		if offset == "0" {
			page["next"] = foreign.URL + "/api/v1/agents/?limit=1&offset=1"
			page["results"] = []map[string]string{{"id": "a1", "name": "one"}}
		} else {
			page["next"] = nil
			page["results"] = []map[string]string{{"id": "a2", "name": "two"}}
		}
		_ = json.NewEncoder(w).Encode(page)
	}))
	defer api.Close()
	c, err := wassist.New(testKey, wassist.Options{BaseURL: api.URL + "/api/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	agents, err := c.ListAgents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != 2 || agents[1].ID != "a2" {
		t.Fatalf("agents %+v", agents)
	}
}

func TestShareAndUnshare(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	a, err := f.client.CreateAgent(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.ShareAgent(ctx, a.ID, "447700900123"); err != nil {
		t.Fatal(err)
	}
	if got := f.sim.SharedWith(testKey, a.ID); len(got) != 1 {
		t.Fatalf("shared with %v", got)
	}
	if err := f.client.UnshareAgent(ctx, a.ID, "447700900123"); err != nil {
		t.Fatal(err)
	}
	if got := f.sim.SharedWith(testKey, a.ID); len(got) != 0 {
		t.Fatalf("still shared with %v", got)
	}
}

func seedAccount(f *fixture) wassisttest.Account {
	return f.sim.SeedAccount(testKey, wassisttest.Account{
		Name: "Daily Grind Ltd",
		PhoneNumbers: []wassisttest.AccountPhoneNumber{
			{Number: "447700900100"}, {Number: "447700900101"},
		},
	})
}

func TestPhoneNumbersInBothListShapes(t *testing.T) {
	for _, envelope := range []bool{false, true} {
		t.Run(fmt.Sprintf("envelope=%v", envelope), func(t *testing.T) {
			f := newFixture(t, wassisttest.Options{BareLists: !envelope}, wassist.PoolOptions{})
			ctx := context.Background()
			seedAccount(f)
			agent, err := f.client.CreateAgent(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			numbers, err := f.client.ListPhoneNumbers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(numbers) != 2 {
				t.Fatalf("numbers %+v", numbers)
			}
			n, err := f.client.ConnectAgent(ctx, "447700900100", agent.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if n.ActiveAgent.ID != agent.ID {
				t.Fatalf("connect answered active agent %q", n.ActiveAgent.ID)
			}
			got, err := f.client.GetPhoneNumber(ctx, "447700900100")
			if err != nil {
				t.Fatal(err)
			}
			if got.ActiveAgent.ID != agent.ID || got.Number != "447700900100" {
				t.Fatalf("number %+v", got)
			}
			if _, err := f.client.GetPhoneNumber(ctx, "447700900999"); !wassist.IsNotFound(err) {
				t.Fatalf("unknown number: %v", err)
			}
			_, err = f.client.ConnectAgent(ctx, "447700900100", "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e", false)
			if !wassist.IsInvalid(err) || !strings.Contains(err.Error(), "agentId") {
				t.Fatalf("connect to an unknown agent: %v", err)
			}
		})
	}
}

// Unsubscribe sends applyToExisting either way (the API defaults it to true) and answers
// with the number, now routed nowhere; the metrics name the route, not the number.
func TestUnsubscribeNumberPostsApplyToExistingAndDecodesTheNumber(t *testing.T) {
	sim, _ := wassisttest.NewHTTPTest(wassisttest.Options{APIKeys: []string{testKey}, RateLimit: -1})
	var mu sync.Mutex
	var sent []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent = append(sent, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		sim.ServeHTTP(w, r)
	}))
	defer srv.Close()
	reg := prometheus.NewRegistry()
	c, err := wassist.New(testKey, wassist.Options{BaseURL: srv.URL + "/api/v1", Metrics: wassist.NewMetrics(reg)})
	if err != nil {
		t.Fatal(err)
	}
	acc := sim.SeedAccount(testKey, wassisttest.Account{Name: "Daily Grind Ltd",
		PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: "447700900100"}}})
	agent := sim.SeedAgent(testKey, wassisttest.Agent{Name: "a"})
	ctx := context.Background()

	for _, apply := range []bool{false, true} {
		if !sim.ConnectNumber(testKey, "447700900100", agent.ID) {
			t.Fatal("could not route the number")
		}
		n, err := c.UnsubscribeNumber(ctx, "447700900100", apply)
		if err != nil {
			t.Fatal(err)
		}
		if n.ID != acc.PhoneNumbers[0].ID || n.Number != "447700900100" || n.WhatsAppBusinessAccount.ID != acc.ID ||
			n.ActiveAgent.ID != "" || n.DefaultRouting != "" {
			t.Fatalf("applyToExisting=%v: answered %+v", apply, n)
		}
	}
	want := []string{
		`POST /api/v1/phone-numbers/447700900100/unsubscribe/ {"applyToExisting":false}`,
		`POST /api/v1/phone-numbers/447700900100/unsubscribe/ {"applyToExisting":true}`,
	}
	if strings.Join(sent, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sent:\n%s\nwant:\n%s", strings.Join(sent, "\n"), strings.Join(want, "\n"))
	}
	if n, _ := sim.PhoneNumber(testKey, "447700900100"); n.ActiveAgent != nil || n.DefaultRouting != nil {
		t.Fatalf("the API still routes the number: %+v", n)
	}
	if _, err := c.UnsubscribeNumber(ctx, "447700900999", true); !wassist.IsNotFound(err) ||
		!strings.Contains(err.Error(), "POST /phone-numbers/{number}/unsubscribe/") {
		t.Fatalf("unknown number: %v", err)
	}

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var metrics strings.Builder
	for _, mf := range families {
		_, _ = expfmt.MetricFamilyToText(&metrics, mf)
	}
	text := metrics.String()
	if !strings.Contains(text, `route="/phone-numbers/{number}/unsubscribe/"`) || strings.Contains(text, "447700900") {
		t.Fatalf("metrics must label the route by template, never by number:\n%s", text)
	}
}

func TestWhatsAppAccountsInBothListShapes(t *testing.T) {
	for _, envelope := range []bool{false, true} {
		t.Run(fmt.Sprintf("envelope=%v", envelope), func(t *testing.T) {
			f := newFixture(t, wassisttest.Options{BareLists: !envelope}, wassist.PoolOptions{})
			ctx := context.Background()
			acct := seedAccount(f)
			other := f.sim.SeedAccount(testKey, wassisttest.Account{Name: "Other",
				PhoneNumbers: []wassisttest.AccountPhoneNumber{{Number: "447700900200"}}})
			agent, err := f.client.CreateAgent(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			accounts, err := f.client.ListWhatsAppAccounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(accounts) != 2 {
				t.Fatalf("accounts %+v", accounts)
			}
			got, err := f.client.GetWhatsAppAccount(ctx, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.PhoneNumbers) != 2 {
				t.Fatalf("account %+v", got)
			}
			numberID := got.PhoneNumbers[0].ID
			if err := f.client.DeployAgent(ctx, acct.ID, agent.ID, numberID); err != nil {
				t.Fatal(err)
			}
			got, err = f.client.GetWhatsAppAccount(ctx, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.PhoneNumbers[0].Bot == nil || got.PhoneNumbers[0].Bot.ID != agent.ID {
				t.Fatalf("number not serving the agent: %+v", got.PhoneNumbers[0])
			}
			// A number of another account is refused with the API's field message.
			err = f.client.DeployAgent(ctx, acct.ID, agent.ID, other.PhoneNumbers[0].ID)
			if !wassist.IsInvalid(err) || !strings.Contains(err.Error(), "phoneNumberId") {
				t.Fatalf("deploy to another account's number: %v", err)
			}
		})
	}
}

func TestLinkSessions(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	s, err := f.client.CreateLinkSession(ctx, "https://app.example.com/ok", "https://app.example.com/cancel")
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != wassist.LinkSessionPending || s.LinkURL == "" {
		t.Fatalf("session %+v", s)
	}
	list, err := f.client.ListLinkSessions(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
	expired, err := f.client.ExpireLinkSession(ctx, s.ID)
	if err != nil || expired.Status != wassist.LinkSessionExpired {
		t.Fatalf("expire %+v %v", expired, err)
	}
	got, err := f.client.GetLinkSession(ctx, s.ID)
	if err != nil || got.Status != wassist.LinkSessionExpired {
		t.Fatalf("get %+v %v", got, err)
	}
	if _, err := f.client.ExpireLinkSession(ctx, s.ID); !wassist.IsInvalid(err) {
		t.Fatalf("expiring twice: %v", err)
	}
	if _, err := f.client.CreateLinkSession(ctx, "", ""); !wassist.IsInvalid(err) {
		t.Fatalf("create without URLs: %v", err)
	}
}

func TestErrorClassesFromTheSimulator(t *testing.T) {
	ctx := context.Background()

	t.Run("wrong key is unauthorized", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		other, err := f.pool.For("not-a-key")
		if err != nil {
			t.Fatal(err)
		}
		_, err = other.ListAgents(ctx)
		if !wassist.IsUnauthorized(err) || wassist.IsRetryable(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("invalid body carries the API's field message", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		_, err := f.client.CreateAgent(ctx, strings.Repeat("n", 256))
		if !wassist.IsInvalid(err) || !strings.Contains(err.Error(), "name: Ensure this field has no more than 255 characters.") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("403 and 409 are their own classes and name the request id", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		for kind, is := range map[wassisttest.FaultKind]func(error) bool{
			wassisttest.FaultPermissionDenied: wassist.IsPermissionDenied, wassisttest.FaultConflict: wassist.IsConflict,
		} {
			f.sim.InjectFault(wassisttest.Fault{Kind: kind, Count: 1})
			_, err := f.client.ListAgents(ctx)
			reqs := f.sim.Requests()
			id := reqs[len(reqs)-1].RequestID
			if !is(err) || wassist.IsUnauthorized(err) || wassist.IsRetryable(err) || !strings.HasSuffix(err.Error(), "(request id "+id+")") {
				t.Fatalf("%s: got %v, want its class and request id %s", kind, err, id)
			}
		}
	})
	t.Run("connecting another organisation's agent is permission denied", func(t *testing.T) {
		const otherKey = "wk_live_another-organisation"
		f := newFixture(t, wassisttest.Options{APIKeys: []string{testKey, otherKey}}, wassist.PoolOptions{})
		seedAccount(f)
		foreign := f.sim.SeedAgent(otherKey, wassisttest.Agent{Name: "not ours"})
		_, err := f.client.ConnectAgent(ctx, "447700900100", foreign.ID, true)
		if !wassist.IsPermissionDenied(err) || !strings.Contains(err.Error(), "You do not have permission to perform this action.") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("5xx is retryable", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		f.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Status: 503, Count: 1})
		_, err := f.client.ListAgents(ctx)
		if !wassist.IsRetryable(err) || wassist.IsInvalid(err) || !strings.Contains(err.Error(), "503") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a dropped connection is retryable and names the endpoint", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		f.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultDrop, Count: 1})
		_, err := f.client.CreateAgent(ctx, "x")
		if err == nil || !wassist.IsRetryable(err) || !strings.Contains(err.Error(), "POST /agents/") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a lost create response is an error though the agent exists", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
		f.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Method: http.MethodPost, Route: "/agents/", Count: 1})
		if _, err := f.client.CreateAgent(ctx, "lost"); err == nil || !wassist.IsRetryable(err) {
			t.Fatalf("got %v", err)
		}
		if n := len(f.sim.Agents(testKey)); n != 1 {
			t.Fatalf("%d agents stored, want the 1 whose response was lost", n)
		}
	})
	t.Run("the call timeout applies", func(t *testing.T) {
		f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{Options: wassist.Options{Timeout: 50 * time.Millisecond}})
		f.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Latency: 5 * time.Second, Count: 1})
		_, err := f.client.ListAgents(ctx)
		if !errors.Is(err, context.DeadlineExceeded) || !wassist.IsRetryable(err) {
			t.Fatalf("got %v", err)
		}
	})
}

// A 429 stops the whole key for retry-after: the next call is held back locally and
// the API sees nothing more from the key until then.
func TestRateLimitedAnswerBlocksTheKey(t *testing.T) {
	for _, omitHeader := range []bool{false, true} {
		t.Run(fmt.Sprintf("omitHeader=%v", omitHeader), func(t *testing.T) {
			f := newFixture(t, wassisttest.Options{OmitRetryAfterHeader: omitHeader}, wassist.PoolOptions{})
			ctx := context.Background()
			f.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, RetryAfter: 42 * time.Second, Count: 1})
			_, err := f.client.ListAgents(ctx)
			if !wassist.IsRateLimited(err) {
				t.Fatalf("got %v", err)
			}
			if got := wassist.RetryAfter(err); got != 42*time.Second {
				t.Fatalf("retry after %s, want 42s", got)
			}
			before := len(f.sim.Requests())
			_, err = f.client.ListAgents(ctx)
			var local *wassist.RateLimitedError
			if !errors.As(err, &local) || local.RetryAfter < 40*time.Second {
				t.Fatalf("second call: %v, want it held back locally for about 42s", err)
			}
			if after := len(f.sim.Requests()); after != before {
				t.Fatalf("the blocked key sent %d more requests", after-before)
			}
		})
	}
}

// Clients of one key share its budget, clients of two keys do not.
func TestTheBudgetIsSharedPerKey(t *testing.T) {
	const otherKey = "wk_live_another-key"
	clock := wassisttest.NewFakeClock(time.Unix(1_700_000_000, 0))
	f := newFixture(t, wassisttest.Options{APIKeys: []string{testKey, otherKey}},
		wassist.PoolOptions{RequestsPerMinute: 60, Burst: 3, Now: clock.Now, Options: wassist.Options{MaxWait: time.Millisecond}})
	ctx := context.Background()

	same, err := f.pool.For(testKey)
	if err != nil {
		t.Fatal(err)
	}
	if same != f.client {
		t.Fatal("the pool made a second client for the same key")
	}
	for i := range 3 {
		c := f.client
		if i%2 == 1 {
			c = same
		}
		if _, err := c.ListAgents(ctx); err != nil {
			t.Fatalf("call %d within the burst: %v", i, err)
		}
	}
	if _, err := same.ListAgents(ctx); !wassist.IsRateLimited(err) {
		t.Fatalf("the fourth call of the key went through: %v", err)
	}
	if d := f.client.Budget().Delay(); d <= 0 {
		t.Fatalf("Delay = %s, want the time until the next token", d)
	}

	other, err := f.pool.For(otherKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ListAgents(ctx); err != nil {
		t.Fatalf("another key was charged for the first key's calls: %v", err)
	}
	clock.Advance(2 * time.Second)
	if _, err := same.ListAgents(ctx); err != nil {
		t.Fatalf("after the refill: %v", err)
	}
}

func TestConcurrentCallsShareOneBudget(t *testing.T) {
	clock := wassisttest.NewFakeClock(time.Unix(1_700_000_000, 0))
	f := newFixture(t, wassisttest.Options{},
		wassist.PoolOptions{RequestsPerMinute: 100, Burst: 10, Now: clock.Now, Options: wassist.Options{MaxWait: time.Millisecond}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	sent := 0
	for range 40 {
		wg.Go(func() {
			c, _ := f.pool.For(testKey)
			if _, err := c.ListAgents(context.Background()); err == nil {
				mu.Lock()
				sent++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if sent != 10 {
		t.Fatalf("%d of 40 concurrent calls went through, want the burst of 10", sent)
	}
}

func TestRequestsCarryTheUserAgentAndTheTrailingSlash(t *testing.T) {
	sim, _ := wassisttest.NewHTTPTest(wassisttest.Options{APIKeys: []string{testKey}, RateLimit: -1})
	var mu sync.Mutex
	var agents, paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents, paths = append(agents, r.Header.Get("User-Agent")), append(paths, r.URL.Path)
		mu.Unlock()
		sim.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := wassist.New(testKey, wassist.Options{BaseURL: srv.URL + "/api/v1"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAgent(context.Background(), "ua")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAgent(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	for i := range agents {
		if !strings.HasPrefix(agents[i], "wassist-operator/") || !strings.HasSuffix(paths[i], "/") {
			t.Fatalf("request %d: User-Agent %q path %q", i, agents[i], paths[i])
		}
	}
	if _, err := c.GetAgent(context.Background(), ""); err == nil || wassist.IsNotFound(err) {
		t.Fatalf("an empty id must be refused, not reported as not found: %v", err)
	}
}

// The API key never appears in an error, in the metrics, or in the pool's key ids.
func TestTheKeyNeverLeaks(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	var texts []string
	record := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	a, err := f.client.CreateAgent(ctx, "a")
	record(err)
	_, err = f.client.GetAgent(ctx, "00000000-0000-4000-8000-000000000000")
	record(err)
	_, err = f.client.CreateAgent(ctx, "")
	record(err)
	for _, kind := range []wassisttest.FaultKind{wassisttest.FaultError, wassisttest.FaultDrop, wassisttest.FaultRateLimit} {
		f.sim.InjectFault(wassisttest.Fault{Kind: kind, Count: 1})
		_, err = f.client.GetAgent(ctx, a.ID)
		record(err)
	}
	_, err = f.client.GetAgent(ctx, a.ID) // held back by the 429's block
	record(err)
	wrong, _ := f.pool.For(testKey + "-wrong")
	_, err = wrong.ListAgents(ctx)
	record(err)
	if len(texts) < 15 {
		t.Fatalf("only %d error texts recorded", len(texts))
	}

	families, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var metrics strings.Builder
	for _, mf := range families {
		_, _ = expfmt.MetricFamilyToText(&metrics, mf)
	}
	texts = append(texts, metrics.String(), wassist.KeyID(testKey))

	for _, text := range texts {
		if strings.Contains(text, testKey) || strings.Contains(text, "s3cr3t") {
			t.Fatalf("the API key leaked into: %s", text)
		}
	}
	if !strings.Contains(metrics.String(), `route="/agents/{id}/"`) || strings.Contains(metrics.String(), a.ID) {
		t.Fatalf("metrics must label routes by template, never by id:\n%s", metrics.String())
	}
}

// A list of several pages read for an object whose budget is short completes: after its
// first page, the pages wait for their tokens in place instead of being handed back, which
// would start the list over at each token.
func TestAListOfSeveralPagesCompletesUnderATurn(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{RequestsPerMinute: 1200, Burst: 1})
	for i := range 250 {
		f.sim.SeedAgent(testKey, wassisttest.Agent{Name: fmt.Sprintf("agent-%03d", i)})
	}
	ctx := wassist.WithTurn(context.Background(), wassist.Turn{Holder: "uid-1", Urgent: true})
	for attempt := range 5 {
		agents, err := f.client.ListAgents(ctx)
		if err == nil {
			if len(agents) != 250 {
				t.Fatalf("%d agents listed, want 250", len(agents))
			}
			if n := len(f.sim.Requests()); n > attempt+3 {
				t.Fatalf("%d requests for a list of 3 pages in %d attempts", n, attempt+1)
			}
			return
		}
		if !wassist.IsRateLimited(err) {
			t.Fatal(err)
		}
		time.Sleep(wassist.RetryAfter(err)) // the caller comes back at its token's time
	}
	t.Fatalf("the list never completed: %d requests sent", len(f.sim.Requests()))
}
