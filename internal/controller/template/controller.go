// Package template is the WassistTemplate on the managed core: a WhatsApp message
// template published to accounts and reviewed by Meta, its part of the bulk drift (and
// review) pass, and its controller's watches.
package template

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// +kubebuilder:rbac:groups=wassist.app,resources=wassisttemplates,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassisttemplates/status,verbs=patch

// reconciler keeps a remote WhatsApp template equal to each WassistTemplate, and
// published to exactly its accounts: the managed core with the template's kind.
type reconciler = managed.Reconciler[*wassistv1alpha1.WassistTemplate, templateView, *wassist.Template]

// Kind plugs the WassistTemplate into the operator (kit.Kind).
type Kind struct{}

// Setup registers the template controller, its claim index and its watches, and returns
// its part of a bulk drift pass: one list of templates per key, more often while Meta
// reviews one.
func (Kind) Setup(ctx context.Context, mgr ctrl.Manager, w *kit.Wiring) (kit.DriftCheck, error) {
	r := kit.Reconciler(mgr, w, &reconciler{
		Kind:      &templateKind{cache: mgr.GetClient(), keys: w.Keys, recorder: w.Recorder},
		New:       func() *wassistv1alpha1.WassistTemplate { return &wassistv1alpha1.WassistTemplate{} },
		NewList:   kit.TemplateList,
		Noun:      "template",
		Deleted:   managed.EventText{Reason: "Deleted", Note: "Deleted remote template %s, and so unpublished it everywhere"},
		Finalizer: wassistv1alpha1.Finalizer, IDAnnotation: wassistv1alpha1.AnnotationTemplateID,
		ReadyMessage: "the template matches the spec and Meta approved it in every account of publishTo",
		// Meta's review is looked for by the bulk check, one list per key (faster while
		// a review is pending), never by a read per template.
		Awaits: map[string]bool{wassistv1alpha1.ReasonReviewPending: true, wassistv1alpha1.ReasonTemplateRejected: true},
	})
	if err := r.IndexClaims(ctx, mgr); err != nil {
		return nil, err
	}
	err := kit.WatchSecrets(r.Builder(mgr, "wassisttemplate"), mgr, kit.TemplateList).
		// An agent that stops naming a template frees its deletion (docs/design.md, rule 17).
		Watches(&wassistv1alpha1.WassistAgent{}, handler.EnqueueRequestsFromMapFunc(triggerTemplates)).
		Complete(r)
	return &drift{cache: mgr.GetClient(), templates: r}, err
}
