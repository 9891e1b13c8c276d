package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Outbound triggers (docs/operations.md, "Outbound triggers"): Wassist generates each
// trigger's URL and secret, which the operator writes into the Secret the spec names, so
// that an app in the cluster can call the trigger. The operator creates that Secret, owned
// by the WassistAgent (garbage-collected with it), and never writes a Secret it did not
// create. A rotation on Wassist is seen by a hash of the credentials on the status.

// Keys of a trigger's Secret.
const (
	triggerURLKey    = "url"
	triggerSecretKey = "secret"
)

// triggerView is a trigger as the API writes it.
type triggerView struct {
	TemplateID   string
	TemplateName string `diff:",key"`
	Enabled      bool
}

// resolveTriggers reads the templates the triggers name: their ids and names, from the
// WassistTemplates of the namespace. While one does not exist or has no id yet, the
// triggers are left as they are on Wassist (the rest of the agent is applied) and the
// agent waits for it: a trigger list without it would erase a trigger live there.
func (k *agentKind) resolveTriggers(ctx context.Context, agent *wassistv1alpha1.WassistAgent, refs *resolvedRefs) error {
	if agent.Spec.OutboundTriggers == nil {
		return nil
	}
	triggers := map[string]triggerView{}
	for _, t := range agent.Spec.OutboundTriggers {
		v := specTrigger(t)
		if t.TemplateRef != nil {
			tpl := &wassistv1alpha1.WassistTemplate{}
			err := k.cache.Get(ctx, client.ObjectKey{Namespace: agent.Namespace, Name: t.TemplateRef.Name}, tpl)
			switch {
			case apierrors.IsNotFound(err):
				refs.missingTemplates = append(refs.missingTemplates, t.TemplateRef.Name)
				continue
			case err != nil:
				return err
			case tpl.Status.TemplateID == "":
				refs.pendingTemplates = append(refs.pendingTemplates, t.TemplateRef.Name)
				continue
			}
			v.TemplateID, v.TemplateName = tpl.Status.TemplateID, tpl.Spec.Name
		}
		triggers[t.SecretName] = v
	}
	if len(refs.missingTemplates)+len(refs.pendingTemplates) == 0 {
		refs.triggers = triggers
	}
	return nil
}

// pendingTemplatesMessage says which templates the triggers wait for, in the words a
// deployment uses for its agent.
func pendingTemplatesMessage(missing, pending []string) string {
	return "the outbound triggers are left as they are on Wassist: they name " +
		strings.Join(unresolved("WassistTemplate", "template id", missing, pending), ", and ") +
		"; they are written once every template they name has an id"
}

// specTrigger is a trigger as its spec names the template: by id and name; a templateRef
// is resolved by the caller.
func specTrigger(t wassistv1alpha1.AgentOutboundTrigger) triggerView {
	return triggerView{TemplateID: t.TemplateID, TemplateName: t.TemplateName, Enabled: isActive(t.Enabled)}
}

// triggerSecretsState names whether each trigger's Secret exists and is the agent's, for
// the hash: a Secret deleted (or replaced) by hand makes the agent due, and rewritten.
func (k *agentKind) triggerSecretsState(ctx context.Context, agent *wassistv1alpha1.WassistAgent) (string, error) {
	var parts []string
	for _, t := range agent.Spec.OutboundTriggers {
		meta, err := kit.SecretMetadata(ctx, k.cache, client.ObjectKey{Namespace: agent.Namespace, Name: t.SecretName})
		switch {
		case apierrors.IsNotFound(err):
			parts = append(parts, t.SecretName+"=absent")
		case err != nil:
			return "", err
		default:
			parts = append(parts, fmt.Sprintf("%s=%t", t.SecretName, metav1.IsControlledBy(meta, agent)))
		}
	}
	return strings.Join(parts, ","), nil
}

// remoteTriggerOf is the remote trigger of a template, if any.
func remoteTriggerOf(remote *wassist.Agent, templateID string) *wassist.AgentOutboundTrigger {
	for i := range remote.OutboundTriggers {
		if remote.OutboundTriggers[i].TemplateID == templateID {
			return &remote.OutboundTriggers[i]
		}
	}
	return nil
}

