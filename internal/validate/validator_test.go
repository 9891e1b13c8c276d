//nolint:goconst // the manifests and messages are the assertions; naming them would hide what is checked
package validate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/wassist-operator/wassist-operator/internal/validate"
)

// The agreement of every schema case with a real API server is proven by the schema
// suite (api/v1alpha1); these tests say what the validator promises in a few words.

func newValidator(t *testing.T) *validate.Validator {
	t.Helper()
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// object reads the one object of a YAML document.
func object(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	docs := validate.ReadDocuments(strings.NewReader(doc))
	if len(docs) != 1 || docs[0].Err != nil || len(docs[0].Objects) != 1 {
		t.Fatalf("want one object, got %+v", docs)
	}
	return docs[0].Objects[0]
}

const agentHead = "apiVersion: wassist.app/v1alpha1\nkind: WassistAgent\nmetadata: {name: support, namespace: shop}\n"

func agent(spec string) string {
	return agentHead + "spec:\n  apiKeySecretRef: {name: wassist-api-key}\n" + spec
}

func TestEverySampleIsAccepted(t *testing.T) {
	v := newValidator(t)
	files, err := validate.Files([]string{filepath.Join("..", "..", "config", "samples")})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, verdict := range v.ValidateStream(context.Background(), f) {
			if verdict.Err != nil {
				t.Errorf("%s: %v", file, verdict.Err)
				continue
			}
			if !verdict.Skipped {
				kinds[verdict.Object.GetKind()]++
			}
		}
		_ = f.Close()
	}
	if kinds["WassistAgent"] != 2 || kinds["WassistDeployment"] != 1 || kinds["WassistTemplate"] != 1 {
		t.Errorf("validated %v, want every sample of config/samples", kinds)
	}
}

func TestRefusesInTheAPIServersWordsNamingTheField(t *testing.T) {
	cases := []struct{ name, manifest, want string }{
		{"a schema limit", agent("  llmModel: " + strings.Repeat("m", 101)),
			`WassistAgent.wassist.app "support" is invalid: [spec.llmModel: Too long: may not be more than 100 bytes`},
		{"a required field of a list entry", agent("  tools: [{apiSchema: {}}]"),
			"spec.tools[0].name: Required value"},
		{"a CEL rule on a field", agent(`  websiteTools: [{url: "ftp://example.com"}]`),
			"spec.websiteTools[0].url: Invalid value"},
		{"a CEL rule reading metadata.name", agent("  handoffTools: [{agentRef: {name: support}}]"),
			"an agent cannot hand off to itself"},
		{"a list-map key twice", agent("  memoryKeys: [{key: k}, {key: k}]"),
			"spec.memoryKeys[1]: Duplicate value"},
		{"a field the schema does not know", agent("  apiKeySecretRef: {name: k, namespace: kube-system}"),
			"spec.apiKeySecretRef.namespace: Forbidden: unknown field"},
		{"an unknown metadata field", strings.Replace(agent(""), "namespace: shop", "namespace: shop, label: x", 1),
			"metadata.label: Forbidden: unknown field"},
		{"a name that is not a DNS subdomain", strings.Replace(agent(""), "name: support", "name: Support_1", 1),
			"metadata.name: Invalid value"},
		{"neither name nor generateName", strings.Replace(agent(""), "name: support, ", "", 1),
			"metadata.name: Required value: name or generateName is required"},
		{"a namespace that is not a DNS label", strings.Replace(agent(""), "namespace: shop", "namespace: Shop.Prod", 1),
			"metadata.namespace: Invalid value"},
	}
	v := newValidator(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Check(context.Background(), object(t, tc.manifest))
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("the message does not say %q: %v", tc.want, err)
			}
		})
	}
}

func TestAppliesTheDefaultsBeforeTheRules(t *testing.T) {
	// parameterFormat defaults to POSITIONAL, and its rules read it without has().
	tmpl := object(t, `apiVersion: wassist.app/v1alpha1
kind: WassistTemplate
metadata: {name: t}
spec:
  apiKeySecretRef: {name: k}
  name: order_update
  category: UTILITY
  body: {text: "Order {{order_id}} has shipped.", examples: [x]}`)
	err := newValidator(t).Check(context.Background(), tmpl)
	if err == nil || !strings.Contains(err.Error(), "with parameterFormat POSITIONAL, body placeholders are {{1}}") {
		t.Fatalf("want the POSITIONAL rule's message, got %v", err)
	}
}

func TestSkipsTheRulesAnEarlierErrorMakesMisleadingAsTheServerDoes(t *testing.T) {
	err := newValidator(t).Check(context.Background(), object(t, agent("  name: "+strings.Repeat("n", 256)+
		"\n  handoffTools: [{agentRef: {name: support}}]")))
	if err == nil || !strings.Contains(err.Error(), "some validation rules were not checked") ||
		strings.Contains(err.Error(), "hand off to itself") {
		t.Fatalf("want the rules left unchecked, got %v", err)
	}
}

func TestJudgesAsACreateWithoutTransitionRules(t *testing.T) {
	// byoa.webhookURL may not change (self == oldSelf): a create has no old object.
	byoa := object(t, agent(`  byoa: {webhookURL: "https://bot.example.com/a"}`))
	if err := newValidator(t).Check(context.Background(), byoa); err != nil {
		t.Fatal(err)
	}
}

func TestAcceptsAGeneratedNameAndAMissingNamespace(t *testing.T) {
	obj := object(t, strings.Replace(agent(""), "name: support, namespace: shop", "generateName: support-", 1))
	if err := newValidator(t).Check(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
}

func TestLeavesTheObjectAsItWas(t *testing.T) {
	obj := object(t, agent("  apiKeySecretRef: {name: k, namespace: x}\n  tools: [{name: t, apiSchema: {}}]"))
	before := obj.DeepCopy()
	_, _ = newValidator(t).Validate(context.Background(), obj)
	if !equality.Semantic.DeepEqual(obj, before) {
		t.Fatalf("Validate changed the object:\n%v\nwas\n%v", obj, before)
	}
}

func TestAnUnknownKindOrVersionIsNoMatch(t *testing.T) {
	v := newValidator(t)
	for _, head := range []string{"apiVersion: wassist.app/v1alpha1\nkind: WassistBot\n", "apiVersion: wassist.app/v2\nkind: WassistAgent\n"} {
		_, err := v.Validate(context.Background(), object(t, head+"metadata: {name: x}"))
		if _, ok := errors.AsType[*meta.NoKindMatchError](err); !ok {
			t.Errorf("%s: want a NoKindMatchError, got %v", head, err)
		}
	}
}

func TestValidateStreamSkipsOtherGroupsAndReportsUnreadableDocuments(t *testing.T) {
	stream := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\n" + agent("") + "---\nspec: [\n"
	verdicts := newValidator(t).ValidateStream(context.Background(), strings.NewReader(stream))
	if len(verdicts) != 3 {
		t.Fatalf("want 3 verdicts, got %+v", verdicts)
	}
	if !verdicts[0].Skipped || verdicts[1].Skipped || verdicts[1].Err != nil {
		t.Errorf("want the Deployment skipped and the agent accepted, got %+v", verdicts[:2])
	}
	if verdicts[2].Object != nil || verdicts[2].Err == nil || verdicts[2].Document != 3 {
		t.Errorf("want document 3 unreadable, got %+v", verdicts[2])
	}
}
