package deployment

import (
	"context"
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// deploymentExternal reaches one WassistDeployment's number.
type deploymentExternal struct {
	api      *wassist.Client
	cache    client.Reader // the deployments that claim a number the deployment left
	dep      *wassistv1alpha1.WassistDeployment
	target   deploymentTarget
	recorder events.EventRecorder
	// ours are the routes (agents, webhooks) a deletion takes off the number (deploymentKind.routesOf).
	ours []string
}

var (
	_ external                                      = (*deploymentExternal)(nil)
	_ managed.Intender[deploymentView, numberState] = (*deploymentExternal)(nil)
)

// numberState is what a number says of its routing.
type numberState struct {
	serving  string // the route answering on it: an agent, a webhook, "" for none
	numberID string
	number   string // E.164 digits
}

// errNumbersNotCreated: a number is bought in WhatsApp, never created by the operator.
var errNumbersNotCreated = errors.New("WhatsApp numbers are not created by the operator")

// Observe reads who serves the number. A number the key does not know does not exist
// for it: the core says so, or that another key saw it last (docs/design.md, rule 14).
func (e *deploymentExternal) Observe(ctx context.Context, id string, d desired) (observation, error) {
	n, err := e.target.observe(ctx, e.api)
	if _, unknown := errors.AsType[*managed.WaitingError](err); unknown {
		return observation{ID: id}, nil
	}
	if err != nil {
		return observation{}, err
	}
	return e.observation(n, d), nil
}

// KeyFingerprint is that of the key the deployment acts with; none when a deletion has
// nothing to take off the number.
func (e *deploymentExternal) KeyFingerprint() string {
	if e.api == nil {
		return ""
	}
	return e.api.Fingerprint()
}

// observation compares the number with the desired state, and records which number it
// is: its digits are one of the names the deployment claims it by. A number other than
// the one the status described (the spec moved) was never routed by this deployment; the
// one it leaves keeps its route pending until it is unrouted. A number serving the spec
// settles what was pending on it, and is up to date once no former number is left.
func (e *deploymentExternal) observation(n numberState, d desired) observation {
	view := d.View
	st := &e.dep.Status
	if n.numberID != "" {
		if st.PhoneNumberID != n.numberID {
			leaveNumber(st)
		}
		st.PhoneNumber, st.PhoneNumberID = n.number, n.numberID
	}
	serves := n.serving == view.route && view.route != ""
	if serves || managed.Observing(e.dep) {
		// Under Observe the status reports what the number serves (status.takeover says
		// that it is only observed, see ownRoute).
		record(st, n.serving)
	}
	if serves && !managed.Observing(e.dep) {
		settledOn(st, st.PhoneNumber)
	}
	obs := observation{ID: e.target.id(), Exists: true, Remote: n}
	if !serves && view.route != "" {
		obs.Changes = []string{"route (the number serves " + describeServing(n.serving) + "; Full would route " +
			describeRoute(view.route) + ")"}
	}
	former := formerNumbers(*st)
	if len(former) > 0 && !managed.Observing(e.dep) {
		obs.Changes = append(obs.Changes, "unroute the numbers it moved from ("+fielddiff.List(former)+")")
	}
	obs.UpToDate = len(obs.Changes) == 0 && view.route != ""
	return obs
}

// seen is the number as obs saw it, with what that says written on the status: an
// observation the core hands over from an earlier reconcile (a budget wait) was made on
// the status as it was then, which the cache may not show yet.
func (e *deploymentExternal) seen(obs observation, d desired) numberState {
	n := obs.Remote
	e.observation(n, d)
	return n
}

// describeServing names what a number serves in messages.
func describeServing(route string) string {
	if route == "" {
		return "nothing"
	}
	return describeRoute(route)
}

// Update deploys the agent on the number and verifies it by reading the number back:
// the deploy answers are not documented. Until the read succeeds, what the number
// holds is unknown (an empty observation).
func (e *deploymentExternal) Update(ctx context.Context, obs observation, d desired) (observation, error) {
	view := d.View
	before := e.seen(obs, d)
	if before.serving == view.route {
		// The number serves the spec: what is left is taking the former numbers' routes off.
		return obs, e.moved(ctx)
	}
	if err := e.target.deploy(ctx, e.api, view.route, e.applyToExisting()); err != nil {
		return obs, err
	}
	if recordedRoute(e.dep.Status) == view.route && before.serving != "" {
		e.event(corev1.EventTypeWarning, "Redeployed", "%s was switched to %s outside the operator; routed it to %s again",
			e.target, describeRoute(before.serving), describeRoute(view.route))
	} else {
		e.event(corev1.EventTypeNormal, "Deployed", "Routed %s to %s", e.target, describeRoute(view.route))
	}
	n, err := e.target.observe(ctx, e.api)
	if err != nil {
		return observation{}, err
	}
	after := e.observation(n, d)
	if n.serving != view.route {
		return after, fmt.Errorf("after routing it to %s, %s still serves %q", describeRoute(view.route), e.target, n.serving)
	}
	return after, e.moved(ctx)
}

// moved finishes a move once the number serves the spec: the former numbers are
// unrouted, unless the deployment's policy is to leave what it made in place.
func (e *deploymentExternal) moved(ctx context.Context) error {
	if e.dep.Spec.DeletionPolicy != wassistv1alpha1.DeletionPolicyOrphan {
		return e.unrouteFormer(ctx)
	}
	for _, number := range formerNumbers(e.dep.Status) {
		e.event(corev1.EventTypeNormal, "Orphaned", "Left number %s routed as it was (deletionPolicy: Orphan)", number)
		settledOn(&e.dep.Status, number)
	}
	return nil
}

func (e *deploymentExternal) Find(context.Context, string, desired) ([]observation, error) {
	return nil, errNumbersNotCreated
}

func (e *deploymentExternal) Create(context.Context, string, desired) (observation, error) {
	return observation{}, errNumbersNotCreated
}

// Delete takes the agent off the number (docs/design.md, rule 7), through its digits,
// which an account-form target resolves to, and off the numbers a move left. When the
// status does not say the deployment routed the number, the number is read first: a
// deploy may have gone out without its outcome being written (a crash, a budget wait),
// and then it serves one of the deployment's routes (status.pendingRoutes has the one
// sent); serving any other, or nothing, it is someone else's and is left alone.
func (e *deploymentExternal) Delete(ctx context.Context, _ string) error {
	if len(e.ours) == 0 {
		return managed.ErrNothingToDelete
	}
	// A deletion during a move unroutes the numbers moved from too.
	if err := e.unrouteFormer(ctx); err != nil {
		return err
	}
	if ownRoute(e.dep.Status) == "" || !routedTarget(e.dep) || digitsOf(e.dep) == "" {
		n, err := e.target.observe(ctx, e.api)
		if _, unknown := errors.AsType[*managed.WaitingError](err); unknown {
			return managed.ErrNothingToDelete // the number is gone: nothing routes it any more
		}
		if err != nil {
			return err
		}
		if !slices.Contains(e.ours, n.serving) {
			return managed.ErrNothingToDelete
		}
		// Kept by a budget wait's status write: the next attempt need not read again.
		e.observation(n, desired{})
		record(&e.dep.Status, n.serving)
	}
	return unroute(ctx, e.api, digitsOf(e.dep), e.applyToExisting())
}

// applyToExisting is the spec's choice for the conversations running on the number; the
// API's default is true.
func (e *deploymentExternal) applyToExisting() bool {
	return ptr.Deref(e.dep.Spec.ApplyToExisting, true)
}

func (e *deploymentExternal) event(eventType, reason, note string, args ...any) {
	managed.Emit(e.recorder, e.dep, eventType, reason, note, args...)
}
