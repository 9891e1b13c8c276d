// Package managed is the managed-resource core: the one reconciler that every kind of
// the operator plugs into (after crossplane-runtime's managed reconciler). It owns, once
// for every kind, the fetch, pause, finalizer, deletion policy, the crash-safe create,
// the "is anything due?" gate, the budget waits, the mapping of errors to conditions,
// events and requeues, and the single status patch. A kind gives it a Kind (its desired
// state and how to reach the API) and an External (observe, find, create, update,
// delete). The rules it keeps are in docs/design.md.
package managed

import (
	"context"
	"errors"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Object is a managed resource: the spec and status fields every kind shares, which the
// core reads and writes, and the id of its remote object.
type Object interface {
	client.Object
	Managed() wassistv1alpha1.ManagedSpec
	ManagedStatus() *wassistv1alpha1.ManagedStatus
	// GetRemoteID is the id of the remote object the core has seen exist.
	GetRemoteID() string
	SetRemoteID(string)
}

// Kind is what a kind gives the core.
type Kind[O Object, V, R any] interface {
	// ExternalName is the remote object's id when the spec names it (a WhatsApp
	// number); empty when the operator creates the remote object and keeps its id.
	ExternalName(obj O) string
	// Claims names the remote object obj manages, in every form it may be written
	// (docs/design.md, rule 9): two objects that share a name claim the same remote
	// object, and only the older of them manages it. Empty before there is anything to
	// claim (an agent not created yet).
	Claims(obj O) []string
	// Holds says obj already manages what it claims: it has synced with it. A holder
	// keeps its claim against an older resource that names the object later.
	Holds(obj O) bool
	// Desired resolves the spec's references from the cache, without an API call, and
	// returns the remote state the spec asks for with its hash.
	Desired(ctx context.Context, obj O) (Desired[V], error)
	// Connect returns the external client of obj: the client of its API key, and what
	// the kind needs to reach it. d is nil when obj is being deleted: a client held
	// before may then stand in for a Secret already gone.
	Connect(ctx context.Context, obj O, d *Desired[V]) (External[V, R], error)
}

// Used is a Kind whose objects other resources need while they live: a deployment
// routes to its agent and unroutes with its agent's key, a trigger names its template.
// A deletion waits until none of them names obj any more (docs/design.md, rule 17).
type Used[O Object] interface {
	// UsedBy names the resources of obj's namespace that use it ("WassistDeployment
	// support-line"); none before obj has a remote object.
	UsedBy(ctx context.Context, obj O) ([]string, error)
}

// Reserver is an External whose client can take the token of its create before the
// create is sent (wassist.Client.ReserveCreateAgent and its kin): the core then marks the create only when its
// turn has come, one write per create instead of one per wait for its token.
type Reserver interface {
	ReserveCreate(ctx context.Context) error
}

// Intender is an External whose update may leave on the remote side something the
// status must not forget (a route sent to a number): before Update is sent, Intend writes
// it on the object's status, and the core persists that, conditional on the version
// read, so that neither a crash nor a lost answer makes the operator forget it, and a
// deletion under way is never raced (docs/design.md, rule 15).
type Intender[V, R any] interface {
	// Intend records on the status what Update is about to send; false when the status
	// records it already.
	Intend(obs Observation[R], d Desired[V]) bool
}

// External reaches one object's remote side (after crossplane's ExternalClient).
type External[V, R any] interface {
	// Observe reads the remote object id; Exists false when it is gone.
	Observe(ctx context.Context, id string, d Desired[V]) (Observation[R], error)
	// Find returns the remote objects that carry marker, the name an interrupted
	// create gave them; a kind whose create takes no name finds them otherwise (by the
	// time of the create-pending annotation, which is marked anew before each attempt).
	Find(ctx context.Context, marker string, d Desired[V]) ([]Observation[R], error)
	// Create makes the remote object under the name marker; the observation has its id.
	Create(ctx context.Context, marker string, d Desired[V]) (Observation[R], error)
	// Update makes the remote object equal to d and returns what it then is.
	Update(ctx context.Context, obs Observation[R], d Desired[V]) (Observation[R], error)
	// Delete deletes the remote object id; a 404 is not an error. ErrNothingToDelete says
	// the object has no remote side of its own to delete.
	Delete(ctx context.Context, id string) error
	// KeyFingerprint names the API key the External acts with (wassist.Fingerprint);
	// empty when it holds none (a deletion with nothing to do).
	KeyFingerprint() string
}

// ErrNothingToDelete is what External.Delete returns when there was nothing of the
// object's own to delete (a number it never routed): the deletion finishes, no event.
var ErrNothingToDelete = errors.New("nothing to delete")

// Desired is the remote state a spec asks for.
type Desired[V any] struct {
	// Hash names the state, and whatever else decides that the remote must be read
	// again; it never reveals a secret value.
	Hash string
	// View is the kind's own resolved spec, handed back to its External.
	View V
	// Wait, when set, is what the object still waits for once the remote object equals
	// View (a handoff target without an id yet): the reconcile applies View and then
	// ends with Wait, so that references may form cycles (docs/design.md, rule 11). View
	// leaves out what waits.
	Wait *WaitingError
}

// Observation is what is known of a remote object.
type Observation[R any] struct {
	ID string
	// Exists is false when the remote object is gone.
	Exists bool
	// UpToDate is true when the remote object equals the desired state.
	UpToDate bool
	// Created is true when this operator's create made the object and no update has
	// been applied to it since.
	Created bool
	// Remote is the kind's own view of the remote object.
	Remote R
	// Changes names the settings an update would write (empty when UpToDate); Erases
	// those of them it would erase: set remotely, left out by the spec. Observe reports
	// both, and an adoption refuses to erase (docs/design.md, rule 13).
	Changes []string
	Erases  []string
	// Foreign: Find found a remote object someone else made (it existed before this
	// resource's create was sent): taking it is an adoption, not a recovery.
	Foreign bool
	// DesiredHash is the Desired.Hash the bulk check compared the remote object with;
	// empty for an observation made by the reconcile itself.
	DesiredHash string
	// KeyFingerprint is the key the observation was made with, when it is handed over
	// (by the bulk check, or a reconcile the budget held): a reconcile with another key
	// reads again, and a key other than the one the status records is news
	// (Reconciler.Differs).
	KeyFingerprint string
	// Wait, when set, is what the remote object itself still waits for once it equals
	// the spec (Meta's review of a template): the reconcile ends with it, and the object
	// is not read again for it until the bulk check sees a change (Reconciler.Awaits).
	Wait *WaitingError
}
