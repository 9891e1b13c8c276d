package managed

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The core alone: a fake kind whose remote side is a map, and controller-runtime's fake
// client. The agent type stands in for any kind; its spec's systemPrompt is the whole
// remote state.

type agent = wassistv1alpha1.WassistAgent

// remoteObject is one object of the fake remote side: the account that holds it, the name
// it was created under, and its state.
type remoteObject struct{ account, name, state string }

// fakeRemote is the remote side: objects by id, and keys by account. A key sees the
// objects of its account only, as the real API does.
type fakeRemote struct {
	objects  map[string]*remoteObject
	accounts map[string]string // key -> account
	created  int
	calls    []string
	// fail makes the next call of that name ("create", "update", ...) fail with the error.
	fail map[string]error
}

func newFakeRemote() *fakeRemote {
	return &fakeRemote{objects: map[string]*remoteObject{}, fail: map[string]error{},
		accounts: map[string]string{"key-a1": "A", "key-a2": "A", "key-b": "B"}}
}

// call records a call and returns the failure set for it, once.
func (f *fakeRemote) call(name string) error {
	f.calls = append(f.calls, name)
	err := f.fail[name]
	delete(f.fail, name)
	return err
}

// writes are the calls that change the remote side.
func (f *fakeRemote) writes() []string {
	return slices.DeleteFunc(slices.Clone(f.calls), func(c string) bool { return c == "observe" || c == "find" })
}

// put stores an object of account under id, as someone else made it.
func (f *fakeRemote) put(id, account, name, state string) {
	f.objects[id] = &remoteObject{account: account, name: name, state: state}
}

// fakeAnswer is an answer of the remote API that is not a success.
type fakeAnswer struct{ status int }

func (e *fakeAnswer) Error() string {
	return fmt.Sprintf("remote: %d %s", e.status, http.StatusText(e.status))
}
func (e *fakeAnswer) HTTPStatus() int        { return e.status }
func (e *fakeAnswer) Backoff() time.Duration { return 0 }

// fakeUnsent is a call the key's budget kept back.
type fakeUnsent struct {
	after time.Duration
	held  bool
}

func (e *fakeUnsent) Error() string                     { return "not sent: the budget is spent" }
func (e *fakeUnsent) BudgetHold() (time.Duration, bool) { return e.after, e.held }

// fakeExternal reaches the remote side with one key.
type fakeExternal struct {
	remote *fakeRemote
	key    string
}

func (e *fakeExternal) visible(id string) (*remoteObject, bool) {
	o, ok := e.remote.objects[id]
	return o, ok && o.account == e.remote.accounts[e.key]
}

func (e *fakeExternal) Observe(_ context.Context, id string, d Desired[string]) (Observation[string], error) {
	if err := e.remote.call("observe"); err != nil {
		return Observation[string]{}, err
	}
	o, ok := e.visible(id)
	if !ok {
		return Observation[string]{ID: id}, nil
	}
	return compare(id, o, d), nil
}

// compare is the kind's comparison: the state differs, or is erased by an empty spec.
func compare(id string, o *remoteObject, d Desired[string]) Observation[string] {
	obs := Observation[string]{ID: id, Exists: true, Remote: o.state}
	if d.Hash == "" {
		return obs // no spec to compare with (a deletion's read)
	}
	want := d.View
	if obs.UpToDate = o.state == want; !obs.UpToDate {
		obs.Changes = []string{"systemPrompt"}
		if want == "" {
			obs.Erases = obs.Changes
		}
	}
	return obs
}

func (e *fakeExternal) Find(_ context.Context, marker string, d Desired[string]) ([]Observation[string], error) {
	if err := e.remote.call("find"); err != nil {
		return nil, err
	}
	var found []Observation[string]
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range e.remote.objects {
			if !yield(id) {
				return
			}
		}
	}) {
		if o, ok := e.visible(id); ok && o.name == marker {
			found = append(found, compare(id, o, d))
		}
	}
	return found, nil
}

func (e *fakeExternal) Create(_ context.Context, marker string, d Desired[string]) (Observation[string], error) {
	if err := e.remote.call("create"); err != nil {
		return Observation[string]{}, err
	}
	e.remote.created++
	id := fmt.Sprintf("remote-%d", e.remote.created)
	e.remote.put(id, e.remote.accounts[e.key], marker, "")
	obs := compare(id, e.remote.objects[id], d)
	obs.Created = true
	return obs, nil
}

func (e *fakeExternal) Update(_ context.Context, obs Observation[string], d Desired[string]) (Observation[string], error) {
	if err := e.remote.call("update"); err != nil {
		return obs, err
	}
	o, ok := e.visible(obs.ID)
	if !ok {
		return obs, &fakeAnswer{status: http.StatusNotFound}
	}
	o.state = d.View
	return compare(obs.ID, o, d), nil
}

func (e *fakeExternal) Delete(_ context.Context, id string) error {
	if err := e.remote.call("delete"); err != nil {
		return err
	}
	if _, ok := e.visible(id); !ok {
		return &fakeAnswer{status: http.StatusNotFound}
	}
	delete(e.remote.objects, id)
	return nil
}

func (e *fakeExternal) KeyFingerprint() string { return e.key }

// fakeKind is the kind's part: the desired state is the spec's systemPrompt, the key is
// whatever the world says (none: the Secret is gone).
type fakeKind struct {
	remote *fakeRemote
	key    string
	users  []string
	wait   *WaitingError
}

func (k *fakeKind) ExternalName(*agent) string { return "" }

