// Package validate judges wassist.app manifests offline as the API server judges their
// create: with the CRDs' own OpenAPI schemas and CEL rules, run by the API server's own
// libraries (docs/cli.md).
package validate

import (
	"cmp"
	"context"
	"io/fs"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/wassist-operator/wassist-operator/config/crd"
)

// Group is the API group of the kinds the validator knows. Objects of other groups are not
// its business: a kustomize build holds Secrets and Deployments too.
const Group = "wassist.app"

// Validator holds the schemas of the CRDs' served versions.
type Validator struct {
	kinds map[schema.GroupVersionKind]*kindSchema
}

// New returns a validator of the CRDs embedded from config/crd/bases.
func New() (*Validator, error) {
	bases, err := fs.Sub(crd.Bases, "bases")
	if err != nil {
		return nil, err
	}
	kinds, err := readCRDs(bases)
	if err != nil {
		return nil, err
	}
	return &Validator{kinds: kinds}, nil
}

// Validate returns what the API server would refuse in a create of obj, as the field errors
// of its Invalid answer (none: it would accept it). Fields the schema does not know are
// among them, as kubectl apply's strict field validation refuses them; rules on oldSelf
// judge updates only and are not run. The error is a *meta.NoKindMatchError when the CRDs
// know no such kind and version. obj is not changed.
func (v *Validator) Validate(ctx context.Context, obj *unstructured.Unstructured) (field.ErrorList, error) {
	gvk := obj.GroupVersionKind()
	k, ok := v.kinds[gvk]
	if !ok {
		return nil, &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}}
	}
	u := obj.DeepCopy()
	unknown, err := k.decode(u)
	if err != nil {
		return field.ErrorList{err}, nil
	}
	k.prepareForCreate(u)
	return append(unknown, k.validateCreate(ctx, u)...), nil
}

// Check is Validate's answer as the API server gives it: nil when it would accept obj, or
// the Invalid *apierrors.StatusError of its refusal, or Validate's error.
func (v *Validator) Check(ctx context.Context, obj *unstructured.Unstructured) error {
	errs, err := v.Validate(ctx, obj)
	if err != nil || len(errs) == 0 {
		return err
	}
	return apierrors.NewInvalid(obj.GroupVersionKind().GroupKind(), cmp.Or(obj.GetName(), obj.GetGenerateName()), errs)
}
