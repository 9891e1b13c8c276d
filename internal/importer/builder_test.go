package importer_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	agentkind "github.com/wassist-operator/wassist-operator/internal/controller/agent"
	"github.com/wassist-operator/wassist-operator/internal/importer"
	"github.com/wassist-operator/wassist-operator/internal/validate"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// creditPassword is recognisable, so that a test can tell it never reached a file.
const creditPassword = "CREDIT-GRANT-hunter2-7f3a"

// beyondInt64 is a number JSON holds and Kubernetes stores as a float64, rounded.
const beyondInt64 = "12345678901234567890"

// account is a hand-made account with every shape the builder turns into references: a
// handoff pair, a 3-cycle, a chain into an agent a filter leaves out, triggers to two
// templates, numbers routed to an agent, to a webhook and to nothing.
func account() importer.Account {
	handoff := func(child string) []wassist.AgentHandoffTool {
		return []wassist.AgentHandoffTool{{ChildAgentID: child, Description: "when asked for " + child, Active: true}}
	}
	tool := func(schema string) []wassist.AgentTool {
		return []wassist.AgentTool{{Name: "lookup", Description: "looks it up", APISchema: json.RawMessage(schema), Active: true}}
	}
	return importer.Account{
		Agents: []wassist.Agent{
			{ID: "id-billing", Name: "Billing", HandoffTools: handoff("id-refunds")},
			{ID: "id-refunds", Name: "Refunds", HandoffTools: handoff("id-billing")},
			{ID: "id-red", Name: "Red", HandoffTools: handoff("id-green")},
			{ID: "id-green", Name: "Green", HandoffTools: handoff("id-blue")},
			{ID: "id-blue", Name: "Blue", HandoffTools: handoff("id-red")},
			{ID: "id-reception", Name: "Reception", HandoffTools: handoff("id-legacy")},
			{ID: "id-legacy", Name: "Legacy FAQ"},
			{ID: "id-exact", Name: "Exact", Tools: tool(`{"url":"https://shop.example/api","method":"GET","accountId":42}`)},
			{ID: "id-huge", Name: "Huge", Tools: tool(`{"url":"https://shop.example/api","method":"GET","accountId":` + beyondInt64 + `}`)},
			{ID: "id-credits", Name: "Credits", CreditSettings: &wassist.CreditSettings{InitialCredits: 5,
				CreditGrantPassword: new(creditPassword), CreditGrantAmount: 10}},
			{ID: "id-orders", Name: "Orders", OutboundTriggers: []wassist.AgentOutboundTrigger{
				{ID: "tr-1", TemplateID: "tpl-shipped", TemplateName: "order_shipped", Enabled: true},
				{ID: "tr-2", TemplateID: "tpl-promo", TemplateName: "promo_old", Enabled: false},
			}},
		},
		Numbers: []wassist.PhoneNumber{
			{Number: "+447700900500", ActiveAgent: wassist.Ref{ID: "id-reception"}, DefaultRouting: "agent"},
			{Number: "+447700900501", DefaultRouting: "webhook", DefaultWebhook: wassist.Ref{ID: "wh-crm"}},
			{Number: "+447700900502"},
			{Number: "+447700900503", ActiveAgent: wassist.Ref{ID: "id-legacy"}, DefaultRouting: "agent"},
		},
		Templates: []wassist.Template{
			{ID: "tpl-shipped", Name: "order_shipped", Category: "UTILITY", Language: "en_US", ParameterFormat: "POSITIONAL",
				Components: []wassist.TemplateComponent{{Type: "BODY", Text: "Your order has shipped."}}},
			{ID: "tpl-promo", Name: "promo_old", Category: "MARKETING", Language: "en", ParameterFormat: "POSITIONAL",
				Components: []wassist.TemplateComponent{{Type: "BODY", Text: "Spring sale!"}}},
		},
	}
}

