package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// +kubebuilder:rbac:groups=wassist.app,resources=wassisttemplates,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=wassist.app,resources=wassisttemplates/status,verbs=patch

// templateReconciler keeps a remote WhatsApp template equal to each WassistTemplate, and
// published to exactly its accounts: the managed core with the template's kind.
type templateReconciler = managed.Reconciler[*wassistv1alpha1.WassistTemplate]

func newTemplateKind(mgr ctrl.Manager, w *wiring) *templateKind {
	return &templateKind{cache: mgr.GetClient(), keys: w.keys, recorder: w.recorder}
}

func newTemplateReconciler(mgr ctrl.Manager, w *wiring, kind *templateKind) *templateReconciler {
	return &templateReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  w.recorder,
		Kind:      kind,
		New:       func() *wassistv1alpha1.WassistTemplate { return &wassistv1alpha1.WassistTemplate{} },
		NewList:   templateList,
		Noun:      "template",
		Deleted:   managed.EventText{Reason: "Deleted", Note: "Deleted remote template %s, and so unpublished it everywhere"},
		Finalizer: wassistv1alpha1.Finalizer, IDAnnotation: wassistv1alpha1.AnnotationTemplateID,
		ReadyMessage: "the template matches the spec and Meta approved it in every account of publishTo",
		Drift:        w.drift, Workers: w.workers, Turns: turnOf,
		// Meta's review is looked for by the bulk check, one list per key (faster while
		// a review is pending), never by a read per template.
		Awaits: map[string]bool{wassistv1alpha1.ReasonReviewPending: true, wassistv1alpha1.ReasonTemplateRejected: true},
	}
}

// setupTemplateController registers the template controller and its watches.
func setupTemplateController(mgr ctrl.Manager, r *templateReconciler) error {
	return watchSecrets(r.Builder(mgr, "wassisttemplate"), mgr, templateList).
		// An agent that stops naming a template frees its deletion (docs/design.md, rule 17).
		Watches(&wassistv1alpha1.WassistAgent{}, handler.EnqueueRequestsFromMapFunc(triggerTemplates)).
		Complete(r)
}

func templateList() client.ObjectList { return &wassistv1alpha1.WassistTemplateList{} }
