package agent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// Hostile input, the spec side: whatever a manifest the schema admits holds, the PATCH the
// operator builds from it is valid JSON, carries exactly the spec's values (nothing lost,
// nothing invented), is accepted by the API, and leaves the remote agent equal to the spec,
// so the next comparison finds nothing to do instead of patching forever.
//
// This file is in package controller, not controller_test, to reach the mapping itself; it
// needs no API server, so `go test -run '^FuzzAgentRequest$'` and `make fuzz` run it alone.

const fuzzKey = "fuzz-key"

func FuzzAgentRequest(f *testing.F) {
	f.Add([]byte("concierge\x00You are a barista.\x00Hi!"))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Add([]byte("\x05 padded name \t\x03\x07\x01tool\x02\x00\x09\x10  \x11\x12\x13\x14"))
	f.Add([]byte("\xf0\x9f\x98\x80<b>&amp;</b>\u2028\x1b[31m\x00\x00\x00\x01\x02\x03\x04\x05\x06"))
	f.Add(append([]byte("\x07\x07\x07\x07\x07\x07\x07\x07"), bytes.Repeat([]byte("abc\x00\x01\x02\x03"), 40)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzInput{data: data}
		first, second := in.agent("first"), in.agent("second")

		sim := wassisttest.New(wassisttest.Options{APIKeys: []string{fuzzKey}, RateLimit: -1})
		children := make([]string, 3)
		for i := range children {
			children[i] = sim.SeedAgent(fuzzKey, wassisttest.Agent{Name: fmt.Sprintf("child-%d", i)}).ID
		}
		connectors := make([]string, 3)
		for i := range connectors {
			connectors[i] = sim.SeedConnector(fuzzKey, fmt.Sprintf("connector-%d", i))
		}
		var created wassist.Agent
		simCall(t, sim, http.MethodPost, "/agents/", map[string]string{"name": "placeholder"}, http.StatusCreated, &created)

		// The second spec is applied over what the first left, so entries kept by key
		// are updated in place (with their ids) and the rest created or removed.
		for _, a := range []*fuzzAgent{first, second} {
			a.resolve(children, connectors)
			var remote wassist.Agent
			simCall(t, sim, http.MethodGet, "/agents/"+created.ID+"/", nil, http.StatusOK, &remote)
			want := desiredView(a.agent, a.refs)
			body, err := json.Marshal(want.update(&remote))
			if err != nil || !json.Valid(body) {
				t.Fatalf("the PATCH does not encode to valid JSON: %v\n%s", err, body)
			}
			checkCarriesSpec(t, a, &remote, body)

			var patched wassist.Agent
			if code := simCallStatus(t, sim, http.MethodPatch, "/agents/"+created.ID+"/", json.RawMessage(body), &patched); code != http.StatusOK {
				t.Fatalf("the API refused the PATCH of a spec the schema admits (%d)\nspec: %s\nbody: %s",
					code, specJSON(a.agent), body)
			}
			if got := want.observed(&patched); !got.equal(want) {
				t.Fatalf("after the PATCH the remote agent still differs from the spec: a drift loop\nwant %+v\ngot  %+v", want, got)
			}
			var again wassist.Agent
			simCall(t, sim, http.MethodGet, "/agents/"+created.ID+"/", nil, http.StatusOK, &again)
			if !want.observed(&again).equal(want) || want.hash("") != want.observed(&again).hash("") {
				t.Fatal("a fresh read of the remote agent differs from the spec")
			}
		}
	})
}

// fuzzAgent is a WassistAgent as the API server would hand it to the operator, with the
// references it names resolved as the reconciler resolves them.
type fuzzAgent struct {
	agent *wassistv1alpha1.WassistAgent
	refs  resolvedRefs
	// handoff agentRef names, and agentIDs as indexes into the seeded children.
	refChild map[string]int
	idChild  []int
	// mcpConnector are the mcpConfigs' connectors, as indexes into the seeded ones.
	mcpConnector []int
	password     string
}

func (a *fuzzAgent) resolve(children, connectors []string) {
	for i, c := range a.mcpConnector {
		a.agent.Spec.MCPConfigs[i].ConnectorID = connectors[c]
	}
	a.refs = resolvedRefs{handoffIDs: map[string]string{}, creditPassword: a.password}
	for name, i := range a.refChild {
		a.refs.handoffIDs[name] = children[i]
	}
	for i, h := range a.agent.Spec.HandoffTools {
		if h.AgentRef == nil {
			a.agent.Spec.HandoffTools[i].AgentID = children[a.idChild[i]]
		}
	}
}

