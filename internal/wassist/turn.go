package wassist

import (
	"context"
	"math/rand/v2"
	"time"
)

// A caller that serves many objects (a controller with a few workers and many keys)
// must not sleep on one key's budget while another key could send. It names, in the
// call's context, the object the call is for (a Turn); a call that cannot go at once then
// does not wait: it reserves the key's next token for that object and fails at once with
// a RateLimitedError saying when the token is due. The caller comes back for the object
// at that time, and the object's next call takes the reserved token without waiting.
// Each waiting object holds its own token, so they come back one token apart instead of
// all at once.
//
// Urgent turns (a user's change) each hold a token, however many wait, and take over the
// earliest token a background turn holds. Background turns (drift repairs, periodic
// checks) hold at most maxBackgroundHolds tokens per key; the others come back spread over
// the time the key needs to serve all of them, without a token reserved, so that an urgent
// turn arriving later is served at the key's next token instead of after the backlog.

// Turn names the object a call is made for.
type Turn struct {
	// Holder identifies the object (its UID).
	Holder string
	// Urgent turns always hold their token; background ones only while few do.
	Urgent bool
}

// TurnWait is the longest a call with a Turn waits for its token in place; a longer wait
// goes back to the caller. Shorter than a reconcile's own round trips.
const TurnWait = 10 * time.Millisecond

const (
	// holdGrace is how late an object may come back for its token. A later one finds
	// its token spent at its time and queues again: a token taken late is sent in a
	// later 60-second window than the budget counted it in, and the refill leaves room
	// for this much lateness only.
	holdGrace          = time.Second
	maxBackgroundHolds = 5
	// holdExpiry drops a hold whose object never came back (deleted, or its reconcile
	// needed no call after all); its token is then spent unused.
	holdExpiry = time.Minute
)

type turnKey struct{}

// WithTurn returns ctx naming the object its calls are made for.
func WithTurn(ctx context.Context, t Turn) context.Context {
	return context.WithValue(ctx, turnKey{}, t)
}

func withoutTurn(ctx context.Context) context.Context {
	return context.WithValue(ctx, turnKey{}, Turn{})
}

func turnFrom(ctx context.Context) (Turn, bool) {
	t, ok := ctx.Value(turnKey{}).(Turn)
	return t, ok && t.Holder != ""
}

type hold struct {
	at     time.Time
	urgent bool
	// calls is how many calls the hold is for, each taking one of its tokens: one, or
	// more for a create whose next calls are known (holdTurn).
	calls int
}

// usable says whether the hold may still be taken at now: it is not more than holdGrace late.
func (h hold) usable(now time.Time) bool { return now.Sub(h.at) <= holdGrace }

// reserveTurn is reserve for a call made for t: the wait is in place only up to TurnWait;
// beyond it the call's token is held for t (or, for a background turn when enough
// are held, nothing is) and the wait is returned with false.
func (b *Budget) reserveTurn(t Turn) (time.Duration, bool) {
	return b.reserveTurnN(t, 1)
}

// reserveTurnN is reserveTurn for the tokens of `calls` calls, all due at the time returned.
func (b *Budget) reserveTurnN(t Turn, calls int) (time.Duration, bool) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pruneHolds(now)
	blocked := max(b.blockedUntil.Sub(now), 0)
	if h, ok := b.holds[t.Holder]; ok {
		delete(b.holds, t.Holder)
		if h.usable(now) {
			wait := max(h.at.Sub(now), blocked)
			if wait > TurnWait {
				b.holds[t.Holder] = h
				return wait, false
			}
			if h.calls > 1 {
				h.calls--
				b.holds[t.Holder] = h
			}
			return wait, true
		}
	}
	if blocked > TurnWait {
		// A 429 stopped the key: spread the objects over a little time after the block,
		// so that they do not all wake at the same instant.
		return blocked + rand.N(blocked/10+time.Second), false
	}
	r := b.limiter.ReserveN(now, calls)
	wait := max(r.DelayFrom(now), blocked)
	if wait <= TurnWait {
		delete(b.waiting, t.Holder)
		return wait, true
	}
	if t.Urgent {
		return b.holdUrgent(t, now, wait, blocked, calls)
	}
	if b.backgroundHolds() < maxBackgroundHolds {
		b.holds[t.Holder] = hold{at: now.Add(wait), calls: calls}
		delete(b.waiting, t.Holder)
		return wait, false
	}
	r.CancelAt(now)
	b.waiting[t.Holder] = now
	// Spread the background waiters over the time the key needs for all of them.
	backlog := time.Duration(float64(len(b.waiting)) / float64(b.limiter.Limit()) * float64(time.Second))
	return wait + rand.N(backlog+time.Millisecond), false
}

