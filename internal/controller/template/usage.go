package template

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// A template is deleted after the agents whose triggers name it (docs/design.md, rule
// 17): deleted first, it would leave a trigger live on Wassist with nothing behind it.
var _ managed.Used[*wassistv1alpha1.WassistTemplate] = (*templateKind)(nil)

// UsedBy names the WassistAgents whose outbound triggers name the template, once it has
// an id.
func (k *templateKind) UsedBy(ctx context.Context, tpl *wassistv1alpha1.WassistTemplate) ([]string, error) {
	if templateIDOf(tpl) == "" {
		return nil, nil
	}
	agents := &wassistv1alpha1.WassistAgentList{}
	if err := k.cache.List(ctx, agents, client.InNamespace(tpl.Namespace),
		client.MatchingFields{kit.TemplateRefIndex: tpl.Name}); err != nil {
		return nil, err
	}
	users := make([]string, 0, len(agents.Items))
	for _, a := range agents.Items {
		users = append(users, "WassistAgent "+a.Name)
	}
	return users, nil
}

// triggerTemplates maps an agent to the templates its triggers name: a trigger removed,
// or the agent gone, may free a template waiting to be deleted.
func triggerTemplates(_ context.Context, obj client.Object) []reconcile.Request {
	names := kit.TriggerTemplateNames(obj)
	reqs := make([]reconcile.Request, 0, len(names))
	for _, name := range names {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKey{Namespace: obj.GetNamespace(), Name: name}})
	}
	return reqs
}