// withoutLegacy imports everything but the "Legacy FAQ" agent and the "promo_old" template.
var withoutLegacy = regexp.MustCompile(`^(Billing|Refunds|Red|Green|Blue|Reception|Exact|Huge|Credits|Orders|order_shipped)$`)

// built is a Result's objects by kind and Kubernetes name.
type built struct {
	agents      map[string]*wassistv1alpha1.WassistAgent
	deployments map[string]*wassistv1alpha1.WassistDeployment
	templates   map[string]*wassistv1alpha1.WassistTemplate
}

func byKind(t *testing.T, res importer.Result) built {
	t.Helper()
	b := built{agents: map[string]*wassistv1alpha1.WassistAgent{}, deployments: map[string]*wassistv1alpha1.WassistDeployment{},
		templates: map[string]*wassistv1alpha1.WassistTemplate{}}
	for _, o := range res.Objects {
		switch obj := o.Object.(type) {
		case *wassistv1alpha1.WassistAgent:
			b.agents[obj.Name] = obj
		case *wassistv1alpha1.WassistDeployment:
			b.deployments[obj.Name] = obj
		case *wassistv1alpha1.WassistTemplate:
			b.templates[obj.Name] = obj
		default:
			t.Fatalf("%s is a %T", o.Path, o.Object)
		}
	}
	return b
}

// agentByID is the WassistAgent that adopts the remote agent id.
func (b built) agentByID(t *testing.T, id string) *wassistv1alpha1.WassistAgent {
	t.Helper()
	for _, a := range b.agents {
		if a.Annotations[wassistv1alpha1.AnnotationAgentID] == id {
			return a
		}
	}
	t.Fatalf("no WassistAgent adopts %s", id)
	return nil
}

// target is where the deployment of a number goes: "ref:<name>", "id:<agent id>" or
// "webhook:<id>", each set field in turn, then the key's Secret when named.
func (b built) target(name string) string {
	dep, ok := b.deployments[name]
	if !ok {
		return "no deployment"
	}
	var out []string
	if dep.Spec.AgentRef != nil {
		out = append(out, "ref:"+dep.Spec.AgentRef.Name)
	}
	if dep.Spec.AgentID != "" {
		out = append(out, "id:"+dep.Spec.AgentID)
	}
	if dep.Spec.WebhookID != "" {
		out = append(out, "webhook:"+dep.Spec.WebhookID)
	}
	if dep.Spec.APIKeySecretRef != nil {
		out = append(out, "key:"+dep.Spec.APIKeySecretRef.Name)
	}
	return strings.Join(out, " ")
}

// handoffTargets are where agent id's handoffs go: "ref:<name>" or "id:<remote id>".
func (b built) handoffTargets(t *testing.T, id string) []string {
	t.Helper()
	var out []string
	for _, h := range b.agentByID(t, id).Spec.HandoffTools {
		switch {
		case h.AgentRef != nil && h.AgentID == "":
			out = append(out, "ref:"+h.AgentRef.Name)
		case h.AgentRef == nil && h.AgentID != "":
			out = append(out, "id:"+h.AgentID)
		default:
			t.Errorf("a handoff of %s names its target twice or not at all: %+v", id, h)
		}
	}
	return out
}

func TestBuildWritesHandoffsBetweenImportedAgentsAsReferencesBothWays(t *testing.T) {
	b := byKind(t, importer.Build(account(), importer.Options{}))
	for _, tc := range []struct{ from, to string }{
		{"id-billing", "id-refunds"}, {"id-refunds", "id-billing"},
		{"id-red", "id-green"}, {"id-green", "id-blue"}, {"id-blue", "id-red"},
		{"id-reception", "id-legacy"},
	} {
		want := []string{"ref:" + b.agentByID(t, tc.to).Name}
		if got := b.handoffTargets(t, tc.from); !slices.Equal(got, want) {
			t.Errorf("%s hands off to %q, want %q", tc.from, got, want)
		}
	}
}