// fuzzInput turns fuzz bytes into values the CRD schema admits: every string within its
// maxLength in characters, valid UTF-8 (the API server replaces invalid bytes when it
// decodes JSON), every list within maxItems and with unique keys.
type fuzzInput struct {
	data []byte
}

func (in *fuzzInput) byte() byte {
	if len(in.data) == 0 {
		return 0
	}
	b := in.data[0]
	in.data = in.data[1:]
	return b
}

func (in *fuzzInput) intn(n int) int { return int(in.byte()) % n }

func (in *fuzzInput) bool() bool { return in.byte()&1 == 1 }

// text is a string of at most maxLen characters; a zero length byte ends it early.
func (in *fuzzInput) text(maxLen int) string {
	n := min(int(in.byte()), len(in.data))
	s := strings.ToValidUTF8(string(in.data[:n]), "\uFFFD")
	in.data = in.data[n:]
	if utf8.RuneCountInString(s) > maxLen {
		s = string([]rune(s)[:maxLen])
	}
	return s
}

// nonBlank is a string the schema's "must not be blank" rule admits.
func (in *fuzzInput) nonBlank(maxLen int) string {
	if s := in.text(maxLen); strings.TrimSpace(s) != "" {
		return s
	}
	return "x"
}

// key is a list entry's key, unique within its list as listType=map demands.
// The schema forbids surrounding whitespace in keys.
func (in *fuzzInput) key(maxLen int, seen map[string]bool) string {
	s := strings.TrimSpace(in.nonBlank(maxLen - 3))
	if s == "" {
		s = "x"
	}
	for i := 0; seen[s]; i++ {
		s = fmt.Sprintf("%s%d", s, i)
	}
	seen[s] = true
	return s
}

// url is what the schema's rules admit: http or https, parsed by url.ParseRequestURI (CEL's
// isURL) with a host, and no surrounding whitespace.
func (in *fuzzInput) url() string {
	scheme := []string{"https://", "http://"}[in.intn(2)]
	s := scheme + in.text(2048-len(scheme)-8)
	if u, err := url.ParseRequestURI(s); err != nil || u.Hostname() == "" || s != strings.TrimSpace(s) {
		return scheme + "example.com/" + url.PathEscape(in.text(512))
	}
	return s
}

// apiSchema is a JSON object of up to 32 keys, with strings, integers beyond float64's
// exact range, fractions, booleans and nested objects, as a user may write it.
func (in *fuzzInput) apiSchema(depth int) map[string]any {
	m := map[string]any{}
	for range in.intn(4) {
		k := in.text(32)
		switch in.intn(6) {
		case 0:
			m[k] = in.text(256)
		case 1:
			m[k] = int64(in.byte())<<56 | int64(in.byte())<<8 | int64(in.byte())
		case 2:
			m[k] = float64(in.byte()) / 8
		case 3:
			m[k] = in.bool()
		case 4:
			if depth < 3 {
				m[k] = in.apiSchema(depth + 1)
			}
		default:
			m[k] = []any{in.text(16), int64(in.byte())}
		}
	}
	return m
}

// name is empty (metadata.name is used) or not blank, as the schema demands.
func (in *fuzzInput) name() string {
	if s := in.text(255); strings.TrimSpace(s) != "" {
		return s
	}
	return ""
}

