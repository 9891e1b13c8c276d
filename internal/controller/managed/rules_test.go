package managed

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// The rules of docs/design.md, one row each, against a fake kind and controller-runtime's
// fake client: what the core decides, proven without an API server or a simulator. The
// controller suite covers the wiring, CEL and the cache's lag.
func TestTheCoreKeepsEveryRule(t *testing.T) {
	const name = subject
	rows := []struct {
		rule string
		run  func(t *testing.T, w *world)
	}{
		{"2: a new object is created once, and its id stored before anything else is sent", func(t *testing.T, w *world) {
			w.reconcile(name)
			a := w.get(name)
			id := a.Annotations[wassistv1alpha1.AnnotationAgentID]
			expect(t, id != "" && a.Status.AgentID == id, "id stored on the annotation and status: %q, %q", id, a.Status.AgentID)
			expect(t, !createPending(a), "create-pending still set")
			expect(t, controllerutil.ContainsFinalizer(a, wassistv1alpha1.Finalizer), "no finalizer")
			expectCalls(t, w, "create", "update")
			expectCondition(t, a, wassistv1alpha1.ConditionReady, "True/"+wassistv1alpha1.ReasonAvailable)
			expect(t, w.remote.objects[id].state == "You are helpful.", "remote state %q", w.remote.objects[id].state)
			expect(t, w.sent("Created"), "no Created event: %v", w.events)
		}},
		{"1: a reconcile with nothing changed sends nothing", func(t *testing.T, w *world) {
			w.converge()
			w.reconcile(name)
			expectCalls(t, w)
		}},
		{"2: a create whose answer was lost is found by its marker, not made again", func(t *testing.T, w *world) {
			w.update(func(a *agent) { setAnnotation(a, wassistv1alpha1.AnnotationCreatePending, "2026-12-07T00:00:00Z") })
			w.remote.put("made-before", "A", MarkerPrefix+"uid-concierge", "")
			w.reconcile(name)
			a := w.get(name)
			expect(t, a.Status.AgentID == "made-before", "took %q", a.Status.AgentID)
			expectCalls(t, w, "find", "update")
			expect(t, w.sent("Recovered"), "no Recovered event: %v", w.events)
		}},
		{"2: several objects carrying the marker stop the create with CreateAmbiguous", func(t *testing.T, w *world) {
			w.update(func(a *agent) { setAnnotation(a, wassistv1alpha1.AnnotationCreatePending, "2026-12-07T00:00:00Z") })
			w.remote.put("made-1", "A", MarkerPrefix+"uid-concierge", "")
			w.remote.put("made-2", "A", MarkerPrefix+"uid-concierge", "")
			w.reconcile(name)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonCreateAmbiguous)
			expectCalls(t, w, "find")
		}},
		{"3: a create the budget holds back changes no condition it had, and stays marked", func(t *testing.T, w *world) {
			w.remote.fail["create"] = &fakeUnsent{after: 2 * time.Second, held: true}
			res := w.reconcile(name)
			a := w.get(name)
			expect(t, res.RequeueAfter == 2*time.Second, "requeued after %s", res.RequeueAfter)
			expect(t, createPending(a), "the create is no longer marked")
			expectCondition(t, a, wassistv1alpha1.ConditionReady, "Unknown/"+wassistv1alpha1.ReasonWaitingForBudget)
			expect(t, len(w.remote.objects) == 0, "made %d objects", len(w.remote.objects))
			w.reconcile(name)
			expectCalls(t, w, "create", "create", "update")
			expect(t, len(w.remote.objects) == 1, "made %d objects", len(w.remote.objects))
		}},
		{"4: a remote object deleted outside, under the key that saw it, is created again", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			delete(w.remote.objects, id)
			w.r.observations.put("uid-concierge", Observation[string]{ID: id, KeyFingerprint: "key-a1"})
			w.reconcile(name)
			a := w.get(name)
			expect(t, a.Status.AgentID != "" && a.Status.AgentID != id, "id %q", a.Status.AgentID)
			expect(t, w.sent("RemoteDeleted"), "no RemoteDeleted event: %v", w.events)
			expectCalls(t, w, "create", "update")
		}},
		{"14: not found under another account's key is RemoteNotVisible, never a create", func(t *testing.T, w *world) {
			w.converge()
			w.kind.key = "key-b"
			w.update(func(a *agent) { a.Spec.SystemPrompt = "You are brief." })
			w.reconcile(name)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonRemoteNotVisible)
			expectCalls(t, w, "observe")
			expect(t, len(w.remote.objects) == 1, "made %d objects", len(w.remote.objects))
		}},
		{"14: a rotation within one account, seen by the bulk check, is recorded with no write and no condition", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			w.kind.key = "key-a2"
			w.r.observations.put("uid-concierge", Observation[string]{ID: id, Exists: true, UpToDate: true, KeyFingerprint: "key-a2"})
			w.reconcile(name)
			a := w.get(name)
			expect(t, a.Status.KeyFingerprint == "key-a2", "fingerprint %q", a.Status.KeyFingerprint)
			expect(t, len(w.remote.writes()) == 0, "wrote %v", w.remote.writes())
			expectCondition(t, a, wassistv1alpha1.ConditionReady, "True/"+wassistv1alpha1.ReasonAvailable)
		}},
		{"16: a key that cannot be read stops the resource at once, with no call", func(t *testing.T, w *world) {
			w.converge()
			w.kind.key = ""
			w.reconcile(name)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionReady, "False/"+wassistv1alpha1.ReasonSecretNotFound)
			expectCondition(t, a, wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonSecretNotFound)
			expectCalls(t, w)
		}},
		{"10: an id annotation changed to another id is refused", func(t *testing.T, w *world) {
			w.converge()
			w.update(func(a *agent) { setAnnotation(a, wassistv1alpha1.AnnotationAgentID, "someone-elses") })
			w.reconcile(name)
			expectCondition(t, w.get(name), wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonIdentityChanged)
			expectCalls(t, w)
		}},
		{"10: a lost id annotation is restored from the status, never answered with a create", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			w.update(func(a *agent) { delete(a.Annotations, wassistv1alpha1.AnnotationAgentID) })
			w.reconcile(name)
			a := w.get(name)
			expect(t, a.Annotations[wassistv1alpha1.AnnotationAgentID] == id, "annotation %q", a.Annotations[wassistv1alpha1.AnnotationAgentID])
			expect(t, w.sent("IdentityRestored"), "no IdentityRestored event: %v", w.events)
			expect(t, !slices.Contains(w.remote.calls, "create"), "created: %v", w.remote.calls)
		}},
		{"9: of two resources naming one remote object, the younger sends nothing", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			twin := resource("twin", 60, "You are someone else.")
			setAnnotation(twin, wassistv1alpha1.AnnotationAgentID, id)
			if err := w.c.Create(t.Context(), twin); err != nil {
				t.Fatal(err)
			}
			w.reconcile("twin")
			expectCondition(t, w.get("twin"), wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonAlreadyManaged)
			expectCalls(t, w)
		}},
		{"7: Delete deletes the remote object, then lets the resource go", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			w.delete()
			w.reconcile(name)
			expect(t, w.gone(), "the resource stays")
			expect(t, w.remote.objects[id] == nil, "the remote object stays")
			expectCalls(t, w, "delete")
		}},
		{"7: Orphan leaves the remote object", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			w.update(func(a *agent) { a.Spec.DeletionPolicy = wassistv1alpha1.DeletionPolicyOrphan })
			w.delete()
			w.reconcile(name)
			expect(t, w.gone(), "the resource stays")
			expect(t, w.remote.objects[id] != nil, "the remote object went")
			expect(t, w.sent("Orphaned"), "no Orphaned event: %v", w.events)
		}},
		{"14: a deletion through another account's key stops instead of taking the 404 for done", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			w.kind.key = "key-b"
			w.delete()
			w.reconcile(name)
			expect(t, !w.gone(), "the resource went")
			expect(t, w.remote.objects[id] != nil, "the remote object went")
			expectCondition(t, w.get(name), wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonRemoteNotVisible)
		}},
		{"17: what other resources use is deleted last, whatever its policy", func(t *testing.T, w *world) {
			id := w.converge().Status.AgentID
			w.kind.users = []string{"WassistDeployment front-desk", "WassistDeployment back-office"}
			w.delete()
			w.reconcile(name)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionSynced, "False/"+wassistv1alpha1.ReasonInUse)
			msg := meta.FindStatusCondition(a.Status.Conditions, wassistv1alpha1.ConditionSynced).Message
			expect(t, strings.Contains(msg, "back-office, WassistDeployment front-desk"), "users in no fixed order: %s", msg)
			expect(t, controllerutil.ContainsFinalizer(a, wassistv1alpha1.Finalizer), "the finalizer went")
			expectCalls(t, w)
			w.kind.users = nil
			w.reconcile(name)
			expect(t, w.gone() && w.remote.objects[id] == nil, "not deleted once unused")
		}},
		{"13: an adoption that would erase is refused, and writes nothing", func(t *testing.T, w *world) {
			w.remote.put("theirs", "A", "Support", "You answer in French.")
			w.update(func(a *agent) {
				a.Spec.SystemPrompt = ""
				setAnnotation(a, wassistv1alpha1.AnnotationAgentID, "theirs")
			})
			w.reconcile(name)
			expectCondition(t, w.get(name), wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonAdoptionWouldErase)
			expectCalls(t, w, "observe")
			expect(t, w.remote.objects["theirs"].state == "You answer in French.", "erased")
		}},
		{"13: Observe reads and reports what Full would change, and writes nothing", func(t *testing.T, w *world) {
			w.remote.put("theirs", "A", "Support", "You answer in French.")
			w.update(func(a *agent) {
				a.Spec.ManagementPolicy = wassistv1alpha1.ManagementPolicyObserve
				setAnnotation(a, wassistv1alpha1.AnnotationAgentID, "theirs")
			})
			w.reconcile(name)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionSynced, "True/"+wassistv1alpha1.ReasonWouldChange)
			expect(t, a.Status.Takeover != nil && slices.Equal(a.Status.Takeover.Changes, []string{"systemPrompt"}),
				"takeover %+v", a.Status.Takeover)
			expectCalls(t, w, "observe")
		}},
		{"11: what the spec waits for is waited for after the rest is applied", func(t *testing.T, w *world) {
			w.kind.wait = &WaitingError{Reason: wassistv1alpha1.ReasonHandoffAgentPending, Message: "waiting for a handoff target"}
			w.reconcile(name)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionReady, "False/"+wassistv1alpha1.ReasonHandoffAgentPending)
			expect(t, w.remote.objects[a.Status.AgentID].state == "You are helpful.", "the rest was not applied")
			w.remote.calls = nil
			w.reconcile(name)
			expectCalls(t, w)
		}},
		{"12: a transient failure leaves a Ready resource Ready", func(t *testing.T, w *world) {
			w.converge()
			w.update(func(a *agent) { a.Spec.SystemPrompt = "You are brief." })
			w.remote.fail["update"] = &fakeAnswer{status: http.StatusServiceUnavailable}
			_, err := w.r.Reconcile(t.Context(), requestFor(name))
			expect(t, err != nil && errors.As(err, new(*fakeAnswer)), "returned %v", err)
			a := w.get(name)
			expectCondition(t, a, wassistv1alpha1.ConditionReady, "True/"+wassistv1alpha1.ReasonAvailable)
			expectCondition(t, a, wassistv1alpha1.ConditionSynced, "False/"+wassistv1alpha1.ReasonRemoteError)
		}},
		{"5: a refused spec is not sent again until it changes", func(t *testing.T, w *world) {
			w.converge()
			w.update(func(a *agent) { a.Spec.SystemPrompt = "x" })
			w.remote.fail["update"] = &fakeAnswer{status: http.StatusBadRequest}
			w.reconcile(name)
			expectCondition(t, w.get(name), wassistv1alpha1.ConditionStalled, "True/"+wassistv1alpha1.ReasonInvalidSpec)
			w.remote.calls = nil
			w.reconcile(name)
			expectCalls(t, w)
		}},
		{"pause: a paused resource sends nothing", func(t *testing.T, w *world) {
			w.update(func(a *agent) { setAnnotation(a, wassistv1alpha1.AnnotationPaused, "true") })
			w.reconcile(name)
			expectCondition(t, w.get(name), wassistv1alpha1.ConditionSynced, "False/"+wassistv1alpha1.ReasonPaused)
			expectCalls(t, w)
		}},
	}
	for _, row := range rows {
		t.Run(row.rule, func(t *testing.T) {
			row.run(t, newWorld(t, resource(name, 0, "You are helpful.")))
		})
	}
}

func expect(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

func expectCalls(t *testing.T, w *world, calls ...string) {
	t.Helper()
	if !slices.Equal(w.remote.calls, calls) {
		t.Fatalf("calls %v, want %v", w.remote.calls, calls)
	}
}

func expectCondition(t *testing.T, a *agent, typ, want string) {
	t.Helper()
	if got := condition(a, typ); got != want {
		t.Fatalf("%s is %s, want %s", typ, got, want)
	}
}
