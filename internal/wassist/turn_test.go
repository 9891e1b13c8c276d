package wassist

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// Objects that cannot send at once each hold the next token and are told when it is due,
// one token apart; coming back then, each takes its token without waiting.
func TestUrgentTurnsHoldTheirTokensOneApartAndTakeThemOnReturn(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(61, 1, clock.Now) // one token a second
	if _, ok := b.reserveTurn(Turn{Holder: "first", Urgent: true}); !ok {
		t.Fatal("the first call of a full bucket waited")
	}
	var due []time.Duration
	for i := range 3 {
		wait, ok := b.reserveTurn(Turn{Holder: fmt.Sprint("o", i), Urgent: true})
		if ok {
			t.Fatalf("o%d went at once from an empty bucket", i)
		}
		due = append(due, wait)
	}
	token := time.Duration(float64(time.Second) / float64(b.limiter.Limit()))
	for i, d := range due {
		if want := time.Duration(i+1) * token; d < want-10*time.Millisecond || d > want+10*time.Millisecond {
			t.Fatalf("o%d is due in %s, want %s: held tokens must be one apart", i, d, want)
		}
	}
	if wait, ok := b.reserveTurn(Turn{Holder: "o1", Urgent: true}); ok || wait < 1900*time.Millisecond {
		t.Fatalf("o1 came back early and got %s, %v: its token is not due", wait, ok)
	}
	clock.Advance(2 * token)
	if wait, ok := b.reserveTurn(Turn{Holder: "o1", Urgent: true}); !ok || wait > TurnWait {
		t.Fatalf("o1 came back at its time and waited %s (ok %v)", wait, ok)
	}
	if len(b.holds) != 2 {
		t.Fatalf("%d holds left, want o0 and o2", len(b.holds))
	}
}

// A backlog of background work (a drift repair storm) holds only a few tokens, so that a
// user's change that comes after it is served after those few, not after the backlog.
func TestAnUrgentTurnGoesAheadOfABackgroundBacklog(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(61, 1, clock.Now)
	b.drain()
	var latest time.Duration
	for i := range 100 {
		wait, ok := b.reserveTurn(Turn{Holder: fmt.Sprint("repair", i)})
		if ok {
			t.Fatalf("repair %d went at once from an empty bucket", i)
		}
		latest = max(latest, wait)
	}
	if latest < 50*time.Second {
		t.Fatalf("the 100 repairs come back within %s: they are not spread over the ~100 s the key needs", latest)
	}
	wait, ok := b.reserveTurn(Turn{Holder: "edit", Urgent: true})
	token := time.Duration(float64(time.Second) / float64(b.limiter.Limit()))
	if ok || wait > time.Duration(maxBackgroundHolds+1)*token+10*time.Millisecond {
		t.Fatalf("the user's edit is due in %s behind the backlog, want at most %d tokens", wait, maxBackgroundHolds+1)
	}
}

// However objects come and go, and however late they come back for their tokens (a busy
// worker, a slow reconcile), a key never sends more than its limit in a minute.
func TestTurnsNeverExceedThePerMinuteLimitInAnyWindow(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	clock := &fakeClock{t: start}
	b := NewBudget(100, 5, clock.Now)
	dueAt := map[string]time.Time{}
	rng := rand.New(rand.NewPCG(1, 2))
	var sent []time.Time
	for clock.Now().Sub(start) < 3*time.Minute {
		for i := range 40 {
			holder := fmt.Sprint("o", i)
			if at, ok := dueAt[holder]; ok && clock.Now().Before(at) {
				continue
			}
			if wait, ok := b.reserveTurn(Turn{Holder: holder, Urgent: i%2 == 0}); ok {
				sent = append(sent, clock.Now().Add(wait))
				delete(dueAt, holder)
			} else {
				// A few come back late, by up to a second: a busy worker, a slow reconcile.
				late := time.Duration(0)
				if rng.IntN(8) == 0 {
					late = time.Duration(rng.Int64N(int64(time.Second)))
				}
				dueAt[holder] = clock.Now().Add(wait + late)
			}
		}
		clock.Advance(50 * time.Millisecond)
	}
	if n, from := busiestMinute(sent); n > 100 {
		t.Fatalf("%d requests in the 60 s from %s, the limit is 100", n, from.Sub(start))
	}
	if len(sent) < 240 {
		t.Fatalf("only %d requests in 3 minutes: turns waste the budget", len(sent))
	}
}