func TestBuildNamesAnAgentTheFilterLeavesOutByItsID(t *testing.T) {
	res := importer.Build(account(), importer.Options{Names: withoutLegacy})
	b := byKind(t, res)
	if len(b.agents) != 10 || res.Agents != 10 {
		t.Fatalf("%d agents written, %d counted, want the 10 the filter keeps", len(b.agents), res.Agents)
	}
	if got := b.handoffTargets(t, "id-reception"); !slices.Equal(got, []string{"id:id-legacy"}) {
		t.Errorf("Reception hands off to %q, want the left-out agent by id", got)
	}
	if got := b.target("number-447700900503"); got != "id:id-legacy key:wassist-api-key" {
		t.Errorf("the number routed to the left-out agent goes to %q, want agentID id-legacy with the key's Secret", got)
	}
}

func TestBuildKeepsOnlyTheNumbersAsked(t *testing.T) {
	res := importer.Build(account(), importer.Options{Numbers: []string{"447700900500", "+447700900501"}})
	b := byKind(t, res)
	if got := slices.Sorted(maps.Keys(b.deployments)); !slices.Equal(got, []string{"number-447700900500", "number-447700900501"}) ||
		res.Deployments != 2 {
		t.Errorf("deployments %q (%d counted), want the two numbers asked for", got, res.Deployments)
	}
	if len(b.agents) != len(account().Agents) {
		t.Errorf("%d agents: a number filter must not filter agents", len(b.agents))
	}
}

func TestBuildRoutesEachNumberAsWassistDoes(t *testing.T) {
	b := byKind(t, importer.Build(account(), importer.Options{}))
	// An agentRef takes the agent's key; a webhook or an agent id needs the key's Secret.
	if got, want := b.target("number-447700900500"), "ref:"+b.agentByID(t, "id-reception").Name; got != want {
		t.Errorf("the number routed to an imported agent goes to %q, want %q", got, want)
	}
	if got := b.target("number-447700900501"); got != "webhook:wh-crm key:wassist-api-key" {
		t.Errorf("the number routed to a webhook goes to %q, want webhookID wh-crm", got)
	}
	if dep, ok := b.deployments["number-447700900502"]; ok {
		t.Errorf("the unrouted number got a deployment: %+v", dep.Spec)
	}
	for name, dep := range b.deployments {
		if dep.Spec.PhoneNumber != strings.TrimPrefix(name, "number-") {
			t.Errorf("%s deploys to %q", name, dep.Spec.PhoneNumber)
		}
	}
}

func TestBuildOrphansEverythingByDefault(t *testing.T) {
	for _, tc := range []struct {
		asked, want wassistv1alpha1.DeletionPolicy
	}{{"", wassistv1alpha1.DeletionPolicyOrphan}, {wassistv1alpha1.DeletionPolicyDelete, wassistv1alpha1.DeletionPolicyDelete}} {
		res := importer.Build(account(), importer.Options{DeletionPolicy: tc.asked})
		for _, o := range res.Objects {
			if got := deletionPolicy(o.Object); got != tc.want {
				t.Errorf("asked %q: %s has deletionPolicy %q, want %q", tc.asked, o.Path, got, tc.want)
			}
		}
	}
}

func deletionPolicy(obj any) wassistv1alpha1.DeletionPolicy {
	switch o := obj.(type) {
	case *wassistv1alpha1.WassistAgent:
		return o.Spec.DeletionPolicy
	case *wassistv1alpha1.WassistDeployment:
		return o.Spec.DeletionPolicy
	case *wassistv1alpha1.WassistTemplate:
		return o.Spec.DeletionPolicy
	}
	return "unknown kind"
}

