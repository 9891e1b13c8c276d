package cli

import (
	"context"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// maxRateLimited is how many 429s in a row one call takes before giving up.
const maxRateLimited = 5

// withRetry calls fn again after a 429, at the time the API asks (retry_after): the
// budget is shared with a running operator, which may have spent it.
func withRetry[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	for i := 0; ; i++ {
		out, err := fn(ctx)
		if err == nil || !wassist.IsRateLimited(err) || i == maxRateLimited {
			return out, err
		}
		t := time.NewTimer(max(wassist.RetryAfter(err), time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return out, ctx.Err()
		case <-t.C:
		}
	}
}
