package template

import (
	"cmp"
	"context"

	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// templateKind is the WassistTemplate's part of the managed core: the template the spec
// asks for, the accounts it is published to, and the client of its key.
type templateKind struct {
	cache    client.Reader
	keys     *kit.Keyring
	recorder events.EventRecorder
}

var (
	_ managed.Kind[*wassistv1alpha1.WassistTemplate, templateView, *wassist.Template] = (*templateKind)(nil)
	_ managed.Tenanted[*wassistv1alpha1.WassistTemplate]                              = (*templateKind)(nil)
)

// ExternalName is empty: the operator creates templates and keeps their ids.
func (k *templateKind) ExternalName(*wassistv1alpha1.WassistTemplate) string { return "" }

// Claims is the template id the resource stands for.
func (k *templateKind) Claims(tpl *wassistv1alpha1.WassistTemplate) []string {
	if id := templateIDOf(tpl); id != "" {
		return []string{"template:" + id}
	}
	return nil
}

// Holds: the resource has seen its template exist, and names it still.
func (k *templateKind) Holds(tpl *wassistv1alpha1.WassistTemplate) bool {
	id := tpl.Status.TemplateID
	return id != "" && id == tpl.Annotations[wassistv1alpha1.AnnotationTemplateID]
}

func templateIDOf(tpl *wassistv1alpha1.WassistTemplate) string {
	return cmp.Or(tpl.Status.TemplateID, tpl.Annotations[wassistv1alpha1.AnnotationTemplateID])
}

// Desired is the template as the spec writes it, with no reference to resolve.
func (k *templateKind) Desired(_ context.Context, tpl *wassistv1alpha1.WassistTemplate) (desired, error) {
	v := desiredTemplate(tpl)
	return desired{Hash: v.hash(), View: v}, nil
}

// Connect returns the external client of the template's key.
func (k *templateKind) Connect(ctx context.Context, tpl *wassistv1alpha1.WassistTemplate,
	d *desired) (external, error) {
	api, err := k.keys.Client(ctx, tpl, tpl.Spec.APIKeySecretRef, d == nil, "template")
	if err != nil {
		return nil, err
	}
	return &templateExternal{api: api, tpl: tpl, recorder: k.recorder, cache: k.cache}, nil
}

// Tenant is the template's API key Secret: its budget (managed.Tenanted).
func (k *templateKind) Tenant(template *wassistv1alpha1.WassistTemplate) string {
	return template.Namespace + "/" + template.Spec.APIKeySecretRef.Name
}

// The core's types, as this kind fills them.
type (
	desired     = managed.Desired[templateView]
	observation = managed.Observation[*wassist.Template]
	external    = managed.External[templateView, *wassist.Template]
)