// An object that comes back long after its token's time finds it spent and waits for a new one.
func TestALateTurnQueuesAgain(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(61, 1, clock.Now)
	b.drain()
	wait, ok := b.reserveTurn(Turn{Holder: "late", Urgent: true})
	if ok {
		t.Fatal("an empty bucket served at once")
	}
	if _, ok := b.reserveTurn(Turn{Holder: "next", Urgent: true}); ok {
		t.Fatal("an empty bucket served at once")
	}
	clock.Advance(wait + 2*holdGrace)
	again, ok := b.reserveTurn(Turn{Holder: "late", Urgent: true})
	if ok {
		t.Fatalf("the token of a turn %s late was taken", 2*holdGrace)
	}
	if again <= TurnWait {
		t.Fatalf("the late turn is due again in %s: it must wait for a new token", again)
	}
}

// Objects that all come back long after their tokens' times (a manager that was stuck)
// do not send them all at once on top of the tokens that are due now.
func TestTurnsComingBackLateDoNotBurstOverTheLimit(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	clock := &fakeClock{t: start}
	b := NewBudget(100, 5, clock.Now)
	b.drain()
	for i := range 100 {
		b.reserveTurn(Turn{Holder: fmt.Sprint("o", i), Urgent: true})
	}
	clock.Advance(65 * time.Second)
	var sent []time.Time
	for clock.Now().Sub(start) < 3*time.Minute {
		for i := range 100 {
			if wait, ok := b.reserveTurn(Turn{Holder: fmt.Sprint("o", i), Urgent: true}); ok {
				sent = append(sent, clock.Now().Add(wait))
			}
		}
		clock.Advance(50 * time.Millisecond)
	}
	if n, from := busiestMinute(sent); n > 100 {
		t.Fatalf("%d requests in the 60 s from %s, the limit is 100", n, from.Sub(start))
	}
}

// A token taken by holdTurn (Client.reserve) is the one the object's next call spends:
// the call goes without waiting and without a second token, and an object that must
// wait is told when, holding its token as a call would.
func TestAHeldTurnIsSpentByTheObjectsNextCall(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(61, 1, clock.Now) // one token a second, burst 1
	mine := Turn{Holder: "mine", Urgent: true}
	if _, ok := b.holdTurn(mine, 1); !ok {
		t.Fatal("a full bucket made the reservation wait")
	}
	if _, ok := b.reserveTurn(Turn{Holder: "other", Urgent: true}); ok {
		t.Fatal("another object took a token: the reservation did not take the bucket's one token")
	}
	if wait, ok := b.reserveTurn(mine); !ok || wait > TurnWait {
		t.Fatalf("the reserving object's call waited %s (ok %v): it must spend its held token", wait, ok)
	}
	wait, ok := b.holdTurn(Turn{Holder: "late", Urgent: true}, 1)
	if ok || wait < time.Second {
		t.Fatalf("an empty bucket reserved at once (wait %s, ok %v)", wait, ok)
	}
	clock.Advance(wait)
	if _, ok := b.holdTurn(Turn{Holder: "late", Urgent: true}, 1); !ok {
		t.Fatal("the object came back at its time and found its token gone")
	}
	if w, ok := b.reserveTurn(Turn{Holder: "late", Urgent: true}); !ok || w > TurnWait {
		t.Fatalf("the call after a reservation at its time waited %s (ok %v)", w, ok)
	}
}

