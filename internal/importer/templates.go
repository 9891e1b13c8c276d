package importer

import (
	"fmt"
	"slices"
	"strings"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	templatekind "github.com/wassist-operator/wassist-operator/internal/controller/template"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// importTemplates writes a WassistTemplate per template, checked like the agents: one the
// typed spec cannot express exactly (a media header uploaded as a handle, say) is
// imported under Observe.
func (b *builder) importTemplates() {
	n := newNames()
	for i := range b.a.Templates {
		remote := &b.a.Templates[i]
		if !b.keep(remote.Name) {
			continue
		}
		name := n.name(remote.Name+"-"+remote.Language, "template")
		tpl := b.template(name, remote)
		stored, err := asStored(tpl)
		warning := ""
		if err != nil {
			warning = observeTemplate(tpl, "its manifest cannot be stored as read: "+err.Error())
		} else if changes := templatekind.Changes(stored, remote); len(changes) > 0 {
			warning = observeTemplate(tpl, "the spec cannot express it exactly ("+strings.Join(changes, ", ")+")")
		}
		if b.add("templates", tpl) {
			b.warn(warning)
			// Triggers name it by reference; one left out, by id.
			b.templateNames[remote.ID], b.templates[name] = name, *remote
			b.res.Templates++
		}
	}
}

// observeTemplate puts tpl under Observe, and returns the warning that says why.
func observeTemplate(tpl *wassistv1alpha1.WassistTemplate, why string) string {
	tpl.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
	return fmt.Sprintf("template %s imported under managementPolicy Observe: %s", tpl.Name, why)
}

// template is the WassistTemplate of remote, published where remote is.
func (b *builder) template(name string, remote *wassist.Template) *wassistv1alpha1.WassistTemplate {
	spec := wassistv1alpha1.WassistTemplateSpec{APIKeySecretRef: b.keyRef(), Name: remote.Name,
		Category: wassistv1alpha1.TemplateCategory(remote.Category), Language: remote.Language,
		ParameterFormat: wassistv1alpha1.TemplateParameterFormat(remote.ParameterFormat),
		ManagedSpec:     b.managed()}
	for _, c := range remote.Components {
		component(&spec, c)
	}
	for _, l := range remote.AccountLinks {
		if !slices.Contains(spec.PublishTo, l.AccountID) {
			spec.PublishTo = append(spec.PublishTo, l.AccountID)
		}
	}
	slices.Sort(spec.PublishTo)
	tpl := &wassistv1alpha1.WassistTemplate{
		ObjectMeta: b.meta(name, map[string]string{wassistv1alpha1.AnnotationTemplateID: remote.ID}), Spec: spec}
	tpl.SetGroupVersionKind(wassistv1alpha1.GroupVersion.WithKind("WassistTemplate"))
	return tpl
}

// component writes one of Meta's components into the typed spec.
func component(spec *wassistv1alpha1.WassistTemplateSpec, c wassist.TemplateComponent) {
	ex := c.Example
	if ex == nil {
		ex = &wassist.TemplateExample{}
	}
	switch c.Type {
	case "HEADER":
		h := &wassistv1alpha1.TemplateHeader{Format: c.Format, Text: c.Text}
		switch {
		case len(ex.HeaderURL) > 0:
			h.MediaExample = ex.HeaderURL[0]
		case len(ex.HeaderTextNamedParams) > 0:
			h.Example = ex.HeaderTextNamedParams[0].Example
		case len(ex.HeaderText) > 0:
			h.Example = ex.HeaderText[0]
		}
		spec.Header = h
	case "BODY":
		spec.Body.Text = c.Text
		for _, p := range ex.BodyTextNamedParams {
			spec.Body.NamedExamples = append(spec.Body.NamedExamples, wassistv1alpha1.TemplateNamedExample{Name: p.ParamName, Example: p.Example})
		}
		if len(ex.BodyText) > 0 {
			spec.Body.Examples = slices.Clone(ex.BodyText[0])
		}
	case "FOOTER":
		spec.Footer = &wassistv1alpha1.TemplateFooter{Text: c.Text}
	case "BUTTONS":
		for _, btn := range c.Buttons {
			out := wassistv1alpha1.TemplateButton{Type: btn.Type, Text: btn.Text, URL: btn.URL, PhoneNumber: btn.PhoneNumber}
			if len(btn.Example) > 0 {
				out.Example = btn.Example[0]
			}
			spec.Buttons = append(spec.Buttons, out)
		}
	}
}