func TestBuildObservesOnlyTheAgentKubernetesCannotHoldExactly(t *testing.T) {
	res := importer.Build(account(), importer.Options{})
	b := byKind(t, res)
	huge, exact := b.agentByID(t, "id-huge"), b.agentByID(t, "id-exact")
	if huge.Spec.ManagementPolicy != wassistv1alpha1.ManagementPolicyObserve {
		t.Errorf("the agent whose apiSchema holds %s is under %q, want Observe", beyondInt64, huge.Spec.ManagementPolicy)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool {
		return strings.HasPrefix(w, "agent "+huge.Name+" imported under managementPolicy Observe") && strings.Contains(w, "tools[lookup]")
	}) {
		t.Errorf("no warning names %s and its tool: %q", huge.Name, res.Warnings)
	}
	for _, a := range b.agents {
		if a != huge && a.Spec.ManagementPolicy != wassistv1alpha1.ManagementPolicyFull {
			t.Errorf("%s is under %q, want Full", a.Name, a.Spec.ManagementPolicy)
		}
	}
	if len(res.Warnings) != 1 {
		t.Errorf("warnings %q, want only the one about %s (%s is exact)", res.Warnings, huge.Name, exact.Name)
	}
}

func TestBuildNeverWritesACreditGrantPassword(t *testing.T) {
	res := importer.Build(account(), importer.Options{Namespace: "shop"})
	dir := t.TempDir()
	if err := importer.Write(dir, res); err != nil {
		t.Fatal(err)
	}
	files := readAll(t, dir)
	if len(files) != len(res.Objects)+1 {
		t.Errorf("%d files for %d objects and the kustomization", len(files), len(res.Objects))
	}
	for path, content := range files {
		if strings.Contains(content, creditPassword) {
			t.Errorf("%s holds the credit grant password:\n%s", path, content)
		}
	}
	credits := byKind(t, res).agentByID(t, "id-credits")
	ref := credits.Spec.CreditSettings.CreditGrantPasswordSecretRef
	if ref == nil {
		t.Fatalf("%s's credit settings name no Secret: %+v", credits.Name, credits.Spec.CreditSettings)
	}
	need := slices.IndexFunc(res.Secrets, func(s importer.SecretNeed) bool { return s.Name == ref.Name && s.Key == ref.Key })
	if need < 0 || !strings.Contains(res.Secrets[need].Holds, "credit grant password") {
		t.Errorf("the Secret %s/%s is not among those to create: %+v", ref.Name, ref.Key, res.Secrets)
	}
	if !strings.Contains(files["agents/"+credits.Name+".yaml"], "name: "+ref.Name) {
		t.Errorf("the written agent does not name its Secret:\n%s", files["agents/"+credits.Name+".yaml"])
	}
}

// readAll reads every file under dir, by slash path relative to dir.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBuildNamesATriggersTemplateByReferenceWhenImported(t *testing.T) {
	res := importer.Build(account(), importer.Options{Names: withoutLegacy})
	b := byKind(t, res)
	triggers := b.agentByID(t, "id-orders").Spec.OutboundTriggers
	if len(triggers) != 2 || len(b.templates) != 1 {
		t.Fatalf("%d triggers, %d templates: %+v", len(triggers), len(b.templates), triggers)
	}
	shipped := triggers[0]
	if shipped.TemplateRef == nil || b.templates[shipped.TemplateRef.Name] == nil || shipped.TemplateID != "" || shipped.TemplateName != "" {
		t.Errorf("the trigger of the imported template is %+v, want a templateRef to it", shipped)
	}
	promo := triggers[1]
	if promo.TemplateRef != nil || promo.TemplateID != "tpl-promo" || promo.TemplateName != "promo_old" {
		t.Errorf("the trigger of the left-out template is %+v, want templateID and templateName", promo)
	}
	if promo.Enabled == nil || *promo.Enabled || shipped.Enabled != nil {
		t.Errorf("enabled is %v and %v, want unset (true) and false", shipped.Enabled, promo.Enabled)
	}
	if shipped.SecretName == "" || shipped.SecretName == promo.SecretName {
		t.Errorf("trigger Secrets %q and %q, want two", shipped.SecretName, promo.SecretName)
	}
}

