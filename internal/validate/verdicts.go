package validate

import (
	"context"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A Verdict is the validator's answer on one object of a stream, or on a document it could
// not read (Object nil).
type Verdict struct {
	Document int
	Object   *unstructured.Unstructured
	// Skipped: the object is not of Group, so not the validator's to judge.
	Skipped bool
	// Err is nil for an object the API server would accept; otherwise Check's error, or
	// why the document could not be read.
	Err error
}

// ValidateStream judges every object of a stream of manifests (see ReadDocuments).
func (v *Validator) ValidateStream(ctx context.Context, r io.Reader) []Verdict {
	var verdicts []Verdict
	for _, doc := range ReadDocuments(r) {
		if doc.Err != nil {
			verdicts = append(verdicts, Verdict{Document: doc.Index, Err: doc.Err})
			continue
		}
		for _, obj := range doc.Objects {
			verdict := Verdict{Document: doc.Index, Object: obj, Skipped: obj.GroupVersionKind().Group != Group}
			if !verdict.Skipped {
				verdict.Err = v.Check(ctx, obj)
			}
			verdicts = append(verdicts, verdict)
		}
	}
	return verdicts
}
