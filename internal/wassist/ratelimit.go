package wassist

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the per-key budget. The API allows 100 requests a minute per key.
const (
	DefaultRequestsPerMinute = 100
	DefaultBurst             = 5
	// DefaultMaxWait is the longest a call waits for its token before it gives up with a
	// RateLimitedError; a controller then requeues rather than holding a worker.
	DefaultMaxWait = 2 * time.Second
)

// Budget is the request budget of one API key, shared by every client and every
// controller that uses the key. It combines a token bucket with a "blocked until" set
// by a 429, which stops the whole key, not just the call that saw it.
type Budget struct {
	limiter *rate.Limiter
	now     func() time.Time

	mu           sync.Mutex
	blockedUntil time.Time
	// holds are the tokens reserved for objects that come back for them (see Turn);
	// waiting are the background objects sent away without one, by when they were.
	holds   map[string]hold
	waiting map[string]time.Time
	pruned  time.Time
}

// NewBudget returns a budget of perMinute requests a minute with the given burst.
//
// The token bucket refills at (perMinute-burst)/minute, not perMinute/minute: a bucket
// that starts full can spend its burst and then a full minute's refill inside one
// minute, so this is the rate at which no 60-second window ever holds more than
// perMinute requests, which is what the API counts.
func NewBudget(perMinute, burst int, now func() time.Time) *Budget {
	if perMinute <= 0 {
		perMinute = DefaultRequestsPerMinute
	}
	burst = min(max(burst, 1), perMinute)
	refill := max(perMinute-burst, 1)
	if now == nil {
		now = time.Now
	}
	return &Budget{
		// A token held for an object (see Turn) may be spent up to holdGrace after its
		// time: the refill leaves room for that lateness in every window.
		limiter: rate.NewLimiter(rate.Limit(float64(refill)/(60+holdGrace.Seconds())), burst),
		now:     now,
		holds:   map[string]hold{},
		waiting: map[string]time.Time{},
	}
}

// drain spends every token the bucket holds now.
func (b *Budget) drain() {
	now := b.now()
	b.limiter.AllowN(now, int(b.limiter.TokensAt(now)))
}

// Delay returns how long a call made now would wait for its token, without taking it.
// A controller asks this to requeue instead of sleeping.
func (b *Budget) Delay() time.Duration {
	now := b.now()
	d := b.blockedFor(now)
	tokens := b.limiter.TokensAt(now)
	if tokens < 1 {
		d = max(d, time.Duration((1-tokens)/float64(b.limiter.Limit())*float64(time.Second)))
	}
	return d
}

// reserve takes a token if it is due within maxWait and returns how long to wait for
// it; otherwise it takes nothing and returns the wait and false.
func (b *Budget) reserve(maxWait time.Duration) (time.Duration, bool) {
	now := b.now()
	if blocked := b.blockedFor(now); blocked > maxWait {
		return blocked, false
	}
	r := b.limiter.ReserveN(now, 1)
	wait := max(r.DelayFrom(now), b.blockedFor(now))
	if wait > maxWait {
		r.CancelAt(now)
		return wait, false
	}
	return wait, true
}

// BlockFor stops the key for d from now, as a 429's retry-after asks. A shorter block
// never shortens a longer one already in place.
func (b *Budget) BlockFor(d time.Duration) {
	until := b.now().Add(d)
	b.mu.Lock()
	defer b.mu.Unlock()
	if until.After(b.blockedUntil) {
		b.blockedUntil = until
	}
}

func (b *Budget) blockedFor(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(b.blockedUntil.Sub(now), 0)
}