// TestBuildSurvivesANumberKubernetesCannotStore: Wassist keeps an apiSchema's JSON as it was
// written, so it can hold an integer past float64's range, which Kubernetes cannot decode.
func TestBuildSurvivesANumberKubernetesCannotStore(t *testing.T) {
	a := account()
	a.Agents[7].Tools[0].APISchema = json.RawMessage(`{"url":"https://shop.example/api","accountId":1` + strings.Repeat("0", 400) + `}`)
	res := importer.Build(a, importer.Options{})
	exact := byKind(t, res).agentByID(t, "id-exact")
	if exact.Spec.ManagementPolicy != wassistv1alpha1.ManagementPolicyObserve ||
		!slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "cannot be stored as read") }) {
		t.Errorf("an agent Kubernetes cannot store is under %q with warnings %q, want Observe and why",
			exact.Spec.ManagementPolicy, res.Warnings)
	}
	res = importer.Build(a, importer.Options{Check: validator(t)})
	if b := byKind(t, res); len(b.agents) != len(a.Agents)-1 {
		t.Errorf("%d agents written: the API server refuses the one it cannot decode", len(b.agents))
	}
}

func validator(t *testing.T) func(*unstructured.Unstructured) error {
	t.Helper()
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	return func(u *unstructured.Unstructured) error { return v.Check(t.Context(), u) }
}

// TestBuildNamesAnAgentTheAPIServerWouldRefuseByItsID: an agent left out is not applied, so
// nothing may name it as a WassistAgent (it would wait for it forever), and the Secret of
// its credit grant password is not needed.
func TestBuildNamesAnAgentTheAPIServerWouldRefuseByItsID(t *testing.T) {
	a := account()
	a.Agents[6].CreditSettings = &wassist.CreditSettings{CreditGrantPassword: new("legacy")}
	refused := func(u *unstructured.Unstructured) error {
		if u.GetAnnotations()[wassistv1alpha1.AnnotationAgentID] == "id-legacy" {
			return errors.New("spec.icebreakers[0]: Too long")
		}
		return nil
	}
	res := importer.Build(a, importer.Options{Check: refused})
	b := byKind(t, res)
	if len(b.agents) != len(a.Agents)-1 || res.Agents != len(a.Agents)-1 {
		t.Fatalf("%d agents written, %d counted, want all but the refused one", len(b.agents), res.Agents)
	}
	if got := b.handoffTargets(t, "id-reception"); !slices.Equal(got, []string{"id:id-legacy"}) {
		t.Errorf("Reception hands off to %q, want the refused agent by id", got)
	}
	if got := b.target("number-447700900503"); got != "id:id-legacy key:wassist-api-key" {
		t.Errorf("the number routed to the refused agent goes to %q, want agentID id-legacy", got)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "not imported") && strings.Contains(w, "Too long") }) {
		t.Errorf("no warning says the agent was left out: %q", res.Warnings)
	}
	for _, s := range res.Secrets {
		if strings.Contains(s.Holds, "legacy") {
			t.Errorf("the Secret %s of the refused agent is asked for", s.Name)
		}
	}
}

