package controller

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// SetupIndexes registers the cache indexes the kinds read through (the core registers
// its claim index itself): every kind by the Secrets it reads, agents by the agents they
// hand off to and the templates they name, deployments by their agent. It runs once per
// manager, before the controllers are set up.
func SetupIndexes(ctx context.Context, mgr ctrl.Manager) error {
	idx := mgr.GetFieldIndexer()
	for _, i := range []struct {
		obj   client.Object
		name  string
		value client.IndexerFunc
	}{
		{&wassistv1alpha1.WassistAgent{}, secretRefIndex, secretNames},
		{&wassistv1alpha1.WassistDeployment{}, secretRefIndex, secretNames},
		{&wassistv1alpha1.WassistTemplate{}, secretRefIndex, secretNames},
		{&wassistv1alpha1.WassistAgent{}, handoffRefIndex, handoffRefNames},
		{&wassistv1alpha1.WassistAgent{}, templateRefIndex, triggerTemplateNames},
		{&wassistv1alpha1.WassistDeployment{}, deploymentAgentIndex, deploymentAgentNames},
	} {
		if err := idx.IndexField(ctx, i.obj, i.name, i.value); err != nil {
			return err
		}
	}
	return nil
}

// deployedAgent maps a deployment to the WassistAgent it deploys.
func deployedAgent(_ context.Context, obj client.Object) []reconcile.Request {
	dep, ok := obj.(*wassistv1alpha1.WassistDeployment)
	if !ok || dep.Spec.AgentRef == nil {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: dep.Namespace, Name: dep.Spec.AgentRef.Name}}}
}
