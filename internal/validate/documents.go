package validate

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// A Document is one YAML document of a stream (between --- lines) or one JSON value.
type Document struct {
	// Index counts the stream's documents from 1.
	Index int
	// Objects are the document's object, or the items of a List.
	Objects []*unstructured.Unstructured
	// Err says why the document could not be read; it has no objects then.
	Err error
}

// ReadDocuments reads a stream of YAML documents, or of JSON values when it starts with
// "{", as kubectl does. A document that cannot be read is returned with its error and the
// next ones are still read; the stream ends at an error that loses its place in it.
// Documents with no object (only comments, or null) are left out.
func ReadDocuments(r io.Reader) []Document {
	br := bufio.NewReader(r)
	if start, _ := br.Peek(512); utilyaml.IsJSONBuffer(start) {
		return readJSON(json.NewDecoder(br))
	}
	return readYAML(utilyaml.NewYAMLReader(br))
}

func readYAML(r *utilyaml.YAMLReader) []Document {
	var docs []Document
	for i := 1; ; i++ {
		chunk, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			return append(docs, Document{Index: i, Err: err})
		}
		data, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			docs = append(docs, Document{Index: i, Err: err})
			continue
		}
		if doc := document(i, data); doc.Err != nil || len(doc.Objects) > 0 {
			docs = append(docs, doc)
		}
	}
}

func readJSON(dec *json.Decoder) []Document {
	var docs []Document
	for i := 1; ; i++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			return append(docs, Document{Index: i, Err: err})
		}
		if doc := document(i, raw); doc.Err != nil || len(doc.Objects) > 0 {
			docs = append(docs, doc)
		}
	}
}

// document decodes one document's JSON as the API server decodes a body: integers as
// int64, which the schema's integer types require.
func document(i int, data []byte) Document {
	var v any
	if err := utiljson.Unmarshal(data, &v); err != nil {
		return Document{Index: i, Err: err}
	}
	if v == nil {
		return Document{Index: i}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Document{Index: i, Err: fmt.Errorf("not an object but %T", v)}
	}
	objs, err := objects(&unstructured.Unstructured{Object: m})
	return Document{Index: i, Objects: objs, Err: err}
}

// objects are u, or the items of a List (any kind ending in List with items, as kubectl
// takes them), each of which must say what it is.
func objects(u *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	if !strings.HasSuffix(u.GetKind(), "List") || !u.IsList() {
		if err := typed(u); err != nil {
			return nil, err
		}
		return []*unstructured.Unstructured{u}, nil
	}
	list, err := u.ToList()
	if err != nil {
		return nil, err
	}
	objs := make([]*unstructured.Unstructured, 0, len(list.Items))
	for i := range list.Items {
		item := &list.Items[i]
		if err := typed(item); err != nil {
			return nil, fmt.Errorf("items[%d]: %w", i, err)
		}
		objs = append(objs, item)
	}
	return objs, nil
}

// typed refuses an object without apiVersion or kind, in kubectl's words.
func typed(u *unstructured.Unstructured) error {
	var missing []string
	if u.GetAPIVersion() == "" {
		missing = append(missing, "apiVersion not set")
	}
	if u.GetKind() == "" {
		missing = append(missing, "kind not set")
	}
	if len(missing) > 0 {
		return fmt.Errorf("error validating data: [%s]", strings.Join(missing, ", "))
	}
	return nil
}
