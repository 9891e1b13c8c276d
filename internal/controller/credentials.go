package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// secretRefIndex indexes WassistAgents by the names of the Secrets they read, so that a
// Secret event re-reconciles exactly the agents that use it.
const secretRefIndex = "wassist.app/secret-names" //nolint:gosec // an index name, not a credential

// credentialsError says why the API key (or another secret value) could not be read.
// Its reason is one of the Secret* condition reasons.
type credentialsError struct {
	reason string
	msg    string
}

func (e *credentialsError) Error() string { return e.msg }

// readSecretValue reads one key of a Secret in namespace with the uncached reader: the
// manager never caches Secrets wholesale, and a rotation is seen at the next read.
func readSecretValue(ctx context.Context, reader client.Reader, namespace string, ref wassistv1alpha1.SecretKeySelector) (string, error) {
	key := ref.Key
	if key == "" {
		key = "apiKey"
	}
	secret := &corev1.Secret{}
	if err := reader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return "", &credentialsError{wassistv1alpha1.ReasonSecretNotFound,
				fmt.Sprintf("Secret %q not found in namespace %q", ref.Name, namespace)}
		}
		return "", fmt.Errorf("reading Secret %q: %w", ref.Name, err)
	}
	value, ok := secret.Data[key]
	if !ok {
		return "", &credentialsError{wassistv1alpha1.ReasonSecretKeyMissing,
			fmt.Sprintf("Secret %q has no key %q", ref.Name, key)}
	}
	if len(value) == 0 {
		return "", &credentialsError{wassistv1alpha1.ReasonSecretKeyEmpty,
			fmt.Sprintf("key %q of Secret %q is empty", key, ref.Name)}
	}
	return string(value), nil
}

// agentSecretNames are the Secrets an agent reads: its API key and its credit password.
func agentSecretNames(obj client.Object) []string {
	agent, ok := obj.(*wassistv1alpha1.WassistAgent)
	if !ok {
		return nil
	}
	names := []string{agent.Spec.APIKeySecretRef.Name}
	if cs := agent.Spec.CreditSettings; cs != nil && cs.CreditGrantPasswordSecretRef != nil {
		names = append(names, cs.CreditGrantPasswordSecretRef.Name)
	}
	return names
}

// objectsIndexedBy maps an object to the objects (listed into newList()) in its
// namespace whose index holds its name: the agents that read a Secret or hand off to
// an agent, the deployments of an agent.
func objectsIndexedBy(c client.Reader, index string, newList func() client.ObjectList) handler.MapFunc {
	return func(ctx context.Context, obj client.Object) []reconcile.Request {
		list := newList()
		if err := c.List(ctx, list, client.InNamespace(obj.GetNamespace()), client.MatchingFields{index: obj.GetName()}); err != nil {
			return nil
		}
		var reqs []reconcile.Request
		_ = meta.EachListItem(list, func(o runtime.Object) error {
			if item, ok := o.(client.Object); ok {
				reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(item)})
			}
			return nil
		})
		return reqs
	}
}

func agentList() client.ObjectList      { return &wassistv1alpha1.WassistAgentList{} }
func deploymentList() client.ObjectList { return &wassistv1alpha1.WassistDeploymentList{} }
