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
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/component-base/version"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/wassist-operator/wassist-operator/internal/validate"
)

// Every create of this suite goes through admit (or create), so every manifest the API
// server is shown here is judged by kubectl wassist validate's offline validator too, and
// a new case is checked against both without asking. Updates are the server's alone:
// their transition rules (oldSelf) have no old object offline.

// created counts the creates both judged, and refused those both refused: the suite
// prints them at its end (with -ginkgo.v).
var created, refused int

// create is admit's server answer, for the specs that only want that.
func create(obj client.Object) error {
	err, _ := admit(obj)
	return err
}

// admit creates obj on the API server with strict field validation, as kubectl apply
// sends it, and judges it offline; it fails the spec unless both accept obj, or both refuse
// it for the same causes (the same fields, with the same messages). It returns both answers.
func admit(obj client.Object) (serverErr, offlineErr error) {
	u := asUnstructured(obj)
	if u.GroupVersionKind().Group != validate.Group {
		return k8sClient.Create(ctx, obj), nil
	}
	offlineErr = offline.Check(ctx, u)
	serverErr = k8sClient.Create(ctx, obj, client.FieldValidation("Strict"))
	created++
	if serverErr == nil {
		Expect(offlineErr).NotTo(HaveOccurred(),
			"the API server accepted %s %q; kubectl wassist validate refused it", u.GetKind(), obj.GetName())
		return nil, nil
	}
	refused++
	Expect(offlineErr).To(HaveOccurred(),
		"the API server refused %s: %v; kubectl wassist validate accepted it", u.GetKind(), serverErr)
	server, offlineCauses := causes(serverErr), causes(offlineErr)
	if !apierrors.IsInvalid(serverErr) {
		// A strict decoding error (400) names only the unknown fields, and stops there.
		offlineCauses = slices.DeleteFunc(offlineCauses, func(c string) bool { return !strings.HasSuffix(c, unknownFieldBody) })
	}
	if olderServer {
		offlineCauses = inOlderWording(offlineCauses, server)
	}
	Expect(offlineCauses).To(Equal(server), "the API server: %v\nkubectl wassist validate: %v", serverErr, offlineErr)
	return serverErr, offlineErr
}

// olderServer is set when the API server is of an older Kubernetes minor than the libraries
// of the offline validator (make test-oldest; docs/upgrading.md).
var olderServer bool

// serverOlderThanLibraries compares the API server's minor version with the Kubernetes
// release of the k8s.io libraries the validator is built with. A server that does not say
// (built without its version stamp) counts as the same.
func serverOlderThanLibraries(cfg *rest.Config) bool {
	info, err := discovery.NewDiscoveryClientForConfigOrDie(cfg).ServerVersion()
	Expect(err).NotTo(HaveOccurred())
	server, err := strconv.Atoi(strings.TrimSuffix(info.Minor, "+"))
	if err != nil {
		return false
	}
	lib, err := strconv.Atoi(strings.Split(version.DefaultKubeBinaryVersion, ".")[1])
	Expect(err).NotTo(HaveOccurred(), "the libraries' Kubernetes version %q", version.DefaultKubeBinaryVersion)
	return server < lib
}

// celTyped is a CEL rule's refusal as API servers before 1.37 word it: the value given as its
// type ("string", "object") where newer ones give the value itself or nothing.
var celTyped = regexp.MustCompile(`^(.*?): Invalid value: "(?:string|object|array|integer|number|boolean)": (.*)$`)

// inOlderWording rewrites the offline causes that an older API server words differently
// into its words: the same field and message, only the value shown differs. Any other
// difference still fails the comparison.
func inOlderWording(offline, server []string) []string {
	out := slices.Clone(offline)
	for _, s := range server {
		m := celTyped.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		field, msg := m[1], m[2]
		for i, o := range out {
			if o == field+": Invalid value: "+msg ||
				strings.HasPrefix(o, field+": Invalid value: ") && strings.HasSuffix(o, ": "+msg) {
				out[i] = s
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// unknownFieldBody ends the cause the offline validator gives an unknown field.
const unknownFieldBody = ": Forbidden: unknown field"

var strictUnknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

// causes are an error's causes as "field: message", sorted: an Invalid error's details, or
// the fields of a strict decoding error, as the offline validator words them.
func causes(err error) []string {
	var out []string
	var status apierrors.APIStatus
	if errors.As(err, &status) && apierrors.IsInvalid(err) && status.Status().Details != nil {
		for _, c := range status.Status().Details.Causes {
			out = append(out, c.Field+": "+c.Message)
		}
	} else {
		for _, m := range strictUnknownField.FindAllStringSubmatch(err.Error(), -1) {
			out = append(out, m[1]+unknownFieldBody)
		}
	}
	slices.Sort(out)
	return out
}

// asUnstructured is a copy of obj as a manifest holds it: with its apiVersion and kind.
func asUnstructured(obj client.Object) *unstructured.Unstructured {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return u.DeepCopy()
	}
	gvk, err := k8sClient.GroupVersionKindFor(obj)
	Expect(err).NotTo(HaveOccurred())
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvk)
	return u
}
