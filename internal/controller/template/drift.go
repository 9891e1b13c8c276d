package template

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// drift is the templates' part of a bulk drift pass.
type drift struct {
	cache     client.Reader
	templates *reconciler
}

// Check lists the templates of every key in use.
func (o *drift) Check(ctx context.Context, pass *kit.Pass) error {
	return o.checkTemplates(ctx, pass, false)
}

// CheckReviews lists the templates of the keys that have one under Meta's review.
func (o *drift) CheckReviews(ctx context.Context, pass *kit.Pass) error {
	return o.checkTemplates(ctx, pass, true)
}

// checkTemplates is the templates' part of a bulk check: per API key, one list of
// templates says how each is written, where it is published and what Meta's review says
// in each account; only the templates whose remote side differs from their spec or
// status are enqueued, with what the list saw. With underReview, only the keys that have
// a template waiting for Meta's review are listed.
func (o *drift) checkTemplates(ctx context.Context, pass *kit.Pass, underReview bool) error {
	byKey, clients, err := o.templatesByKey(ctx, pass, underReview)
	if err != nil {
		return err
	}
	var firstErr error
	for keyID, group := range byKey {
		remote, err := clients[keyID].ListTemplates(ctx)
		if err != nil {
			firstErr = kit.FirstErr(firstErr, err)
			continue
		}
		byID := make(map[string]*wassist.Template, len(remote))
		for i := range remote {
			byID[remote[i].ID] = &remote[i]
		}
		for _, t := range group {
			o.compareTemplate(pass, t, byID[t.Status.TemplateID], clients[keyID].Fingerprint())
		}
	}
	return firstErr
}

// templatesByKey groups the observable templates (with an id, not paused or being
// deleted, and, with underReview, waiting for Meta) by their key.
func (o *drift) templatesByKey(ctx context.Context, pass *kit.Pass, underReview bool) (
	map[string][]*wassistv1alpha1.WassistTemplate, map[string]*wassist.Client, error) {
	list := &wassistv1alpha1.WassistTemplateList{}
	if err := o.cache.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil { // read-only
		return nil, nil, err
	}
	byKey := map[string][]*wassistv1alpha1.WassistTemplate{}
	clients := map[string]*wassist.Client{}
	for i := range list.Items {
		t := &list.Items[i]
		if t.Status.TemplateID == "" || !t.DeletionTimestamp.IsZero() || managed.IsPaused(t) || kit.AlreadyManaged(t.Status.Conditions) {
			continue
		}
		if ready := meta.FindStatusCondition(t.Status.Conditions, wassistv1alpha1.ConditionReady); underReview &&
			(ready == nil || ready.Reason != wassistv1alpha1.ReasonReviewPending) {
			continue
		}
		keyID, c, ok := pass.Resolve(ctx, t.Namespace, t.Spec.APIKeySecretRef)
		if !ok {
			continue
		}
		byKey[keyID], clients[keyID] = append(byKey[keyID], t), c
	}
	return byKey, clients, nil
}

// compareTemplate hands the core what the list says of t when it differs.
func (o *drift) compareTemplate(pass *kit.Pass, t *wassistv1alpha1.WassistTemplate, remote *wassist.Template, key string) {
	obs := observation{ID: t.Status.TemplateID, KeyFingerprint: key}
	if remote != nil && managed.Observing(t) && !slices.Equal(accountsOf(remote.AccountLinks), t.Status.Accounts) {
		// Meta's review changed: the reconcile reads the template again and reports it.
		pass.Checks.WithLabelValues("drifted").Inc()
		o.templates.Observed(t.DeepCopy(), nil)
		return
	}
	if remote != nil {
		v := desiredTemplate(t)
		obs = (&templateExternal{tpl: t}).observation(remote, desired{Hash: v.hash(), View: v})
		obs.DesiredHash, obs.KeyFingerprint = v.hash(), key
	}
	kit.Report(pass, o.templates, t, obs)
}
