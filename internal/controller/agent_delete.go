package controller

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// reconcileDelete deletes the remote agent under deletionPolicy Delete (a 404 counts as
// done), keeps it under Orphan, and then releases the finalizer (design rule 7).
func (r *WassistAgentReconciler) reconcileDelete(ctx context.Context, s *agentScope) (ctrl.Result, error) {
	agent := s.agent
	if !controllerutil.ContainsFinalizer(agent, wassistv1alpha1.Finalizer) {
		s.deleted = true
		return ctrl.Result{}, nil
	}
	if agent.Spec.DeletionPolicy != wassistv1alpha1.DeletionPolicyOrphan {
		if err := r.deleteRemote(ctx, s); err != nil {
			return ctrl.Result{}, err
		}
	} else if id := agent.Annotations[wassistv1alpha1.AnnotationAgentID]; id != "" {
		r.event(agent, corev1.EventTypeNormal, "Orphaned", "Left remote agent %s in place (deletionPolicy: Orphan)", id)
	}
	if err := r.patchMetadata(ctx, agent, func(a *wassistv1alpha1.WassistAgent) {
		controllerutil.RemoveFinalizer(a, wassistv1alpha1.Finalizer)
	}); err != nil {
		return ctrl.Result{}, err
	}
	s.deleted = true
	return ctrl.Result{}, nil
}

func (r *WassistAgentReconciler) deleteRemote(ctx context.Context, s *agentScope) error {
	id := s.agent.Annotations[wassistv1alpha1.AnnotationAgentID]
	_, pending := s.agent.Annotations[wassistv1alpha1.AnnotationCreatePending]
	if id == "" && !pending {
		return nil // nothing was ever created
	}
	if err := r.deletionClient(ctx, s); err != nil {
		return err
	}
	if id == "" {
		// A create was interrupted: delete what it may have made.
		found, err := r.findByMarker(ctx, s)
		if err != nil || found == nil {
			return err
		}
		id = found.ID
	}
	if err := s.api.DeleteAgent(ctx, id); err != nil && !wassist.IsNotFound(err) {
		return err
	}
	r.event(s.agent, corev1.EventTypeNormal, "Deleted", "Deleted remote agent %s", id)
	return nil
}

// deletionClient resolves the API key; when its Secret is already gone (a namespace
// being torn down), it falls back to the client last used for this object's key.
func (r *WassistAgentReconciler) deletionClient(ctx context.Context, s *agentScope) error {
	err := r.resolveCredentials(ctx, s)
	if _, missing := errors.AsType[*credentialsError](err); !missing {
		return err
	}
	if keyID, ok := r.keyIDs.Load(s.agent.UID); ok {
		if api, ok := r.Wassist.Lookup(keyID.(string)); ok {
			s.api = api
			return nil
		}
	}
	return &credentialsError{reason: wassistv1alpha1.ReasonCredentialsMissing, msg: fmt.Sprintf(
		"cannot delete the remote agent: %v; restore the Secret, or set spec.deletionPolicy to Orphan "+
			"to finish the deletion and leave the remote agent in place", err)}
}