func (in *fuzzInput) agent(name string) *fuzzAgent {
	a := &fuzzAgent{refChild: map[string]int{}}
	spec := wassistv1alpha1.WassistAgentSpec{
		APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "wassist-api-key", Key: "apiKey"},
		Name:            in.name(),
		Description:     in.text(4096),
		SystemPrompt:    in.text(100000),
		FirstMessage:    in.text(4096),
		LLMModel:        in.text(100),
		ManagedSpec:     wassistv1alpha1.ManagedSpec{DeletionPolicy: wassistv1alpha1.DeletionPolicyDelete},
	}
	for range in.intn(11) {
		spec.Icebreakers = append(spec.Icebreakers, in.nonBlank(256))
	}
	seen := map[string]bool{}
	for range in.intn(5) {
		raw, _ := json.Marshal(in.apiSchema(0))
		spec.Tools = append(spec.Tools, wassistv1alpha1.AgentTool{Name: in.key(128, seen), Description: in.text(2048),
			APISchema: runtime.RawExtension{Raw: raw}, CreditCost: int32(in.byte()) * 1000, Active: new(in.bool())})
	}
	seen = map[string]bool{}
	for range in.intn(4) {
		u := in.url()
		for seen[u] {
			u += "x"
		}
		seen[u] = true
		spec.WebsiteTools = append(spec.WebsiteTools, wassistv1alpha1.AgentWebsiteTool{URL: u,
			Prompt: in.text(2048), Active: new(in.bool())})
	}
	seen = map[string]bool{}
	for range in.intn(4) {
		spec.MemoryKeys = append(spec.MemoryKeys, wassistv1alpha1.AgentMemoryKey{Key: in.key(128, seen),
			Type:         wassistv1alpha1.MemoryKeyType([]string{"string", "number", "boolean", "json"}[in.intn(4)]),
			InitialValue: in.text(2048), WhenToUpdate: in.text(1024)})
	}
	// Handoffs name distinct children: by agentRef (a WassistAgent whose status holds the
	// id) or by agentID, never the same child twice.
	for _, child := range []int{0, 1, 2}[:in.intn(4)] {
		h := wassistv1alpha1.AgentHandoffTool{Description: in.text(2048), Active: new(in.bool())}
		if in.bool() {
			ref := fmt.Sprintf("child-%d", child)
			h.AgentRef, a.refChild[ref] = &wassistv1alpha1.AgentReference{Name: ref}, child
		}
		a.idChild = append(a.idChild, child)
		spec.HandoffTools = append(spec.HandoffTools, h)
	}
	if in.bool() {
		p := &wassistv1alpha1.PaywallConfig{
			PaywallAction:        wassistv1alpha1.PaywallAction([]string{"none", "purchase_link", "subscribe", "terminal"}[in.intn(4)]),
			CTAButtonText:        in.text(64),
			TerminalStateMessage: in.text(4096),
		}
		if in.bool() {
			p.MessageLimit = new(int32(in.byte()) * 4000)
		}
		if in.bool() {
			p.PaywallURL = in.url()
		}
		if in.bool() {
			p.SubscriptionPricePerMonth = fmt.Sprintf("%d.%d", int(in.byte())<<16|int(in.byte())<<8|int(in.byte()), in.intn(100))
		}
		spec.PaywallConfig = p
	}
	if in.bool() {
		spec.CreditSettings = &wassistv1alpha1.CreditSettings{InitialCredits: int32(in.byte()) << 20,
			CreditGrantAmount: int32(in.byte())}
		if in.bool() {
			spec.CreditSettings.CreditGrantPasswordSecretRef = &wassistv1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
			a.password = in.nonBlank(64)
		}
	}
	in.laterLists(a, &spec)
	a.agent = &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "fuzz"}, Spec: spec}
	return a
}

// laterLists fills the lists managed only when set: each is left out, empty or filled.
func (in *fuzzInput) laterLists(a *fuzzAgent, spec *wassistv1alpha1.WassistAgentSpec) {
	if in.bool() {
		spec.ImageGenerateTools = []wassistv1alpha1.AgentImageGenerateTool{}
		seen := map[string]bool{}
		for range in.intn(4) {
			spec.ImageGenerateTools = append(spec.ImageGenerateTools, wassistv1alpha1.AgentImageGenerateTool{
				Name: in.key(128, seen), Description: in.text(2048), Prompt: in.nonBlank(4096),
				CreditCost: int32(in.byte()) * 100, Active: new(in.bool())})
		}
	}
	if in.bool() {
		spec.WakeUpConfigs = []wassistv1alpha1.AgentWakeUpConfig{}
		seen := map[string]bool{}
		for range in.intn(4) {
			spec.WakeUpConfigs = append(spec.WakeUpConfigs, wassistv1alpha1.AgentWakeUpConfig{
				Description: in.key(2048, seen), Enabled: new(in.bool()), ForceMessage: in.bool()})
		}
	}
	if in.bool() {
		spec.MCPConfigs = []wassistv1alpha1.AgentMCPConfig{}
		for _, c := range []int{0, 1, 2}[:in.intn(4)] {
			m := wassistv1alpha1.AgentMCPConfig{}
			seen := map[string]bool{}
			for range in.intn(4) {
				m.ToolWhitelist = append(m.ToolWhitelist, in.key(128, seen))
			}
			spec.MCPConfigs = append(spec.MCPConfigs, m)
			a.mcpConnector = append(a.mcpConnector, c)
		}
	}
}