// holdUrgent holds the token reserved for urgent turn t, due after wait; when a background
// turn holds an earlier token, t takes that one instead, and the background holder gets
// t's: the tokens held stay as many, and a user's change goes ahead of the repairs that
// already hold tokens, not only of those that wait without one. Only holds of one token
// are swapped: a hold of several moved to a time the bucket counted one token at would
// send more than the bucket let go then.
func (b *Budget) holdUrgent(t Turn, now time.Time, wait, blocked time.Duration, calls int) (time.Duration, bool) {
	at := now.Add(wait)
	earliest := ""
	for holder, h := range b.holds {
		// Only a hold its own holder could still take.
		if calls == 1 && h.calls == 1 && !h.urgent && h.usable(now) && h.at.Before(at) &&
			(earliest == "" || h.at.Before(b.holds[earliest].at)) {
			earliest = holder
		}
	}
	if earliest != "" {
		b.holds[earliest], at = hold{at: at, calls: 1}, b.holds[earliest].at
		wait = max(at.Sub(now), blocked)
	}
	delete(b.waiting, t.Holder)
	if wait <= TurnWait {
		return wait, true
	}
	b.holds[t.Holder] = hold{at: at, urgent: true, calls: calls}
	return wait, false
}

// holding says whether a token is held for holder.
func (b *Budget) holding(holder string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.holds[holder]
	return ok
}

func (b *Budget) backgroundHolds() int {
	n := 0
	for _, h := range b.holds {
		if !h.urgent {
			n++
		}
	}
	return n
}

// pruneHolds forgets holds and waiters whose objects did not come back, at most once a
// second.
func (b *Budget) pruneHolds(now time.Time) {
	if now.Sub(b.pruned) < time.Second {
		return
	}
	b.pruned = now
	for holder, h := range b.holds {
		if now.Sub(h.at) > holdExpiry {
			delete(b.holds, holder)
		}
	}
	for holder, at := range b.waiting {
		if now.Sub(at) > holdExpiry {
			delete(b.waiting, holder)
		}
	}
}

// holdTurn takes the tokens of t's next `calls` calls (at most the burst), as calls would,
// but keeps them held for t instead of spending them: t's next calls, made within
// holdGrace of their time, send without waiting (Client.reserve). A hold t already has
// is its reservation: nothing more is taken.
func (b *Budget) holdTurn(t Turn, calls int) (time.Duration, bool) {
	if wait, held := b.heldFor(t.Holder); held {
		return wait, wait <= TurnWait
	}
	calls = min(max(calls, 1), b.limiter.Burst())
	wait, ok := b.reserveTurnN(t, calls)
	if ok {
		b.mu.Lock()
		b.holds[t.Holder] = hold{at: b.now().Add(wait), urgent: t.Urgent, calls: calls}
		b.mu.Unlock()
	}
	return wait, ok
}

// heldFor says whether holder has a hold it may still take, and how long until it is due.
func (b *Budget) heldFor(holder string) (time.Duration, bool) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.holds[holder]
	if !ok || !h.usable(now) {
		return 0, false
	}
	return max(h.at.Sub(now), b.blockedUntil.Sub(now), 0), true
}
