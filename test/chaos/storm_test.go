//go:build chaos

package chaos

import (
	"net/http"
	"slices"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// stormEvent is one thing that happens to the operator during the storm, at an offset
// from its start. n links the events of one story: a claim and its fate, a handoff pair.
type stormEvent struct {
	at   time.Duration
	kind string
	n    int
}

const (
	eventKill             = "kill"
	eventBurst            = "429-burst"
	eventEditAgent        = "edit-agent"
	eventEditDeployment   = "edit-deployment"
	eventDeleteAgent      = "delete-agent"
	eventClaim            = "claim"
	eventDeleteClaimant   = "delete-claimant"
	eventDeleteOwner      = "delete-owner"
	eventReplace          = "replace-without-id"
	eventHandoffPair      = "handoff-pair"
	eventDeleteDeployment = "delete-deployment"
	eventMoveDeployment   = "move-deployment"
	eventSwitchKey        = "switch-key"
	eventRestoreKey       = "restore-key"
)

// stormPlan is how many of each event the storm holds.
type stormPlan struct {
	storm                                         time.Duration
	restarts, bursts, edits, deletes, deployments int
	claims, replaces, stormPairs, firstStormPair  int
	deploymentDeletes, moves, switches            int
}

// schedule draws the storm's events from the seed. The kills fall one in each of
// `restarts` equal slots, so the manager is killed at random moments that still spread
// over the whole storm, creates and edits alike.
func schedule(p stormPlan) []stormEvent {
	at := func() time.Duration { return time.Duration(rng.Int64N(int64(p.storm))) }
	var events []stormEvent
	slot := p.storm / time.Duration(p.restarts)
	for k := range p.restarts {
		offset := slot/5 + time.Duration(rng.Int64N(int64(slot*7/10)))
		events = append(events, stormEvent{at: time.Duration(k)*slot + offset, kind: eventKill})
	}
	for range p.bursts {
		events = append(events, stormEvent{at: at(), kind: eventBurst})
	}
	for range p.edits {
		kind := eventEditAgent
		if p.deployments > 0 && rng.IntN(5) == 0 {
			kind = eventEditDeployment
		}
		events = append(events, stormEvent{at: at(), kind: kind})
	}
	for range p.deletes {
		events = append(events, stormEvent{at: at(), kind: eventDeleteAgent})
	}
	events = append(events, claimEvents(p)...)
	for range p.replaces {
		events = append(events, stormEvent{at: at(), kind: eventReplace})
	}
	for n := range p.stormPairs {
		events = append(events, stormEvent{at: at(), kind: eventHandoffPair, n: p.firstStormPair + n})
	}
	for range p.deploymentDeletes {
		events = append(events, stormEvent{at: at(), kind: eventDeleteDeployment})
	}
	for range p.moves {
		events = append(events, stormEvent{at: at(), kind: eventMoveDeployment})
	}
	events = append(events, switchEvents(p)...)
	slices.SortStableFunc(events, func(a, b stormEvent) int { return int(a.at - b.at) })
	return events
}

// claimEvents draws the duplicate claims and their fates: a third keep both resources, a
// third delete the newer one, a third the owner. A claim falls in the storm's fourth to
// sixth tenth, once the agents a claim may pick (not the deployments' targets, which the
// create wave reaches first) have ids, and its fate at least a tenth later.
func claimEvents(p stormPlan) []stormEvent {
	var events []stormEvent
	for n := range p.claims {
		claimAt := p.storm*3/10 + time.Duration(rng.Int64N(int64(p.storm*3/10)))
		events = append(events, stormEvent{at: claimAt, kind: eventClaim, n: n})
		fateAt := claimAt + p.storm/10 + time.Duration(rng.Int64N(int64(p.storm-claimAt-p.storm/10)))
		switch rng.IntN(3) {
		case 1:
			events = append(events, stormEvent{at: fateAt, kind: eventDeleteClaimant, n: n})
		case 2:
			events = append(events, stormEvent{at: fateAt, kind: eventDeleteOwner, n: n})
		}
	}
	return events
}

// switchEvents draws the key switches: a tenant's agents are pointed at another account's
// key in the storm's fourth to seventh tenth, and at their own key again 5 to 15 s later.
func switchEvents(p stormPlan) []stormEvent {
	var events []stormEvent
	for n := range p.switches {
		switchAt := p.storm*3/10 + time.Duration(rng.Int64N(int64(p.storm*4/10)))
		restoreAt := min(switchAt+5*time.Second+time.Duration(rng.Int64N(int64(10*time.Second))), p.storm)
		events = append(events, stormEvent{at: switchAt, kind: eventSwitchKey, n: n},
			stormEvent{at: restoreAt, kind: eventRestoreKey, n: n})
	}
	return events
}

// injectStormFaults makes the API fail as docs/chaos.md ("The storm") describes: 5xx and
// dropped connections on any request, and creates whose answer is lost after the agent was
// made. The 429 bursts come as storm events.
func injectStormFaults() {
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultError, Probability: *errorRateFlag, Status: http.StatusServiceUnavailable})
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultDrop, Probability: *dropRateFlag})
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Method: http.MethodPost, Route: "/agents/",
		Probability: *loseRateFlag})
}

// burst429 makes one key answer 429 to its next few requests, whatever its budget.
func burst429() {
	ns := namespaces[rng.IntN(len(namespaces))]
	// Count is drawn before RetryAfter, as it always was, so that a seed repeats its run.
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: keys[ns], Count: 3 + rng.IntN(10),
		RetryAfter: time.Duration(1+rng.IntN(4)) * time.Second})
}

// waitUntil waits for the storm's clock to reach an event; the storm's timeline is the
// test's input, not a synchronisation.
func waitUntil(t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
