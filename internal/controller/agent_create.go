package controller

import (
	"context"
	"errors"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// agentMarker is the name an agent is created with: unique to the resource (its UID),
// so that a reconcile that lost the create's answer can find the agent it created. The
// real name is set by the PATCH that follows, once the id is safely stored.
func agentMarker(uid types.UID) string { return "wassist-operator-pending-" + string(uid) }

// createCrashSafe creates the remote agent so that no crash or lost answer can make two
// (design rule 2).
//  1. if an earlier attempt left create-pending, look for the agent it made by marker;
//  2. otherwise persist create-pending and the finalizer, in one patch that succeeds only
//     if the object is still at the version read: a cache behind an id (or a marker)
//     already stored fails it with a conflict instead of hiding it;
//  3. POST with the marker name;
//  4. persist the id (annotation) before anything else is sent.
func (r *WassistAgentReconciler) createCrashSafe(ctx context.Context, s *agentScope) (*wassist.Agent, error) {
	if _, pending := s.agent.Annotations[wassistv1alpha1.AnnotationCreatePending]; pending {
		found, err := r.findByMarker(ctx, s)
		if err != nil || found != nil {
			return found, err
		}
	} else if err := r.patchMetadataIfCurrent(ctx, s.agent, func(a *wassistv1alpha1.WassistAgent) {
		controllerutil.AddFinalizer(a, wassistv1alpha1.Finalizer)
		metav1SetAnnotation(a, wassistv1alpha1.AnnotationCreatePending, time.Now().UTC().Format(time.RFC3339))
	}); err != nil {
		return nil, err
	}

	created, err := s.api.CreateAgent(ctx, agentMarker(s.agent.UID))
	if err != nil {
		if certainlyNotCreated(err) {
			// Nothing was made: drop the marker so the next attempt need not list.
			_ = r.patchMetadata(ctx, s.agent, func(a *wassistv1alpha1.WassistAgent) {
				delete(a.Annotations, wassistv1alpha1.AnnotationCreatePending)
			})
		}
		return nil, err
	}
	if err := r.storeID(ctx, s, created.ID); err != nil {
		return nil, err
	}
	s.created = true
	r.event(s.agent, corev1.EventTypeNormal, "Created", "Created remote agent %s", created.ID)
	return created, nil
}

// neverCreated says the object has no remote agent and no create under way: nothing
// remote to compare, and its create starts with a write conditional on its version.
func neverCreated(agent *wassistv1alpha1.WassistAgent) bool {
	_, pending := agent.Annotations[wassistv1alpha1.AnnotationCreatePending]
	return !pending && agent.Annotations[wassistv1alpha1.AnnotationAgentID] == "" && agent.Status.AgentID == ""
}

// findByMarker adopts the agent an interrupted create made, if there is exactly one.
func (r *WassistAgentReconciler) findByMarker(ctx context.Context, s *agentScope) (*wassist.Agent, error) {
	agents, err := s.api.ListAgents(ctx)
	if err != nil {
		return nil, err
	}
	marker := agentMarker(s.agent.UID)
	var found []wassist.Agent
	for _, a := range agents {
		if a.Name == marker {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		if err := r.storeID(ctx, s, found[0].ID); err != nil {
			return nil, err
		}
		r.event(s.agent, corev1.EventTypeNormal, "Recovered",
			"Found remote agent %s created by an interrupted attempt; managing it instead of creating another", found[0].ID)
		return &found[0], nil
	default:
		ids := make([]string, 0, len(found))
		for _, a := range found {
			ids = append(ids, a.ID)
		}
		return nil, &createAmbiguousError{ids: ids}
	}
}

// storeID persists the agent id on the object (annotation first, status with the
// reconcile's status patch) and clears create-pending, in one metadata patch.
func (r *WassistAgentReconciler) storeID(ctx context.Context, s *agentScope, id string) error {
	if err := r.patchMetadata(ctx, s.agent, func(a *wassistv1alpha1.WassistAgent) {
		metav1SetAnnotation(a, wassistv1alpha1.AnnotationAgentID, id)
		delete(a.Annotations, wassistv1alpha1.AnnotationCreatePending)
	}); err != nil {
		return err
	}
	s.agent.Status.AgentID = id
	return nil
}

// certainlyNotCreated is true for failures where the API cannot have created the agent:
// the call was held back locally, or the API answered with a refusal.
func certainlyNotCreated(err error) bool {
	if _, ok := errors.AsType[*wassist.RateLimitedError](err); ok {
		return true
	}
	if apiErr, ok := errors.AsType[*wassist.APIError](err); ok {
		return apiErr.Status >= 400 && apiErr.Status < 500 && apiErr.Status != http.StatusRequestTimeout
	}
	return false
}

func metav1SetAnnotation(obj client.Object, key, value string) {
	a := obj.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[key] = value
	obj.SetAnnotations(a)
}
