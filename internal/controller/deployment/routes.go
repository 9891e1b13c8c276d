package deployment

import (
	"context"
	"errors"
	"slices"

	corev1 "k8s.io/api/core/v1"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
)

// A number change is a move (docs/design.md, rule 15): status.pendingRoutes keeps every
// route the deployment may have on a number besides the one its status records as
// current, until the number is read back serving the spec (the route sent to it) or is
// unrouted (a number moved away from). What is kept there is written before the request
// that may make it, or in the same status write as the change that would forget it.

// pendingRoute is a route the status keeps pending on a number.
func pendingRoute(number, route string) wassistv1alpha1.NumberRoute {
	p := wassistv1alpha1.NumberRoute{PhoneNumber: number}
	setRoute(&p.AgentID, &p.WebhookID, route)
	return p
}

// routeOfPending is the route a pending entry names.
func routeOfPending(p wassistv1alpha1.NumberRoute) string { return routeFrom(p.AgentID, p.WebhookID) }

// keepPending adds p to the status's pending routes, once; false when it was there.
func keepPending(st *wassistv1alpha1.WassistDeploymentStatus, p wassistv1alpha1.NumberRoute) bool {
	if p.PhoneNumber == "" || routeOfPending(p) == "" || slices.ContainsFunc(st.PendingRoutes, func(q wassistv1alpha1.NumberRoute) bool {
		return q.PhoneNumber == p.PhoneNumber && routeOfPending(q) == routeOfPending(p)
	}) {
		return false
	}
	st.PendingRoutes = append(st.PendingRoutes, p)
	return true
}

// leaveNumber keeps the route the deployment put on the number its status describes,
// which the spec no longer names: it is unrouted once the new number serves the spec.
func leaveNumber(st *wassistv1alpha1.WassistDeploymentStatus) {
	left := pendingRoute(st.PhoneNumber, ownRoute(*st))
	left.Confirmed = true // the status recorded it: the number was seen serving it
	keepPending(st, left)
	st.AgentID, st.WebhookID = "", ""
}

// settledOn drops what was pending on number, which now serves the spec.
func settledOn(st *wassistv1alpha1.WassistDeploymentStatus, number string) {
	st.PendingRoutes = slices.DeleteFunc(st.PendingRoutes, func(p wassistv1alpha1.NumberRoute) bool {
		return p.PhoneNumber == number
	})
}

// formerNumbers are the pending numbers other than the current one: moved away from,
// not unrouted yet.
func formerNumbers(st wassistv1alpha1.WassistDeploymentStatus) []string {
	var numbers []string
	for _, p := range st.PendingRoutes {
		if p.PhoneNumber != st.PhoneNumber && !slices.Contains(numbers, p.PhoneNumber) {
			numbers = append(numbers, p.PhoneNumber)
		}
	}
	return numbers
}

// Intend writes the route Update is about to send on the number before it is sent
// (managed.Intender[deploymentView, numberState]): if the answer is lost, or the manager dies before the number is
// read back, a deletion still finds it and unroutes it.
func (e *deploymentExternal) Intend(obs observation, d desired) bool {
	view := d.View
	before := e.seen(obs, d)
	if before.serving == view.route {
		return false // nothing to send: only former numbers to unroute
	}
	return keepPending(&e.dep.Status, pendingRoute(e.dep.Status.PhoneNumber, view.route))
}

// unrouteFormer takes each former number's route off it, unless another deployment
// claims the number (it is that one's to route) or, for a route never seen there (sent
// before a crash), the number serves something else. Each is dropped from the status once
// settled, and a route read there is marked confirmed, so that a budget wait or a
// failure halfway resumes where it stopped without reading again.
func (e *deploymentExternal) unrouteFormer(ctx context.Context) error {
	for _, number := range formerNumbers(e.dep.Status) {
		if err := e.unrouteFormerNumber(ctx, number); err != nil {
			return err
		}
		settledOn(&e.dep.Status, number)
	}
	return nil
}

func (e *deploymentExternal) unrouteFormerNumber(ctx context.Context, number string) error {
	claimed, err := managed.Claimed(ctx, e.cache, kit.DeploymentList(), "number:"+number)
	if err != nil || claimed {
		return err
	}
	route, ok, err := e.confirmedRoute(ctx, number)
	if err != nil || !ok {
		return err
	}
	if err := unroute(ctx, e.api, number, e.applyToExisting()); err != nil {
		return err
	}
	e.event(corev1.EventTypeNormal, "Unrouted", "Took %s off number %s, which the deployment no longer names",
		describeRoute(route), number)
	return nil
}

// confirmedRoute is the route of the deployment's that number serves: a confirmed one
// as it is, else as read (and then confirmed on the status); false when it serves none
// of them, or is gone.
func (e *deploymentExternal) confirmedRoute(ctx context.Context, number string) (string, bool, error) {
	st := &e.dep.Status
	for _, p := range st.PendingRoutes {
		if p.PhoneNumber == number && p.Confirmed {
			return routeOfPending(p), true, nil
		}
	}
	n, err := deploymentTarget{phoneNumber: number}.observe(ctx, e.api)
	if _, unknown := errors.AsType[*managed.WaitingError](err); unknown {
		return "", false, nil // gone from the account: nothing routes it any more
	}
	if err != nil {
		return "", false, err
	}
	for i, p := range st.PendingRoutes {
		if p.PhoneNumber == number && routeOfPending(p) == n.serving {
			st.PendingRoutes[i].Confirmed = true
			return n.serving, true, nil
		}
	}
	return "", false, nil // serves something else by now
}
