package managed

import (
	"context"
	"fmt"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// A remote object belongs to the account that holds it (docs/design.md, rule 14), and a
// resource is managed only through a key that can be read (rule 16). Both are settled
// here, before anything is sent.

// connect reaches the object's remote side through the key its spec names now. It runs
// before the gate, so that a key Secret deleted, or its key missing or empty, shows on
// the object at its next reconcile, in sync or not, without an API call.
func (r *Reconciler[O, V, R]) connect(ctx context.Context, s *scope[O, V, R]) error {
	ext, err := r.Kind.Connect(ctx, s.obj, &s.desired)
	if err != nil {
		return err
	}
	s.ext = ext
	return nil
}

// seen records the key that saw the remote object exist: a new key of the same account
// (a rotation) is taken silently.
func seen[V, R any](obj Object, ext External[V, R]) {
	if fp := ext.KeyFingerprint(); fp != "" {
		obj.ManagedStatus().KeyFingerprint = fp
	}
}

// sameKey says an observation handed over (by the bulk check, or a reconcile the budget
// held) was made with ext's key: one made with the key a Secret held before says nothing
// of what this key sees, and recording it as this key's would take the next "not found"
// for a deletion.
func sameKey[V, R any](obs *Observation[R], ext External[V, R]) bool {
	return obs.KeyFingerprint == "" || obs.KeyFingerprint == ext.KeyFingerprint()
}

// keyChanged says obj's remote object was last seen with another key than ext's.
func keyChanged[V, R any](obj Object, ext External[V, R]) bool {
	last, now := obj.ManagedStatus().KeyFingerprint, ext.KeyFingerprint()
	return last != "" && now != "" && last != now
}

// visible refuses to take a remote object that ext's key does not find for one deleted
// when another key saw it last: it is in another account, most likely the one the
// Secret held before, and re-creating it here would duplicate it there.
func (r *Reconciler[O, V, R]) visible(obj O, ext External[V, R], id string) error {
	if !keyChanged(obj, ext) {
		return nil
	}
	hint := "restore the key that sees it; or, to leave that " + r.Noun + " alone and make a new one with this key, " +
		"set deletionPolicy: Orphan, delete this resource and apply it again"
	if r.Kind.ExternalName(obj) != "" {
		hint = "restore the key that sees it, or name a " + r.Noun + " that this key's account holds"
	}
	return &WaitingError{Reason: wassistv1alpha1.ReasonRemoteNotVisible, Stalled: true, Retry: AmbiguousRetry,
		Message: notVisible(r.Noun, id, obj, ext) + ", which is not a deletion: nothing is sent. To go on, " + hint}
}

// deletable refuses to finish a deletion through a key that cannot see the remote
// object another key saw last: a 404 under it would leave the object live in its own
// account with nothing managing it. One read, only when the key changed.
func (r *Reconciler[O, V, R]) deletable(ctx context.Context, obj O, ext External[V, R], id string) error {
	if !keyChanged(obj, ext) {
		return nil
	}
	obs, err := ext.Observe(ctx, id, Desired[V]{})
	if err != nil || obs.Exists {
		return err
	}
	return &WaitingError{Reason: wassistv1alpha1.ReasonRemoteNotVisible, Stalled: true, Retry: AmbiguousRetry,
		Message: "cannot delete: " + notVisible(r.Noun, id, obj, ext) + ". Restore the key that sees it, or set " +
			"spec.deletionPolicy to Orphan to finish the deletion and leave the " + r.Noun + " in place"}
}

func notVisible[V, R any](noun, id string, obj Object, ext External[V, R]) string {
	return fmt.Sprintf("remote %s %s was last seen with another API key (fingerprint %s), and the key this resource "+
		"uses now (fingerprint %s) cannot see it", noun, id, obj.ManagedStatus().KeyFingerprint, ext.KeyFingerprint())
}