func (k *fakeKind) Claims(a *agent) []string {
	if id := cmp.Or(a.Status.AgentID, a.Annotations[wassistv1alpha1.AnnotationAgentID]); id != "" {
		return []string{"agent:" + id}
	}
	return nil
}

func (k *fakeKind) Holds(a *agent) bool {
	return a.Status.AgentID != "" && a.Status.AgentID == a.Annotations[wassistv1alpha1.AnnotationAgentID]
}

func (k *fakeKind) Desired(_ context.Context, a *agent) (Desired[string], error) {
	return Desired[string]{Hash: "prompt=" + a.Spec.SystemPrompt, View: a.Spec.SystemPrompt, Wait: k.wait}, nil
}

func (k *fakeKind) Connect(context.Context, *agent, *Desired[string]) (External[string, string], error) {
	if k.key == "" {
		return nil, &CredentialsError{Reason: wassistv1alpha1.ReasonSecretNotFound, Message: `Secret "api-key" not found`}
	}
	return &fakeExternal{remote: k.remote, key: k.key}, nil
}

func (k *fakeKind) UsedBy(context.Context, *agent) ([]string, error) { return k.users, nil }

// world is one row's cluster and remote side.
type world struct {
	t        *testing.T
	c        client.Client
	r        *Reconciler[*agent, string, string]
	kind     *fakeKind
	remote   *fakeRemote
	recorder *events.FakeRecorder
	events   []string
}

func newWorld(t *testing.T, objs ...*agent) *world {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := wassistv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	remote := newFakeRemote()
	kind := &fakeKind{remote: remote, key: "key-a1"}
	b := fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(&agent{}).
		WithIndex(&agent{}, ClaimIndex, func(o client.Object) []string { return kind.Claims(o.(*agent)) })
	for _, o := range objs {
		b = b.WithObjects(o)
	}
	c := b.Build()
	recorder := events.NewFakeRecorder(100)
	r := &Reconciler[*agent, string, string]{Client: c, APIReader: c, Recorder: recorder, Kind: kind,
		New: func() *agent { return &agent{} }, NewList: func() client.ObjectList { return &wassistv1alpha1.WassistAgentList{} },
		Noun: "agent", Finalizer: wassistv1alpha1.Finalizer, IDAnnotation: wassistv1alpha1.AnnotationAgentID,
		ReadyMessage: "the remote agent exists and matches the spec",
		Deleted:      EventText{Reason: "Deleted", Note: "Deleted remote agent %s"}, Drift: DriftMode{Bulk: true}}
	return &world{t: t, c: c, r: r, kind: kind, remote: remote, recorder: recorder}
}

// resource is an agent named name, created at the given second, with the given prompt.
func resource(name string, second int, prompt string) *agent {
	return &agent{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team", UID: types.UID("uid-" + name),
		CreationTimestamp: metav1.Unix(int64(1_800_000_000+second), 0)},
		Spec: wassistv1alpha1.WassistAgentSpec{SystemPrompt: prompt,
			APIKeySecretRef: wassistv1alpha1.SecretKeySelector{Name: "api-key"}}}
}

// reconcile runs one reconcile of name, keeping its events.
func (w *world) reconcile(name string) ctrl.Result {
	w.t.Helper()
	res, err := w.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "team", Name: name}})
	if err != nil {
		w.t.Fatalf("reconcile %s: %v", name, err)
	}
	for {
		select {
		case e := <-w.recorder.Events:
			w.events = append(w.events, e)
		default:
			return res
		}
	}
}

// subject is the resource each row is about.
const subject = "concierge"

// converge reconciles the subject until it is Ready (a few reconciles at most), then
// forgets the calls and events that took.
func (w *world) converge() *agent {
	const name = subject
	w.t.Helper()
	for range 3 {
		w.reconcile(name)
		if a := w.get(name); condition(a, wassistv1alpha1.ConditionReady) == "True/"+wassistv1alpha1.ReasonAvailable {
			w.remote.calls, w.events = nil, nil
			return a
		}
	}
	w.t.Fatalf("%s did not converge: %s", name, condition(w.get(name), wassistv1alpha1.ConditionReady))
	return nil
}

func (w *world) get(name string) *agent {
	w.t.Helper()
	a := &agent{}
	if err := w.c.Get(context.Background(), client.ObjectKey{Namespace: "team", Name: name}, a); err != nil {
		w.t.Fatalf("get %s: %v", name, err)
	}
	return a
}

// update changes the subject as a user would.
func (w *world) update(change func(*agent)) {
	w.t.Helper()
	a := w.get(subject)
	change(a)
	if err := w.c.Update(context.Background(), a); err != nil {
		w.t.Fatalf("update: %v", err)
	}
}

func (w *world) delete() {
	w.t.Helper()
	if err := w.c.Delete(context.Background(), w.get(subject)); err != nil {
		w.t.Fatalf("delete: %v", err)
	}
}

// gone says whether the subject no longer exists.
func (w *world) gone() bool {
	err := w.c.Get(context.Background(), client.ObjectKey{Namespace: "team", Name: subject}, &agent{})
	return client.IgnoreNotFound(err) == nil && err != nil
}

// sent says whether an event of that reason was sent.
func (w *world) sent(reason string) bool {
	return slices.ContainsFunc(w.events, func(e string) bool { return strings.Contains(e, " "+reason+" ") })
}

// condition is the condition typ of a as "Status/Reason", or "absent".
func condition(a *agent, typ string) string {
	for _, c := range a.Status.Conditions {
		if c.Type == typ {
			return string(c.Status) + "/" + c.Reason
		}
	}
	return "absent"
}

func requestFor(name string) ctrl.Request {
	return ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "team", Name: name}}
}
