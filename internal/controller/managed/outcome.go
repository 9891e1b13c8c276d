package managed

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// Phases and kinds return these typed errors (or the API client's); outcomeOf turns every
// error into what the user sees and when the object comes back, in this one place.

// WaitingError says the object cannot progress until something else happens; it is not
// a failure of this operator or of the API.
type WaitingError struct {
	Reason  string
	Message string
	// Stalled: only a person can make it happen (Stalled=True); otherwise it comes by
	// itself (Reconciling=True).
	Stalled bool
	// Retry brings the object back then; zero waits for a watch event.
	Retry time.Duration
}

func (e *WaitingError) Error() string { return e.Message }

// CredentialsError says why the API key (or another secret value) could not be read or
// used. Its reason is one of the Secret* or Credentials* condition reasons.
type CredentialsError struct {
	Reason  string
	Message string
}

func (e *CredentialsError) Error() string { return e.Message }

// createAmbiguousError says several remote objects carry this object's marker, so the
// operator cannot tell which one it created.
type createAmbiguousError struct {
	noun, annotation string
	ids              []string
}

func (e *createAmbiguousError) Error() string {
	return fmt.Sprintf("several remote %ss carry this resource's create marker (%v): delete the extras "+
		"or set the %s annotation to the one to keep", e.noun, e.ids, e.annotation)
}

// staleError says a write conditional on the object's version failed: the cache was
// behind. Nothing is wrong; the reconcile is tried again once the cache has caught up.
type staleError struct{ err error }

func (e *staleError) Error() string { return e.err.Error() }
func (e *staleError) Unwrap() error { return e.err }

// outcome is what one reconcile ends with.
type outcome struct {
	// reason and message go on the Ready and Synced conditions; an empty reason is success.
	reason  string
	message string
	// warn: the event the reason sends is a Warning.
	warn bool
	// stalled: only a person can move the object on (Stalled=True, Ready=False).
	// transient: the trouble passes by itself (rate limits, 5xx, timeouts): Ready stays
	// as it was. Neither: the object waits for something that comes by itself.
	stalled   bool
	transient bool
	// stale leaves the status as it is and tries again shortly.
	stale bool
	// budget: the reconcile waits only for its key's budget. The conditions stay as
	// they were, nothing is sent, and the object comes back when its token is due.
	budget bool
	// held: the budget holds the object's token at requeueAfter.
	held bool
	// refused: the API refused this very spec; only a change of it is worth another try.
	refused bool
	// requeueAfter brings the object back then; zero waits for a watch event.
	requeueAfter time.Duration
	// err is returned to controller-runtime, whose per-object exponential backoff then
	// decides when to retry.
	err error
}

// Slow retries for failures a user has to fix; a watch event usually comes first.
const (
	credentialsRetry = 5 * time.Minute
	// staleRetry is long enough for the cache to see the write it missed.
	staleRetry = time.Second
	// AmbiguousRetry is the retry of states only a user can settle.
	AmbiguousRetry = 10 * time.Minute
)

// outcomeOf classifies err (docs/design.md, rule 5).
func outcomeOf(err error) outcome {
	if err == nil {
		return outcome{}
	}
	msg := err.Error()
	if _, ok := errors.AsType[*staleError](err); ok {
		return outcome{stale: true, requeueAfter: staleRetry}
	}
	if unsent, ok := errors.AsType[Unsent](err); ok {
		// The budget said when: at the token it holds for the object, or spread over
		// the key's backlog (see Reconciler.Turns).
		after, held := unsent.BudgetHold()
		return outcome{budget: true, held: held, requeueAfter: max(after, time.Millisecond)}
	}
	if r, ok := errors.AsType[*refusedError](err); ok {
		return outcome{reason: r.reason, message: msg, refused: true, stalled: true, warn: r.fresh}
	}
	if w, ok := errors.AsType[*WaitingError](err); ok {
		// A wait only a person can end is worth a Warning; one that ends by itself is not.
		return outcome{reason: w.Reason, message: w.Message, requeueAfter: w.Retry, stalled: w.Stalled, warn: w.Stalled}
	}
	if c, ok := errors.AsType[*CredentialsError](err); ok {
		return outcome{reason: c.Reason, message: c.Message, warn: true, stalled: true, requeueAfter: credentialsRetry}
	}
	if _, ok := errors.AsType[*createAmbiguousError](err); ok {
		return outcome{reason: wassistv1alpha1.ReasonCreateAmbiguous, message: msg, warn: true, stalled: true,
			requeueAfter: AmbiguousRetry}
	}
	switch answerStatus(err) {
	case http.StatusTooManyRequests:
		return outcome{reason: wassistv1alpha1.ReasonRateLimited, message: msg, warn: true, transient: true,
			requeueAfter: withJitter(backoffOf(err))}
	case http.StatusUnauthorized:
		return outcome{reason: wassistv1alpha1.ReasonCredentialsRejected, message: msg, warn: true, stalled: true,
			requeueAfter: credentialsRetry}
	case http.StatusForbidden:
		// Not the key's fault: it is valid, and may not do this one thing.
		return outcome{reason: wassistv1alpha1.ReasonPermissionDenied, message: msg + permissionHint, warn: true, stalled: true,
			requeueAfter: credentialsRetry}
	case http.StatusConflict:
		// The same request would conflict again: wait for the spec to change.
		return outcome{reason: wassistv1alpha1.ReasonRemoteConflict, message: msg, warn: true, refused: true, stalled: true}
	}
	if isInvalid(err) {
		// The same request would fail again: wait for the spec to change.
		return outcome{reason: wassistv1alpha1.ReasonInvalidSpec, message: msg, warn: true, refused: true, stalled: true}
	}
	return outcome{reason: wassistv1alpha1.ReasonRemoteError, message: msg, warn: true, transient: true, err: err}
}

// permissionHint follows a 403's own words: the key works, so rotating it is no answer.
const permissionHint = "; the API key is valid but may not do this: check that what the spec names (an agent, " +
	"a number, a webhook) belongs to, or is shared with, the key's organisation"

// eventType is the event type of an outcome.
func (o outcome) eventType() string {
	if o.warn {
		return corev1.EventTypeWarning
	}
	return corev1.EventTypeNormal
}

// withJitter spreads requeues of many objects blocked by one key over a little time
// after the block ends, so that they do not all wake at the same instant.
func withJitter(d time.Duration) time.Duration {
	d = max(d, time.Second)
	return d + time.Duration(rand.Int64N(int64(d/10)+int64(time.Second)))
}