// A user's change that comes while repairs hold tokens takes the earliest of them: it is
// served at the key's next token, and the repair it displaced is told to come back later.
func TestAnUrgentTurnTakesTheEarliestTokenARepairHolds(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(61, 1, clock.Now)
	b.drain()
	due := map[string]time.Duration{}
	for i := range maxBackgroundHolds {
		holder := fmt.Sprint("repair", i)
		wait, _ := b.reserveTurn(Turn{Holder: holder})
		due[holder] = wait
	}
	token := time.Duration(float64(time.Second) / float64(b.limiter.Limit()))
	wait, ok := b.reserveTurn(Turn{Holder: "edit", Urgent: true})
	if ok || wait > due["repair0"]+10*time.Millisecond {
		t.Fatalf("the edit is due in %s; the earliest repair's token was due in %s", wait, due["repair0"])
	}
	if len(b.holds) != maxBackgroundHolds+1 {
		t.Fatalf("%d tokens held, want %d: taking one over must not reserve another", len(b.holds), maxBackgroundHolds+1)
	}
	clock.Advance(due["repair0"])
	if again, ok := b.reserveTurn(Turn{Holder: "repair0"}); ok || again < time.Duration(maxBackgroundHolds)*token-10*time.Millisecond {
		t.Fatalf("the displaced repair came back at its old time and was told %s (ok %v): its token went to the edit", again, ok)
	}
	if w, ok := b.reserveTurn(Turn{Holder: "edit", Urgent: true}); !ok || w > TurnWait {
		t.Fatalf("the edit came back at its time and waited %s (ok %v)", w, ok)
	}
}

// A create reserved with the call that follows it holds both tokens, due at once: coming
// back at their time, the create and the next call both go without waiting, and a third
// call waits for a token of its own. The bucket counted two tokens for it, no more.
func TestATwoCallHoldServesBothCallsAtItsTime(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(62, 2, clock.Now) // one token a second, burst 2
	b.drain()
	create := Turn{Holder: "create", Urgent: true}
	wait, ok := b.holdTurn(create, 2)
	token := time.Duration(float64(time.Second) / float64(b.limiter.Limit()))
	if ok || wait < 2*token-10*time.Millisecond {
		t.Fatalf("two tokens of an empty bucket are due in %s (ok %v), want %s", wait, ok, 2*token)
	}
	if other, _ := b.reserveTurn(Turn{Holder: "other", Urgent: true}); other < 3*token-10*time.Millisecond {
		t.Fatalf("the next object's token is due in %s, want %s: the hold took two tokens", other, 3*token)
	}
	if again, ok := b.holdTurn(create, 2); ok || again != wait {
		t.Fatalf("reserving again before the time was told %s (ok %v), want %s: the hold is the reservation", again, ok, wait)
	}
	clock.Advance(wait)
	for _, call := range []string{"the create", "the call after it"} {
		if w, ok := b.reserveTurn(create); !ok || w > TurnWait {
			t.Fatalf("%s waited %s (ok %v) at the hold's time", call, w, ok)
		}
	}
	if _, ok := b.reserveTurn(create); ok {
		t.Fatal("a third call went at once: a hold of two served three")
	}
}

// An edit does not take over a hold of two tokens: moved to the edit's later time, the
// two calls would go where the bucket counted one token, and the edit's one would go
// where it counted two.
func TestAnUrgentTurnLeavesAHoldOfTwoInPlace(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	b := NewBudget(62, 2, clock.Now)
	b.drain()
	recreate := Turn{Holder: "recreate"} // a background create: a remote agent deleted elsewhere
	due, _ := b.holdTurn(recreate, 2)
	if _, ok := b.reserveTurn(Turn{Holder: "edit", Urgent: true}); ok {
		t.Fatal("the edit went at once from an empty bucket")
	}
	if h := b.holds["recreate"]; !h.at.Equal(clock.Now().Add(due)) || h.calls != 2 {
		t.Fatalf("the two-token hold was moved to %s with %d calls, want %s with 2",
			h.at.Sub(clock.Now()), h.calls, due)
	}
}