// TestBuildGivesEveryTriggerASecretOfItsOwn: the operator refuses a trigger Secret another
// agent made, and two long names shortened alike give their triggers' Secrets alike names.
func TestBuildGivesEveryTriggerASecretOfItsOwn(t *testing.T) {
	long := strings.Repeat("Customer onboarding assistant ", 7)
	trigger := func(id, name string) wassist.AgentOutboundTrigger {
		return wassist.AgentOutboundTrigger{TemplateID: id, TemplateName: name, Enabled: true}
	}
	a := importer.Account{Agents: []wassist.Agent{
		{ID: "id-first", Name: long + "(spring)", OutboundTriggers: []wassist.AgentOutboundTrigger{
			trigger("tpl-a", "welcome"), trigger("tpl-b", "reminder")}},
		{ID: "id-second", Name: long + "(autumn)", OutboundTriggers: []wassist.AgentOutboundTrigger{trigger("tpl-a", "welcome")}},
		{ID: "id-third", Name: "Shop", OutboundTriggers: []wassist.AgentOutboundTrigger{trigger("tpl-a", "welcome")}},
	}}
	seen := map[string]string{}
	for _, o := range importer.Build(a, importer.Options{}).Objects {
		agent := o.Object.(*wassistv1alpha1.WassistAgent)
		for _, tr := range agent.Spec.OutboundTriggers {
			if errs := validation.IsDNS1123Subdomain(tr.SecretName); len(errs) > 0 {
				t.Errorf("%s: trigger Secret %q: %q", agent.Name, tr.SecretName, errs)
			}
			if other, ok := seen[tr.SecretName]; ok {
				t.Errorf("%s and %s both write the trigger Secret %q", other, agent.Name, tr.SecretName)
			}
			seen[tr.SecretName] = agent.Name
		}
	}
	if _, ok := seen["shop-trigger-welcome"]; !ok {
		t.Errorf("trigger Secrets %q, want shop-trigger-welcome among them", slices.Sorted(maps.Keys(seen)))
	}
}

