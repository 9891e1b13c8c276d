package managed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Every class of error a phase or a kind can return, and what the user then sees: the
// reason on Ready and Synced, Stalled or Reconciling, a Warning event or none, and when the
// object comes back.
func TestEveryErrorClassMapsToItsConditionEventAndRequeue(t *testing.T) {
	apiErr := func(status int, msg string) error {
		return &wassist.APIError{Endpoint: "PATCH /agents/{id}/", Status: status, Message: msg}
	}
	conflict := apierrors.NewConflict(schema.GroupResource{Group: "wassist.app", Resource: "wassistagents"}, "a", errors.New("changed"))
	cases := []struct {
		name string
		err  error
		want outcome
		// requeue is checked within [min, max] when max > 0 (jittered classes).
		minRequeue, maxRequeue time.Duration
		// wantMessage is in the message, after the error's own words.
		wantMessage string
	}{
		{name: "success", err: nil, want: outcome{}},
		{name: "a write conditional on a stale cache", err: &staleError{err: conflict},
			want: outcome{stale: true, requeueAfter: staleRetry}},
		{name: "a token held for the object by its key's budget",
			err:  &wassist.RateLimitedError{Endpoint: "POST /agents/", RetryAfter: 630 * time.Millisecond, Held: true},
			want: outcome{budget: true, held: true, requeueAfter: 630 * time.Millisecond}},
		{name: "background work sent away by its key's budget, without a token",
			err:  &wassist.RateLimitedError{Endpoint: "PATCH /agents/{id}/", RetryAfter: 4 * time.Second},
			want: outcome{budget: true, requeueAfter: 4 * time.Second}},
		{name: "a waiting reference", err: &WaitingError{Reason: wassistv1alpha1.ReasonHandoffAgentPending, Message: "waiting", Retry: time.Minute},
			want: outcome{reason: wassistv1alpha1.ReasonHandoffAgentPending, message: "waiting", requeueAfter: time.Minute}},
		{name: "a Secret that is missing", err: &CredentialsError{Reason: wassistv1alpha1.ReasonSecretNotFound, Message: "Secret \"k\" not found"},
			want: outcome{reason: wassistv1alpha1.ReasonSecretNotFound, message: "Secret \"k\" not found", warn: true, stalled: true,
				requeueAfter: credentialsRetry}},
		{name: "several remote objects carry the marker", err: &createAmbiguousError{noun: "agent", annotation: wassistv1alpha1.AnnotationAgentID, ids: []string{"a1", "a2"}},
			want: outcome{reason: wassistv1alpha1.ReasonCreateAmbiguous, warn: true, stalled: true, requeueAfter: AmbiguousRetry}},
		{name: "a spec the API refused before", err: &refusedError{reason: wassistv1alpha1.ReasonInvalidSpec, msg: "name: too long"},
			want: outcome{reason: wassistv1alpha1.ReasonInvalidSpec, message: "name: too long", refused: true, stalled: true}},
		{name: "an adoption that would erase", err: &refusedError{reason: wassistv1alpha1.ReasonAdoptionWouldErase, msg: "erases tools[a]",
			fresh: true},
			want: outcome{reason: wassistv1alpha1.ReasonAdoptionWouldErase, message: "erases tools[a]", refused: true, stalled: true, warn: true}},
		{name: "a 429 from the API", err: &wassist.APIError{Endpoint: "GET /agents/", Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second},
			want: outcome{reason: wassistv1alpha1.ReasonRateLimited, warn: true, transient: true}, minRequeue: 3 * time.Second, maxRequeue: 4300 * time.Millisecond},
		{name: "a 401", err: apiErr(http.StatusUnauthorized, "bad key"),
			want: outcome{reason: wassistv1alpha1.ReasonCredentialsRejected, warn: true, stalled: true, requeueAfter: credentialsRetry}},
		{name: "a 403", err: apiErr(http.StatusForbidden, "not allowed"),
			want:        outcome{reason: wassistv1alpha1.ReasonPermissionDenied, warn: true, stalled: true, requeueAfter: credentialsRetry},
			wantMessage: "the API key is valid but may not do this"},
		{name: "a 409", err: apiErr(http.StatusConflict, "already shared"),
			want: outcome{reason: wassistv1alpha1.ReasonRemoteConflict, warn: true, refused: true, stalled: true}},
		{name: "a conflict the API refused before", err: &refusedError{reason: wassistv1alpha1.ReasonRemoteConflict, msg: "409"},
			want: outcome{reason: wassistv1alpha1.ReasonRemoteConflict, message: "409", refused: true, stalled: true}},
		{name: "a 400 with the API's field errors", err: apiErr(http.StatusBadRequest, "handoffTools[0].childAgentId: unknown"),
			want: outcome{reason: wassistv1alpha1.ReasonInvalidSpec, warn: true, refused: true, stalled: true}},
		{name: "a 413", err: apiErr(http.StatusRequestEntityTooLarge, "too large"),
			want: outcome{reason: wassistv1alpha1.ReasonInvalidSpec, warn: true, refused: true, stalled: true}},
		{name: "a 503", err: apiErr(http.StatusServiceUnavailable, "down"),
			want: outcome{reason: wassistv1alpha1.ReasonRemoteError, warn: true, transient: true}},
		{name: "a network failure", err: fmt.Errorf("wassist: GET /agents/: %w", context.DeadlineExceeded),
			want: outcome{reason: wassistv1alpha1.ReasonRemoteError, warn: true, transient: true}},
		{name: "another resource manages the remote object",
			err:  &WaitingError{Reason: wassistv1alpha1.ReasonAlreadyManaged, Message: "managed by a", Stalled: true},
			want: outcome{reason: wassistv1alpha1.ReasonAlreadyManaged, message: "managed by a", stalled: true, warn: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := outcomeOf(c.err)
			if got.reason != c.want.reason || got.warn != c.want.warn || got.stale != c.want.stale ||
				got.budget != c.want.budget || got.held != c.want.held || got.refused != c.want.refused ||
				got.stalled != c.want.stalled || got.transient != c.want.transient {
				t.Fatalf("outcome %+v, want %+v", got, c.want)
			}
			if c.want.message != "" && got.message != c.want.message {
				t.Fatalf("message %q, want the error's own words %q", got.message, c.want.message)
			}
			if c.err != nil && !got.stale && !got.budget && !strings.HasPrefix(got.message, c.err.Error()) {
				t.Fatalf("message %q does not start with the error's own words %q", got.message, c.err.Error())
			}
			if !strings.Contains(got.message, c.wantMessage) {
				t.Fatalf("message %q does not say %q", got.message, c.wantMessage)
			}
			if c.maxRequeue > 0 {
				if got.requeueAfter < c.minRequeue || got.requeueAfter > c.maxRequeue {
					t.Fatalf("requeue after %s, want within [%s, %s]", got.requeueAfter, c.minRequeue, c.maxRequeue)
				}
			} else if got.requeueAfter != c.want.requeueAfter {
				t.Fatalf("requeue after %s, want %s", got.requeueAfter, c.want.requeueAfter)
			}
			// Only the failures of the operator or the API go to controller-runtime's
			// backoff; everything else says itself when to come back.
			if backoff := c.want.reason == wassistv1alpha1.ReasonRemoteError; (got.err != nil) != backoff {
				t.Fatalf("err %v returned to controller-runtime, want backoff %v", got.err, backoff)
			}
		})
	}
}
