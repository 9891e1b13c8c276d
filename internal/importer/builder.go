package importer

import (
	"cmp"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// builder holds one Build's state: the names given, and which agents and templates are
// imported (a handoff or trigger to one of them is written as a reference).
type builder struct {
	a   Account
	o   Options
	res Result
	// agentNames and templateNames are the imported ones' Kubernetes names, by remote id.
	agentNames    map[string]string
	templateNames map[string]string
	templates     map[string]wassist.Template // by Kubernetes name
	// triggerSecrets are the Secrets of each imported agent's outbound triggers, in order.
	triggerSecrets map[string][]string
}

func newBuilder(a Account, o Options) *builder {
	o.Policy = cmp.Or(o.Policy, wassistv1alpha1.ManagementPolicyFull)
	o.DeletionPolicy = cmp.Or(o.DeletionPolicy, wassistv1alpha1.DeletionPolicyOrphan)
	o.SecretName, o.SecretKey = cmp.Or(o.SecretName, "wassist-api-key"), cmp.Or(o.SecretKey, "apiKey")
	b := &builder{a: a, o: o, agentNames: map[string]string{}, templateNames: map[string]string{},
		templates: map[string]wassist.Template{}, triggerSecrets: map[string][]string{}}
	b.res.Secrets = append(b.res.Secrets, SecretNeed{Name: o.SecretName, Key: o.SecretKey, Holds: "the Wassist API key"})
	b.nameAgents()
	return b
}

// nameAgents gives every imported agent its name first, oldest first, so that names do
// not depend on the order of the list and handoffs can name agents built later.
func (b *builder) nameAgents() {
	agents := slices.Clone(b.a.Agents)
	slices.SortStableFunc(agents, func(x, y wassist.Agent) int {
		return cmp.Or(olderFirst(x.CreatedAt, y.CreatedAt), strings.Compare(x.ID, y.ID))
	})
	// Trigger Secrets share one namer: the operator refuses a Secret another agent's trigger
	// made, and the names of two long agent names' triggers can meet once shortened.
	n, secrets := newNames(), newNames()
	for _, ag := range agents {
		if !b.keep(ag.Name) {
			continue
		}
		name := n.name(ag.Name, "agent")
		b.agentNames[ag.ID] = name
		for _, t := range ag.OutboundTriggers {
			b.triggerSecrets[ag.ID] = append(b.triggerSecrets[ag.ID], secrets.name(name+"-trigger-"+t.TemplateName, name+"-trigger"))
		}
	}
}

func (b *builder) keep(name string) bool { return b.o.Names == nil || b.o.Names.MatchString(name) }

func (b *builder) meta(name string, annotations map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: b.o.Namespace, Annotations: annotations}
}

func (b *builder) keyRef() wassistv1alpha1.SecretKeySelector {
	return wassistv1alpha1.SecretKeySelector{Name: b.o.SecretName, Key: b.o.SecretKey}
}

// deployments writes a WassistDeployment per number with an agent or a webhook routed.
func (b *builder) deployments() {
	n := newNames()
	numbers := slices.Clone(b.a.Numbers)
	slices.SortFunc(numbers, func(x, y wassist.PhoneNumber) int { return strings.Compare(x.Number, y.Number) })
	for _, num := range numbers {
		digits := strings.TrimPrefix(num.Number, "+")
		if !b.keepNumber(digits) {
			continue
		}
		spec := wassistv1alpha1.WassistDeploymentSpec{PhoneNumber: digits, ManagedSpec: b.managed(),
			APIKeySecretRef: new(b.keyRef())}
		switch agentName, imported := b.agentNames[num.ActiveAgent.ID]; {
		case num.DefaultRouting == "webhook" && num.DefaultWebhook.ID != "":
			spec.WebhookID = num.DefaultWebhook.ID
		case num.ActiveAgent.ID == "":
			continue // nothing routed: nothing to take over
		case imported:
			spec.AgentRef, spec.APIKeySecretRef = &wassistv1alpha1.AgentReference{Name: agentName}, nil
		default:
			spec.AgentID = num.ActiveAgent.ID
		}
		dep := &wassistv1alpha1.WassistDeployment{ObjectMeta: b.meta(n.name("number-"+digits, "number"), nil), Spec: spec}
		dep.SetGroupVersionKind(wassistv1alpha1.GroupVersion.WithKind("WassistDeployment"))
		if b.add("deployments", dep) {
			b.res.Deployments++
		}
	}
}

func (b *builder) keepNumber(digits string) bool {
	return len(b.o.Numbers) == 0 || slices.ContainsFunc(b.o.Numbers, func(n string) bool { return strings.TrimPrefix(n, "+") == digits })
}

// add files obj under dir, as <name>.yaml, when the API server would accept it; false
// when it is left out (with a warning).
func (b *builder) add(dir string, obj client.Object) bool {
	if err := b.refusal(obj); err != nil {
		b.leaveOut(err)
		return false
	}
	b.res.Objects = append(b.res.Objects, Object{Path: dir + "/" + obj.GetName() + ".yaml", Object: obj})
	return true
}

// warn adds warning, if any, to the result.
func (b *builder) warn(warning string) {
	if warning != "" {
		b.res.Warnings = append(b.res.Warnings, warning)
	}
}

func (b *builder) leaveOut(refusal error) {
	b.res.Warnings = append(b.res.Warnings, "not imported, left as it is on Wassist: "+refusal.Error())
}

// refusal is the API server's refusal of obj, as Options.Check tells it.
func (b *builder) refusal(obj client.Object) error {
	if b.o.Check == nil {
		return nil
	}
	data, err := manifest(Object{Object: obj})
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &u.Object); err != nil {
		return err
	}
	return b.o.Check(u)
}

// olderFirst orders creation times, unknown ones last.
func olderFirst(x, y *time.Time) int {
	switch {
	case x == nil || y == nil:
		return cmp.Compare(boolInt(x == nil), boolInt(y == nil))
	default:
		return x.Compare(*y)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// managed is the deletion and management policies every imported resource gets.
func (b *builder) managed() wassistv1alpha1.ManagedSpec {
	return wassistv1alpha1.ManagedSpec{DeletionPolicy: b.o.DeletionPolicy, ManagementPolicy: b.o.Policy}
}
