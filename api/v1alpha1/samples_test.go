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
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// readSamples decodes every object in config/samples except the kustomization.
func readSamples() []*unstructured.Unstructured {
	files, err := filepath.Glob("../../config/samples/*.yaml")
	Expect(err).NotTo(HaveOccurred())
	var objs []*unstructured.Unstructured
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		Expect(err).NotTo(HaveOccurred())
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			u := &unstructured.Unstructured{}
			err := dec.Decode(&u.Object)
			if errors.Is(err, io.EOF) {
				break
			}
			Expect(err).NotTo(HaveOccurred(), f)
			if len(u.Object) > 0 {
				objs = append(objs, u)
			}
		}
	}
	return objs
}

func field(u *unstructured.Unstructured, path ...string) any {
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, path...)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "%s %s: field %v not set", u.GetKind(), u.GetName(), path)
	return v
}

func firstItem(u *unstructured.Unstructured, list string) *unstructured.Unstructured {
	items, ok := field(u, "spec", list).([]any)
	Expect(ok).To(BeTrue())
	Expect(items).NotTo(BeEmpty())
	return &unstructured.Unstructured{Object: items[0].(map[string]any)}
}

var _ = Describe("The samples in config/samples", func() {
	It("are accepted, and come back with their defaults filled in", func() {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "samples-"}}
		Expect(k8sClient.Create(ctx, ns)).To(Succeed())

		samples := readSamples()
		kinds := map[string]int{}
		for _, obj := range samples {
			obj.SetNamespace(ns.Name)
			Expect(create(obj)).To(Succeed(), "sample %s/%s", obj.GetKind(), obj.GetName())
			kinds[obj.GetKind()]++
		}
		Expect(kinds).To(HaveKeyWithValue("WassistAgent", 2))
		Expect(kinds).To(HaveKeyWithValue("WassistDeployment", 1))
		Expect(kinds).To(HaveKeyWithValue("WassistTemplate", 1))
		Expect(kinds).To(HaveKeyWithValue("Secret", 1))

		for _, sample := range samples {
			got := &unstructured.Unstructured{}
			got.SetGroupVersionKind(sample.GroupVersionKind())
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(sample), got)).To(Succeed())
			switch got.GetKind() {
			case "WassistAgent":
				Expect(field(got, "spec", "apiKeySecretRef", "key")).To(Equal("apiKey"))
				Expect(field(got, "spec", "deletionPolicy")).To(Equal("Delete"))
				if got.GetName() == "concierge" {
					tool := firstItem(got, "tools")
					Expect(field(tool, "active")).To(BeTrue())
					Expect(field(tool, "creditCost")).To(BeEquivalentTo(0))
					Expect(field(firstItem(got, "handoffTools"), "active")).To(BeTrue())
				} else {
					Expect(field(firstItem(got, "memoryKeys"), "type")).To(Equal("string"))
				}
			case "WassistDeployment":
				Expect(field(got, "spec", "applyToExisting")).To(BeTrue())
				Expect(field(got, "spec", "deletionPolicy")).To(Equal("Delete"))
			}
		}
	})
})

var _ = Describe("The README's first example", func() {
	It("is accepted as it is written", func() {
		readme, err := os.ReadFile("../../README.md")
		Expect(err).NotTo(HaveOccurred())
		_, rest, found := bytes.Cut(readme, []byte("```yaml\n# concierge.yaml\n"))
		Expect(found).To(BeTrue(), "the README's first example is a concierge.yaml block")
		block, _, _ := bytes.Cut(rest, []byte("```"))
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "readme-"}}
		Expect(k8sClient.Create(ctx, ns)).To(Succeed())
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(block), 4096)
		var kinds []string
		for {
			u := &unstructured.Unstructured{}
			err := dec.Decode(&u.Object)
			if errors.Is(err, io.EOF) {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			u.SetNamespace(ns.Name)
			Expect(create(u)).To(Succeed(), "%s %s", u.GetKind(), u.GetName())
			kinds = append(kinds, u.GetKind())
		}
		Expect(kinds).To(Equal([]string{"WassistAgent", "WassistDeployment"}))
	})
})

var _ = Describe("The generated CRDs", func() {
	It("document every spec and status field, as kubectl explain shows them", func() {
		files, err := filepath.Glob(filepath.Join(crdDir, "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(3))
		for _, f := range files {
			data, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			crd := &apiextensionsv1.CustomResourceDefinition{}
			Expect(yaml.Unmarshal(data, crd)).To(Succeed())
			for _, v := range crd.Spec.Versions {
				root := v.Schema.OpenAPIV3Schema
				for _, top := range []string{"spec", "status"} {
					Expect(undocumented(root.Properties[top], top)).To(BeEmpty(), "%s: fields without a description", f)
				}
			}
		}
	})
})

// undocumented lists the paths below s whose schema has no description.
func undocumented(s apiextensionsv1.JSONSchemaProps, path string) []string {
	var missing []string
	if s.Description == "" {
		missing = append(missing, path)
	}
	for name, p := range s.Properties {
		missing = append(missing, undocumented(p, path+"."+name)...)
	}
	if s.Items != nil && s.Items.Schema != nil && len(s.Items.Schema.Properties) > 0 {
		for name, p := range s.Items.Schema.Properties {
			missing = append(missing, undocumented(p, path+"[]."+name)...)
		}
	}
	return missing
}
