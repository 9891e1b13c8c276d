package wassist

import (
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// No 60-second window may hold more requests than the API allows, however the calls
// are spread: the burst plus the refill of a minute must fit in the per-minute limit.
func TestBudgetNeverExceedsThePerMinuteLimitInAnyWindow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(100, 5, clock.Now)
	var sent []time.Time
	for clock.Now().Sub(time.Unix(1_700_000_000, 0)) < 5*time.Minute {
		if wait, ok := b.reserve(0); ok && wait == 0 {
			sent = append(sent, clock.Now())
			continue
		}
		clock.Advance(10 * time.Millisecond)
	}
	maxInWindow, _ := busiestMinute(sent)
	if maxInWindow > 100 {
		t.Fatalf("%d requests in one 60s window, the limit is 100", maxInWindow)
	}
	if maxInWindow < 95 {
		t.Fatalf("only %d requests in the busiest window: the budget wastes the limit", maxInWindow)
	}
}

func TestBudgetRefusesAWaitLongerThanTheCallerAccepts(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(60, 1, clock.Now) // one token, refilled every ~1.02s
	if wait, ok := b.reserve(time.Second); !ok || wait != 0 {
		t.Fatalf("first call: wait %s ok %v, want immediate", wait, ok)
	}
	before := b.Delay()
	if wait, ok := b.reserve(100 * time.Millisecond); ok {
		t.Fatalf("second call accepted a wait of %s beyond the 100ms allowed", wait)
	}
	if after := b.Delay(); after != before {
		t.Fatalf("a refused call took a token: delay %s became %s", before, after)
	}
	if wait, ok := b.reserve(2 * time.Second); !ok || wait <= 0 {
		t.Fatalf("a call that accepts the wait should get it: wait %s ok %v", wait, ok)
	}
}

func TestBlockStopsTheWholeKeyUntilRetryAfter(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(100, 5, clock.Now)
	b.BlockFor(30 * time.Second)
	b.BlockFor(5 * time.Second) // a shorter block never shortens a longer one
	if d := b.Delay(); d != 30*time.Second {
		t.Fatalf("Delay = %s, want 30s", d)
	}
	if _, ok := b.reserve(2 * time.Second); ok {
		t.Fatal("a blocked key gave a token")
	}
	clock.Advance(30 * time.Second)
	if wait, ok := b.reserve(0); !ok || wait != 0 {
		t.Fatalf("after the block: wait %s ok %v", wait, ok)
	}
}

// A manager killed mid-minute and replaced at once must not, with its successor, put more
// requests in one 60-second window than the API allows: the successor's budget starts
// empty. With a full bucket the pair exceeds the limit by the burst.
func TestASuccessorBudgetStaysWithinTheLimitOfItsPredecessorsMinute(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	clock := &fakeClock{t: start}
	spend := func(b *Budget, until time.Time, sent []time.Time) []time.Time {
		for clock.Now().Before(until) {
			if wait, ok := b.reserve(0); ok && wait == 0 {
				sent = append(sent, clock.Now())
				continue
			}
			clock.Advance(10 * time.Millisecond)
		}
		return sent
	}
	// The predecessor saves its burst, spends it and its refill up to a kill at 30 s...
	clock.Advance(time.Minute)
	killAt := clock.Now().Add(30 * time.Second)
	sent := spend(NewBudget(100, 5, clock.Now), killAt, nil)
	// ...and its successor starts at once and spends all it may for a minute.
	pool := NewPool(PoolOptions{RequestsPerMinute: 100, Burst: 5, Now: clock.Now, StartEmpty: true})
	c, err := pool.For("successor-key")
	if err != nil {
		t.Fatal(err)
	}
	sent = spend(c.budget, killAt.Add(time.Minute), sent)
	if n, from := busiestMinute(sent); n > 100 {
		t.Fatalf("%d requests in the 60s window from %s, across the restart; the limit is 100", n, from.Sub(start))
	}
}

// busiestMinute is the most requests of sent (in time order) in any 60-second window, and
// when that window starts.
func busiestMinute(sent []time.Time) (int, time.Time) {
	most, from := 0, time.Time{}
	for i := range sent {
		n := 0
		for j := i; j < len(sent) && sent[j].Sub(sent[i]) < time.Minute; j++ {
			n++
		}
		if n > most {
			most, from = n, sent[i]
		}
	}
	return most, from
}