// checkCarriesSpec decodes the PATCH body and compares it, field by field, with what the
// spec says, written out here independently of agentView: the API trims surrounding
// whitespace, lists matched by key may come in any order, and an entry carries the id of
// the remote entry with its key, if any.
func checkCarriesSpec(t *testing.T, a *fuzzAgent, remote *wassist.Agent, body []byte) {
	t.Helper()
	spec := a.agent.Spec
	tr := strings.TrimSpace
	var got map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name":         tr(cmpOr(spec.Name, a.agent.Name)),
		"description":  tr(spec.Description),
		"systemPrompt": tr(spec.SystemPrompt),
		"firstMessage": tr(spec.FirstMessage),
		"icebreakers":  []any{},
		"llmModel":     nil,
		"tools":        []any{},
		"websiteTools": []any{},
		"memoryKeys":   []any{},
		"handoffTools": []any{},
	}
	if m := tr(spec.LLMModel); m != "" {
		want["llmModel"] = m
	}
	for _, ib := range spec.Icebreakers {
		want["icebreakers"] = append(want["icebreakers"].([]any), tr(ib))
	}
	idOf := func(list []map[string]string, key string) string {
		for _, e := range list {
			if e["key"] == key {
				return e["id"]
			}
		}
		return ""
	}
	withID := func(entry map[string]any, id string) map[string]any {
		if id != "" {
			entry["id"] = id
		}
		return entry
	}
	var remoteTools, remoteSites, remoteKeys, remoteHandoffs []map[string]string
	for _, r := range remote.Tools {
		remoteTools = append(remoteTools, map[string]string{"key": r.Name, "id": r.ID})
	}
	for _, r := range remote.WebsiteTools {
		remoteSites = append(remoteSites, map[string]string{"key": r.URL, "id": r.ID})
	}
	for _, r := range remote.MemoryKeys {
		remoteKeys = append(remoteKeys, map[string]string{"key": r.Key, "id": r.ID})
	}
	for _, r := range remote.HandoffTools {
		remoteHandoffs = append(remoteHandoffs, map[string]string{"key": r.ChildAgentID, "id": r.ID})
	}
	for _, tl := range spec.Tools {
		want["tools"] = append(want["tools"].([]any), withID(map[string]any{"name": tr(tl.Name),
			"description": tr(tl.Description), "apiSchema": decodeNumbers(t, tl.APISchema.Raw),
			"creditCost": json.Number(fmt.Sprint(tl.CreditCost)), "active": *tl.Active}, idOf(remoteTools, tr(tl.Name))))
	}
	for _, w := range spec.WebsiteTools {
		want["websiteTools"] = append(want["websiteTools"].([]any), withID(map[string]any{"url": tr(w.URL),
			"prompt": tr(w.Prompt), "active": *w.Active}, idOf(remoteSites, tr(w.URL))))
	}
	for _, m := range spec.MemoryKeys {
		want["memoryKeys"] = append(want["memoryKeys"].([]any), withID(map[string]any{"key": tr(m.Key),
			"type": string(m.Type), "initialValue": tr(m.InitialValue), "whenToUpdate": tr(m.WhenToUpdate)},
			idOf(remoteKeys, tr(m.Key))))
	}
	for _, h := range spec.HandoffTools {
		child := h.AgentID
		if h.AgentRef != nil {
			child = a.refs.handoffIDs[h.AgentRef.Name]
		}
		want["handoffTools"] = append(want["handoffTools"].([]any), withID(map[string]any{"childAgentId": child,
			"description": tr(h.Description), "active": *h.Active}, idOf(remoteHandoffs, child)))
	}
	want["paywallConfig"] = nil
	if p := spec.PaywallConfig; p != nil {
		pw := map[string]any{"messageLimit": nil, "paywallAction": string(p.PaywallAction), "paywallUrl": nil,
			"ctaButtonText": tr(p.CTAButtonText), "terminalStateMessage": tr(p.TerminalStateMessage),
			"subscriptionPricePerMonth": nil}
		if p.MessageLimit != nil {
			pw["messageLimit"] = json.Number(fmt.Sprint(*p.MessageLimit))
		}
		if u := tr(p.PaywallURL); u != "" {
			pw["paywallUrl"] = u
		}
		if p.SubscriptionPricePerMonth != "" {
			pw["subscriptionPricePerMonth"] = price(p.SubscriptionPricePerMonth)
		}
		want["paywallConfig"] = pw
	}
	want["creditSettings"] = nil
	if c := spec.CreditSettings; c != nil {
		cs := map[string]any{"initialCredits": json.Number(fmt.Sprint(c.InitialCredits)),
			"creditGrantAmount": json.Number(fmt.Sprint(c.CreditGrantAmount)), "creditGrantPassword": nil}
		if a.password != "" {
			cs["creditGrantPassword"] = a.password
		}
		want["creditSettings"] = cs
	}
	lists := []string{"tools", "websiteTools", "memoryKeys", "handoffTools"}
	lists = append(lists, laterListsOf(t, spec, remote, want)...)
	for _, list := range lists {
		sortEntries(want[list].([]any))
		sortEntries(got[list].([]any))
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("field %s: the PATCH carries %#v, the spec says %#v", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("field %s: the PATCH carries %#v, which the spec does not have", k, got[k])
			}
		}
		t.FailNow()
	}
}

