package validate

import (
	"fmt"
	"io/fs"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// kindSchema is what the API server builds from a CRD to serve one version of its kind:
// the structural schema (pruning, defaulting, list types, CEL), the OpenAPI validator and
// the compiled CEL rules.
type kindSchema struct {
	namespaced bool
	// withStatus: a status subresource, so a create drops the status it is sent.
	withStatus bool
	structural *structuralschema.Structural
	openAPI    apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// readCRDs builds the schemas of every served version of the CRDs in files.
func readCRDs(files fs.FS) (map[schema.GroupVersionKind]*kindSchema, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, err
	}
	kinds := map[schema.GroupVersionKind]*kindSchema{}
	for _, name := range names {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := addCRD(kinds, crd); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(kinds) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition in the embedded files")
	}
	return kinds, nil
}

// addCRD adds the served versions of crd; a version the server does not serve is one a
// create cannot use either.
func addCRD(kinds map[schema.GroupVersionKind]*kindSchema, crd *apiextensionsv1.CustomResourceDefinition) error {
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		k, err := newKindSchema(v.Schema)
		if err != nil {
			return fmt.Errorf("version %s: %w", v.Name, err)
		}
		k.namespaced = crd.Spec.Scope == apiextensionsv1.NamespaceScoped
		k.withStatus = v.Subresources != nil && v.Subresources.Status != nil
		kinds[schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}] = k
	}
	return nil
}

// newKindSchema converts one version's schema as the API server does when it starts
// serving a CRD: to the internal types, then to a structural schema without the defaults
// a create would prune anyway.
func newKindSchema(v1 *apiextensionsv1.CustomResourceValidation) (*kindSchema, error) {
	if v1 == nil || v1.OpenAPIV3Schema == nil {
		return nil, fmt.Errorf("no schema: every version of these CRDs has one")
	}
	internal := &apiextensionsinternal.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v1, internal, nil); err != nil {
		return nil, err
	}
	structural, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	if err := structuraldefaulting.PruneDefaults(structural); err != nil {
		return nil, err
	}
	openAPI, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	return &kindSchema{
		structural: structural,
		openAPI:    openAPI,
		cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
	}, nil
}