// credentialsHash names a trigger's URL and secret without revealing them.
func credentialsHash(t *wassist.AgentOutboundTrigger) string {
	sum := sha256.Sum256([]byte(t.URL + "\x00" + t.Secret))
	return hex.EncodeToString(sum[:12])
}

// triggersWritten says whether every trigger's Secret holds what Wassist has now.
func triggersWritten(agent *wassistv1alpha1.WassistAgent, remote *wassist.Agent, want agentView) bool {
	for secretName, v := range want.triggerSecrets {
		rt := remoteTriggerOf(remote, v.TemplateID)
		if rt == nil {
			return false
		}
		i := slices.IndexFunc(agent.Status.OutboundTriggers, func(s wassistv1alpha1.AgentOutboundTriggerStatus) bool {
			return s.SecretName == secretName
		})
		if i < 0 || agent.Status.OutboundTriggers[i].TriggerID != rt.ID ||
			agent.Status.OutboundTriggers[i].CredentialsHash != credentialsHash(rt) {
			return false
		}
	}
	return true
}

// writeTriggerSecrets writes each trigger's URL and secret into its Secret, where they
// differ from what the status says was written, and records what was.
func (e *agentExternal) writeTriggerSecrets(ctx context.Context, remote *wassist.Agent, want agentView) error {
	if want.triggerSecrets == nil {
		return nil
	}
	var written []wassistv1alpha1.AgentOutboundTriggerStatus
	for _, secretName := range slices.Sorted(maps.Keys(want.triggerSecrets)) {
		rt := remoteTriggerOf(remote, want.triggerSecrets[secretName].TemplateID)
		if rt == nil || rt.URL == "" || rt.Secret == "" {
			return fmt.Errorf("the API did not return the URL and secret of the trigger of template %s",
				want.triggerSecrets[secretName].TemplateName)
		}
		st := wassistv1alpha1.AgentOutboundTriggerStatus{SecretName: secretName, TriggerID: rt.ID, CredentialsHash: credentialsHash(rt)}
		i := slices.IndexFunc(e.agent.Status.OutboundTriggers, func(s wassistv1alpha1.AgentOutboundTriggerStatus) bool {
			return s.SecretName == secretName
		})
		if i < 0 || e.agent.Status.OutboundTriggers[i] != st || !e.secretIsOurs(ctx, secretName) {
			if err := e.writeTriggerSecret(ctx, secretName, rt); err != nil {
				return err
			}
			e.event("TriggerSecretWritten", "Wrote the URL and secret of the trigger of template %s to Secret %s",
				want.triggerSecrets[secretName].TemplateName, secretName)
		}
		written = append(written, st)
	}
	e.agent.Status.OutboundTriggers = written
	return nil
}

// secretIsOurs says whether the Secret exists and is controlled by the agent.
func (e *agentExternal) secretIsOurs(ctx context.Context, name string) bool {
	meta, err := kit.SecretMetadata(ctx, e.cache, client.ObjectKey{Namespace: e.agent.Namespace, Name: name})
	return err == nil && metav1.IsControlledBy(meta, e.agent)
}

// writeTriggerSecret creates the Secret, or updates one the agent controls; a Secret of
// that name the agent does not control is left alone, and the agent waits.
func (e *agentExternal) writeTriggerSecret(ctx context.Context, name string, rt *wassist.AgentOutboundTrigger) error {
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.agent.Namespace,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "wassist-operator"}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{triggerURLKey: []byte(rt.URL), triggerSecretKey: []byte(rt.Secret)},
	}
	if err := controllerutil.SetControllerReference(e.agent, secret, e.writer.Scheme()); err != nil {
		return err
	}
	err := e.writer.Create(ctx, secret)
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	existing, err := kit.SecretMetadata(ctx, e.reader, client.ObjectKeyFromObject(secret))
	if err != nil {
		return err
	}
	if !metav1.IsControlledBy(existing, e.agent) {
		return &managed.WaitingError{Reason: wassistv1alpha1.ReasonSecretNotOwned, Stalled: true, Message: "Secret " + name +
			" exists and was not created for this WassistAgent: the operator writes trigger credentials only into Secrets " +
			"it creates; name another Secret in secretName, or delete this one"}
	}
	data, err := json.Marshal(map[string]any{"data": secret.Data})
	if err != nil {
		return err
	}
	return e.writer.Patch(ctx, secret, client.RawPatch(types.MergePatchType, data))
}
