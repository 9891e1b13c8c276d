package managed

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// The core knows no API client. It classifies what a remote call returned by what the
// error says of itself, through these interfaces, and names the object a call is made for
// through the Reconciler's Turns; the client (internal/wassist) implements both.

// Answer is the error of an answer of the remote API that is not a success.
type Answer interface {
	error
	// HTTPStatus is the answer's status code.
	HTTPStatus() int
	// Backoff is the wait the answer asks for before the next call; zero when none.
	Backoff() time.Duration
}

// Unsent is a call the client did not send: its key's budget is spent.
type Unsent interface {
	error
	// BudgetHold is when the key can serve the call, and whether its token is held for
	// the object then (it should come back on time, see Reconciler.Turns).
	BudgetHold() (after time.Duration, held bool)
}

// TurnFunc names, in ctx, the object (by UID) the calls made with ctx are for, and
// whether they go before the key's background work.
type TurnFunc func(ctx context.Context, holder string, urgent bool) context.Context

// answerStatus is the status of the answer err carries; 0 when err is no answer.
func answerStatus(err error) int {
	if a, ok := errors.AsType[Answer](err); ok {
		return a.HTTPStatus()
	}
	return 0
}

// backoffOf is the wait err's answer asks for.
func backoffOf(err error) time.Duration {
	if a, ok := errors.AsType[Answer](err); ok {
		return a.Backoff()
	}
	return 0
}

func isNotFound(err error) bool { return answerStatus(err) == http.StatusNotFound }

// isInvalid: the request itself is wrong (400, 422; 413, 414 for its size) and fails
// again until it changes.
func isInvalid(err error) bool {
	switch answerStatus(err) {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong:
		return true
	}
	return false
}

// certainlyNotCreated is true for failures where the API cannot have created anything:
// it answered with a refusal.
func certainlyNotCreated(err error) bool {
	s := answerStatus(err)
	return s >= 400 && s < 500 && s != http.StatusRequestTimeout
}
