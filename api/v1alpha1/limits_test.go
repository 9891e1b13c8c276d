/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// Hostile input: a manifest is written by whoever may create the resource, so the schema
// is what keeps an oversized value from ever reaching the operator or the Wassist API.

var _ = Describe("Limits on hostile input", func() {
	It("bound every string, list and free-form object a user can write in a spec", func() {
		files, err := filepath.Glob(filepath.Join(crdDir, "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(3))
		for _, f := range files {
			data, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			crd := &apiextensionsv1.CustomResourceDefinition{}
			Expect(yaml.Unmarshal(data, crd)).To(Succeed())
			for _, v := range crd.Spec.Versions {
				// Only spec: status is written by the operator from the API's answers, and a
				// limit there could only make its own status write fail.
				Expect(unbounded(v.Schema.OpenAPIV3Schema.Properties["spec"], "spec")).To(BeEmpty(),
					"%s: fields without a size limit", filepath.Base(f))
			}
		}
	})

	It("rejects 1 MiB of systemPrompt at admission, naming the field and its limit", func() {
		obj := manifest("WassistAgent", agentSpec(""))
		Expect(unstructured.SetNestedField(obj.Object, strings.Repeat("You are a helpful barista. ", 1<<20/27+1),
			"spec", "systemPrompt")).To(Succeed())
		err := create(obj)
		Expect(err).To(HaveOccurred(), "the API server stored 1 MiB of systemPrompt")
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got: %v", err)
		Expect(err.Error()).To(ContainSubstring("spec.systemPrompt: Too long: may not be more than 100000"))
		// The message is for a human at a terminal: it must not echo the megabyte back.
		Expect(len(err.Error())).To(BeNumerically("<", 4096), "the admission error is %d bytes", len(err.Error()))
	})

	It("accepts every field at its limit", func() {
		obj := manifest("WassistAgent", agentSpec(`name: `+strings.Repeat("n", 255)+`
description: `+strings.Repeat("d", 4096)+`
systemPrompt: `+strings.Repeat("p", 100000)+`
firstMessage: `+strings.Repeat("f", 4096)+`
llmModel: `+strings.Repeat("m", 100)+`
memoryKeys: [{key: `+strings.Repeat("k", 128)+`, initialValue: `+strings.Repeat("i", 2048)+
			`, whenToUpdate: `+strings.Repeat("w", 1024)+`}]
websiteTools: [{url: "https://`+strings.Repeat("u", 2040)+`", prompt: `+strings.Repeat("p", 2048)+`}]
handoffTools: [{agentID: "`+uuidA+`", description: `+strings.Repeat("h", 2048)+`}]`))
		icebreakers := make([]any, 10)
		for i := range icebreakers {
			icebreakers[i] = strings.Repeat(string(rune('a'+i)), 256)
		}
		tools := make([]any, 64)
		for i := range tools {
			tools[i] = map[string]any{"name": strings.Repeat("t", 125) + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "x",
				"description": strings.Repeat("d", 2048), "apiSchema": map[string]any{"url": "https://example.com"}}
		}
		Expect(unstructured.SetNestedSlice(obj.Object, icebreakers, "spec", "icebreakers")).To(Succeed())
		Expect(unstructured.SetNestedSlice(obj.Object, tools, "spec", "tools")).To(Succeed())
		Expect(create(obj)).To(Succeed())
	})
})

var _ = Describe("A Secret reference", func() {
	// The only way to name a Secret is by name: a resource reads its namespace's Secrets
	// and no other's. An extra namespace in the manifest must not survive admission.
	withNamespace := func() *unstructured.Unstructured {
		return manifest("WassistAgent", "apiKeySecretRef: {name: wassist-api-key, namespace: kube-system}")
	}

	It("with a namespace is refused under strict field validation, as kubectl apply does by default", func() {
		err := create(withNamespace()) // strict, as kubectl apply sends it
		Expect(err).To(HaveOccurred(), "the API server stored a cross-namespace Secret reference")
		Expect(err.Error()).To(ContainSubstring(`unknown field "spec.apiKeySecretRef.namespace"`))
	})

	It("with a namespace loses it under default (warn) field validation", func() {
		// The API server's alone: kubectl wassist validate refuses an unknown field, as the
		// spec above and kubectl apply do.
		obj := withNamespace()
		Expect(k8sClient.Create(ctx, obj, client.FieldValidation("Warn"))).To(Succeed())
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(obj.GroupVersionKind())
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), got)).To(Succeed())
		ref, _, err := unstructured.NestedMap(got.Object, "spec", "apiKeySecretRef")
		Expect(err).NotTo(HaveOccurred())
		Expect(ref).To(Equal(map[string]any{"name": "wassist-api-key", "key": "apiKey"}))
	})
})

// unbounded lists the paths below s that a user could fill without limit: strings without
// maxLength (or an enum), lists without maxItems, and free-form objects without
// maxProperties.
func unbounded(s apiextensionsv1.JSONSchemaProps, path string) []string {
	var out []string
	switch {
	case s.Type == "string" && s.MaxLength == nil && len(s.Enum) == 0:
		out = append(out, path+" (string without maxLength)")
	case s.Type == "array" && s.MaxItems == nil:
		out = append(out, path+" (list without maxItems)")
	case s.Type == "object" && (s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields ||
		s.AdditionalProperties != nil) && s.MaxProperties == nil:
		out = append(out, path+" (free-form object without maxProperties)")
	}
	for name, p := range s.Properties {
		out = append(out, unbounded(p, path+"."+name)...)
	}
	if s.Items != nil && s.Items.Schema != nil {
		out = append(out, unbounded(*s.Items.Schema, path+"[]")...)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		out = append(out, unbounded(*s.AdditionalProperties.Schema, path+"{}")...)
	}
	return out
}