// TestBuildTakesTheAgencyOverExactly imports SeedAgency's account read through the real
// client and checks each written agent, as the API server would store it, with the
// operator's own comparison: an agent under Full must need no write. Only the agents
// whose apiSchema holds a number past int64 may be under Observe.
func TestBuildTakesTheAgencyOverExactly(t *testing.T) {
	const key = "sk-test-IMPORTER-agency-0c4e"
	sim, ts := wassisttest.NewHTTPTest(wassisttest.Options{APIKeys: []string{key}, RateLimit: -1})
	t.Cleanup(ts.Close)
	sim.SeedAgency(key)
	c, err := wassist.New(key, wassist.Options{BaseURL: ts.URL + wassisttest.APIPrefix, Budget: wassist.NewBudget(6000, 100, nil)})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := importer.Read(t.Context(), c, func(ctx context.Context, step func(context.Context) error) error { return step(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	res := importer.Build(acc, importer.Options{Check: validator(t)})
	dir := t.TempDir()
	if err := importer.Write(dir, res); err != nil {
		t.Fatal(err)
	}
	// Templates may be left out (a body that starts with a variable): agents may not.
	if res.Agents != len(acc.Agents) || res.Templates == 0 {
		t.Fatalf("%d of %d agents and %d of %d templates imported: %q", res.Agents, len(acc.Agents), res.Templates,
			len(acc.Templates), res.Warnings)
	}
	agents, refs := storedAgents(t, dir, acc)
	for name, agent := range agents {
		remote := remoteAgent(t, acc, agent.Annotations[wassistv1alpha1.AnnotationAgentID])
		wantObserve := slices.ContainsFunc(remote.Tools, func(tool wassist.AgentTool) bool {
			return strings.Contains(string(tool.APISchema), beyondInt64)
		})
		if got := agent.Spec.ManagementPolicy == wassistv1alpha1.ManagementPolicyObserve; got != wantObserve {
			t.Errorf("%s is under %s, want Observe only for a number past int64", name, agent.Spec.ManagementPolicy)
			continue
		}
		refs.CreditPassword = ""
		if remote.CreditSettings != nil && remote.CreditSettings.CreditGrantPassword != nil {
			refs.CreditPassword = *remote.CreditSettings.CreditGrantPassword
		}
		if changes := agentkind.Changes(agent, remote, refs); !wantObserve && len(changes) > 0 {
			t.Errorf("applying %s under Full would change %q", name, changes)
		}
	}
}

// storedAgents reads the written agents back as the API server stores them (JSON numbers
// as int64 or float64), with what their references resolve to once applied.
func storedAgents(t *testing.T, dir string, acc importer.Account) (map[string]*wassistv1alpha1.WassistAgent, agentkind.ImportRefs) {
	t.Helper()
	agents := map[string]*wassistv1alpha1.WassistAgent{}
	refs := agentkind.ImportRefs{AgentIDs: map[string]string{}, Templates: map[string]wassist.Template{}}
	for path, content := range readAll(t, dir) {
		switch {
		case strings.HasPrefix(path, "agents/"):
			a := &wassistv1alpha1.WassistAgent{}
			stored(t, content, a)
			agents[a.Name], refs.AgentIDs[a.Name] = a, a.Annotations[wassistv1alpha1.AnnotationAgentID]
		case strings.HasPrefix(path, "templates/"):
			tpl := &wassistv1alpha1.WassistTemplate{}
			stored(t, content, tpl)
			id := tpl.Annotations[wassistv1alpha1.AnnotationTemplateID]
			i := slices.IndexFunc(acc.Templates, func(r wassist.Template) bool { return r.ID == id })
			if i < 0 {
				t.Fatalf("%s adopts %q, which Wassist does not hold", path, id)
			}
			refs.Templates[tpl.Name] = acc.Templates[i]
		}
	}
	if len(agents) != len(acc.Agents) {
		t.Fatalf("%d agent files for %d agents", len(agents), len(acc.Agents))
	}
	return agents, refs
}

func stored(t *testing.T, manifest string, into any) {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := utiljson.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	if data, err = json.Marshal(generic); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatal(err)
	}
}

func remoteAgent(t *testing.T, acc importer.Account, id string) *wassist.Agent {
	t.Helper()
	i := slices.IndexFunc(acc.Agents, func(a wassist.Agent) bool { return a.ID == id })
	if i < 0 {
		t.Fatalf("a WassistAgent adopts %q, which Wassist does not hold", id)
	}
	return &acc.Agents[i]
}

// TestBuildWritesAHandoffToItselfByID: the CRD refuses a WassistAgent that names itself,
// so an agent that hands off to itself keeps the handoff by id, and is imported.
func TestBuildWritesAHandoffToItselfByID(t *testing.T) {
	a := account()
	const id = "5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e" // the CRD takes agentIDs as uuids
	a.Agents = append(a.Agents, wassist.Agent{ID: id, Name: "Loop", HandoffTools: []wassist.AgentHandoffTool{
		{ChildAgentID: id, Description: "starts over", Active: true}}})
	self := &a.Agents[len(a.Agents)-1]
	res := importer.Build(a, importer.Options{Check: validator(t)})
	b := byKind(t, res)
	if !slices.Contains(b.handoffTargets(t, self.ID), "id:"+self.ID) {
		t.Errorf("%s hands off to %q, want itself by id", self.Name, b.handoffTargets(t, self.ID))
	}
	for _, w := range res.Warnings {
		if strings.Contains(w, `"loop"`) {
			t.Errorf("the agent should be imported as it is: %s", w)
		}
	}
}

// TestBuildWarnsOfACredentialInAToolsSchemaWithoutSayingIt: the schema is written as
// Wassist holds it, and the warning names where a token is, never the token.
func TestBuildWarnsOfACredentialInAToolsSchemaWithoutSayingIt(t *testing.T) {
	a := account()
	a.Agents[0].Tools = []wassist.AgentTool{{Name: "crm", Active: true,
		APISchema: json.RawMessage(`{"url":"https://crm.example","headers":{"Authorization":"Bearer s3cr3t-t0ken","Accept":"json"}}`)}}
	res := importer.Build(a, importer.Options{})
	i := slices.IndexFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "looks like a credential") })
	if i < 0 {
		t.Fatalf("no warning of the token: %q", res.Warnings)
	}
	if w := res.Warnings[i]; !strings.Contains(w, "headers.Authorization") || strings.Contains(w, "s3cr3t") ||
		strings.Contains(w, "Accept") {
		t.Errorf("warning %q: want the path of the token only", w)
	}
}
