package managed

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The controller's own annotation writes around a create must not cost a second reconcile
// per agent; every annotation change a user makes must reconcile.
func TestUserAnnotationChangedIgnoresOnlyTheControllersOwnCreateWrites(t *testing.T) {
	const (
		pending = wassistv1alpha1.AnnotationCreatePending
		id      = wassistv1alpha1.AnnotationAgentID
		paused  = wassistv1alpha1.AnnotationPaused
	)
	cases := []struct {
		name     string
		old, new map[string]string
		want     bool
	}{
		{"create-pending written before the POST", nil, map[string]string{pending: "t"}, false},
		{"create-pending removed after a refused POST", map[string]string{pending: "t"}, nil, false},
		{"the id stored in place of create-pending", map[string]string{pending: "t"}, map[string]string{id: "a1"}, false},
		{"a user adopts an agent", nil, map[string]string{id: "a1"}, true},
		{"a user settles CreateAmbiguous", map[string]string{pending: "t"}, map[string]string{pending: "t", id: "a1"}, true},
		{"a user changes the id", map[string]string{id: "a1"}, map[string]string{id: "a2"}, true},
		{"a user pauses", map[string]string{id: "a1"}, map[string]string{id: "a1", paused: "true"}, true},
		{"the id stored while a user pauses", map[string]string{pending: "t"}, map[string]string{id: "a1", paused: "true"}, true},
	}
	p := UserAnnotationChanged(wassistv1alpha1.AnnotationAgentID)
	for _, c := range cases {
		e := event.UpdateEvent{
			ObjectOld: &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Annotations: c.old}},
			ObjectNew: &wassistv1alpha1.WassistAgent{ObjectMeta: metav1.ObjectMeta{Annotations: c.new}},
		}
		if got := p.Update(e); got != c.want {
			t.Errorf("%s: reconcile = %v, want %v", c.name, got, c.want)
		}
	}
}
