package template

import (
	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Changes names what the operator, applying tpl's spec under Full, would change
// on remote.
func Changes(tpl *wassistv1alpha1.WassistTemplate, remote *wassist.Template) []string {
	want, got := desiredTemplate(tpl), remoteTemplate(remote)
	if want.equal(got) {
		return nil
	}
	changes, _ := templateChanges(want, got)
	return kit.OrWhole(changes, "the template")
}
