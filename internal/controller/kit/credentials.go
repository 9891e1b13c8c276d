package kit

import (
	"context"
	"errors"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// SecretRefIndex indexes the resources of every kind by the names of the Secrets they
// read, so that a Secret event re-reconciles exactly the resources that use it: a key
// Secret deleted, or its key removed or emptied, shows on each of them at once
// (docs/design.md, rule 16).
const SecretRefIndex = "wassist.app/secret-names" //nolint:gosec // an index name, not a credential

// SecretReader reads values of Secrets. The manager never caches Secrets wholesale: it
// watches their metadata only. A value is read uncached the first time and kept, with
// the Secret's resourceVersion, only while the metadata cache shows that same version:
// a rotation changes the version and the next read goes to the API server again. So a
// reconcile does not pay a round trip for a key that has not changed since the last one,
// and a thousand agents on one key do not read it a thousand times.
type SecretReader struct {
	cache client.Reader // the manager's cache, holding Secrets' metadata
	api   client.Reader // uncached

	mu     sync.Mutex
	values map[types.NamespacedName]secretVersion
}

type secretVersion struct {
	resourceVersion string
	data            map[string][]byte
}

// NewSecretReader returns a reader that checks versions in cache and reads from api.
func NewSecretReader(cache, api client.Reader) *SecretReader {
	return &SecretReader{cache: cache, api: api, values: map[types.NamespacedName]secretVersion{}}
}

// Value reads one key of a Secret in namespace (only there: a reference has no
// namespace of its own). Its errors say which Secret and key, never the value.
func (r *SecretReader) Value(ctx context.Context, namespace string, ref wassistv1alpha1.SecretKeySelector) (string, error) {
	if ref.Name == "" {
		// A deployment whose agent's WassistAgent is gone has no Secret left to name.
		return "", &managed.CredentialsError{Reason: wassistv1alpha1.ReasonSecretNotFound,
			Message: "no Secret is named for the API key (the WassistAgent it would come from is gone)"}
	}
	key := ref.Key
	if key == "" {
		key = "apiKey"
	}
	data, err := r.data(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name})
	if err != nil {
		return "", err
	}
	value, ok := data[key]
	if !ok {
		return "", &managed.CredentialsError{Reason: wassistv1alpha1.ReasonSecretKeyMissing,
			Message: fmt.Sprintf("Secret %q has no key %q", ref.Name, key)}
	}
	if len(value) == 0 {
		return "", &managed.CredentialsError{Reason: wassistv1alpha1.ReasonSecretKeyEmpty,
			Message: fmt.Sprintf("key %q of Secret %q is empty", key, ref.Name)}
	}
	return string(value), nil
}

// SecretMetadata reads a Secret's metadata only: from the cache's metadata-only watch, so
// that no Secret's data is ever cached.
func SecretMetadata(ctx context.Context, r client.Reader, key client.ObjectKey) (*metav1.PartialObjectMetadata, error) {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	return m, r.Get(ctx, key, m)
}

// data returns the Secret's data: the kept copy when the cache shows its version still,
// otherwise a fresh uncached read.
func (r *SecretReader) data(ctx context.Context, name types.NamespacedName) (map[string][]byte, error) {
	if current, err := SecretMetadata(ctx, r.cache, name); err == nil {
		r.mu.Lock()
		kept, ok := r.values[name]
		r.mu.Unlock()
		if ok && kept.resourceVersion == current.ResourceVersion {
			return kept.data, nil
		}
	}
	secret := &corev1.Secret{}
	if err := r.api.Get(ctx, name, secret); err != nil {
		if apierrors.IsNotFound(err) {
			r.forget(name)
			return nil, &managed.CredentialsError{Reason: wassistv1alpha1.ReasonSecretNotFound,
				Message: fmt.Sprintf("Secret %q not found in namespace %q", name.Name, name.Namespace)}
		}
		return nil, fmt.Errorf("reading Secret %q: %w", name.Name, err)
	}
	r.mu.Lock()
	r.values[name] = secretVersion{resourceVersion: secret.ResourceVersion, data: secret.Data}
	r.mu.Unlock()
	return secret.Data, nil
}

func (r *SecretReader) forget(name types.NamespacedName) {
	r.mu.Lock()
	delete(r.values, name)
	r.mu.Unlock()
}

