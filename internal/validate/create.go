package validate

import (
	"context"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/operation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/features"
	"k8s.io/apiserver/pkg/storage/names"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
)

// The steps below are those a create of a custom resource goes through in the API
// server, in its order: the decoder's, then the create strategy's. Each calls the
// library function the server calls; only the glue between them is written here.

// decode does to u what the server's decoder does to a request body: the fields the schema
// does not know are pruned (and reported, as strict field validation does), nulls without
// a default dropped, metadata and embedded objects coerced, defaults applied. The error
// is a metadata the server could not decode at all.
func (k *kindSchema) decode(u *unstructured.Unstructured) (field.ErrorList, *field.Error) {
	kind, apiVersion := u.GetKind(), u.GetAPIVersion()
	objectMeta, hasMeta, unknown, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object,
		schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return nil, field.Invalid(field.NewPath("metadata"), field.OmitValueType{}, err.Error())
	}
	unknown = append(unknown, structuralpruning.PruneWithOptions(u.Object, k.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, k.structural)
	ferr, embedded := schemaobjectmeta.CoerceWithOptions(nil, u.Object, k.structural, false,
		schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if ferr != nil {
		return nil, ferr
	}
	unknown = append(unknown, embedded...)
	u.SetKind(kind)
	u.SetAPIVersion(apiVersion)
	if hasMeta {
		if err := schemaobjectmeta.SetObjectMeta(u.Object, objectMeta); err != nil {
			return nil, field.Invalid(field.NewPath("metadata"), field.OmitValueType{}, err.Error())
		}
	}
	structuraldefaulting.Default(u.Object, k.structural)
	return unknownFields(unknown), nil
}

// unknownFields are the paths the schema does not know, as errors. The server would drop
// them with a warning (its default) or refuse the request (strict, kubectl apply's
// default); a pull-request check refuses them, since the field was meant to do something.
func unknownFields(paths []string) field.ErrorList {
	errs := make(field.ErrorList, 0, len(paths))
	for _, p := range paths {
		errs = append(errs, field.Forbidden(field.NewPath(p), "unknown field"))
	}
	return errs
}

// prepareForCreate fills in what the server sets before it validates a create: the name
// from generateName (a CEL rule may read metadata.name), the namespace of the request
// (kubectl sends its context's: "default" stands for it), no status, generation 1.
func (k *kindSchema) prepareForCreate(u *unstructured.Unstructured) {
	if u.GetName() == "" && u.GetGenerateName() != "" {
		u.SetName(names.SimpleNameGenerator.GenerateName(u.GetGenerateName()))
	}
	if k.namespaced && u.GetNamespace() == "" {
		u.SetNamespace(metav1.NamespaceDefault)
	}
	if k.withStatus {
		delete(u.Object, "status")
	}
	u.SetGeneration(1)
}

// validateCreate is the create strategy's validation: metadata, the OpenAPI schema,
// embedded objects, list types, then the CEL rules unless an error already found would
// make them misleading (the server then says so instead of running them).
func (k *kindSchema) validateCreate(ctx context.Context, u *unstructured.Unstructured) field.ErrorList {
	errs := k.validateMetadata(ctx, u)
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, u.UnstructuredContent(), k.openAPI)...)
	errs = append(errs, schemaobjectmeta.Validate(ctx, nil, u.Object, k.structural, false)...)
	errs = append(errs, structurallisttype.ValidateListSetsAndMaps(nil, k.structural, u.Object)...)
	if k.cel == nil {
		return errs
	}
	if blocking(errs) {
		return append(errs, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; "+
			"correct the existing errors to complete validation"))
	}
	celErrs, _ := k.cel.Validate(ctx, nil, k.structural, u.Object, nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// validateMetadata checks the name (a DNS subdomain, as for every custom resource), the
// namespace, labels and annotations as for a create.
func (k *kindSchema) validateMetadata(ctx context.Context, u *unstructured.Unstructured) field.ErrorList {
	path := field.NewPath("metadata")
	objectMeta := &metav1.ObjectMeta{}
	if raw, ok := u.Object["metadata"].(map[string]any); ok {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, objectMeta); err != nil {
			return field.ErrorList{field.Invalid(path, field.OmitValueType{}, err.Error())}
		}
	}
	return apimachineryvalidation.ValidateObjectMetaDeclaratively(ctx, operation.Create, objectMeta, nil, k.namespaced,
		apimachineryvalidation.NameIsDNSSubdomain, path, utilfeature.DefaultFeatureGate.Enabled(features.DeclarativeValidationBeta))
}

// blocking says whether errs hold an error after which the server does not run CEL rules:
// their inputs may be missing, too large or of the wrong type.
func blocking(errs field.ErrorList) bool {
	for _, err := range errs {
		switch err.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany,
			field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}
