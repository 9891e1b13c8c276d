package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// cleanupTimeout bounds the calls made after the wait ended (the expire, the last reads):
// the user pressed Ctrl-C or the timeout passed and wants the command to end.
const cleanupTimeout = 30 * time.Second

// wait polls the session until it ends. When the wait itself ends first (--timeout, Ctrl-C)
// or the API refuses to answer, the session is expired: a pending link left open could be
// used later by whoever holds it, to add an account to the key's organisation.
func (l *linker) wait(ctx context.Context, id string) (*wassist.LinkSession, error) {
	waitCtx, cancel := context.WithTimeout(ctx, l.f.timeout)
	defer cancel()
	ls, err := l.poll(waitCtx, id)
	switch {
	case err == nil:
		return ls, nil
	case waitCtx.Err() == nil:
		l.expireAfterError(ctx, id)
		return nil, err
	default:
		return l.abandon(ctx, id)
	}
}

// poll reads the session every poll interval until its status is terminal. Transient
// failures (5xx, timeouts, a budget spent by the operator) are waited out: the user may be
// half-way through Meta's signup.
func (l *linker) poll(ctx context.Context, id string) (*wassist.LinkSession, error) {
	tick := time.NewTicker(l.f.pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		ls, err := withRetry(ctx, func(ctx context.Context) (*wassist.LinkSession, error) { return l.c.GetLinkSession(ctx, id) })
		switch {
		case err == nil && isTerminal(ls.Status):
			return ls, nil
		case err == nil:
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case wassist.IsRetryable(err):
			l.progressf("Checking link session %s failed, trying again: %v\n", id, err)
		default:
			return nil, fmt.Errorf("checking link session %s: %w", id, err)
		}
	}
}

func isTerminal(status string) bool {
	switch status {
	case wassist.LinkSessionSuccess, wassist.LinkSessionFailed, wassist.LinkSessionExpired:
		return true
	}
	return false
}

// abandon expires the session the wait gave up on. The API refuses to expire a session that
// is no longer pending: then the signup ended just as the wait did, and that end stands.
func (l *linker) abandon(ctx context.Context, id string) (*wassist.LinkSession, error) {
	interrupted := ctx.Err() != nil
	end := func(msg string) error {
		if interrupted {
			l.progressf("Interrupted: %s.\n", msg)
			return errInterrupted
		}
		return fmt.Errorf("timed out after %s waiting for the signup: %s", shortDuration(l.f.timeout), msg)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err := withRetry(cctx, func(ctx context.Context) (*wassist.LinkSession, error) { return l.c.ExpireLinkSession(ctx, id) })
	if err == nil {
		return nil, end(fmt.Sprintf("link session %s is expired, its link no longer works", id))
	}
	if ls, getErr := l.c.GetLinkSession(cctx, id); getErr == nil && isTerminal(ls.Status) {
		l.progressf("The wait ended, but link session %s had just ended too: %s.\n", id, ls.Status)
		return ls, nil
	}
	return nil, end(fmt.Sprintf("link session %s could not be expired (its link may work until Wassist expires it): %v", id, err))
}

// expireAfterError expires the session when polling failed for good; its own failure only
// adds to what is said.
func (l *linker) expireAfterError(ctx context.Context, id string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if _, err := l.c.ExpireLinkSession(cctx, id); err != nil {
		l.progressf("Link session %s could not be expired either (its link may work until Wassist expires it): %v\n", id, err)
		return
	}
	l.progressf("Link session %s is expired, its link no longer works.\n", id)
}

// reportContext is ctx, or a short context of its own when ctx already ended: a signup that
// succeeded as Ctrl-C was pressed is still worth its report.
func reportContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}