// APIClient returns the shared Wassist client of the API key ref names, and the key's
// KeyID: what every reconcile and drift pass needs of a key.
func APIClient(ctx context.Context, secrets *SecretReader, pool *wassist.Pool, namespace string,
	ref wassistv1alpha1.SecretKeySelector) (*wassist.Client, string, error) {
	key, err := secrets.Value(ctx, namespace, ref)
	if err != nil {
		return nil, "", err
	}
	c, err := pool.For(key)
	return c, wassist.KeyID(key), err
}

// Keyring hands out the API clients of objects' keys, and remembers the key each object
// last used (by object UID), so that a deletion can finish with that key's client after
// its Secret is gone (docs/design.md, rule 7).
type Keyring struct {
	Secrets *SecretReader
	Pool    *wassist.Pool
	keyIDs  sync.Map
}

// Client returns the client of the key ref names in obj's namespace. When deleting, a
// Secret already gone (a namespace being torn down) is replaced by the client last used
// for obj; without one the error says how to unblock the deletion.
func (k *Keyring) Client(ctx context.Context, obj client.Object, ref wassistv1alpha1.SecretKeySelector,
	deleting bool, noun string) (*wassist.Client, error) {
	api, keyID, err := APIClient(ctx, k.Secrets, k.Pool, obj.GetNamespace(), ref)
	if err == nil {
		if last, ok := k.keyIDs.Load(obj.GetUID()); !ok || last != keyID {
			k.keyIDs.Store(obj.GetUID(), keyID) // a write only when the key changed
		}
		return api, nil
	}
	if _, missing := errors.AsType[*managed.CredentialsError](err); !missing || !deleting {
		return nil, err
	}
	if keyID, ok := k.keyIDs.Load(obj.GetUID()); ok {
		if api, ok := k.Pool.Lookup(keyID.(string)); ok {
			return api, nil
		}
	}
	return nil, &managed.CredentialsError{Reason: wassistv1alpha1.ReasonCredentialsMissing, Message: fmt.Sprintf(
		"cannot delete the remote %s: %v; restore the Secret (impossible once its namespace is terminating), "+
			"or set spec.deletionPolicy to Orphan to finish the deletion and leave the remote %s in place "+
			"(docs/operations.md, Deleting a namespace)", noun, err, noun)}
}

// SecretNames are the Secrets a resource reads: its API key; an agent's credit password
// and triggers' Secrets too. A deployment without a key of its own uses its agent's, and
// hears of it through the agent's readiness.
func SecretNames(obj client.Object) []string {
	switch o := obj.(type) {
	case *wassistv1alpha1.WassistAgent:
		names := []string{o.Spec.APIKeySecretRef.Name}
		if cs := o.Spec.CreditSettings; cs != nil && cs.CreditGrantPasswordSecretRef != nil {
			names = append(names, cs.CreditGrantPasswordSecretRef.Name)
		}
		for _, t := range o.Spec.OutboundTriggers {
			names = append(names, t.SecretName) // deleted by hand, it is written again
		}
		return names
	case *wassistv1alpha1.WassistDeployment:
		if o.Spec.APIKeySecretRef != nil {
			return []string{o.Spec.APIKeySecretRef.Name}
		}
	case *wassistv1alpha1.WassistTemplate:
		return []string{o.Spec.APIKeySecretRef.Name}
	}
	return nil
}

// WatchSecrets reconciles the resources (listed into newList()) that read a Secret when it
// changes or goes. Secrets are watched as metadata only: the operator never caches their data.
func WatchSecrets(b *builder.Builder, mgr ctrl.Manager, newList func() client.ObjectList) *builder.Builder {
	return b.WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(ObjectsIndexedBy(mgr.GetClient(), SecretRefIndex, newList)),
		builder.WithPredicates(predicate.ResourceVersionChangedPredicate{}))
}

// ObjectsIndexedBy maps an object to the objects (listed into newList()) in its
// namespace whose index holds its name: the agents that read a Secret or hand off to
// an agent, the deployments of an agent.
func ObjectsIndexedBy(c client.Reader, index string, newList func() client.ObjectList) handler.MapFunc {
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

// AgentList is an empty list of WassistAgents.
func AgentList() client.ObjectList { return &wassistv1alpha1.WassistAgentList{} }

// DeploymentList is an empty list of WassistDeployments.
func DeploymentList() client.ObjectList { return &wassistv1alpha1.WassistDeploymentList{} }

// TemplateList is an empty list of WassistTemplates.
func TemplateList() client.ObjectList { return &wassistv1alpha1.WassistTemplateList{} }