// laterListsOf puts in want the lists managed only when set, as the spec says them, and
// returns their names; a list left out must not be in the PATCH at all.
func laterListsOf(t *testing.T, spec wassistv1alpha1.WassistAgentSpec, remote *wassist.Agent, want map[string]any) []string {
	t.Helper()
	tr := strings.TrimSpace
	idOf := func(n int, keyAndID func(int) (string, string), key string) string {
		for i := range n {
			if k, id := keyAndID(i); k == key {
				return id
			}
		}
		return ""
	}
	entry := func(m map[string]any, id string) map[string]any {
		if id != "" {
			m["id"] = id
		}
		return m
	}
	var lists []string
	if spec.ImageGenerateTools != nil {
		items := []any{}
		for _, it := range spec.ImageGenerateTools {
			id := idOf(len(remote.ImageGenerateTools), func(i int) (string, string) {
				return remote.ImageGenerateTools[i].Name, remote.ImageGenerateTools[i].ID
			}, tr(it.Name))
			items = append(items, entry(map[string]any{"name": tr(it.Name), "description": tr(it.Description),
				"prompt": tr(it.Prompt), "creditCost": json.Number(fmt.Sprint(it.CreditCost)), "active": *it.Active}, id))
		}
		want["imageGenerateTools"], lists = items, append(lists, "imageGenerateTools")
	}
	if spec.WakeUpConfigs != nil {
		items := []any{}
		for _, w := range spec.WakeUpConfigs {
			id := idOf(len(remote.WakeUpConfigs), func(i int) (string, string) {
				return tr(remote.WakeUpConfigs[i].Description), remote.WakeUpConfigs[i].ID
			}, tr(w.Description))
			items = append(items, entry(map[string]any{"description": tr(w.Description), "enabled": *w.Enabled,
				"forceMessage": w.ForceMessage}, id))
		}
		want["wakeUpConfigs"], lists = items, append(lists, "wakeUpConfigs")
	}
	if spec.MCPConfigs != nil {
		items := []any{}
		for _, m := range spec.MCPConfigs {
			id := idOf(len(remote.MCPConfigs), func(i int) (string, string) {
				return remote.MCPConfigs[i].ConnectorID, remote.MCPConfigs[i].ID
			}, m.ConnectorID)
			names := []any{}
			for _, n := range slices.Sorted(slices.Values(m.ToolWhitelist)) {
				names = append(names, n)
			}
			items = append(items, entry(map[string]any{"connectorId": m.ConnectorID, "toolWhitelist": names}, id))
		}
		want["mcpConfigs"], lists = items, append(lists, "mcpConfigs")
	}
	return lists
}

// decodeNumbers decodes JSON keeping numbers as written, so that a number the operator
// rounds (an integer beyond 2^53 through float64) shows as a difference.
func decodeNumbers(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func sortEntries(list []any) {
	slices.SortFunc(list, func(a, b any) int {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return bytes.Compare(x, y)
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func specJSON(a *wassistv1alpha1.WassistAgent) string {
	b, _ := json.Marshal(a.Spec)
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}

// simCall sends one request to the simulator in process and decodes its answer.
func simCall(t *testing.T, sim *wassisttest.Server, method, path string, body any, want int, out any) {
	t.Helper()
	if code := simCallStatus(t, sim, method, path, body, out); code != want {
		t.Fatalf("%s %s: status %d, want %d", method, path, code, want)
	}
}

func simCallStatus(t *testing.T, sim *wassisttest.Server, method, path string, body, out any) int {
	t.Helper()
	var r *http.Request
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = httptest.NewRequestWithContext(t.Context(), method, wassisttest.APIPrefix+path, bytes.NewReader(data))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequestWithContext(t.Context(), method, wassisttest.APIPrefix+path, nil)
	}
	r.Header.Set("X-API-Key", fuzzKey)
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, r)
	if rec.Code >= 300 {
		t.Logf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		return rec.Code
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		t.Fatalf("%s %s: decoding the answer: %v", method, path, err)
	}
	return rec.Code
}
